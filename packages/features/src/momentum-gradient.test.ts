import fc from 'fast-check';
import { getLinearRegression } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { MomentumGradient } from './momentum-gradient.js';

describe('MomentumGradient', () => {
  it('returns the least-squares slope per step (hand-worked)', () => {
    const slope = new MomentumGradient(3);
    // [1,3,5]: slope 2; [3,5,6]: x̄ = 1, ȳ = 14/3, Σ(x−x̄)(y−ȳ) = (−1)(3) + (1)(6) − 0 = 3, Σ(x−x̄)² = 2 -> 1.5
    expect([1, 3, 5, 6].map((x) => slope.update(x))).toEqual([undefined, undefined, 2, 1.5]);
  });

  it('is exact on a straight line and zero on a constant series', () => {
    const line = new MomentumGradient(10);
    const flat = new MomentumGradient(10);
    let lineSlope: number | undefined;
    let flatSlope: number | undefined;
    for (let i = 0; i < 1_000; i++) {
      lineSlope = line.update(1.1 + 0.0001 * i);
      flatSlope = flat.update(1.25);
    }
    expect(lineSlope).toBeCloseTo(0.0001, 12);
    expect(flatSlope).toBe(0);
  });

  it('agrees with trading-signals getLinearRegression on random windows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: 2, maxLength: 200 }),
        fc.integer({ min: 2, max: 30 }),
        (xs, period) => {
          const slope = new MomentumGradient(period);
          xs.forEach((x, i) => {
            const got = slope.update(x);
            if (i + 1 < period) {
              expect(got).toBeUndefined();
              return;
            }
            const ref = getLinearRegression(xs.slice(i + 1 - period, i + 1)).slope;
            // Absolute floor: the slope of values ~1 is only known to ~1e-13 per step by either formula.
            expect(Math.abs((got as number) - ref)).toBeLessThanOrEqual(1e-9 * Math.abs(ref) + 1e-13);
          });
        },
      ),
    );
  });
});
