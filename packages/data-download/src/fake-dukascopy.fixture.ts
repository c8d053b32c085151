import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Price units of the fake's instruments (5 decimals, as EURUSD). */
export const FAKE_MULTIPLIER = 0.00001;

/** One tick of the fake, in price units and raw volumes (Dukascopy sends tick volumes in units). */
export interface FakeTick {
  readonly tsMs: number;
  readonly bidUnits: number;
  readonly askUnits: number;
  readonly bidVolume: number;
  readonly askVolume: number;
}

/** One candle of the fake, in price units; volume in millions (as Dukascopy sends candle volumes). */
export interface FakeCandle {
  readonly tsMs: number;
  readonly openUnits: number;
  readonly highUnits: number;
  readonly lowUnits: number;
  readonly closeUnits: number;
  readonly volume: number;
}

/** Saturdays are closed: the fake answers 404 for their files, as for a period without data. */
function closed(tsMs: number): boolean {
  return new Date(tsMs).getUTCDay() === 6;
}

/** The ticks of the hour starting at `hourMs`: three, at fixed offsets, priced from the hour's index. */
export function fakeTicks(hourMs: number): FakeTick[] {
  if (closed(hourMs)) return [];
  const n = (hourMs / HOUR) % 50;
  return [1_250, 1_200_500, 2_430_000].map((offset, k) => ({
    tsMs: hourMs + offset,
    bidUnits: 110_000 + n + k,
    askUnits: 110_002 + n + k,
    bidVolume: 1_500_000,
    askVolume: 750_000 + 250_000 * k,
  }));
}

/**
 * The candles of `[startMs, endMs)` every `shiftMs`: one per period except every tenth (a gap the
 * decoder fills with a flat candle that downloads leave out) and none on Saturdays.
 */
export function fakeCandles(startMs: number, endMs: number, shiftMs: number): FakeCandle[] {
  const out: FakeCandle[] = [];
  for (let t = startMs; t < endMs; t += shiftMs) {
    const i = t / shiftMs;
    if (closed(t) || i % 10 === 9) continue;
    const open = 110_000 + (i % 30);
    out.push({
      tsMs: t,
      openUnits: open,
      highUnits: open + 3,
      lowUnits: open - 2,
      closeUnits: open + 1,
      volume: 1 + (i % 4) * 0.25,
    });
  }
  return out;
}

/** Deltas of a column from `base`, as Dukascopy encodes it. */
function deltas(values: readonly number[], base: number): number[] {
  let previous = base;
  return values.map((v) => {
    const d = v - previous;
    previous = v;
    return d;
  });
}

/**
 * A local stand-in for Dukascopy's history API (the one dukascopy-node 1.50 reads) on 127.0.0.1:
 * `GET /v1/ticks/{CODE}/{year}/{month}/{day}/{hour}` and
 * `GET /v1/candles/{minute|hour|day}/{CODE}/{BID|ASK}/{year}[/{month}[/{day}]]`, answering the
 * delta-encoded JSON its decoder reads (`timestamp`, `multiplier`, base prices, then per row the time
 * delta and the price deltas in units of `multiplier`; candles also `shift`, the period in ms).
 * Months are 1-based in paths. The prices are {@link fakeTicks} and {@link fakeCandles}.
 */
export class FakeDukascopyServer {
  readonly requests: string[] = [];
  #server: Server | undefined;

  /** Listens on a free port of 127.0.0.1; returns the API root (`http://127.0.0.1:PORT/v1`). */
  async start(): Promise<string> {
    const server = createServer((req, res) => this.#answer(req, res));
    this.#server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }

  #answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.requests.push(path);
    const parts = path.split('/').filter((p) => p !== '');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const num = (i: number) => Number(parts[i]);
    if (parts[0] !== 'v1') {
      json(404, {});
      return;
    }
    if (parts[1] === 'ticks' && parts.length === 7) {
      const hourMs = Date.UTC(num(3), num(4) - 1, num(5), num(6));
      const ticks = fakeTicks(hourMs);
      if (ticks.length === 0) {
        json(404, {});
        return;
      }
      json(200, {
        timestamp: hourMs,
        multiplier: FAKE_MULTIPLIER,
        ask: 110_000 * FAKE_MULTIPLIER,
        bid: 110_000 * FAKE_MULTIPLIER,
        times: deltas(
          ticks.map((t) => t.tsMs),
          hourMs,
        ),
        asks: deltas(
          ticks.map((t) => t.askUnits),
          110_000,
        ),
        bids: deltas(
          ticks.map((t) => t.bidUnits),
          110_000,
        ),
        askVolumes: ticks.map((t) => t.askVolume),
        bidVolumes: ticks.map((t) => t.bidVolume),
      });
      return;
    }
    if (parts[1] === 'candles') {
      const source = parts[2];
      const y = num(5);
      const range =
        source === 'minute' && parts.length === 8
          ? {
              start: Date.UTC(y, num(6) - 1, num(7)),
              end: Date.UTC(y, num(6) - 1, num(7)) + DAY,
              shift: 60_000,
            }
          : source === 'hour' && parts.length === 7
            ? { start: Date.UTC(y, num(6) - 1, 1), end: Date.UTC(y, num(6), 1), shift: HOUR }
            : source === 'day' && parts.length === 6
              ? { start: Date.UTC(y, 0, 1), end: Date.UTC(y + 1, 0, 1), shift: DAY }
              : undefined;
      if (range === undefined) {
        json(404, {});
        return;
      }
      const candles = fakeCandles(range.start, range.end, range.shift);
      if (candles.length === 0) {
        json(404, {});
        return;
      }
      const first = candles[0] as FakeCandle;
      let previous = range.start;
      const times = candles.map((c) => {
        const d = (c.tsMs - previous) / range.shift;
        previous = c.tsMs;
        return d;
      });
      json(200, {
        timestamp: range.start,
        multiplier: FAKE_MULTIPLIER,
        shift: range.shift,
        open: first.openUnits * FAKE_MULTIPLIER,
        high: first.highUnits * FAKE_MULTIPLIER,
        low: first.lowUnits * FAKE_MULTIPLIER,
        close: first.closeUnits * FAKE_MULTIPLIER,
        times,
        opens: deltas(
          candles.map((c) => c.openUnits),
          first.openUnits,
        ),
        highs: deltas(
          candles.map((c) => c.highUnits),
          first.highUnits,
        ),
        lows: deltas(
          candles.map((c) => c.lowUnits),
          first.lowUnits,
        ),
        closes: deltas(
          candles.map((c) => c.closeUnits),
          first.closeUnits,
        ),
        volumes: candles.map((c) => c.volume),
      });
      return;
    }
    json(404, {});
  }
}
