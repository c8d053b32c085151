import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isotonicRegression } from './isotonic-regression.js';

/** Independent closed form: fᵢ = max over j ≤ i of min over k ≥ i of the weighted mean of j..k. */
function minMaxIsotonic(y: readonly number[], w: readonly number[]): number[] {
  const n = y.length;
  const avg = (j: number, k: number) => {
    let s = 0;
    let sw = 0;
    for (let m = j; m <= k; m++) {
      s += (y[m] as number) * (w[m] as number);
      sw += w[m] as number;
    }
    return s / sw;
  };
  return y.map((_, i) => {
    let best = Number.NEGATIVE_INFINITY;
    for (let j = 0; j <= i; j++) {
      let low = Number.POSITIVE_INFINITY;
      for (let k = i; k < n; k++) low = Math.min(low, avg(j, k));
      best = Math.max(best, low);
    }
    return best;
  });
}

describe('isotonicRegression', () => {
  it('pools one violating pair into its mean', () => {
    expect(Array.from(isotonicRegression([1, 3, 2, 4], [1, 1, 1, 1]))).toEqual([1, 2.5, 2.5, 4]);
  });

  it('pools by weight', () => {
    expect(Array.from(isotonicRegression([3, 1], [1, 3]))).toEqual([1.5, 1.5]);
  });

  it('leaves a non-decreasing sequence unchanged', () => {
    expect(Array.from(isotonicRegression([0.1, 0.2, 0.2, 0.9], [2, 1, 5, 1]))).toEqual([0.1, 0.2, 0.2, 0.9]);
  });

  it('equals the min-max closed form and is non-decreasing for any input', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: -10, max: 10, noNaN: true }),
            fc.double({ min: 0.01, max: 10, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 25,
          },
        ),
        (pairs) => {
          const y = pairs.map((p) => p[0]);
          const w = pairs.map((p) => p[1]);
          const fit = isotonicRegression(y, w);
          const ref = minMaxIsotonic(y, w);
          for (let i = 0; i < y.length; i++) {
            expect(fit[i]).toBeCloseTo(ref[i] as number, 9);
            if (i > 0) expect(fit[i] as number).toBeGreaterThanOrEqual((fit[i - 1] as number) - 1e-12);
          }
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('rejects a zero weight', () => {
    expect(() => isotonicRegression([1, 2], [1, 0])).toThrow(/GOVERNOR_BAD_INPUT/);
  });
});
