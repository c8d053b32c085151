import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RegimeProbabilityEstimator } from './regime-probability-estimator.js';

describe('RegimeProbabilityEstimator', () => {
  const estimator = new RegimeProbabilityEstimator();

  it('calls a straight, calming rise fully trending', () => {
    expect(estimator.estimate([1, 2, 3, 4, 5, 6, 7, 8])).toEqual({
      trending: 1,
      meanReverting: 0,
      volatile: 0,
    });
  });

  it('calls a path that ends where it started with no volatility burst mean-reverting', () => {
    // returns alternate +x, -x with the same size: ER = 0, recent σ ≤ window σ
    const r = estimator.estimate([1, 1.01, 1, 1.01, 1, 1.01, 1, 1.01, 1]);
    expect(r.trending).toBeCloseTo(0, 12);
    expect(r.meanReverting + r.volatile).toBeCloseTo(1, 12);
    expect(r.meanReverting).toBeGreaterThan(0.5);
  });

  it('calls a window whose last quarter moves far more than the rest fully volatile', () => {
    const calm = Array.from({ length: 12 }, (_, i) => 100 + (i % 2) * 0.01);
    const r = estimator.estimate([...calm, 103, 97, 104, 96]);
    expect(r.volatile).toBe(1);
  });

  it('returns probabilities in [0, 1] that sum to 1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.1, max: 1000, noNaN: true }), { minLength: 3, maxLength: 80 }),
        (prices) => {
          const r = estimator.estimate(prices);
          return (
            [r.trending, r.meanReverting, r.volatile].every((x) => x >= 0 && x <= 1) &&
            Math.abs(r.trending + r.meanReverting + r.volatile - 1) < 1e-12
          );
        },
      ),
    );
  });
});
