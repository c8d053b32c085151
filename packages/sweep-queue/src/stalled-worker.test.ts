import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchProgress } from './batch-tracker.js';
import { runWorker } from './run-worker.js';
import { submitBatch } from './submit-batch.js';
import { startTestRedis, type TestRedis } from './testing.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const fixture = fileURLToPath(new URL('./stalled-worker.fixture.ts', import.meta.url));

/** Resolves with the first `started <index>` line the child prints. */
function firstStartedJob(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /started (\d+)\n/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code) =>
      reject(new Error(`the worker exited (${code}) before it started a job:\n${err}`)),
    );
  });
}

describe('a worker killed mid-job', () => {
  it('has its job retried by another worker and counted once', async () => {
    const queueName = 'q-stall';
    const progress: BatchProgress[] = [];
    const jobs = [0, 1, 2].map((index) => ({ index, data: { lots: index + 1 } }));
    const submitted = submitBatch<{ lots: number }, number>(redis.url, 'stall-1', jobs, {
      queueName,
      onProgress: (p) => progress.push(p),
    });

    const doomed = spawn(
      process.execPath,
      ['--conditions=omni-source', '--import', 'tsx', fixture, redis.url, queueName],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const killedIndex = await firstStartedJob(doomed);
    const exited = once(doomed, 'exit');
    doomed.kill('SIGKILL');
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');

    const executed: number[] = [];
    const stop = new AbortController();
    const survivor = runWorker<{ lots: number }, number>(
      redis.url,
      async (data, job) => {
        executed.push(job.index);
        return data.lots * 100_000;
      },
      {
        queueName,
        concurrency: 1,
        // its own lock keeps the 30 s default: a busy machine never takes this worker's job for stalled
        stalledIntervalMs: 500,
        signal: stop.signal,
        stopOn: [],
      },
    );
    const results = await submitted;
    stop.abort();
    expect(await survivor).toEqual({ completed: 3, failed: 0 });

    expect([...results.entries()]).toEqual([
      [0, 100_000],
      [1, 200_000],
      [2, 300_000],
    ]);
    expect(executed.sort((a, b) => a - b)).toEqual([0, 1, 2]);
    expect(executed).toContain(killedIndex);
    expect(progress.at(-1)).toEqual({
      batchId: 'stall-1',
      total: 3,
      done: 3,
      failed: 0,
      retried: 1,
      stalled: 1,
      duplicates: 0,
    });
  });
});
