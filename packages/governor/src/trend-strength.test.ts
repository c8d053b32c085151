import { describe, expect, it } from 'vitest';
import { trendStrength } from './trend-strength.js';

describe('trendStrength', () => {
  it('matches the hand-worked value for three rising prices', () => {
    // mean 2, population variance 2/3, |3 − 1| / sqrt(2/3) = sqrt(6)
    expect(trendStrength([1, 2, 3])).toBeCloseTo(Math.sqrt(6), 10);
  });

  it('scores a straight line of n points sqrt(12 (n − 1) / (n + 1))', () => {
    const line = Float64Array.from({ length: 50 }, (_, i) => 100 + 0.25 * i);
    expect(trendStrength(line)).toBeCloseTo(Math.sqrt((12 * 49) / 51), 9);
  });

  it('is 0 for a flat window and for fewer than two prices', () => {
    expect(trendStrength([5, 5, 5, 5])).toBe(0);
    expect(trendStrength([5])).toBe(0);
    expect(trendStrength([])).toBe(0);
  });

  it('ignores the direction of the move', () => {
    expect(trendStrength([3, 2, 1])).toBe(trendStrength([1, 2, 3]));
  });

  it('rejects a NaN price with a typed error naming its index', () => {
    expect(() => trendStrength([1, Number.NaN, 2])).toThrow(
      expect.objectContaining({
        code: 'GOVERNOR_BAD_INPUT',
        context: expect.objectContaining({ field: 'window[1]' }),
      }),
    );
  });
});
