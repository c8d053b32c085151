import { SweepQueueError } from './sweep-queue-error.js';

/**
 * Where jobs live in Redis. Every submitter and worker of one sweep farm must agree on both; the
 * defaults do.
 */
export interface QueueLocation {
  /** BullMQ queue name. Default `omni-sweeps`. */
  readonly queueName?: string;
  /** Redis key prefix of the queue (BullMQ `prefix`). Default `omni`. */
  readonly prefix?: string;
}

/** The defaults of {@link QueueLocation}. */
export const DEFAULT_QUEUE_NAME = 'omni-sweeps';
export const DEFAULT_PREFIX = 'omni';

/**
 * How a worker holds a job and how a dead worker's job is found again (BullMQ's stalled-job check).
 *
 * A worker holds a lock on each job it runs and renews it every `lockDurationMs / 2`. A worker that
 * dies (SIGKILL, power loss, lost network) stops renewing; once the lock has expired, the next
 * stalled check of any live worker (every `stalledIntervalMs`) puts the job back in the queue and
 * another worker runs it. So a dead worker's job restarts after at most about
 * `lockDurationMs + stalledIntervalMs`. A job that stalls more than `maxStalledCount` times (it
 * kills every worker that runs it, e.g. out of memory) fails instead of looping.
 */
export interface LockSettings {
  /** Lock lifetime in ms. Longer than the longest stretch a job blocks the event loop. Default 30 000. */
  readonly lockDurationMs?: number;
  /** Period of the stalled-job check in ms. Default 15 000. */
  readonly stalledIntervalMs?: number;
  /** How many stalls a job survives before it fails. Default 2. */
  readonly maxStalledCount?: number;
}

/** The defaults of {@link LockSettings}. */
export const DEFAULT_LOCK_DURATION_MS = 30_000;
export const DEFAULT_STALLED_INTERVAL_MS = 15_000;
export const DEFAULT_MAX_STALLED_COUNT = 2;

/** A batch id: letters, digits, `.`, `_`, `-` (BullMQ refuses `:` in job ids). */
const BATCH_ID = /^[A-Za-z0-9._-]{1,200}$/;

/**
 * The BullMQ job id of one job of a batch: `<batchId>-<index>`. Deterministic, so submitting the
 * same batch again finds the jobs already there instead of adding copies. (`<batchId>:<index>`
 * would read better, but BullMQ rejects a custom id with one `:`.)
 */
export function batchJobId(batchId: string, index: number): string {
  return `${batchId}-${index}`;
}

/** @throws SweepQueueError `SWEEP_QUEUE_BAD_INPUT` for a batch id BullMQ or Redis keys cannot carry. */
export function checkBatchId(batchId: string): void {
  if (!BATCH_ID.test(batchId)) {
    throw new SweepQueueError(
      'SWEEP_QUEUE_BAD_INPUT',
      `the batch id ${JSON.stringify(batchId.slice(0, 80))} may hold only letters, digits, ".", "_" and "-" (1–200 characters)`,
      { batchId: batchId.slice(0, 80) },
    );
  }
}

/** @throws SweepQueueError `SWEEP_QUEUE_BAD_INPUT` for a setting that is not a positive integer. */
export function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 1) {
    throw new SweepQueueError('SWEEP_QUEUE_BAD_INPUT', `${name} must be a positive integer, got ${chosen}`, {
      [name]: chosen,
    });
  }
  return chosen;
}
