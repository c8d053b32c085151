import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import { parseQueueAddress } from './queue-address.js';
import {
  DEFAULT_LOCK_DURATION_MS,
  DEFAULT_MAX_STALLED_COUNT,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE_NAME,
  DEFAULT_STALLED_INTERVAL_MS,
  type LockSettings,
  positiveInteger,
  type QueueLocation,
} from './queue-settings.js';
import { createRedisClient, probeRedis } from './redis-client.js';
import type { QueuedJobData } from './submit-batch.js';

/** Which job an execution belongs to (for logs; the payload alone decides the result). */
export interface JobInfo {
  readonly batchId: string;
  readonly index: number;
  readonly jobId: string;
  /** 1 for the first run of the job, 2 after a stall or a failed attempt, … */
  readonly attempt: number;
}

/** What a worker reports as it goes (the `omni worker` command prints these). */
export type WorkerEvent =
  | { readonly type: 'ready'; readonly queue: string; readonly concurrency: number }
  | { readonly type: 'started'; readonly job: JobInfo }
  | { readonly type: 'completed'; readonly job: JobInfo }
  | { readonly type: 'failed'; readonly job: JobInfo; readonly reason: string }
  | { readonly type: 'queue-error'; readonly message: string }
  | { readonly type: 'stopping'; readonly reason: string };

/** Options of {@link runWorker}. */
export interface RunWorkerOptions extends QueueLocation, LockSettings {
  /** Jobs run at once in this process. Default 1 (a backtest is CPU-bound: run one worker per core). */
  readonly concurrency?: number;
  /** Stops the worker: it takes no new job and resolves once its running jobs have finished. */
  readonly signal?: AbortSignal;
  /**
   * Process signals that stop the worker the same way (a second one closes at once: the running
   * jobs stall and go to another worker). Default `['SIGINT', 'SIGTERM']`; `[]` installs no handler.
   */
  readonly stopOn?: readonly NodeJS.Signals[];
  /** Progress of this worker. */
  readonly onEvent?: (event: WorkerEvent) => void;
  /** Timeout of the first connection, in ms. Default 5 000. */
  readonly connectTimeoutMs?: number;
}

/** What a worker did before it stopped. */
export interface WorkerSummary {
  readonly completed: number;
  readonly failed: number;
}

/**
 * Executes the jobs of every batch submitted to the queue until stopped. A job's result is what
 * `execute` resolves with (JSON-serialisable); a throw fails the attempt with the error's message
 * as the reason. A worker may join or leave at any time: a batch needs only one live worker.
 *
 * @param url - `redis://HOST:PORT` (see {@link parseQueueAddress}).
 * @param execute - runs one job's payload.
 * @returns once stopped (signal, SIGINT, SIGTERM), what it did.
 * @throws SweepQueueError `SWEEP_QUEUE_BAD_URL`, `SWEEP_QUEUE_BAD_INPUT`, `SWEEP_QUEUE_UNREACHABLE` (at start).
 * @example
 * const stop = new AbortController();
 * await runWorker<number, number>('redis://127.0.0.1:6379', async (n) => n * n, { concurrency: 2, signal: stop.signal });
 */
export async function runWorker<D, R>(
  url: string,
  execute: (data: D, job: JobInfo) => Promise<R>,
  options: RunWorkerOptions = {},
): Promise<WorkerSummary> {
  const address = parseQueueAddress(url);
  const concurrency = positiveInteger('concurrency', options.concurrency, 1);
  const lockDuration = positiveInteger('lockDurationMs', options.lockDurationMs, DEFAULT_LOCK_DURATION_MS);
  const stalledInterval = positiveInteger(
    'stalledIntervalMs',
    options.stalledIntervalMs,
    DEFAULT_STALLED_INTERVAL_MS,
  );
  const maxStalledCount = positiveInteger(
    'maxStalledCount',
    options.maxStalledCount,
    DEFAULT_MAX_STALLED_COUNT,
  );
  if (options.signal?.aborted) return { completed: 0, failed: 0 };
  await probeRedis(address, options.connectTimeoutMs);

  const emit = options.onEvent ?? (() => {});
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const client = createRedisClient(address, `omni-worker-${hostname()}-${process.pid}`.slice(0, 60));
  let completed = 0;
  let failed = 0;
  const worker = new Worker<QueuedJobData<D>, R>(
    queueName,
    async (job) => {
      const info: JobInfo = {
        batchId: job.data.batchId,
        index: job.data.index,
        jobId: job.id ?? '',
        attempt: job.attemptsStarted,
      };
      emit({ type: 'started', job: info });
      try {
        const result = await execute(job.data.data, info);
        completed++;
        emit({ type: 'completed', job: info });
        return result;
      } catch (err) {
        failed++;
        emit({ type: 'failed', job: info, reason: err instanceof Error ? err.message : String(err) });
        throw err;
      }
    },
    {
      connection: client,
      prefix: options.prefix ?? DEFAULT_PREFIX,
      name: `${hostname()}:${process.pid}`,
      concurrency,
      lockDuration,
      stalledInterval,
      maxStalledCount,
      autorun: false,
    },
  );
  worker.on('error', (err) => emit({ type: 'queue-error', message: `${address.display}: ${err.message}` }));

  let stopRequests = 0;
  const stop = (reason: string): void => {
    stopRequests++;
    emit({ type: 'stopping', reason: stopRequests === 1 ? reason : `${reason} again: closing at once` });
    void worker.close(stopRequests > 1).catch(() => {});
  };
  const onSignal = (signal: NodeJS.Signals): void => stop(signal);
  const onAbort = (): void => stop('stop requested');
  const signals = options.stopOn ?? ['SIGINT', 'SIGTERM'];
  for (const s of signals) process.on(s, onSignal);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const running = worker.run();
    running.catch(() => {}); // awaited below; not unhandled if waiting for ready fails first
    await worker.waitUntilReady();
    emit({ type: 'ready', queue: `${address.display} ${queueName}`, concurrency });
    await running;
    await worker.close();
  } finally {
    for (const s of signals) process.off(s, onSignal);
    options.signal?.removeEventListener('abort', onAbort);
    await client.quit().catch(() => {});
  }
  return { completed, failed };
}
