import { describe, expect, it } from 'vitest';
import { describeRetries, sweepBatchId } from './sweep-queue.js';

const progress = { batchId: 'sweep-ab', total: 8, done: 3, failed: 0, duplicates: 0 };

describe('the queue backend of omni sweep', () => {
  it('names the batch after the sweep digest, so the same sweep submitted again adds no run', () => {
    expect(sweepBatchId('f2aede5199a5213e')).toBe('sweep-f2aede5199a5213e');
  });

  it('says nothing until a run goes back to the queue, then how many and how many from dead workers', () => {
    expect(describeRetries({ ...progress, retried: 0, stalled: 0 })).toBeUndefined();
    expect(describeRetries({ ...progress, retried: 1, stalled: 0 })).toBe(
      'sweep: 3/8 runs done; 1 run(s) went back to the queue',
    );
    expect(describeRetries({ ...progress, retried: 2, stalled: 1 })).toBe(
      'sweep: 3/8 runs done; 2 run(s) went back to the queue, 1 from workers that stopped answering',
    );
  });
});
