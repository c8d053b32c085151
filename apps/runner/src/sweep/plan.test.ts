import { Rng } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGrid } from './grid.js';
import { drawFromRange, parameterSets } from './parameter-sets.js';
import { planSweep, runSeed, type SweepDefinition } from './plan.js';
import { windowTag } from './windows.js';

const DAY = 86_400_000;
const JAN_2023 = Date.UTC(2023, 0, 1);

function definition(overrides: Partial<SweepDefinition> = {}): SweepDefinition {
  return {
    grid: parseGrid({
      parameters: { 'engines.governor.minConfidence': [0.5, 0.55, 0.6], 'risk.maxLossStreak': [3, 5] },
      search: 'grid',
    }),
    seed: 42,
    symbols: [
      { symbol: 'EURUSD', range: { fromMs: JAN_2023, toMs: JAN_2023 + 364 * DAY } },
      { symbol: 'GBPUSD', range: { fromMs: JAN_2023, toMs: JAN_2023 + 364 * DAY } },
    ],
    backtest: { momentumOnly: true },
    selectBy: 'pnl',
    ...overrides,
  };
}

describe('planSweep', () => {
  it('expands parameter sets lexicographically (first parameter slowest) × symbols × windows', () => {
    const plan = planSweep(definition());
    expect(plan.jobs).toHaveLength(12);
    expect(
      plan.jobs.map(
        (j) =>
          `${j.parameters['engines.governor.minConfidence']}/${j.parameters['risk.maxLossStreak']}/${j.symbol}`,
      ),
    ).toEqual([
      '0.5/3/EURUSD',
      '0.5/3/GBPUSD',
      '0.5/5/EURUSD',
      '0.5/5/GBPUSD',
      '0.55/3/EURUSD',
      '0.55/3/GBPUSD',
      '0.55/5/EURUSD',
      '0.55/5/GBPUSD',
      '0.6/3/EURUSD',
      '0.6/3/GBPUSD',
      '0.6/5/EURUSD',
      '0.6/5/GBPUSD',
    ]);
    expect(plan.jobs.map((j) => j.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(plan.setOf).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('runs every parameter set on every in-sample and out-of-sample window, fold by fold', () => {
    const plan = planSweep(
      definition({
        symbols: [{ symbol: 'EURUSD', range: { fromMs: JAN_2023, toMs: JAN_2023 + 364 * DAY } }],
        walkForward: { inSampleMs: 180 * DAY, outOfSampleMs: 90 * DAY },
      }),
    );
    expect(plan.jobs).toHaveLength(6 * 4);
    expect(plan.jobs.slice(0, 5).map((j) => `${j.index}:${windowTag(j.window)}`)).toEqual([
      '0:f0-is',
      '1:f0-oos',
      '2:f1-is',
      '3:f1-oos',
      '4:f0-is',
    ]);
  });

  it('gives the same parameter set on the same window the same seed, whatever else the grid holds', () => {
    const small = planSweep(
      definition({
        grid: parseGrid({
          parameters: { 'risk.maxLossStreak': [5], 'engines.governor.minConfidence': [0.6] },
          search: 'grid',
        }),
      }),
    );
    const full = planSweep(definition());
    const same = full.jobs.find(
      (j) =>
        j.parameters['risk.maxLossStreak'] === 5 &&
        j.parameters['engines.governor.minConfidence'] === 0.6 &&
        j.symbol === 'EURUSD',
    );
    expect(small.jobs[0]?.seed).toBe(same?.seed);
    // Different sets, symbols or windows get different seeds.
    expect(new Set(full.jobs.map((j) => j.seed)).size).toBe(full.jobs.length);
    // The rule of docs/sweeps.md, by hand.
    const window = { fromMs: JAN_2023, toMs: JAN_2023 + 364 * DAY, role: 'full' as const, fold: 0 };
    const key = JSON.stringify([
      ['engines.governor.minConfidence', 0.6],
      ['risk.maxLossStreak', 5],
    ]);
    expect(
      runSeed(42, { 'risk.maxLossStreak': 5, 'engines.governor.minConfidence': 0.6 }, 'EURUSD', window),
    ).toBe(new Rng(`42/sweep-run/${key}/EURUSD/${window.fromMs}/${window.toMs}`).nextUint32() >>> 1);
  });

  it('names the sweep by its definition: another seed or window is another sweep', () => {
    const a = planSweep(definition());
    expect(planSweep(definition()).sweepId).toBe(a.sweepId);
    expect(planSweep(definition({ seed: 7 })).sweepId).not.toBe(a.sweepId);
    expect(
      planSweep(definition({ walkForward: { inSampleMs: 90 * DAY, outOfSampleMs: 30 * DAY } })).sweepId,
    ).not.toBe(a.sweepId);
    expect(a.jobs.every((j) => j.sweepId === a.sweepId)).toBe(true);
  });

  it('names a sweep by the content of its files, not where they lie', () => {
    const at = (dir: string, digest: string): SweepDefinition =>
      definition({
        symbols: [
          {
            symbol: 'EURUSD',
            data: `${dir}/EURUSD.csv`,
            range: { fromMs: JAN_2023, toMs: JAN_2023 + 364 * DAY },
          },
        ],
        backtest: { configFile: `${dir}/omni.json` },
        fingerprints: { config: 'c1', data: [digest], model: null },
      });
    expect(planSweep(at('/a', 'd1')).sweepId).toBe(planSweep(at('/b', 'd1')).sweepId);
    expect(planSweep(at('/a', 'd1')).sweepId).not.toBe(planSweep(at('/a', 'd2')).sweepId);
  });

  it('refuses a walk-forward longer than the data, naming the symbol', () => {
    expect(() =>
      planSweep(definition({ walkForward: { inSampleMs: 300 * DAY, outOfSampleMs: 90 * DAY } })),
    ).toThrow("EURUSD's data range is shorter than one in-sample plus one out-of-sample window");
  });
});

describe('random search', () => {
  const grid = parseGrid({
    search: 'random',
    samples: 5,
    parameters: {
      'engines.governor.minConfidence': { min: 0.5, max: 0.7, step: 0.05 },
      'risk.maxLossStreak': { min: 2, max: 8, integer: true },
      'engines.binary.payout': { min: 0.7, max: 0.9 },
      'engines.binary.tieRule': ['refund', 'loss'],
    },
  });

  it('draws the same sets for the same seed and other sets for another seed', () => {
    const a = parameterSets(grid, 42);
    expect(parameterSets(grid, 42)).toEqual(a);
    expect(parameterSets(grid, 43)).not.toEqual(a);
    expect(a).toHaveLength(5);
    expect(new Set(a.map((s) => JSON.stringify(s))).size).toBe(5);
  });

  it('keeps draws on the step lattice, whole numbers and 6 decimals, inside the ranges', () => {
    for (const set of parameterSets(grid, 42)) {
      expect([0.5, 0.55, 0.6, 0.65, 0.7]).toContain(set['engines.governor.minConfidence']);
      const streak = set['risk.maxLossStreak'] as number;
      expect(Number.isInteger(streak) && streak >= 2 && streak <= 8).toBe(true);
      const payout = set['engines.binary.payout'] as number;
      expect(payout >= 0.7 && payout <= 0.9 && Number(payout.toFixed(6)) === payout).toBe(true);
      expect(['refund', 'loss']).toContain(set['engines.binary.tieRule']);
    }
  });

  it('stays inside any range (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.double({ min: 0, max: 1e3, noNaN: true }),
        fc.integer(),
        (min, width, seed) => {
          const rng = new Rng(seed);
          const x = drawFromRange({ min, max: min + width }, rng);
          const ok = x >= min - 1e-6 && x <= min + width + 1e-6;
          if (Math.ceil(min) > Math.floor(min + width)) return ok; // the grid refuses such an integer range
          const n = drawFromRange({ min, max: min + width, integer: true }, rng);
          const whole = Number.isInteger(n) && n >= min && n <= min + width;
          return ok && whole;
        },
      ),
    );
  });

  it('refuses more samples than the ranges hold distinct sets', () => {
    const tiny = parseGrid({
      search: 'random',
      samples: 4,
      parameters: { 'risk.maxLossStreak': { min: 2, max: 4, integer: true } },
    });
    expect(() => parameterSets(tiny, 42, 'tiny.json')).toThrow(
      'tiny.json: samples: the parameters hold fewer than 4 distinct sets (3 found)',
    );
  });
});
