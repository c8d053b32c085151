/** Test support: a local server speaking Binance's stream format on 127.0.0.1 (tests only). */
import { type WebSocket, WebSocketServer } from 'ws';

/** A local server speaking Binance's combined-stream format on 127.0.0.1. */
export class FakeBinance {
  readonly server: WebSocketServer;
  readonly urls: string[] = [];
  readonly sockets: WebSocket[] = [];
  readonly received: string[] = [];
  pongs = 0;
  pings = 0;
  #onConnect: ((ws: WebSocket, n: number) => void) | undefined;

  constructor() {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.server.on('connection', (ws, req) => {
      this.urls.push(req.url ?? '');
      this.sockets.push(ws);
      ws.on('pong', () => this.pongs++);
      ws.on('ping', () => this.pings++);
      ws.on('message', (m) => this.received.push(m.toString()));
      this.#onConnect?.(ws, this.sockets.length);
    });
  }

  onConnect(fn: (ws: WebSocket, n: number) => void): void {
    this.#onConnect = fn;
  }

  async ready(): Promise<string> {
    if (this.server.address() === null) await new Promise((r) => this.server.once('listening', r));
    const address = this.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    return `ws://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise((r) => this.server.close(r));
  }
}

/** Documented spot trade payload (wrapped in the combined-stream envelope). */
export const trade = (symbol: string, id: number, price: string, qty: string, tradeTimeMs: number): string =>
  JSON.stringify({
    stream: `${symbol.toLowerCase()}@trade`,
    data: {
      e: 'trade',
      E: tradeTimeMs + 1,
      s: symbol,
      t: id,
      p: price,
      q: qty,
      T: tradeTimeMs,
      m: true,
      M: true,
    },
  });

/** Documented spot bookTicker payload (no event time on spot). */
export const bookTicker = (symbol: string, u: number, bid: string, ask: string): string =>
  JSON.stringify({
    stream: `${symbol.toLowerCase()}@bookTicker`,
    data: { u, s: symbol, b: bid, B: '31.21000000', a: ask, A: '40.66000000' },
  });
