import { type SerializedError, serializeError } from '../commands/backtest-worker.js';
import { runSweepJob } from './run-job.js';
import type { SweepJob, SweepRunResult } from './sweep-job.js';

/** What a worker thread returns for a job: its result, or its error (returned, never thrown, so nothing is lost in the clone). */
export type SweepJobOutcome =
  | { readonly ok: true; readonly result: SweepRunResult }
  | { readonly ok: false; readonly index: number; readonly error: SerializedError };

/** {@link runSweepJob} with its error caught and reduced to what survives a structured clone. */
export async function runSweepJobOutcome(job: SweepJob): Promise<SweepJobOutcome> {
  try {
    return { ok: true, result: await runSweepJob(job) };
  } catch (err) {
    return { ok: false, index: job.index, error: serializeError(err) };
  }
}

/** The worker-thread entry of `omni sweep` (tinypool calls the default export with each job). */
export default function sweepWorker(job: SweepJob): Promise<SweepJobOutcome> {
  return runSweepJobOutcome(job);
}
