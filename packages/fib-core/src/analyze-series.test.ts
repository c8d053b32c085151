import { Rng } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeSeries, type SeriesAnalysis } from './analyze-series.js';
import { FibonacciClusterAI } from './fibonacci-cluster-ai.js';

/** A seeded random walk on a 1/64 grid (exactly representable, so translations keep legs bit-identical). */
function walk(seed: number, n: number): number[] {
  const rng = new Rng(seed).fork('fib-core/analyze-series-test');
  const out: number[] = [];
  let units = 64 * 100;
  for (let i = 0; i < n; i++) {
    units += rng.int(-40, 41) + (rng.bernoulli(0.02) ? rng.int(-300, 301) : 0);
    if (units < 64 * 20) units = 64 * 20;
    out.push(units / 64);
  }
  return out;
}

const OPTIONS = { swing: { mode: 'atr', multiple: 2, atrPeriod: 10 } } as const;

function signature(a: SeriesAnalysis) {
  return {
    swings: a.swings.map((s) => [s.kind, s.index]),
    waves: a.waveCounts.map((w) => [w.atSwing, w.count.structure, w.count.score]),
    harmonics: a.harmonics.map((h) => [h.pattern, h.direction, h.points.D.index, h.score]),
    wave: a.wave.kind === 'count' ? [a.wave.position, a.wave.count.structure] : [a.wave.kind],
  };
}

describe('analyzeSeries', () => {
  it('finds swings, wave counts and harmonic patterns on a long seeded walk', () => {
    const a = analyzeSeries(walk(1, 3000), OPTIONS);
    expect(a.swings.length).toBeGreaterThan(50);
    expect(a.waveCounts.length).toBeGreaterThan(0);
    expect(a.levels).not.toBeNull();
    expect(a.zones.k).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < a.swings.length; i++) expect(a.swings[i]?.kind).not.toBe(a.swings[i - 1]?.kind);
  });

  it('reports every harmonic with D on a confirmed swing and a PRZ containing D', () => {
    const a = analyzeSeries(walk(2, 3000), { ...OPTIONS, harmonic: { tolerance: 0.1 } });
    expect(a.harmonics.length).toBeGreaterThan(0);
    for (const h of a.harmonics) {
      expect(h.points.D.price).toBeGreaterThanOrEqual(h.prz[0] - 1e-9);
      expect(h.points.D.price).toBeLessThanOrEqual(h.prz[1] + 1e-9);
    }
  });

  it('rejects a non-positive price naming its index', () => {
    expect(() => analyzeSeries([1, 2, 0, 3])).toThrow(/index=2/);
  });

  it('does not change findings at time t when future data is appended (no look-ahead)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 100, max: 700 }), (seed, cut) => {
        const prices = walk(seed, 800);
        const full = analyzeSeries(prices, OPTIONS);
        const prefix = analyzeSeries(prices.slice(0, cut), OPTIONS);
        const lastTs = (cut - 1) * 86_400_000;
        const known = full.swings.filter((s) => s.confirmedTsMs <= lastTs);
        expect(prefix.swings).toEqual(known);
        expect(prefix.waveCounts).toEqual(full.waveCounts.filter((w) => w.atSwing < known.length));
        expect(prefix.harmonics).toEqual(full.harmonics.filter((h) => h.points.D.confirmedTsMs <= lastTs));
        expect(prefix.zones).toEqual(new FibonacciClusterAI().learnZones(known));
      }),
      { numRuns: 25 },
    );
  });

  it('finds the same swings, counts and patterns after scaling by 2^k and translating (ATR mode)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: -4, max: 4 }),
        fc.integer({ min: 0, max: 500 }),
        (seed, k, shift) => {
          const prices = walk(seed, 600);
          const moved = prices.map((p) => p * 2 ** k + shift);
          const a = analyzeSeries(prices, OPTIONS);
          const b = analyzeSeries(moved, OPTIONS);
          expect(signature(b)).toEqual(signature(a));
          expect(b.zones.k).toBe(a.zones.k);
          a.zones.zones.forEach((z, i) => {
            expect(b.zones.zones[i]?.center).toBeCloseTo(z.center * 2 ** k + shift, 6);
          });
        },
      ),
      { numRuns: 25 },
    );
  });
});
