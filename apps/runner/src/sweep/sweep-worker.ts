import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { type SerializedError, serializeError } from '../commands/backtest-worker.js';
import { isPrestartData } from './prestart.js';
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

/** The `workerData` of a thread of `sharedQueueExecutor` (shared-queue.ts): the whole job list and the claim counters. */
export interface SharedQueueData {
  readonly kind: 'omni-sweep-shared-queue';
  readonly jobs: readonly SweepJob[];
  /** Int32 [next job to claim, stop flag], shared by every thread of the sweep. */
  readonly claims: SharedArrayBuffer;
}

function isSharedQueueData(data: unknown): data is SharedQueueData {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { kind?: unknown }).kind === 'omni-sweep-shared-queue'
  );
}

/** Claims the next job of `claims` (Int32 [next, stop]); undefined once stopped or all are claimed. */
export function claimJob<T>(claims: Int32Array, jobs: readonly T[]): T | undefined {
  if (Atomics.load(claims, 1) !== 0) return undefined;
  return jobs[Atomics.add(claims, 0, 1)];
}

/**
 * A thread of the shared queue (`sharedQueueExecutor`, shared-queue.ts): claims jobs itself (an atomic counter, so it never waits for the
 * main thread, which runs jobs too) and posts each outcome; stops after a failure or when told.
 */
async function sharedQueueThread(
  data: SharedQueueData,
  post: (outcome: SweepJobOutcome) => void,
): Promise<void> {
  const claims = new Int32Array(data.claims);
  for (let job = claimJob(claims, data.jobs); job !== undefined; job = claimJob(claims, data.jobs)) {
    const outcome = await runSweepJobOutcome(job);
    post(outcome);
    if (!outcome.ok) return;
  }
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  const post = (outcome: SweepJobOutcome): void => port.postMessage(outcome);
  if (isSharedQueueData(workerData)) void sharedQueueThread(workerData, post);
  // Started before its jobs existed (prestart.ts): the engine is loaded by now; the jobs come as one message.
  else if (isPrestartData(workerData)) {
    port.once('message', (data: unknown) => {
      if (isSharedQueueData(data)) void sharedQueueThread(data, post);
    });
  }
}
