export { type BatchProgress, BatchTracker } from './batch-tracker.js';
export { parseQueueAddress, type QueueAddress, redactQueueUrl } from './queue-address.js';
export {
  batchJobId,
  DEFAULT_LOCK_DURATION_MS,
  DEFAULT_MAX_STALLED_COUNT,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE_NAME,
  DEFAULT_STALLED_INTERVAL_MS,
  type LockSettings,
  type QueueLocation,
} from './queue-settings.js';
export { DEFAULT_CONNECT_TIMEOUT_MS, probeRedis } from './redis-client.js';
export {
  type JobInfo,
  type RunWorkerOptions,
  runWorker,
  type WorkerEvent,
  type WorkerSummary,
} from './run-worker.js';
export {
  type BatchJob,
  type QueuedJobData,
  type SubmitBatchOptions,
  submitBatch,
} from './submit-batch.js';
export { SweepQueueError, type SweepQueueErrorCode, SweepQueueErrorCodes } from './sweep-queue-error.js';
