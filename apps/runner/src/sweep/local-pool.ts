import { serializeError, symbolError } from '../commands/backtest-worker.js';
import { runSweepJob } from './run-job.js';
import type { SweepJob, SweepRunResult } from './sweep-job.js';
import type { SweepJobOutcome } from './sweep-worker.js';
import { windowTag } from './windows.js';

/**
 * Runs a sweep's jobs and hands each result to `onResult` as it comes (in any order); resolves
 * when all are done, rejects on the first failure (the executor stops what it can). This is the
 * seam a queue backend (BullMQ) replaces the local pool at.
 */
export type SweepExecutor = (
  jobs: readonly SweepJob[],
  onResult: (result: SweepRunResult) => void,
) => Promise<void>;

/** The error of a job that failed in a worker thread, naming the run. */
export function jobError(job: SweepJob, outcome: Extract<SweepJobOutcome, { ok: false }>): Error {
  return symbolError(`${job.symbol} (run ${job.index}, ${windowTag(job.window)})`, outcome.error);
}

/** The error of a job whose run threw in this thread, naming the run. */
export function runError(job: SweepJob, err: unknown): Error {
  return jobError(job, { ok: false, index: job.index, error: serializeError(err) });
}

/** One job after another in this thread, with {@link runSweepJob}. */
export function inThreadExecutor(run = runSweepJob): SweepExecutor {
  return async (jobs, onResult) => {
    for (const job of jobs) {
      const result = await run(job).catch((err: unknown) => {
        throw runError(job, err);
      });
      onResult(result);
    }
  };
}
