import { describe, expect, it } from 'vitest';
import { sweepHtml } from './html.js';
import {
  fixed,
  rankSets,
  resultsCsv,
  type SweepResults,
  type SweepRunEntry,
  walkForwardResult,
} from './results.js';
import { RUN_METRICS, type RunMetric } from './run-job.js';

const DAY = 86_400_000;

function entry(
  index: number,
  set: number,
  fold: number,
  role: 'in-sample' | 'out-of-sample',
  metrics: Partial<Record<RunMetric, number | null>>,
): SweepRunEntry {
  const days = role === 'in-sample' ? 10 : 5;
  const from = Date.UTC(2024, 0, 1) + fold * 5 * DAY + (role === 'in-sample' ? 0 : 10 * DAY);
  return {
    index,
    set,
    parameters: { 'risk.maxLossStreak': set + 2 },
    symbol: 'EURUSD',
    window: {
      role,
      fold,
      from: new Date(from).toISOString(),
      to: new Date(from + days * DAY - 1).toISOString(),
    },
    seed: index,
    runDir: `runs/${index}`,
    metrics: {
      ...(Object.fromEntries(RUN_METRICS.map((m) => [m, 0])) as Record<RunMetric, number>),
      ...metrics,
    },
  };
}

describe('walkForwardResult', () => {
  // Two sets, two folds. Fold 0: set 1 is best in sample; fold 1: a tie, the lower set index wins.
  const runs = [
    entry(0, 0, 0, 'in-sample', { pnl: 10, trades: 4, wins: 2, sharpe: 1 }),
    entry(1, 0, 0, 'out-of-sample', { pnl: -3, trades: 2, wins: 0, sharpe: null }),
    entry(2, 0, 1, 'in-sample', { pnl: 20, trades: 5, wins: 3, sharpe: 2 }),
    entry(3, 0, 1, 'out-of-sample', { pnl: 4, trades: 1, wins: 1, sharpe: 0.5 }),
    entry(4, 1, 0, 'in-sample', { pnl: 30, trades: 6, wins: 5, sharpe: 3 }),
    entry(5, 1, 0, 'out-of-sample', { pnl: -8, trades: 3, wins: 1, sharpe: -1 }),
    entry(6, 1, 1, 'in-sample', { pnl: 20, trades: 2, wins: 2, sharpe: 4 }),
    entry(7, 1, 1, 'out-of-sample', { pnl: 100, trades: 1, wins: 1, sharpe: 9 }),
  ];

  it('chooses the best in-sample set per fold (ties: lower set index) and heads with its out-of-sample runs', () => {
    const wf = walkForwardResult(runs, 'pnl', { inSample: '10d', outOfSample: '5d' });
    expect(wf.folds.map((f) => [f.fold, f.set, f.inSample.index, f.outOfSample.index])).toEqual([
      [0, 1, 4, 5],
      [1, 0, 2, 3],
    ]);
    expect(wf.outOfSample).toEqual({
      runs: 2,
      days: 10,
      trades: 4,
      winRate: 0.5,
      pnl: -4,
      pnlPerDay: -0.4,
      meanSharpe: -0.25,
    });
    expect(wf.inSample).toEqual({
      runs: 2,
      days: 20,
      trades: 11,
      winRate: fixed(8 / 11),
      pnl: 50,
      pnlPerDay: 2.5,
      meanSharpe: 2.5,
    });
    expect(wf.gapPnlPerDay).toBe(2.9);
  });

  it('ranks a missing metric last', () => {
    const withNull = runs.map((r) => (r.index === 4 ? { ...r, metrics: { ...r.metrics, sharpe: null } } : r));
    const wf = walkForwardResult(withNull, 'sharpe', { inSample: '10d', outOfSample: '5d' });
    expect(wf.folds.map((f) => f.set)).toEqual([0, 1]);
  });
});

describe('rankSets', () => {
  it('sums PnL and averages ratios over a set’s runs, best first', () => {
    const full = (index: number, set: number, pnl: number, sharpe: number | null): SweepRunEntry => ({
      ...entry(index, set, 0, 'in-sample', { pnl, sharpe }),
      window: { role: 'full', fold: 0, from: null, to: null },
    });
    const runs = [full(0, 0, 5, 1), full(1, 0, 5, null), full(2, 1, 12, -1), full(3, 1, -1, 0)];
    const sets = [{ a: 1 }, { a: 2 }];
    expect(rankSets(runs, sets, 'pnl').map((r) => [r.set, r.score])).toEqual([
      [1, 11],
      [0, 10],
    ]);
    expect(rankSets(runs, sets, 'sharpe').map((r) => [r.set, r.score])).toEqual([
      [0, 1],
      [1, -0.5],
    ]);
  });
});

describe('results files', () => {
  const results: SweepResults = {
    kind: 'sweep-results',
    version: 1,
    sweepId: 'abc',
    search: 'grid',
    seed: 42,
    selectBy: 'pnl',
    parameters: ['risk.maxLossStreak'],
    symbols: ['EURUSD'],
    runs: [entry(0, 0, 0, 'in-sample', { pnl: 1.5 })],
    ranking: null,
    walkForward: walkForwardResult(
      [entry(0, 0, 0, 'in-sample', { pnl: 1.5 }), entry(1, 0, 0, 'out-of-sample', { pnl: -2 })],
      'pnl',
      {
        inSample: '10d',
        outOfSample: '5d',
      },
    ),
  };

  it('formats numbers to 6 decimals and never as -0', () => {
    expect(fixed(1 / 3)).toBe(0.333333);
    expect(fixed(-1e-9)).toBe(0);
    expect(Object.is(fixed(-1e-9), 0)).toBe(true);
    expect(fixed(Number.NaN)).toBeNull();
  });

  it('writes one CSV row per run with parameters and metrics as columns', () => {
    const [header, row] = resultsCsv(results).trimEnd().split('\n');
    expect(header?.startsWith('index,set,symbol,role,fold,from,to,seed,risk.maxLossStreak,ticks,')).toBe(
      true,
    );
    expect(
      row?.startsWith('0,0,EURUSD,in-sample,0,2024-01-01T00:00:00.000Z,2024-01-10T23:59:59.999Z,0,2,0,'),
    ).toBe(true);
  });

  it('renders sweep.html self-contained: no addresses, no script, inline SVG', () => {
    const html = sweepHtml(results, [
      {
        label: 'EURUSD',
        points: [
          [0, 10_000],
          [DAY, 9_998],
        ],
      },
    ]);
    expect(html).not.toMatch(/http|<script|src=|href=/i);
    expect(html).toContain('<svg');
    expect(html).toContain('<polyline');
    expect(html).toContain('Mean in-sample PnL per run');
  });
});
