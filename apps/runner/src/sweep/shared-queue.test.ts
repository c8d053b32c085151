import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepWorkerEntry } from './prestart.js';
import { runSweepJob } from './run-job.js';
import { sharedQueueExecutor } from './shared-queue.js';
import type { SweepJob, SweepRunResult } from './sweep-job.js';
import { shortSweepJobs } from './sweep-jobs.fixture.js';
import { claimJob } from './sweep-worker.js';

const root = mkdtempSync(join(tmpdir(), 'omni-shared-queue-'));
/** Short momentum backtests of bundled EURUSD, one per minConfidence. */
const jobs = (outRoot: string, data?: string): SweepJob[] =>
  shortSweepJobs('shared-queue-test', outRoot, 7, data);
const claims = (next: number, stop: number): Int32Array => Int32Array.from([next, stop]);

describe('claimJob', () => {
  it('hands out each job once, in order, then nothing', () => {
    const c = claims(0, 0);
    const got = [claimJob(c, ['a', 'b', 'c']), claimJob(c, ['a', 'b', 'c']), claimJob(c, ['a', 'b', 'c'])];
    expect(got).toEqual(['a', 'b', 'c']);
    expect(claimJob(c, ['a', 'b', 'c'])).toBeUndefined();
    expect(c[0]).toBe(4);
  });

  it('hands out nothing once the stop flag is set', () => {
    const c = claims(1, 1);
    expect(claimJob(c, ['a', 'b', 'c'])).toBeUndefined();
    expect(c[0]).toBe(1);
  });
});

describe('sharedQueueExecutor', () => {
  it('runs jobs on this thread and a worker thread, each once, with the results of one thread alone', async () => {
    const alone: SweepRunResult[] = [];
    for (const job of jobs(join(root, 'alone'))) alone.push(await runSweepJob(job));

    // This thread's first run waits until the worker thread has reported one, so both take part.
    const results: SweepRunResult[] = [];
    let workerReported: () => void = () => undefined;
    const firstReport = new Promise<void>((resolve) => {
      workerReported = resolve;
    });
    let hereRan = 0;
    const here = async (job: SweepJob): Promise<SweepRunResult> => {
      hereRan++;
      await firstReport;
      return runSweepJob(job);
    };
    const execute = sharedQueueExecutor(2, sweepWorkerEntry(), here);
    await execute(jobs(join(root, 'shared')), (result) => {
      results.push(result);
      workerReported();
    });

    expect(hereRan).toBeGreaterThanOrEqual(1);
    expect(hereRan).toBeLessThanOrEqual(2);
    expect(results.map((r) => r.index).sort()).toEqual([0, 1, 2]);
    expect([...results].sort((a, b) => a.index - b.index)).toEqual(alone);
  }, 60_000);

  it('stops at the first failure and rejects naming the run', async () => {
    const results: SweepRunResult[] = [];
    const missing = join(root, 'no-such-prices.csv');
    const execute = sharedQueueExecutor(2, sweepWorkerEntry());
    await expect(execute(jobs(join(root, 'failing'), missing), (r) => results.push(r))).rejects.toThrow(
      /EURUSD \(run [012], full\)/,
    );
    expect(results).toEqual([]);
  }, 60_000);

  it('rejects when this thread fails, naming its run, and leaves no worker thread behind', async () => {
    const failing = async (job: SweepJob): Promise<SweepRunResult> => {
      throw new Error(`refused run ${job.index}`);
    };
    const execute = sharedQueueExecutor(2, sweepWorkerEntry(), failing);
    await expect(execute(jobs(join(root, 'here-fails')), () => undefined)).rejects.toThrow(
      /EURUSD \(run 0, full\): refused run 0/,
    );
  }, 60_000);
});
