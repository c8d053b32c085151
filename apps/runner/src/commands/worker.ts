import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { RuntimeError } from '@omni/core';
import type { JobInfo, WorkerEvent, WorkerSummary } from '@omni/sweep-queue';
import { Tinypool } from 'tinypool';
import type { CliIo } from '../cli-io.js';
import { sweepWorkerEntry } from '../sweep/prestart.js';
import { runSweepJob } from '../sweep/run-job.js';
import type { RunSweepJob, SweepJob, SweepRunResult } from '../sweep/sweep-job.js';
import type { SweepJobOutcome } from '../sweep/sweep-worker.js';
import { symbolError } from './backtest-worker.js';

/** Flags of `omni worker`. */
export interface WorkerFlags {
  readonly queue?: string;
  readonly concurrency?: number;
  readonly out?: string;
  readonly lockDuration?: number;
  readonly stalledInterval?: number;
  readonly quiet?: boolean;
}

/** Options of {@link runWorkerCommand} (tests inject these). */
export interface WorkerCommandOptions {
  /** Runs one job; default: {@link runSweepJob}, in this thread for `--concurrency 1`, else on a pool of worker threads. */
  readonly execute?: RunSweepJob;
  /** Stops the worker (as SIGINT does). */
  readonly signal?: AbortSignal;
  /** Process signals that stop it; default SIGINT and SIGTERM. */
  readonly stopOn?: readonly NodeJS.Signals[];
}

/** Where the runs of this machine go when the job's own folder is not here: `omni-runs/worker/<sweepId>`. */
export const DEFAULT_WORKER_OUT = 'omni-runs/worker';

/**
 * Where a job's run folder goes on this machine: under `--out DIR/<sweepId>` when given; else the
 * submitting sweep's own output folder when this machine sees it (same machine, shared disk), so
 * its `runs/` is complete; else under {@link DEFAULT_WORKER_OUT}. The result never depends on it.
 */
export function placeRun(job: SweepJob, out: string | undefined): SweepJob {
  if (out !== undefined) return { ...job, outRoot: resolve(out, job.sweepId) };
  if (job.outRoot !== undefined && existsSync(job.outRoot)) return job;
  return { ...job, outRoot: resolve(DEFAULT_WORKER_OUT, job.sweepId) };
}

/** A queue payload that is not a sweep job (another program on the same queue) fails its job, nothing else. */
function checkSweepJob(data: unknown, info: JobInfo): SweepJob {
  const job = data as Partial<SweepJob> | null;
  if (
    typeof job !== 'object' ||
    job === null ||
    typeof job.sweepId !== 'string' ||
    job.index !== info.index ||
    typeof job.symbol !== 'string' ||
    typeof job.parameters !== 'object' ||
    typeof job.window !== 'object' ||
    typeof job.seed !== 'number'
  ) {
    throw new RuntimeError('RUNTIME_BAD_INPUT', `job ${info.jobId} is not a run of omni sweep`, {
      jobId: info.jobId,
    });
  }
  return job as SweepJob;
}

/**
 * {@link runSweepJob} on `threads` worker threads, started at the first job (the main thread stays
 * free to renew the job locks while backtests run).
 */
function threadPoolExecute(threads: number): { execute: RunSweepJob; close: () => Promise<void> } {
  let pool: Tinypool | undefined;
  return {
    execute: async (job: SweepJob): Promise<SweepRunResult> => {
      if (pool === undefined) {
        const entry = sweepWorkerEntry();
        pool = new Tinypool({
          filename: entry.filename,
          minThreads: threads,
          maxThreads: threads,
          ...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
        });
      }
      const outcome = (await pool.run(job)) as SweepJobOutcome;
      if (!outcome.ok) throw symbolError(`${job.symbol} (run ${job.index})`, outcome.error);
      return outcome.result;
    },
    close: async () => {
      await pool?.destroy();
    },
  };
}

function describeEvent(event: WorkerEvent): string {
  switch (event.type) {
    case 'ready':
      return `worker: waiting for sweep runs on ${event.queue} (${event.concurrency} at a time; Ctrl-C stops after the running ones)`;
    case 'started':
      return `worker: started run ${event.job.index} of sweep ${event.job.batchId} (attempt ${event.job.attempt})`;
    case 'completed':
      return `worker: finished run ${event.job.index} of sweep ${event.job.batchId}`;
    case 'failed':
      return `worker: run ${event.job.index} of sweep ${event.job.batchId} failed: ${event.reason}`;
    case 'queue-error':
      return `worker: queue error (BullMQ retries): ${event.message}`;
    case 'stopping':
      return `worker: stopping (${event.reason})`;
  }
}

/**
 * `omni worker --queue redis://HOST:PORT`: executes the runs of any `omni sweep --queue` on that
 * queue, each an ordinary backtest ({@link runSweepJob}), until SIGINT/SIGTERM. Any number of
 * workers on any machine with the project; a worker killed mid-run has its run retried elsewhere.
 *
 * @returns what it did, once stopped.
 * @throws SweepQueueError `SWEEP_QUEUE_BAD_URL`, `SWEEP_QUEUE_UNREACHABLE`; RuntimeError for bad flags.
 */
export async function runWorkerCommand(
  flags: WorkerFlags,
  io: CliIo,
  options: WorkerCommandOptions = {},
): Promise<WorkerSummary> {
  if (flags.queue === undefined) {
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      '--queue is required',
      {},
      {
        details: ['e.g. omni worker --queue redis://127.0.0.1:6379 (docs/sweeps.md)'],
      },
    );
  }
  const concurrency = flags.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RuntimeError('RUNTIME_BAD_INPUT', '--concurrency must be a whole number ≥ 1', { concurrency });
  }
  for (const [flag, ms] of [
    ['--lock-duration', flags.lockDuration],
    ['--stalled-interval', flags.stalledInterval],
  ] as const) {
    if (ms !== undefined && !(Number.isInteger(ms) && ms >= 1)) {
      throw new RuntimeError('RUNTIME_BAD_INPUT', `${flag} must be a whole number of milliseconds ≥ 1`, {
        [flag]: ms,
      });
    }
  }
  // One run at a time runs in this thread (as `omni sweep --workers 1`); more, on worker threads.
  const pool = options.execute === undefined && concurrency > 1 ? threadPoolExecute(concurrency) : undefined;
  const execute = options.execute ?? pool?.execute ?? runSweepJob;
  // BullMQ and ioredis load only for the commands that use them (a third of the CLI's start-up).
  const { runWorker } = await import('@omni/sweep-queue');
  try {
    return await runWorker<unknown, SweepRunResult>(
      flags.queue,
      (data, info) => execute(placeRun(checkSweepJob(data, info), flags.out)),
      {
        concurrency,
        ...(flags.lockDuration !== undefined ? { lockDurationMs: flags.lockDuration } : {}),
        ...(flags.stalledInterval !== undefined ? { stalledIntervalMs: flags.stalledInterval } : {}),
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
        ...(options.stopOn !== undefined ? { stopOn: options.stopOn } : {}),
        onEvent: (event) => {
          if (!flags.quiet || event.type === 'failed' || event.type === 'queue-error')
            io.err(describeEvent(event));
        },
      },
    );
  } finally {
    await pool?.close();
  }
}

/** The line `omni worker` prints when it stops. */
export function formatWorkerSummary(summary: WorkerSummary): string {
  return `worker stopped: ${summary.completed} run(s) finished, ${summary.failed} failed`;
}
