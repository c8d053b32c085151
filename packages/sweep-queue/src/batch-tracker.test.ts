import { isOmniError } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BatchProgress, BatchTracker } from './batch-tracker.js';

describe('BatchTracker', () => {
  it('resolves with the results in index order once every job completed', async () => {
    const seen: BatchProgress[] = [];
    const tracker = new BatchTracker<string>('b1', [2, 0, 1], (p) => seen.push(p));
    tracker.completed('b1-1', 'one');
    tracker.completed('other-0', 'not ours');
    tracker.completed('b1-2', 'two');
    tracker.completed('b1-0', 'zero');
    expect([...(await tracker.settled).entries()]).toEqual([
      [0, 'zero'],
      [1, 'one'],
      [2, 'two'],
    ]);
    expect(seen.map((p) => p.done)).toEqual([1, 2, 3]);
    expect(seen.at(-1)).toEqual({
      batchId: 'b1',
      total: 3,
      done: 3,
      failed: 0,
      retried: 0,
      stalled: 0,
      duplicates: 0,
    });
  });

  it('counts a job completed twice once, the first result winning', async () => {
    const tracker = new BatchTracker<{ pnl: number }>('b', [0, 1]);
    tracker.completed('b-0', { pnl: 1.5 });
    tracker.completed('b-0', { pnl: 1.5 });
    expect(tracker.progress).toMatchObject({ done: 1, duplicates: 1 });
    tracker.completed('b-1', { pnl: -2 });
    expect([...(await tracker.settled).values()]).toEqual([{ pnl: 1.5 }, { pnl: -2 }]);
  });

  it('hands each index its first result once, and rejects with the error onResult throws', async () => {
    const handed: [number, number][] = [];
    const tracker = new BatchTracker<number>('b', [0, 1, 2], undefined, (index, result) => {
      if (index === 2) throw new Error('result of another sweep');
      handed.push([index, result]);
    });
    tracker.completed('b-1', 10);
    tracker.completed('b-1', 10);
    tracker.completed('b-0', 0);
    tracker.completed('b-2', 20);
    expect(handed).toEqual([
      [1, 10],
      [0, 0],
    ]);
    await expect(tracker.settled).rejects.toThrow('result of another sweep');
  });

  it('rejects a second completion with a different result as SWEEP_QUEUE_RESULT_MISMATCH', async () => {
    const tracker = new BatchTracker<number>('b', [0, 1]);
    tracker.completed('b-0', 1);
    tracker.completed('b-0', 2);
    await expect(tracker.settled).rejects.toSatisfy((e) => isOmniError(e, 'SWEEP_QUEUE_RESULT_MISMATCH'));
  });

  it('rejects at the first job that failed for good, with its reason', async () => {
    const tracker = new BatchTracker<number>('b', [0, 1]);
    tracker.requeued('b-1');
    tracker.failed('b-1', 'grid value out of range');
    const error = await tracker.settled.catch((e: unknown) => e);
    expect(isOmniError(error, 'SWEEP_QUEUE_JOB_FAILED')).toBe(true);
    expect((error as Error).message).toContain('job 1 of batch b failed: grid value out of range');
    expect(tracker.progress).toMatchObject({ failed: 1, retried: 1, done: 0 });
  });

  it('counts stalls and requeues of its own jobs only', () => {
    const tracker = new BatchTracker<number>('b', [0]);
    tracker.requeued('b-0');
    tracker.stalledJob('b-0');
    tracker.stalledJob('c-0');
    tracker.requeued('c-0');
    expect(tracker.progress).toMatchObject({ retried: 1, stalled: 1 });
  });

  it('gives every index exactly its first result whatever the order and repetition of events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 12 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 40 })),
          ),
        async ([n, extra]) => {
          const tracker = new BatchTracker<number>(
            'p',
            Array.from({ length: n }, (_, i) => i),
          );
          // every index completes at least once, some several times, in a shuffled order
          const order = [...extra, ...Array.from({ length: n }, (_, i) => n - 1 - i)];
          for (const index of order) tracker.completed(`p-${index}`, index * 10);
          const results = await tracker.settled;
          expect([...results.keys()]).toEqual(Array.from({ length: n }, (_, i) => i));
          expect([...results.values()]).toEqual(Array.from({ length: n }, (_, i) => i * 10));
          expect(tracker.progress.done).toBe(n);
        },
      ),
      { seed: 17, numRuns: 100 },
    );
  });
});
