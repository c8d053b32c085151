import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  prestartSweepThreads,
  releasePrestartedThreads,
  sweepThreadsToPrestart,
  sweepWorkerEntry,
  takePrestartedThreads,
} from './prestart.js';
import { runSweepJob } from './run-job.js';
import { sharedQueueExecutor } from './shared-queue.js';
import type { SweepJob, SweepRunResult } from './sweep-job.js';
import { shortSweepJobs } from './sweep-jobs.fixture.js';

describe('sweepThreadsToPrestart', () => {
  it('prestarts --workers less this thread for a local sweep', () => {
    expect(sweepThreadsToPrestart(['sweep', '--grid', 'g.json', '--workers', '2'], 8)).toBe(1);
    expect(sweepThreadsToPrestart(['sweep', '--workers=4', '--grid', 'g.json'], 8)).toBe(3);
    expect(sweepThreadsToPrestart(['sweep', '--grid', 'g.json'], 6)).toBe(5); // default: the cores
    expect(sweepThreadsToPrestart(['sweep', '--workers', '1'], 8)).toBe(0);
  });

  it('prestarts nothing for other commands, a queue, help or a --workers the command will refuse', () => {
    expect(sweepThreadsToPrestart(['backtest', '--workers', '4'], 8)).toBe(0);
    expect(sweepThreadsToPrestart(['sweep', '--queue', 'redis://127.0.0.1:6379'], 8)).toBe(0);
    expect(sweepThreadsToPrestart(['sweep', '--queue=redis://127.0.0.1:6379', '--workers', '3'], 8)).toBe(0);
    expect(sweepThreadsToPrestart(['sweep', '--help'], 8)).toBe(0);
    expect(sweepThreadsToPrestart(['sweep', '--workers', 'two'], 8)).toBe(0);
    expect(sweepThreadsToPrestart(['sweep', '--workers', '0'], 8)).toBe(0);
    expect(sweepThreadsToPrestart([], 8)).toBe(0);
  });
});

const root = mkdtempSync(join(tmpdir(), 'omni-prestart-'));
const jobs = (outRoot: string): SweepJob[] => shortSweepJobs('prestart-test', outRoot, 11);

describe('prestarted sweep threads', () => {
  afterEach(() => releasePrestartedThreads());

  it('are taken by the shared queue, which gets the results of one thread alone', async () => {
    const alone: SweepRunResult[] = [];
    for (const job of jobs(join(root, 'alone'))) alone.push(await runSweepJob(job));

    prestartSweepThreads(1);
    // This thread waits for the prestarted thread's first result, so it runs at least one job.
    let reported: () => void = () => undefined;
    const firstReport = new Promise<void>((resolve) => {
      reported = resolve;
    });
    const here = async (job: SweepJob): Promise<SweepRunResult> => {
      await firstReport;
      return runSweepJob(job);
    };
    const results: SweepRunResult[] = [];
    await sharedQueueExecutor(
      2,
      sweepWorkerEntry(),
      here,
    )(jobs(join(root, 'shared')), (r) => {
      results.push(r);
      reported();
    });
    expect([...results].sort((a, b) => a.index - b.index)).toEqual(alone);
    // The sweep used the prestarted thread: none is left waiting.
    expect(takePrestartedThreads(1, sweepWorkerEntry())).toEqual([]);
  }, 60_000);

  it('are handed out only for their own entry, and released when nobody takes them', async () => {
    prestartSweepThreads(1);
    expect(takePrestartedThreads(1, { filename: '/elsewhere/sweep-worker.js' })).toEqual([]);
    await releasePrestartedThreads();
    expect(takePrestartedThreads(1, sweepWorkerEntry())).toEqual([]);
  }, 60_000);

  it('that died before they were taken are dropped, without an uncaught error here', async () => {
    const broken = {
      filename: `data:text/javascript,${encodeURIComponent('throw new Error("no engine here");')}`,
    };
    const [worker] = prestartSweepThreads(1, broken);
    if (worker === undefined) throw new Error('no thread started');
    await new Promise((resolve) => worker.once('exit', resolve)); // events.once would reject on its 'error'
    expect(takePrestartedThreads(1, broken)).toEqual([]);
  }, 60_000);
});
