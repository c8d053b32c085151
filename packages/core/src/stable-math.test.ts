import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stablePow } from './stable-math.js';

describe('stablePow', () => {
  it('gives the bits Node 20, 22 and 24 all give (where ** differs between them)', () => {
    // 0.5 ** 1.5 is 0.35355339059327373 on Node 20 and 0.3535533905932738 on Node 24.
    expect(stablePow(0.5, 1.5)).toBe(0.3535533905932738);
    expect(stablePow(0.5, 2.5)).toBe(0.17677669529663687); // ** gives ...369 on Node 24
    expect(stablePow(0.5, 0)).toBe(1);
    expect(stablePow(1, 123.4)).toBe(1);
    expect(stablePow(2, 10)).toBe(1024);
  });

  it('stays within a few ulps of Math.pow', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.double({ min: -20, max: 20, noNaN: true }),
        (base, exponent) => {
          const exact = base ** exponent;
          const bound = (Math.abs(exponent * Math.log(base)) + 2) * 2 ** -52 * exact;
          expect(Math.abs(stablePow(base, exponent) - exact)).toBeLessThanOrEqual(bound);
        },
      ),
      { numRuns: 500, seed: 18 },
    );
  });

  it('refuses a base that is not positive and finite', () => {
    for (const base of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => stablePow(base, 0.5)).toThrow(expect.objectContaining({ code: 'ANALYSIS_BAD_INPUT' }));
    }
  });
});
