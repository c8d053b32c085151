import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Binance's kline intervals the fake serves, in ms. */
const INTERVAL_MS: Readonly<Record<string, number>> = {
  '1s': 1_000,
  '1m': 60_000,
  '5m': 300_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

/** One kline of the fake's market, a closed form of its open time (so tests know every number). */
export function fakeKline(
  openTime: number,
  intervalMs: number,
): {
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
} {
  const n = Math.floor(openTime / intervalMs) % 1000;
  const open = 42_000 + n;
  return {
    open: `${open}.01000000`,
    high: `${open + 5}.50000000`,
    low: `${open - 3}.25000000`,
    close: `${open + 1}.75000000`,
    volume: `${(n % 7) + 1}.12500000`,
  };
}

/** Options of {@link FakeBinanceServer}. */
export interface FakeBinanceOptions {
  /** Symbols it knows (others: HTTP 400, code -1121). Default BTCUSDT. */
  readonly symbols?: readonly string[];
  /** No kline opens before this time (the listing date). Default 0. */
  readonly listedFromMs?: number;
  /** The first klines request is answered 429 with `Retry-After: 3`. */
  readonly rateLimitOnce?: boolean;
  /** After this many successful klines requests, every request is answered 500 (a failing server). */
  readonly failAfter?: number;
}

/**
 * A local stand-in for Binance's public REST API on 127.0.0.1: `GET /api/v3/klines` with
 * `symbol`, `interval`, `startTime`, `endTime` (inclusive, as Binance) and `limit` (default 500, at
 * most 1000), answering arrays of arrays with prices as strings, the used weight in
 * `X-MBX-USED-WEIGHT-1M` (2 per request), 400 `{"code":-1121}` for an unknown symbol and, when
 * asked, one 429 with `Retry-After` or a run of 500s.
 */
export class FakeBinanceServer {
  /** Every request's path and query, in order. */
  readonly requests: string[] = [];
  failAfter: number | undefined;
  readonly #options: FakeBinanceOptions;
  #server: Server | undefined;
  #served = 0;
  #limited = false;

  constructor(options: FakeBinanceOptions = {}) {
    this.#options = options;
    this.failAfter = options.failAfter;
  }

  /** Listens on a free port of 127.0.0.1; returns the base URL (`http://127.0.0.1:PORT`). */
  async start(): Promise<string> {
    const server = createServer((req, res) => this.#answer(req, res));
    this.#server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }

  #answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.requests.push(`${url.pathname}${url.search}`);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/api/v3/klines') {
      json(404, { code: -1, msg: 'not found' });
      return;
    }
    if (this.#options.rateLimitOnce && !this.#limited) {
      this.#limited = true;
      json(429, { code: -1003, msg: 'Too many requests.' }, { 'retry-after': '3' });
      return;
    }
    if (this.failAfter !== undefined && this.#served >= this.failAfter) {
      json(500, { code: -1000, msg: 'An unknown error occurred.' });
      return;
    }
    const q = url.searchParams;
    const symbol = q.get('symbol') ?? '';
    if (!(this.#options.symbols ?? ['BTCUSDT']).includes(symbol)) {
      json(400, { code: -1121, msg: 'Invalid symbol.' });
      return;
    }
    const intervalMs = INTERVAL_MS[q.get('interval') ?? ''];
    if (intervalMs === undefined) {
      json(400, { code: -1120, msg: 'Invalid interval.' });
      return;
    }
    const limit = Math.min(Number(q.get('limit') ?? 500), 1000);
    const startTime = Number(q.get('startTime') ?? 0);
    const endTime = Number(q.get('endTime') ?? Number.MAX_SAFE_INTEGER);
    const listed = this.#options.listedFromMs ?? 0;
    const rows: unknown[] = [];
    let t = Math.ceil(Math.max(startTime, listed) / intervalMs) * intervalMs;
    for (; t <= endTime && rows.length < limit; t += intervalMs) {
      const k = fakeKline(t, intervalMs);
      rows.push([t, k.open, k.high, k.low, k.close, k.volume, t + intervalMs - 1, '0', 10, '0', '0', '0']);
    }
    this.#served++;
    json(200, rows, { 'x-mbx-used-weight-1m': String(2 * this.#served) });
  }
}
