import { type AddressInfo, createServer } from 'node:net';
import { isOmniError } from '@omni/core';
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

interface Leg {
  readonly stakeUsd: number;
  readonly payout: number;
}

/** An in-process worker on `queueName` that counts its executions; `stop()` closes it. */
function startWorker(queueName: string, execute: (leg: Leg) => Promise<number>) {
  const controller = new AbortController();
  const executed: number[] = [];
  const done = runWorker<Leg, number>(
    redis.url,
    async (leg, job) => {
      executed.push(job.index);
      return execute(leg);
    },
    { queueName, concurrency: 2, signal: controller.signal, stopOn: [] },
  );
  return {
    executed,
    stop: async () => {
      controller.abort();
      return done;
    },
  };
}

const legs = (n: number) =>
  Array.from({ length: n }, (_, index) => ({ index, data: { stakeUsd: 10 + index, payout: 0.8 } }));
const profit = async (leg: Leg) => leg.stakeUsd * leg.payout;

describe('submitBatch with runWorker', () => {
  it('returns every result keyed by index and reports progress up to done = total', async () => {
    const worker = startWorker('q-results', profit);
    const progress: BatchProgress[] = [];
    const results = await submitBatch<Leg, number>(redis.url, 'results-1', legs(5), {
      queueName: 'q-results',
      onProgress: (p) => progress.push(p),
    });
    expect([...results.entries()]).toEqual([
      [0, 8],
      [1, 8.8],
      [2, 9.600000000000001],
      [3, 10.4],
      [4, 11.200000000000001],
    ]);
    expect(progress.at(-1)).toEqual({
      batchId: 'results-1',
      total: 5,
      done: 5,
      failed: 0,
      retried: 0,
      stalled: 0,
      duplicates: 0,
    });
    expect(await worker.stop()).toEqual({ completed: 5, failed: 0 });
  });

  it('adds nothing when the same batch is submitted again, alone or twice at once', async () => {
    const worker = startWorker('q-resubmit', profit);
    const first = await submitBatch<Leg, number>(redis.url, 'resubmit-1', legs(4), {
      queueName: 'q-resubmit',
    });
    const [again, alsoAgain] = await Promise.all([
      submitBatch<Leg, number>(redis.url, 'resubmit-1', legs(4), { queueName: 'q-resubmit' }),
      submitBatch<Leg, number>(redis.url, 'resubmit-1', legs(4), { queueName: 'q-resubmit' }),
    ]);
    expect(again).toEqual(first);
    expect(alsoAgain).toEqual(first);
    const twiceAtOnce = await Promise.all([
      submitBatch<Leg, number>(redis.url, 'resubmit-2', legs(3), { queueName: 'q-resubmit' }),
      submitBatch<Leg, number>(redis.url, 'resubmit-2', legs(3), { queueName: 'q-resubmit' }),
    ]);
    expect(twiceAtOnce[0]).toEqual(twiceAtOnce[1]);
    await worker.stop();
    expect([...worker.executed].sort((a, b) => a - b)).toEqual([0, 0, 1, 1, 2, 2, 3]);
  });

  it('runs a batch again after removeWhenDone took its jobs out of Redis', async () => {
    const worker = startWorker('q-remove', profit);
    const options = { queueName: 'q-remove', removeWhenDone: true };
    const first = await submitBatch<Leg, number>(redis.url, 'remove-1', legs(2), options);
    expect(await submitBatch<Leg, number>(redis.url, 'remove-1', legs(2), options)).toEqual(first);
    await worker.stop();
    expect([...worker.executed].sort((a, b) => a - b)).toEqual([0, 0, 1, 1]);
  });

  it('rejects with SWEEP_QUEUE_JOB_FAILED and the reason when a job fails its attempts, and retries it on resubmission', async () => {
    let broken = true;
    const worker = startWorker('q-failed', async (leg) => {
      if (broken && leg.stakeUsd === 12) throw new Error('stake above the cap of 11 USD');
      return profit(leg);
    });
    const progress: BatchProgress[] = [];
    const error = await submitBatch<Leg, number>(redis.url, 'failing-1', legs(3), {
      queueName: 'q-failed',
      attempts: 2,
      onProgress: (p) => progress.push(p),
    }).catch((e: unknown) => e);
    expect(isOmniError(error, 'SWEEP_QUEUE_JOB_FAILED')).toBe(true);
    expect((error as Error).message).toContain(
      'job 2 of batch failing-1 failed: stake above the cap of 11 USD',
    );
    expect(progress.at(-1)).toMatchObject({ failed: 1, retried: 1 });
    broken = false;
    const results = await submitBatch<Leg, number>(redis.url, 'failing-1', legs(3), {
      queueName: 'q-failed',
    });
    expect(results.get(2)).toBe(9.600000000000001);
    await worker.stop();
  });

  it('lets a stopped worker finish the run it holds before it resolves', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let finish!: (value: number) => void;
    const controller = new AbortController();
    const worker = runWorker<Leg, number>(
      redis.url,
      () => {
        started();
        return new Promise<number>((resolve) => {
          finish = resolve;
        });
      },
      { queueName: 'q-graceful', signal: controller.signal, stopOn: [] },
    );
    const results = submitBatch<Leg, number>(redis.url, 'graceful-1', legs(1), { queueName: 'q-graceful' });
    await running;
    controller.abort(); // stop taking jobs: the one running goes on
    finish(42);
    expect([...(await results).entries()]).toEqual([[0, 42]]);
    expect(await worker).toEqual({ completed: 1, failed: 0 });
  });

  it('stops waiting with SWEEP_QUEUE_ABORTED when its signal fires', async () => {
    const controller = new AbortController();
    const pending = submitBatch<Leg, number>(redis.url, 'nobody-works-1', legs(2), {
      queueName: 'q-idle',
      signal: controller.signal,
      onProgress: () => {},
    });
    controller.abort();
    await expect(pending).rejects.toSatisfy((e) => isOmniError(e, 'SWEEP_QUEUE_ABORTED'));
  });
});

describe('an unreachable Redis', () => {
  it('is SWEEP_QUEUE_UNREACHABLE, says what to do and never shows the password', async () => {
    // a port nobody listens on: the test Redis's, after it stopped
    const gone = await startTestRedis();
    await gone.stop();
    const url = `redis://:queue-pass-123@127.0.0.1:${gone.port}`;
    for (const attempt of [
      () => submitBatch(url, 'b', legs(1)),
      () => runWorker(url, async () => 0, { stopOn: [] }),
    ]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(isOmniError(error, 'SWEEP_QUEUE_UNREACHABLE')).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain(`cannot reach Redis at redis://:***@127.0.0.1:${gone.port}`);
      expect(message).toContain('start redis-server or check --queue redis://HOST:PORT');
      expect(message).not.toContain('queue-pass-123');
    }
  });
});

describe('a server that accepts connections but never answers', () => {
  it('is SWEEP_QUEUE_UNREACHABLE after the connect timeout, not a hang', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const { port } = silent.address() as AddressInfo;
    try {
      const error = await submitBatch(`redis://127.0.0.1:${port}`, 'silent-1', legs(1), {
        connectTimeoutMs: 200,
      }).catch((e: unknown) => e);
      expect(isOmniError(error, 'SWEEP_QUEUE_UNREACHABLE')).toBe(true);
      expect((error as Error).message).toContain('Command timed out');
    } finally {
      silent.close();
    }
  });
});

describe('a Redis with a password', () => {
  it('works with the password in the address, and a wrong one is SWEEP_QUEUE_UNREACHABLE that shows neither', async () => {
    const locked = await startTestRedis({ password: 'farm-pass-4417' });
    try {
      const url = `redis://:farm-pass-4417@127.0.0.1:${locked.port}`;
      const controller = new AbortController();
      const worker = runWorker<Leg, number>(url, profit, { signal: controller.signal, stopOn: [] });
      const results = await submitBatch<Leg, number>(url, 'locked-1', legs(2));
      controller.abort();
      expect(await worker).toEqual({ completed: 2, failed: 0 });
      expect([...results.values()]).toEqual([8, 8.8]);

      const error = await submitBatch(
        `redis://:wrong-pass-9921@127.0.0.1:${locked.port}`,
        'locked-2',
        legs(1),
      ).catch((e: unknown) => e);
      expect(isOmniError(error, 'SWEEP_QUEUE_UNREACHABLE')).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain(`redis://:***@127.0.0.1:${locked.port}`);
      expect(message).not.toContain('wrong-pass-9921');
      expect(message).not.toContain('farm-pass-4417');
    } finally {
      await locked.stop();
    }
  });
});
