import { defineErrorArea } from '@omni/core';

/** Codes of {@link SweepQueueError}. */
export const SweepQueueErrorCodes = [
  'SWEEP_QUEUE_BAD_URL',
  'SWEEP_QUEUE_BAD_INPUT',
  'SWEEP_QUEUE_UNREACHABLE',
  'SWEEP_QUEUE_JOB_FAILED',
  'SWEEP_QUEUE_RESULT_MISMATCH',
  'SWEEP_QUEUE_ABORTED',
] as const;
/** A code of {@link SweepQueueError}. */
export type SweepQueueErrorCode = (typeof SweepQueueErrorCodes)[number];

/**
 * Errors of `@omni/sweep-queue`: a queue address that is not `redis://[user:pass@]HOST:PORT[/DB]`
 * (`SWEEP_QUEUE_BAD_URL`), a batch id or job list that cannot be queued (`SWEEP_QUEUE_BAD_INPUT`),
 * a Redis that does not answer (`SWEEP_QUEUE_UNREACHABLE`), a job that failed all its attempts
 * (`SWEEP_QUEUE_JOB_FAILED`, the worker's reason in `context.reason`), one job completed twice with
 * different results (`SWEEP_QUEUE_RESULT_MISMATCH`: the executor is not deterministic) and a
 * submission stopped by its abort signal (`SWEEP_QUEUE_ABORTED`). Messages and context show the
 * address with its password replaced by `***`.
 *
 * @example
 * throw new SweepQueueError('SWEEP_QUEUE_UNREACHABLE', 'cannot reach Redis at redis://127.0.0.1:6379', { queue });
 */
export class SweepQueueError extends defineErrorArea('SweepQueueError', SweepQueueErrorCodes) {}
