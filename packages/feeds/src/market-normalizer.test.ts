import type { Alert } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarketNormalizer, type RawTick, spreadOf } from './market-normalizer.js';

const raw = (tsMs: number, price: number | undefined, extra: Partial<RawTick> = {}): RawTick => ({
  symbol: 'eurusd',
  tsMs,
  price,
  source: 'test',
  ...extra,
});

describe('MarketNormalizer', () => {
  it('computes the mid from bid and ask and upper-cases the symbol', () => {
    const n = new MarketNormalizer();
    expect(n.normalize(raw(1, undefined, { bid: 1.1, ask: 1.1002 }))).toEqual({
      symbol: 'EURUSD',
      tsMs: 1,
      price: (1.1 + 1.1002) / 2,
      bid: 1.1,
      ask: 1.1002,
      source: 'test',
    });
  });

  it('reports the quoted spread of a tick', () => {
    expect(spreadOf({ symbol: 'X', tsMs: 1, price: 1, bid: 0.99, ask: 1.01, source: 's' })).toBeCloseTo(
      0.02,
      15,
    );
    expect(spreadOf({ symbol: 'X', tsMs: 1, price: 1, source: 's' })).toBeUndefined();
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['zero', 0],
    ['a negative', -1.2],
  ])('rejects a %s price with FEED_BAD_PRICE naming the source and line', (_label, price) => {
    const n = new MarketNormalizer();
    expect(() => n.normalize(raw(1, price), { file: 'ticks.csv', line: 7 })).toThrow(
      expect.objectContaining({
        code: 'FEED_BAD_PRICE',
        context: expect.objectContaining({ source: 'test', file: 'ticks.csv', line: 7, field: 'price' }),
      }),
    );
  });

  it.each([
    ['price 1e308', raw(1, 1e308), 'price'],
    ['price 1e-300', raw(1, 1e-300), 'price'],
    ['bid 1e300', raw(1, undefined, { bid: 1e300, ask: 1e301 }), 'bid'],
    ['ask 2e12', raw(1, undefined, { bid: 1, ask: 2e12 }), 'ask'],
    ['volume 1e300', raw(1, 1.1, { volume: 1e300 }), 'volume'],
  ])('rejects a finite but absurd %s with FEED_BAD_PRICE naming the field', (_label, tick, field) => {
    const n = new MarketNormalizer();
    expect(() => n.normalize(tick, { file: 'ticks.csv', line: 9 })).toThrow(
      expect.objectContaining({
        code: 'FEED_BAD_PRICE',
        shortMessage: expect.stringMatching(new RegExp(`^${field} is .* at ticks\\.csv:9$`)),
        context: expect.objectContaining({ file: 'ticks.csv', line: 9, field }),
      }),
    );
  });

  it('accepts prices at the edges of the plausible range and a range widened by options', () => {
    const n = new MarketNormalizer();
    const wide = new MarketNormalizer({ maxPrice: 1e14 });
    expect([
      n.normalize(raw(1, 1e-12))?.price,
      n.normalize(raw(2, 1e12))?.price,
      wide.normalize(raw(1, 5e13))?.price,
    ]).toEqual([1e-12, 1e12, 5e13]);
    expect(() => new MarketNormalizer({ minPrice: 0 })).toThrow(
      expect.objectContaining({ code: 'FEED_BAD_OPTION' }),
    );
  });

  it('rejects ask below bid as a crossed book', () => {
    const n = new MarketNormalizer();
    expect(() => n.normalize(raw(1, undefined, { bid: 1.2, ask: 1.1 }), { message: '{"b":"1.2"}' })).toThrow(
      expect.objectContaining({
        code: 'FEED_CROSSED_BOOK',
        context: expect.objectContaining({ message: '{"b":"1.2"}' }),
      }),
    );
  });

  it('rejects a tick older than the previous one', () => {
    const n = new MarketNormalizer();
    n.normalize(raw(10, 1.1));
    expect(() => n.normalize(raw(9, 1.1))).toThrow(expect.objectContaining({ code: 'FEED_NON_MONOTONIC' }));
  });

  it('rejects an exact duplicate but accepts a new price at the same timestamp', () => {
    const n = new MarketNormalizer();
    n.normalize(raw(10, 1.1));
    expect(n.normalize(raw(10, 1.1001))?.price).toBe(1.1001);
    expect(() => n.normalize(raw(10, 1.1001))).toThrow(expect.objectContaining({ code: 'FEED_DUPLICATE' }));
  });

  it('rejects a spike beyond k times the recent volatility after warm-up', () => {
    const n = new MarketNormalizer({ spikeMultiple: 10, volWarmup: 20, minSpikeLogReturn: 0 });
    let p = 100;
    // Alternating +-0.1 % moves: sigma of log returns ~ 0.001, so the 10-sigma limit is ~1 %.
    for (let i = 0; i < 40; i++) {
      p *= i % 2 === 0 ? 1.001 : 1 / 1.001;
      n.normalize(raw(i, p));
    }
    expect(n.normalize(raw(50, p * 1.005))?.price).toBeCloseTo(p * 1.005, 12);
    expect(() => n.normalize(raw(51, p * 1.005 * 1.03))).toThrow(
      expect.objectContaining({ code: 'FEED_SPIKE' }),
    );
  });

  it('skips bad ticks under skip-and-alert, alerting each and keeping the good ones', () => {
    const alerts: Alert[] = [];
    const n = new MarketNormalizer({ policy: 'skip-and-alert', onAlert: (a) => alerts.push(a) });
    const out = [raw(1, 1.1), raw(2, Number.NaN), raw(3, 1.2), raw(2, 1.2), raw(4, 1.3)].map(
      (t) => n.normalize(t)?.price,
    );
    expect(out).toEqual([1.1, undefined, 1.2, undefined, 1.3]);
    expect(alerts.map((a) => [a.code, a.level, a.source])).toEqual([
      ['FEED_BAD_PRICE', 'warn', 'MarketNormalizer'],
      ['FEED_NON_MONOTONIC', 'warn', 'MarketNormalizer'],
    ]);
    expect(n.accepted).toBe(3);
    expect(n.dropped).toBe(2);
  });

  it('accepts a genuine level shift after the configured number of confirming spikes', () => {
    const alerts: Alert[] = [];
    const n = new MarketNormalizer({
      policy: 'skip-and-alert',
      onAlert: (a) => alerts.push(a),
      spikeMultiple: 10,
      acceptLevelShiftAfter: 3,
    });
    let p = 1;
    for (let i = 0; i < 30; i++) {
      p *= i % 2 ? 1.0005 : 1 / 1.0005;
      n.normalize(raw(i, p));
    }
    const out = [0.85, 0.851, 0.849].map((q, i) => n.normalize(raw(100 + i, q))?.price);
    expect(out).toEqual([undefined, undefined, 0.849]);
    expect(alerts.map((a) => [a.code, a.level])).toEqual([
      ['FEED_SPIKE', 'warn'],
      ['FEED_SPIKE', 'warn'],
      ['FEED_SPIKE', 'info'],
    ]);
  });

  it('keeps separate state per source, so two streams of one symbol do not reject each other', () => {
    const n = new MarketNormalizer();
    n.normalize(raw(10, 1.1, { source: 'a' }));
    expect(n.normalize(raw(5, 1.1, { source: 'b' }))?.tsMs).toBe(5);
  });

  it('judges interleaved streams each on its own, with one state per spelling of a symbol', () => {
    const n = new MarketNormalizer();
    n.normalize(raw(10, 1.1, { source: 'a' }));
    n.normalize(raw(20, 1.2, { source: 'b' }));
    n.normalize(raw(30, 1.3, { source: 'a', symbol: 'gbpusd' }));
    expect(n.normalize(raw(15, 1.1, { source: 'a', symbol: 'EURUSD' }))?.tsMs).toBe(15);
    expect(() => n.normalize(raw(12, 1.1, { source: 'a' }))).toThrow('tick is older than the previous one');
    expect(() => n.normalize(raw(19, 1.1, { source: 'b' }))).toThrow('tick is older than the previous one');
  });

  it('forgets every stream on reset, including the one of the last tick', () => {
    const n = new MarketNormalizer();
    n.normalize(raw(10, 1.1));
    n.reset();
    expect(n.normalize(raw(5, 1.1))?.tsMs).toBe(5);
  });

  it('never emits a price outside the plausible range nor an older timestamp (property)', () => {
    const value = fc.oneof(
      fc.double({ noDefaultInfinity: false, noNaN: false }),
      fc.constantFrom(0, -0, 1, 1.1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1),
      fc.double({ min: 0.5, max: 2, noNaN: true }),
    );
    const rawTick = fc.record({
      tsMs: fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.constantFrom(Number.NaN, 1.5)),
      price: fc.option(value, { nil: undefined }),
      bid: fc.option(value, { nil: undefined }),
      ask: fc.option(value, { nil: undefined }),
      volume: fc.option(value, { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(rawTick, { maxLength: 60 }), fc.constantFrom(0, 3, 12), (ticks, k) => {
        const n = new MarketNormalizer({ policy: 'skip-and-alert', spikeMultiple: k, volWarmup: 2 });
        let lastTs = Number.NEGATIVE_INFINITY;
        for (const t of ticks) {
          const out = n.normalize({ symbol: 'x', source: 's', ...t });
          if (out === undefined) continue;
          if (!(out.price >= 1e-12 && out.price <= 1e12)) return false;
          if (
            out.bid !== undefined &&
            !(Number.isFinite(out.bid) && out.bid > 0 && (out.ask as number) >= out.bid)
          ) {
            return false;
          }
          if (out.tsMs < lastTs) return false;
          lastTs = out.tsMs;
        }
        return true;
      }),
      { numRuns: 500, seed: 20240601 },
    );
  });
});
