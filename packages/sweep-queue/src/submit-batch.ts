import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { type BatchProgress, BatchTracker } from './batch-tracker.js';
import { parseQueueAddress } from './queue-address.js';
import {
  batchJobId,
  checkBatchId,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE_NAME,
  positiveInteger,
  type QueueLocation,
} from './queue-settings.js';
import { createRedisClient, probeRedis } from './redis-client.js';
import { SweepQueueError } from './sweep-queue-error.js';

/** One job of a batch: its position (results come back keyed by it) and its JSON payload. */
export interface BatchJob<D> {
  /** 0-based position, unique in the batch. */
  readonly index: number;
  /** JSON-serialisable: it travels through Redis (class instances arrive as plain objects). */
  readonly data: D;
}

/** What a queued job carries in Redis: the payload and where it belongs. */
export interface QueuedJobData<D> {
  readonly batchId: string;
  readonly index: number;
  readonly data: D;
}

/** Options of {@link submitBatch}. */
export interface SubmitBatchOptions<R = unknown> extends QueueLocation {
  /** Called at every change: a result, a retry, a stall, a failure. */
  readonly onProgress?: (progress: BatchProgress) => void;
  /** Called once per index with its (first) result, as results come in any order. */
  readonly onResult?: (index: number, result: R) => void;
  /** Stops waiting (the jobs stay queued; submitting the same batch again picks them up). */
  readonly signal?: AbortSignal;
  /** Attempts per job when the executor throws (a deterministic backtest fails again). Default 1. Stalls do not count. */
  readonly attempts?: number;
  /** How long completed and failed jobs stay in Redis (what a resubmission reuses), in s. Default 7 days. */
  readonly keepJobsSec?: number;
  /**
   * Remove the batch's jobs from Redis once every result is in, so submitting the batch again later
   * runs it again; a submission that stopped early (crash, abort, failed job) still leaves its
   * finished jobs for the next one to reuse. Default false: finished jobs stay `keepJobsSec`.
   */
  readonly removeWhenDone?: boolean;
  /** Timeout of the first connection, in ms. Default 5 000. */
  readonly connectTimeoutMs?: number;
  /**
   * Redis errors while waiting (a dropped connection). Not fatal: ioredis reconnects and the event
   * stream is read on from where it stopped. Default: ignored.
   */
  readonly onConnectionError?: (error: SweepQueueError) => void;
}

const WEEK_SEC = 7 * 24 * 3_600;

function checkJobs<D>(jobs: readonly BatchJob<D>[]): void {
  const seen = new Set<number>();
  for (const job of jobs) {
    if (!Number.isInteger(job.index) || job.index < 0 || seen.has(job.index)) {
      throw new SweepQueueError(
        'SWEEP_QUEUE_BAD_INPUT',
        `job index ${job.index} is not a new non-negative integer`,
        {
          index: job.index,
        },
      );
    }
    seen.add(job.index);
  }
}

/** The id of the newest entry of the queue's event stream, so no event after it can be missed. */
async function newestEventId(client: Redis, eventsKey: string): Promise<string> {
  const newest = await client.xrevrange(eventsKey, '+', '-', 'COUNT', 1);
  return newest[0]?.[0] ?? '0-0';
}

/**
 * Enqueues a batch of JSON jobs on BullMQ and resolves with every result keyed by index, once.
 *
 * Job ids are `<batchId>-<index>`, so submitting a batch again (after a crash of the submitter, or
 * from two places at once) adds nothing: completed jobs give their stored result at once, waiting
 * or running ones are awaited, failed ones get a fresh set of attempts. Completion is followed on
 * the queue's event stream (QueueEvents) from the position it had before anything was enqueued,
 * so no event is missed and nothing polls. A job retried after a stall that completes twice counts
 * once: the first result wins (a different second one is `SWEEP_QUEUE_RESULT_MISMATCH`).
 *
 * @param url - `redis://HOST:PORT` (see {@link parseQueueAddress}).
 * @param batchId - letters, digits, `.`, `_`, `-`: the same batch gives the same id (a digest of its definition).
 * @param jobs - the jobs, each with a unique index.
 * @returns the results in ascending index order.
 * @throws SweepQueueError `SWEEP_QUEUE_BAD_URL`, `SWEEP_QUEUE_BAD_INPUT`, `SWEEP_QUEUE_UNREACHABLE`,
 *   `SWEEP_QUEUE_JOB_FAILED` (at the first job that failed all its attempts; the others stay queued),
 *   `SWEEP_QUEUE_RESULT_MISMATCH`, `SWEEP_QUEUE_ABORTED`.
 * @example
 * const results = await submitBatch<number, number>('redis://127.0.0.1:6379', 'squares-v1',
 *   [0, 1, 2].map((index) => ({ index, data: index })), { onProgress: (p) => console.log(`${p.done}/${p.total}`) });
 */
export async function submitBatch<D, R>(
  url: string,
  batchId: string,
  jobs: readonly BatchJob<D>[],
  options: SubmitBatchOptions<R> = {},
): Promise<Map<number, R>> {
  const address = parseQueueAddress(url);
  checkBatchId(batchId);
  checkJobs(jobs);
  const attempts = positiveInteger('attempts', options.attempts, 1);
  const keepJobsSec = positiveInteger('keepJobsSec', options.keepJobsSec, WEEK_SEC);
  const tracker = new BatchTracker<R>(
    batchId,
    jobs.map((j) => j.index),
    options.onProgress,
    options.onResult,
  );
  if (jobs.length === 0) return new Map();
  await probeRedis(address, options.connectTimeoutMs);
  if (options.signal?.aborted) throw aborted(batchId);

  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const client = createRedisClient(address, `omni-submit-${batchId}`.slice(0, 60));
  const eventsClient = createRedisClient(address, `omni-events-${batchId}`.slice(0, 60));
  // The stream must hold every event between two reads of a large batch (~6 per job).
  const maxLen = Math.max(10_000, 10 * jobs.length);
  const queue = new Queue<QueuedJobData<D>, R>(queueName, {
    connection: client,
    prefix,
    streams: { events: { maxLen } },
  });
  let events: QueueEvents | undefined;
  const onAbort = (): void => tracker.abort(aborted(batchId));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const connectionError = (err: Error): void => options.onConnectionError?.(lost(address.display, err));
    queue.on('error', connectionError);
    events = new QueueEvents(queueName, {
      connection: eventsClient,
      prefix,
      lastEventId: await newestEventId(client, queue.toKey('events')),
    });
    events.on('error', connectionError);
    events.on('completed', ({ jobId, returnvalue }) => tracker.completed(jobId, returnvalue as R));
    events.on('failed', ({ jobId, failedReason }) => tracker.failed(jobId, failedReason));
    events.on('waiting', ({ jobId, prev }) => {
      if (prev === 'active') tracker.requeued(jobId);
    });
    events.on('stalled', ({ jobId }) => tracker.stalledJob(jobId));

    // What an earlier submission left: the state first, then (for a completed job) its result,
    // read after the job reached that final state.
    const ids = jobs.map((j) => batchJobId(batchId, j.index));
    const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
    const fresh: BatchJob<D>[] = [];
    for (const [i, state] of states.entries()) {
      const spec = jobs[i] as BatchJob<D>;
      const id = ids[i] as string;
      if (state === 'completed' || state === 'failed') {
        const job = await queue.getJob(id);
        if (job === undefined)
          fresh.push(spec); // expired meanwhile: queue it again
        else if (state === 'completed') tracker.completed(id, job.returnvalue as R);
        // a concurrent submission may have retried it already: its events will tell
        else await job.retry('failed').catch(() => {});
      } else if (state === 'unknown') {
        fresh.push(spec);
      }
    }
    await queue.addBulk(
      fresh.map((job) => ({
        name: batchId,
        data: { batchId, index: job.index, data: job.data },
        opts: {
          jobId: batchJobId(batchId, job.index),
          attempts,
          removeOnComplete: { age: keepJobsSec },
          removeOnFail: { age: keepJobsSec },
        },
      })),
    );
    const results = await tracker.settled;
    // 0 for a job still locked by a worker that lost it (it expires with keepJobsSec)
    if (options.removeWhenDone) await Promise.all(ids.map((id) => queue.remove(id).catch(() => 0)));
    return results;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await events?.close();
    await queue.close();
    await Promise.allSettled([client.quit(), eventsClient.quit()]);
  }
}

function aborted(batchId: string): SweepQueueError {
  return new SweepQueueError(
    'SWEEP_QUEUE_ABORTED',
    `stopped waiting for batch ${batchId}; its jobs stay queued and the same submission picks them up`,
    { batchId },
  );
}

function lost(display: string, err: Error): SweepQueueError {
  return new SweepQueueError(
    'SWEEP_QUEUE_UNREACHABLE',
    `lost Redis at ${display} (reconnecting): ${err.message}`,
    { queue: display },
    { cause: err },
  );
}
