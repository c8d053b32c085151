import { describe, expect, it } from 'vitest';
import { BenchError } from './errors.js';
import { spread } from './stats.js';

describe('spread', () => {
  it('gives min, median and max of an odd count and keeps the samples in run order', () => {
    expect(spread([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3, samples: [3, 1, 2] });
  });

  it('takes the mean of the middle two as the median of an even count', () => {
    expect(spread([10, 4, 6, 1])).toEqual({ min: 1, median: 5, max: 10, samples: [10, 4, 6, 1] });
  });

  it('refuses an empty list and a non-finite sample', () => {
    expect(() => spread([])).toThrow(BenchError);
    expect(() => spread([1, Number.NaN])).toThrow(/non-finite/);
    expect(() => spread([Number.POSITIVE_INFINITY])).toThrow(/non-finite/);
  });
});
