import type { BatchProgress } from '@omni/sweep-queue';
import type { CliIo } from '../cli-io.js';
import type { SweepExecutor } from '../sweep/local-pool.js';
import type { SweepJob, SweepRunResult } from '../sweep/sweep-job.js';

/** Options of {@link queueSweepExecutor}. */
export interface QueueSweepOptions {
  /** Where retries and stalls are reported (the sweep's progress bar counts the results). */
  readonly io?: CliIo;
  readonly quiet?: boolean;
  /** Stops waiting; the runs stay queued and the same `omni sweep --queue` picks them up. */
  readonly signal?: AbortSignal;
  /** BullMQ queue name (tests); default `omni-sweeps`, as `omni worker` uses. */
  readonly queueName?: string;
}

/**
 * The queue batch of a sweep: its digest, so a sweep submitted again after its submitter stopped
 * (crash, Ctrl-C, a failed run) reuses the runs already finished and adds none twice.
 */
export function sweepBatchId(sweepId: string): string {
  return `sweep-${sweepId}`;
}

/** A line about the runs that went back to the queue, or undefined while there are none. */
export function describeRetries(p: BatchProgress): string | undefined {
  if (p.retried === 0) return undefined;
  const stalls = p.stalled === 0 ? '' : `, ${p.stalled} from workers that stopped answering`;
  return `sweep: ${p.done}/${p.total} runs done; ${p.retried} run(s) went back to the queue${stalls}`;
}

/**
 * The queue backend of `omni sweep --queue redis://HOST:PORT`: the sweep's runs go to BullMQ as
 * one batch (`sweep-<sweepId>`), `omni worker` processes anywhere execute them, and each result is
 * handed to the sweep as it arrives (once per run, however often a run was retried), so the
 * merged results are those of a local sweep. Resolves when every run has its result; rejects at the
 * first run that failed (SWEEP_QUEUE_JOB_FAILED with the worker's reason).
 */
export function queueSweepExecutor(url: string, options: QueueSweepOptions = {}): SweepExecutor {
  return async (jobs, onResult) => {
    const first = jobs[0];
    if (first === undefined) return;
    let reported = '';
    // BullMQ and ioredis load only when a sweep goes to a queue.
    const { submitBatch } = await import('@omni/sweep-queue');
    await submitBatch<SweepJob, SweepRunResult>(
      url,
      sweepBatchId(first.sweepId),
      jobs.map((job) => ({ index: job.index, data: job })),
      {
        onResult: (_index, result) => onResult(result),
        // a finished sweep leaves nothing behind: run again, it runs again (and writes its run folders);
        // a sweep that stopped early leaves its finished runs for the next submission to reuse
        removeWhenDone: true,
        onProgress: (p) => {
          // a line when a run goes back to the queue (a stall shows as a second line: BullMQ reports it just after)
          const key = `${p.retried}/${p.stalled}`;
          const line = describeRetries(p);
          if (line === undefined || key === reported) return;
          reported = key;
          if (!options.quiet) options.io?.err(line);
        },
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
        ...(options.queueName !== undefined ? { queueName: options.queueName } : {}),
        ...(options.io !== undefined && !options.quiet
          ? { onConnectionError: (e) => options.io?.err(`sweep: ${e.shortMessage}`) }
          : {}),
      },
    );
  };
}
