import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING_CUTOFF, endOfUtcDay, seriesUntil } from './training-cutoff.js';

describe('training cutoff', () => {
  it('ends a cutoff day at its last millisecond (UTC)', () => {
    expect(endOfUtcDay('2014-12-31')).toBe(Date.UTC(2015, 0, 1) - 1);
    expect(DEFAULT_TRAINING_CUTOFF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(() => endOfUtcDay('31/12/2014')).toThrow(expect.objectContaining({ code: 'DATA_SOURCE_INVALID' }));
  });

  it('keeps exactly the rows at or before the cutoff', () => {
    const day = 86_400_000;
    const series = {
      symbol: 'EURUSD',
      tsMs: Float64Array.from([0, day, 2 * day, 3 * day]),
      prices: Float64Array.from([1, 2, 3, 4]),
    };
    const cut = seriesUntil(series, 2 * day);
    expect([...cut.tsMs]).toEqual([0, day, 2 * day]);
    expect([...cut.prices]).toEqual([1, 2, 3]);
    expect(seriesUntil(series, -1).tsMs.length).toBe(0);
  });
});
