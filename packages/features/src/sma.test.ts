import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sma } from './sma.js';

describe('Sma', () => {
  it('averages the last three inputs (hand-worked)', () => {
    const sma = new Sma(3);
    expect([1, 2, 3, 4, 10].map((x) => sma.update(x))).toEqual([undefined, undefined, 2, 3, 17 / 3]);
  });

  it('equals the brute-force mean of the window on random inputs', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: -1_000_000, max: 1_000_000 }).map((v) => v / 1_000),
          { minLength: 1, maxLength: 200 },
        ),
        fc.integer({ min: 1, max: 30 }),
        (xs, period) => {
          const sma = new Sma(period);
          xs.forEach((x, i) => {
            const got = sma.update(x);
            if (i + 1 < period) {
              expect(got).toBeUndefined();
              return;
            }
            const window = xs.slice(i + 1 - period, i + 1);
            const mean = window.reduce((a, b) => a + b, 0) / period;
            // A running sum carries rounding from inputs up to 2·period back (the exact refresh bounds it).
            const scale = Math.max(...xs.slice(Math.max(0, i + 1 - 2 * period), i + 1).map(Math.abs));
            expect(Math.abs((got as number) - mean)).toBeLessThanOrEqual(1e-12 * scale);
          });
        },
      ),
    );
  });
});
