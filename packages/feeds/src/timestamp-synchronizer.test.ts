import { type Alert, ManualClock, Rng, type Tick } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PriceFeed } from './price-feed.js';
import { TimestampSynchronizer } from './timestamp-synchronizer.js';

const tick = (symbol: string, tsMs: number): Tick => ({ symbol, tsMs, price: 1, source: `test:${symbol}` });

/** A test feed over an array; optional seeded async delays (in microtask hops) between ticks. */
class ArrayFeed implements PriceFeed {
  constructor(
    readonly name: string,
    readonly ticks: readonly Tick[],
    readonly delays?: Rng,
    readonly hangAtEnd = false,
  ) {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async *[Symbol.asyncIterator](): AsyncIterator<Tick> {
    for (const t of this.ticks) {
      const hops = this.delays ? this.delays.int(0, 5) : 0;
      for (let h = 0; h < hops; h++) await Promise.resolve();
      yield t;
    }
    if (this.hangAtEnd) await new Promise(() => {});
  }
}

async function collect(feed: AsyncIterable<Tick>, limit = Number.POSITIVE_INFINITY): Promise<Tick[]> {
  const out: Tick[] = [];
  for await (const t of feed) {
    out.push(t);
    if (out.length >= limit) break;
  }
  return out;
}

const ids = (ticks: readonly Tick[]): string[] => ticks.map((t) => `${t.symbol}${t.tsMs}`);

describe('TimestampSynchronizer', () => {
  it('merges sorted feeds into one time-ordered stream, ties in feed order', async () => {
    const a = new ArrayFeed('a', [tick('A', 1), tick('A', 4), tick('A', 4), tick('A', 9)]);
    const b = new ArrayFeed('b', [tick('B', 2), tick('B', 4), tick('B', 10)]);
    const c = new ArrayFeed('c', [tick('C', 0), tick('C', 11)]);
    const merged = await collect(new TimestampSynchronizer([a, b, c]));
    expect(ids(merged)).toEqual(['C0', 'A1', 'B2', 'A4', 'A4', 'B4', 'A9', 'B10', 'C11']);
  });

  it('gives the same output whatever the read timing of the sources', async () => {
    const make = (seed: number): Promise<Tick[]> =>
      collect(
        new TimestampSynchronizer([
          new ArrayFeed(
            'a',
            [1, 3, 3, 8, 20].map((t) => tick('A', t)),
            new Rng(seed).fork('a'),
          ),
          new ArrayFeed(
            'b',
            [2, 3, 5, 8, 13].map((t) => tick('B', t)),
            new Rng(seed).fork('b'),
          ),
        ]),
      );
    const first = ids(await make(1));
    for (const seed of [2, 3, 4, 5]) expect(ids(await make(seed))).toEqual(first);
    expect(first).toEqual(['A1', 'B2', 'A3', 'A3', 'B3', 'B5', 'A8', 'B8', 'B13', 'A20']);
  });

  it('reorders a source that is out of order within the allowed lateness', async () => {
    const a = new ArrayFeed(
      'a',
      [10, 30, 25, 40].map((t) => tick('A', t)),
    );
    const b = new ArrayFeed(
      'b',
      [20, 28, 50].map((t) => tick('B', t)),
    );
    const merged = await collect(new TimestampSynchronizer([a, b], { allowedLatenessMs: 10 }));
    expect(ids(merged)).toEqual(['A10', 'B20', 'A25', 'B28', 'A30', 'A40', 'B50']);
  });

  it('alerts and drops a tick later than the watermark instead of reordering it', async () => {
    const alerts: Alert[] = [];
    const a = new ArrayFeed(
      'a',
      [10, 30, 15, 40].map((t) => tick('A', t)),
    );
    const b = new ArrayFeed(
      'b',
      [20, 50].map((t) => tick('B', t)),
    );
    const sync = new TimestampSynchronizer([a, b], { allowedLatenessMs: 10, onAlert: (x) => alerts.push(x) });
    const merged = await collect(sync);
    expect(ids(merged)).toEqual(['A10', 'B20', 'A30', 'A40', 'B50']);
    expect(alerts).toEqual([
      expect.objectContaining({
        code: 'FEED_LATE_TICK',
        level: 'warn',
        tsMs: 15,
        context: expect.objectContaining({ feed: 'a', watermarkMs: 20, allowedLatenessMs: 10 }),
      }),
    ]);
    expect(sync.lateTicks).toBe(1);
  });

  it('throws FEED_LATE_TICK for a late tick under reject', async () => {
    const a = new ArrayFeed(
      'a',
      [10, 5].map((t) => tick('A', t)),
    );
    await expect(collect(new TimestampSynchronizer([a], { policy: 'reject' }))).rejects.toMatchObject({
      code: 'FEED_LATE_TICK',
    });
  });

  it('stops waiting for a silent live source after the idle timeout', async () => {
    const clock = new ManualClock(0);
    const sleep = async (ms: number): Promise<void> => clock.advance(ms);
    const a = new ArrayFeed(
      'a',
      [1, 2, 3].map((t) => tick('A', t)),
    );
    const silent = new ArrayFeed('silent', [], undefined, true);
    const merged = await collect(
      new TimestampSynchronizer([a, silent], { idleTimeoutMs: 1000, clock, sleep }),
      3,
    );
    expect(ids(merged)).toEqual(['A1', 'A2', 'A3']);
  });

  it('emits every tick of in-order sources exactly once, sorted (property)', async () => {
    const sortedTimes = fc
      .array(fc.integer({ min: 0, max: 200 }), { maxLength: 30 })
      .map((xs) => xs.sort((x, y) => x - y));
    await fc.assert(
      fc.asyncProperty(
        fc.array(sortedTimes, { minLength: 1, maxLength: 4 }),
        fc.integer(),
        async (sources, seed) => {
          const feeds = sources.map(
            (times, i) =>
              new ArrayFeed(
                `f${i}`,
                times.map((t) => tick(`S${i}`, t)),
                new Rng(seed).fork(`f${i}`),
              ),
          );
          const merged = await collect(new TimestampSynchronizer(feeds));
          const expected = sources
            .flatMap((times, i) => times.map((t) => ({ t, i })))
            .sort((x, y) => x.t - y.t || x.i - y.i)
            .map(({ t, i }) => `S${i}${t}`);
          return JSON.stringify(ids(merged)) === JSON.stringify(expected);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});
