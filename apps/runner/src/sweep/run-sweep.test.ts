import { describe, expect, it } from 'vitest';
import { parseGrid } from './grid.js';
import type { SweepExecutor } from './local-pool.js';
import { planSweep, type SweepDefinition } from './plan.js';
import { RUN_METRICS } from './run-job.js';
import { runSweep } from './run-sweep.js';
import type { SweepJob, SweepRunResult } from './sweep-job.js';

const DAY = 86_400_000;
const definition: SweepDefinition = {
  grid: parseGrid({ parameters: { 'risk.maxLossStreak': [2, 3, 4] }, search: 'grid' }),
  seed: 42,
  symbols: [{ symbol: 'EURUSD', range: { fromMs: 0, toMs: 100 * DAY } }],
  backtest: { momentumOnly: true },
  selectBy: 'pnl',
};
const plan = planSweep(definition);

/** A stand-in for a backtest: PnL = 10 × maxLossStreak, so set 2 is best. */
function fakeResult(job: SweepJob): SweepRunResult {
  const pnl = 10 * Number(job.parameters['risk.maxLossStreak']);
  const metrics = Object.fromEntries(RUN_METRICS.map((m) => [m, m === 'pnl' ? pnl : 0]));
  return {
    sweepId: job.sweepId,
    index: job.index,
    metrics,
    equity: [[0, 10_000]],
    runDir: `runs/${job.index}`,
  };
}

describe('runSweep', () => {
  it('merges results in the plan order whatever order and however often they arrive', async () => {
    const seen: SweepJob[] = [];
    // A queue-like executor: reversed order, the middle run delivered twice (a retry).
    const execute: SweepExecutor = async (jobs, onResult) => {
      seen.push(...jobs);
      for (const job of [...jobs].reverse()) onResult(fakeResult(job));
      const middle = jobs[1];
      if (middle) onResult({ ...fakeResult(middle), metrics: { pnl: -1e9 } });
    };
    const outcome = await runSweep(definition, plan, { execute, outRoot: '/tmp/out' });
    expect(seen.every((j) => j.outRoot === '/tmp/out')).toBe(true);
    expect(outcome.results.runs.map((r) => [r.index, r.metrics.pnl])).toEqual([
      [0, 20],
      [1, 30],
      [2, 40],
    ]);
    expect(outcome.results.ranking?.[0]).toMatchObject({ set: 2, score: 40 });
    expect(outcome.equity).toEqual([{ label: 'EURUSD, set 2', points: [[0, 10_000]] }]);
  });

  it('refuses a result of another sweep and a sweep with a run missing', async () => {
    const foreign: SweepExecutor = async (jobs, onResult) => {
      for (const job of jobs) onResult({ ...fakeResult(job), sweepId: 'other' });
    };
    await expect(runSweep(definition, plan, { execute: foreign, outRoot: '/tmp/out' })).rejects.toThrow(
      'a result that belongs to no run of this sweep arrived',
    );
    const lossy: SweepExecutor = async (jobs, onResult) => {
      for (const job of jobs.slice(1)) onResult(fakeResult(job));
    };
    await expect(runSweep(definition, plan, { execute: lossy, outRoot: '/tmp/out' })).rejects.toThrow(
      'run 0 never reported a result',
    );
  });
});
