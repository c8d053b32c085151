import { describe, expect, it } from 'vitest';
import { BenchError } from './errors.js';
import { percentileOfSorted, spread } from './stats.js';

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

describe('percentileOfSorted', () => {
  it('takes the nearest rank: p50, p99 and max of 1..100', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect([0.5, 0.99, 1].map((q) => percentileOfSorted(values, q))).toEqual([50, 99, 100]);
  });

  it('gives the only value of one, the larger of two at p99, and refuses none', () => {
    expect(percentileOfSorted(Float64Array.of(7), 0.99)).toBe(7);
    expect(percentileOfSorted(Float64Array.of(1, 2), 0.5)).toBe(1);
    expect(percentileOfSorted(Float64Array.of(1, 2), 0.99)).toBe(2);
    expect(() => percentileOfSorted(new Float64Array(0), 0.5)).toThrow(BenchError);
  });
});
