import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingStd } from './rolling-std.js';

function twoPassStd(window: readonly number[], sample: boolean): number {
  const mean = window.reduce((a, b) => a + b, 0) / window.length;
  const m2 = window.reduce((a, b) => a + (b - mean) ** 2, 0);
  return Math.sqrt(m2 / (sample ? window.length - 1 : window.length));
}

describe('RollingStd', () => {
  it('computes the sample and population std of the last four inputs (hand-worked)', () => {
    // window [2, 4, 4, 4]: mean 3.5, M2 = 2.25 + 3·0.25 = 3
    const sample = new RollingStd(4);
    const population = new RollingStd(4, 'population');
    for (const x of [9, 2, 4, 4]) {
      sample.update(x);
      population.update(x);
    }
    expect(sample.update(4)).toBeCloseTo(1, 14); // √(3/3)
    expect(population.update(4)).toBeCloseTo(Math.sqrt(3 / 4), 14);
  });

  it('stays accurate on a large offset with a tiny spread (where naive sum of squares fails)', () => {
    const std = new RollingStd(3);
    let last: number | undefined;
    for (let i = 0; i < 10_000; i++) last = std.update(1e9 + (i % 3));
    expect(last).toBeCloseTo(1, 9); // window is always a permutation of {1e9, 1e9+1, 1e9+2}
  });

  it('returns exactly zero on a constant window', () => {
    const std = new RollingStd(5, 'population');
    let last: number | undefined;
    for (let i = 0; i < 50; i++) last = std.update(i < 20 ? i * 0.37 : 1.1);
    expect(last).toBe(0);
  });

  it('equals a two-pass std of the window on random inputs', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.integer({ min: -100_000, max: 100_000 }).map((v) => v / 1_000),
          { minLength: 2, maxLength: 200 },
        ),
        fc.integer({ min: 2, max: 25 }),
        fc.boolean(),
        (xs, period, sample) => {
          const std = new RollingStd(period, sample ? 'sample' : 'population');
          xs.forEach((x, i) => {
            const got = std.update(x);
            if (i + 1 < period) {
              expect(got).toBeUndefined();
              return;
            }
            const window = xs.slice(i + 1 - period, i + 1);
            const spread = Math.max(...window.map(Math.abs));
            expect(Math.abs((got as number) - twoPassStd(window, sample))).toBeLessThanOrEqual(1e-9 * spread);
          });
        },
      ),
    );
  });
});
