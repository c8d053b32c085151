import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EquitySeries, sweepHtml } from './html.js';
import type { SweepExecutor } from './local-pool.js';
import type { SweepDefinition, SweepPlan } from './plan.js';
import { mergeResults, resultsCsv, type SweepResults } from './results.js';
import { SweepError } from './sweep-error.js';
import type { SweepJob, SweepRunResult } from './sweep-job.js';

/** Options of {@link runSweep}. */
export interface RunSweepOptions {
  /** Runs the jobs: the local pool ({@link localExecutor}) or a queue backend. */
  readonly execute: SweepExecutor;
  /** Absolute folder the run folders go under (`runs/…`): set as each job's `outRoot`. */
  readonly outRoot: string;
  /** `--walk-forward` as given, for results.json. */
  readonly walkForwardText?: string;
  /** Called once per finished run (the first result of an index; a repeated one is ignored). */
  readonly onResult?: (result: SweepRunResult, done: number, total: number) => void;
}

/** What a sweep produced: results.json's content and the equity lines of sweep.html. */
export interface SweepOutcome {
  readonly results: SweepResults;
  readonly equity: readonly EquitySeries[];
}

/**
 * The equity lines of sweep.html: per symbol, with walk-forward the out-of-sample curves of the
 * chosen sets chained fold by fold (each fold continues from the balance the previous one ended
 * at), else the curve of the best-ranked set.
 */
export function equitySeries(
  results: SweepResults,
  equity: ReadonlyMap<number, SweepRunResult['equity']>,
): EquitySeries[] {
  const wf = results.walkForward;
  if (wf === null) {
    const best = results.ranking?.[0];
    if (best === undefined) return [];
    return results.runs
      .filter((r) => r.set === best.set)
      .map((r) => ({ label: `${r.symbol}, set ${best.set}`, points: equity.get(r.index) ?? [] }));
  }
  return results.symbols.map((symbol) => {
    const points: [number, number][] = [];
    for (const fold of wf.folds.filter((f) => f.symbol === symbol)) {
      const curve = equity.get(fold.outOfSample.index) ?? [];
      const first = curve[0];
      if (first === undefined) continue;
      const offset = (points[points.length - 1]?.[1] ?? first[1]) - first[1];
      for (const [t, v] of curve) points.push([t, v + offset]);
    }
    return { label: `${symbol}, chosen sets out of sample`, points };
  });
}

/**
 * Runs a planned sweep with `options.execute` and merges the results in the plan's fixed order.
 * Results of another sweep or an unknown index are refused; an index that arrives twice (a queue
 * retry) counts once. The executor is the only thing that differs between local threads and a queue.
 */
export async function runSweep(
  definition: SweepDefinition,
  plan: SweepPlan,
  options: RunSweepOptions,
): Promise<SweepOutcome> {
  const jobs: SweepJob[] = plan.jobs.map((job) => ({ ...job, outRoot: options.outRoot }));
  const results = new Map<number, SweepRunResult>();
  await options.execute(jobs, (result) => {
    if (
      result.sweepId !== plan.sweepId ||
      !Number.isInteger(result.index) ||
      result.index < 0 ||
      result.index >= jobs.length
    ) {
      throw new SweepError('SWEEP_RUN_FAILED', 'a result that belongs to no run of this sweep arrived', {
        sweepId: result.sweepId,
        index: result.index,
        expected: plan.sweepId,
      });
    }
    if (results.has(result.index)) return;
    results.set(result.index, result);
    options.onResult?.(result, results.size, jobs.length);
  });
  const merged = mergeResults(definition, plan, results, {
    ...(options.walkForwardText !== undefined ? { walkForwardText: options.walkForwardText } : {}),
  });
  const equity = new Map([...results].map(([index, r]) => [index, r.equity]));
  return { results: merged, equity: equitySeries(merged, equity) };
}

/** Writes results.json, results.csv and sweep.html into `dir`. */
export function writeSweepFiles(dir: string, outcome: SweepOutcome): void {
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(outcome.results, null, 2)}\n`);
  writeFileSync(join(dir, 'results.csv'), resultsCsv(outcome.results));
  writeFileSync(join(dir, 'sweep.html'), sweepHtml(outcome.results, outcome.equity));
}
