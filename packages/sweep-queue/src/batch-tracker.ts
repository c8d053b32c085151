import { batchJobId } from './queue-settings.js';
import { SweepQueueError } from './sweep-queue-error.js';

/** Where a submitted batch stands; every count is of this batch's jobs only. */
export interface BatchProgress {
  readonly batchId: string;
  readonly total: number;
  /** Jobs with a result (each counted once, however often it completed). */
  readonly done: number;
  /** Jobs that failed all their attempts (the batch rejects at the first one). */
  readonly failed: number;
  /** Times a job went back to the queue for another attempt: after a failed attempt or a stall. */
  readonly retried: number;
  /** Of those, the stalls: a worker died or lost its lock and another worker takes the job over. */
  readonly stalled: number;
  /** Completions of a job that already had its result (ignored; the first one counts). */
  readonly duplicates: number;
}

/**
 * The bookkeeping of one batch, fed with the queue's events (and with what Redis already held at
 * submission): results keyed by index, first completion wins, and the batch settles when every
 * index has its result or a job has failed for good. No I/O here, so every rule is testable alone.
 */
export class BatchTracker<R> {
  readonly #indexByJobId = new Map<string, number>();
  readonly #results = new Map<number, R>();
  readonly #onProgress: ((progress: BatchProgress) => void) | undefined;
  readonly #onResult: ((index: number, result: R) => void) | undefined;
  readonly #batchId: string;
  #failed = 0;
  #retried = 0;
  #stalled = 0;
  #duplicates = 0;
  #settled = false;
  #resolve!: (results: Map<number, R>) => void;
  #reject!: (error: unknown) => void;
  /** Resolves with the results in ascending index order; rejects at the first job that failed for good. */
  readonly settled: Promise<Map<number, R>>;

  /**
   * @param onProgress - called at every change of {@link progress}.
   * @param onResult - called once per index, with its first result, as results come; a throw
   *   rejects the batch with that error.
   */
  constructor(
    batchId: string,
    indexes: readonly number[],
    onProgress?: (progress: BatchProgress) => void,
    onResult?: (index: number, result: R) => void,
  ) {
    this.#batchId = batchId;
    this.#onProgress = onProgress;
    this.#onResult = onResult;
    for (const index of indexes) this.#indexByJobId.set(batchJobId(batchId, index), index);
    this.settled = new Promise<Map<number, R>>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // The submitter may stop listening (abort) before anyone awaits this promise.
    this.settled.catch(() => {});
  }

  /** True when `jobId` belongs to this batch (events of other batches share the queue's stream). */
  owns(jobId: string): boolean {
    return this.#indexByJobId.has(jobId);
  }

  get progress(): BatchProgress {
    return {
      batchId: this.#batchId,
      total: this.#indexByJobId.size,
      done: this.#results.size,
      failed: this.#failed,
      retried: this.#retried,
      stalled: this.#stalled,
      duplicates: this.#duplicates,
    };
  }

  /** A job completed with `value` (from an event, or found completed in Redis at submission). */
  completed(jobId: string, value: R): void {
    const index = this.#indexByJobId.get(jobId);
    if (index === undefined || this.#settled) return;
    if (this.#results.has(index)) {
      this.#duplicates++;
      if (JSON.stringify(this.#results.get(index)) !== JSON.stringify(value)) {
        this.#fail(
          new SweepQueueError(
            'SWEEP_QUEUE_RESULT_MISMATCH',
            `job ${index} of batch ${this.#batchId} completed twice with different results: the executor is not deterministic`,
            { batchId: this.#batchId, index, jobId },
          ),
        );
      }
      return;
    }
    this.#results.set(index, value);
    try {
      this.#onResult?.(index, value);
    } catch (err) {
      // the consumer refused the result (it belongs to another batch, say): the batch fails with its error
      this.#fail(err);
      return;
    }
    this.#report();
    if (this.#results.size === this.#indexByJobId.size) this.#finish();
  }

  /** A job failed its last attempt (BullMQ's `failed` event; earlier attempts show as {@link requeued}). */
  failed(jobId: string, reason: string): void {
    const index = this.#indexByJobId.get(jobId);
    if (index === undefined || this.#settled || this.#results.has(index)) return;
    this.#failed++;
    this.#report();
    this.#fail(
      new SweepQueueError(
        'SWEEP_QUEUE_JOB_FAILED',
        `job ${index} of batch ${this.#batchId} failed: ${reason}`,
        {
          batchId: this.#batchId,
          index,
          jobId,
          reason,
        },
      ),
    );
  }

  /** A job went back to the queue from a worker (BullMQ `waiting` with `prev: 'active'`). */
  requeued(jobId: string): void {
    if (!this.owns(jobId) || this.#settled) return;
    this.#retried++;
    this.#report();
  }

  /** A job's worker stopped renewing its lock (BullMQ `stalled`; a `waiting` event follows). */
  stalledJob(jobId: string): void {
    if (!this.owns(jobId) || this.#settled) return;
    this.#stalled++;
    this.#report();
  }

  /** Stops the batch with `error` (abort, lost connection); later events are ignored. */
  abort(error: unknown): void {
    if (!this.#settled) this.#fail(error);
  }

  #report(): void {
    this.#onProgress?.(this.progress);
  }

  #fail(error: unknown): void {
    this.#settled = true;
    this.#reject(error);
  }

  #finish(): void {
    this.#settled = true;
    const ordered = new Map<number, R>();
    for (const index of [...this.#results.keys()].sort((a, b) => a - b))
      ordered.set(index, this.#results.get(index) as R);
    this.#resolve(ordered);
  }
}
