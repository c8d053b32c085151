import type { Swing } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClusterResult, FibonacciClusterAI } from './fibonacci-cluster-ai.js';
import { ReferenceFibonacciClusterAI } from './learn-zones.fixture.js';
import { silhouetteScore } from './silhouette.js';

function swingsOf(prices: readonly number[]): Swing[] {
  return prices.map((price, i) => ({
    kind: i % 2 === 0 ? 'low' : 'high',
    price,
    tsMs: i * 1000,
    index: i,
    confirmedTsMs: i * 1000 + 500,
  }));
}

const RANGE = [100, 120, 100.5, 119.5, 99.8, 120.3, 100.2, 119.9];

describe('FibonacciClusterAI', () => {
  it('finds a support and a resistance zone in a range-bound market (k = 2 by silhouette)', () => {
    const ai = new FibonacciClusterAI({ fibLegs: 0, seed: 3 });
    for (const s of swingsOf(RANGE)) ai.onSwing(s);
    expect(ai.result.k).toBe(2);
    const [support, resistance] = ai.zones;
    expect(support?.center).toBeCloseTo((100 + 100.5 + 99.8 + 100.2) / 4, 12);
    expect(resistance?.center).toBeCloseTo((120 + 119.5 + 120.3 + 119.9) / 4, 12);
    expect(support?.low).toBe(99.8);
    expect(resistance?.high).toBe(120.3);
    expect(support?.touches).toBe(4);
    expect(resistance?.lastTouchTsMs).toBe(7000);
  });

  it('weights recent touches more: the zone touched last is the strongest', () => {
    const ai = new FibonacciClusterAI({ fibLegs: 0, halfLifeSwings: 2 });
    for (const s of swingsOf(RANGE)) ai.onSwing(s);
    const resistance = ai.zones[1];
    const support = ai.zones[0];
    expect(resistance?.strength).toBe(1);
    // support ages 1,3,5,7 vs resistance 0,2,4,6 with half-life 2: ratio = 2^-0.5.
    expect(support?.strength).toBeCloseTo(2 ** -0.5, 12);
  });

  it('adds fib retracement levels of the last legs as confluence members', () => {
    const ai = new FibonacciClusterAI({ fibLegs: 1 });
    for (const s of swingsOf(RANGE)) ai.onSwing(s);
    const fibTotal = ai.zones.reduce((n, z) => n + z.fibLevels, 0);
    expect(fibTotal).toBe(5);
  });

  it('returns the same zones for the same swings and seed (deterministic)', () => {
    const a = new FibonacciClusterAI({ seed: 9 });
    const b = new FibonacciClusterAI({ seed: 9 });
    const swings = swingsOf([1.1, 1.2, 1.12, 1.25, 1.15, 1.3, 1.18, 1.22, 1.16, 1.28]);
    for (const s of swings) {
      a.onSwing(s);
      b.onSwing(s);
    }
    expect(a.result).toEqual(b.result);
  });

  it('learnZones is deterministic: the same result on repeated calls, on another instance and for any seed', () => {
    const swings = swingsOf([1.1, 1.2, 1.12, 1.25, 1.15, 1.3, 1.18, 1.22, 1.16, 1.28, 1.21, 1.14, 1.27]);
    const ai = new FibonacciClusterAI({ seed: 1 });
    const first = ai.learnZones(swings);
    ai.learnZones(swingsOf([5, 9, 5.5, 8, 4])); // scratch buffers reused in between
    expect(ai.learnZones(swings)).toEqual(first);
    expect(new FibonacciClusterAI({ seed: 12345 }).learnZones(swings)).toEqual(first);
    expect(first.k).toBeGreaterThanOrEqual(2);
  });

  it('picks k by the best silhouette of the optimal (least squares) clusterings, as a brute force does', () => {
    // Three price shelves; fibLegs 0, so the values are the swing prices. Reference: for each k, the contiguous
    // partition of the sorted prices with the least within-cluster sum of squares, scored by silhouetteScore.
    const prices = [100, 110, 100.4, 120, 109.5, 99.7, 120.6, 110.2, 119.8];
    const sorted = [...prices].sort((a, b) => a - b);
    const ss = (starts: number[]) =>
      starts.reduce((t, s, c) => {
        const block = sorted.slice(s, starts[c + 1] ?? sorted.length);
        const mean = block.reduce((a, b) => a + b, 0) / block.length;
        return t + block.reduce((a, b) => a + (b - mean) ** 2, 0);
      }, 0);
    const partitions = (k: number, from = 1, acc: number[] = [0]): number[][] =>
      acc.length === k
        ? [acc]
        : Array.from({ length: sorted.length - (k - acc.length) - from + 1 }, (_, d) => from + d).flatMap(
            (s) => partitions(k, s + 1, [...acc, s]),
          );
    let best = { k: 0, s: Number.NEGATIVE_INFINITY };
    for (let k = 2; k <= 6; k++) {
      const starts = partitions(k).reduce((a, b) => (ss(b) < ss(a) ? b : a));
      const labels = sorted.map((_, i) => starts.filter((s) => s <= i).length - 1);
      const s = silhouetteScore(sorted, labels, k);
      if (s > best.s + 1e-12) best = { k, s };
    }
    const result = new FibonacciClusterAI({ fibLegs: 0 }).learnZones(swingsOf(prices));
    expect(best.k).toBe(3);
    expect(result.k).toBe(best.k);
    expect(result.silhouette).toBeCloseTo(best.s, 12);
    expect(result.zones.map((z) => z.touches)).toEqual([3, 3, 3]);
  });

  it('scales zones exactly with a power-of-two price scale', () => {
    const a = new FibonacciClusterAI();
    const b = new FibonacciClusterAI();
    const prices = [1.1, 1.2, 1.12, 1.25, 1.15, 1.3, 1.18, 1.22, 1.16, 1.28];
    for (const s of swingsOf(prices)) a.onSwing(s);
    for (const s of swingsOf(prices.map((p) => p * 64))) b.onSwing(s);
    expect(b.result.k).toBe(a.result.k);
    a.zones.forEach((z, i) => {
      expect(b.zones[i]?.center).toBe(z.center * 64);
      expect(b.zones[i]?.strength).toBe(z.strength);
    });
  });

  it('finds the zone containing a price, else the nearest one', () => {
    const ai = new FibonacciClusterAI({ fibLegs: 0 });
    for (const s of swingsOf(RANGE)) ai.onSwing(s);
    expect(ai.nearestZone(100)?.center).toBeCloseTo(100.125, 12);
    expect(ai.nearestZone(112)?.low).toBe(119.5);
  });

  it('returns no zones with too few distinct points', () => {
    const ai = new FibonacciClusterAI({ fibLegs: 0 });
    ai.onSwing(swingsOf([100])[0] as Swing);
    expect(ai.zones).toEqual([]);
  });

  it('rejects kMax below kMin', () => {
    expect(() => new FibonacciClusterAI({ kMin: 4, kMax: 3 })).toThrow(/kMax/);
  });

  describe('against learnZones of 75e7080 (ReferenceFibonacciClusterAI)', () => {
    /**
     * Every number of a result as float64 bits: equal strings = the same k, zones and numbers bit for
     * bit. Every NaN is one value: its sign and payload are not JavaScript semantics (V8 gives `0 × ∞`
     * either sign depending on whether the code runs interpreted or optimised, so a busy machine
     * flipped it in CI).
     */
    const bitsOf = (r: ClusterResult): string => {
      const view = new DataView(new ArrayBuffer(8));
      const b = (x: number | null) => {
        if (x === null) return 'null';
        if (Number.isNaN(x)) return 'NaN';
        view.setFloat64(0, x);
        return view.getBigUint64(0).toString(16);
      };
      const zones = r.zones.map((z) =>
        [z.center, z.low, z.high, z.touches, z.fibLevels, z.lastTouchTsMs, z.strength].map(b).join(' '),
      );
      return [`k ${r.k}`, `s ${b(r.silhouette)}`, ...zones].join('\n');
    };
    // Prices on a coarse grid (heavy ties: equal swing prices and fib levels landing on them), FX-like prices, and
    // now and then a zero or a non-finite price (the stable insertion sort of 75e7080 decides where those go).
    const price = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 95, max: 105 }) },
      { weight: 6, arbitrary: fc.integer({ min: 109_900, max: 110_100 }).map((p) => p / 100_000) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 20 }).map((p) => 100 + p / 4) },
      { weight: 1, arbitrary: fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY) },
    );
    const options = fc
      .record({
        swingWindow: fc.integer({ min: 2, max: 40 }),
        fibLegs: fc.integer({ min: 0, max: 4 }),
        kMin: fc.integer({ min: 1, max: 3 }),
        kSpan: fc.integer({ min: 0, max: 5 }),
        halfLifeSwings: fc.constantFrom(1, 2.5, 10),
      })
      .map(({ kSpan, ...o }) => ({ ...o, kMax: o.kMin + kSpan }));

    it('gives the same result bit for bit on every swing of a stream, after reset, and from learnZones', () => {
      fc.assert(
        fc.property(
          options,
          fc.array(price, { minLength: 1, maxLength: 90 }),
          fc.nat(89),
          (o, prices, cut) => {
            const swings = swingsOf(prices);
            const ours = new FibonacciClusterAI(o);
            const reference = new ReferenceFibonacciClusterAI(o);
            for (const [i, swing] of swings.entries()) {
              if (i === cut) {
                ours.reset();
                reference.reset();
              }
              expect(bitsOf(ours.onSwing(swing))).toBe(bitsOf(reference.onSwing(swing)));
            }
            expect(bitsOf(ours.learnZones(swings))).toBe(bitsOf(reference.learnZones(swings)));
            expect(bitsOf(ours.learnZones(swings.slice(0, cut + 1)))).toBe(
              bitsOf(reference.learnZones(swings.slice(0, cut + 1))),
            );
          },
        ),
        { numRuns: 300, seed: 20_260_514 },
      );
    });

    it('learnZones leaves the state of onSwing alone (the kept sorted window included)', () => {
      const ai = new FibonacciClusterAI({ swingWindow: 6, fibLegs: 1 });
      const reference = new ReferenceFibonacciClusterAI({ swingWindow: 6, fibLegs: 1 });
      const swings = swingsOf([100, 104, 101, 103, 100.5, 104, 102, 105, 99, 103]);
      for (const [i, swing] of swings.entries()) {
        ai.learnZones(swingsOf([1, 9, 2, 8, 3, 7, 4, 6].slice(0, 2 + (i % 6))));
        expect(bitsOf(ai.onSwing(swing))).toBe(bitsOf(reference.onSwing(swing)));
      }
    });
  });
});
