import type { Worker } from 'node:worker_threads';
import type { WorkerEntry } from '../worker-entry.js';
import { inThreadExecutor, jobError, runError, type SweepExecutor } from './local-pool.js';
import { startWorker, sweepWorkerEntry, takePrestartedThreads } from './prestart.js';
import { runSweepJob } from './run-job.js';
import { SweepError } from './sweep-error.js';
import { claimJob, type SharedQueueData, type SweepJobOutcome } from './sweep-worker.js';

/** The error of a worker thread that ended without reporting its run (an uncaught error, or killed). */
function threadError(detail: string): SweepError {
  return new SweepError(
    'SWEEP_RUN_FAILED',
    `a sweep worker thread stopped before its runs were done: ${detail}`,
    {
      detail,
    },
  );
}

/**
 * The `threads` worker threads of one sweep: those prestarted on `entry` ({@link takePrestartedThreads},
 * already loaded) are handed `data` as a message, the rest start with it as their `workerData`.
 */
function sweepThreads(threads: number, entry: WorkerEntry, data: SharedQueueData): Worker[] {
  const ready = takePrestartedThreads(threads, entry);
  for (const worker of ready) worker.postMessage(data);
  const started = Array.from({ length: threads - ready.length }, () => startWorker(entry, data));
  return [...ready, ...started];
}

/**
 * The jobs on this thread and `threads − 1` worker threads, every thread claiming the next job in
 * plan order from one atomic counter (a thread that finishes early takes more, and no thread waits
 * for another to hand it work). This thread has the engine's modules loaded already, so one
 * isolate fewer starts, loads and warms its JIT than with `threads` worker threads; on a machine with as
 * many cores as threads, that start-up is paid on the cores the runs need (docs/sweeps.md, "Where
 * the second core goes"). Threads prestarted by the `omni` executable are used first. The first
 * failure stops every thread from claiming more, terminates the worker threads and rejects with
 * that failure; no result is handed on after it.
 */
export function sharedQueueExecutor(
  threads: number,
  entry: WorkerEntry = sweepWorkerEntry(),
  run = runSweepJob,
): SweepExecutor {
  if (threads <= 1) return inThreadExecutor(run);
  return async (jobs, onResult) => {
    const claims = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
    const data: SharedQueueData = {
      kind: 'omni-sweep-shared-queue',
      jobs,
      claims: claims.buffer as SharedArrayBuffer,
    };
    let failure: Error | undefined;
    const stop = (err: Error): void => {
      failure ??= err;
      Atomics.store(claims, 1, 1);
    };
    const failed = (outcome: SweepJobOutcome & { ok: false }): Error => {
      const job = jobs.find((j) => j.index === outcome.index);
      return job !== undefined ? jobError(job, outcome) : threadError(`run ${outcome.index} failed`);
    };
    const workers = sweepThreads(threads - 1, entry, data);
    const there = workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          worker.on('message', (outcome: SweepJobOutcome) => {
            if (!outcome.ok) stop(failed(outcome));
            else if (failure === undefined) onResult(outcome.result); // none after a failure
          });
          worker.on('error', (err) => stop(threadError(err.message)));
          worker.on('exit', (code) => {
            if (code !== 0) stop(threadError(`exit code ${code}`));
            resolve();
          });
        }),
    );
    const here = async (): Promise<void> => {
      for (let job = claimJob(claims, jobs); job !== undefined; job = claimJob(claims, jobs)) {
        const current = job;
        const result = await run(current).catch((err: unknown) => {
          stop(runError(current, err));
          return undefined;
        });
        if (result === undefined || failure !== undefined) return;
        onResult(result);
      }
    };
    try {
      await here();
      if (failure !== undefined) await Promise.all(workers.map((w) => w.terminate()));
      await Promise.all(there);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
    if (failure !== undefined) throw failure;
  };
}

/**
 * The local executor for `workers` threads: this thread alone for 1; otherwise this thread and
 * `workers − 1` worker threads on one queue ({@link sharedQueueExecutor}).
 */
export function localExecutor(workers: number, entry?: WorkerEntry): SweepExecutor {
  return sharedQueueExecutor(workers, entry);
}
