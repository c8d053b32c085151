import { Rng } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VolatilityProfile } from './volatility-profile.js';

/** Brute-force mid-rank of the last value within `window` (the definition, by counting). */
function bruteRank(window: readonly number[]): number {
  const x = window[window.length - 1] as number;
  const less = window.filter((v) => v < x).length;
  const equal = window.filter((v) => v === x).length;
  return (less + (equal - 1) / 2) / (window.length - 1);
}

describe('VolatilityProfile', () => {
  it('ranks the current reading within the window (hand-worked)', () => {
    const profile = new VolatilityProfile(4);
    expect(profile.update(0.3)).toBeUndefined();
    expect(profile.update(0.1)).toBeUndefined();
    expect(profile.update(0.2)).toBeUndefined();
    expect(profile.update(0.4)).toBe(1); // [0.3, 0.1, 0.2, 0.4]: highest
    expect(profile.update(0.05)).toBe(0); // [0.1, 0.2, 0.4, 0.05]: lowest
    expect(profile.update(0.15)).toBe(1 / 3); // [0.2, 0.4, 0.05, 0.15]: one lower of three others
    expect(profile.update(0.2)).toBe(2 / 3); // [0.4, 0.05, 0.15, 0.2]: two lower
  });

  it('gives ties the mid-rank', () => {
    const profile = new VolatilityProfile(3);
    profile.update(1);
    profile.update(1);
    expect(profile.update(1)).toBe(0.5);
  });

  it('starts ranking after minSamples values', () => {
    const profile = new VolatilityProfile(100, 3);
    expect(profile.update(1)).toBeUndefined();
    expect(profile.update(2)).toBeUndefined();
    expect(profile.update(3)).toBe(1);
  });

  it('equals the brute-force rank on random series with ties', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 2, maxLength: 300 }),
        fc.integer({ min: 2, max: 40 }),
        (xs, window) => {
          const profile = new VolatilityProfile(window, 2);
          xs.forEach((x, i) => {
            const got = profile.update(x / 7);
            if (i === 0) {
              expect(got).toBeUndefined();
              return;
            }
            expect(got).toBeCloseTo(bruteRank(xs.slice(Math.max(0, i + 1 - window), i + 1)), 12);
          });
        },
      ),
    );
  });

  it('keeps matching the brute force over a long window after many wrap-arounds', () => {
    const rng = new Rng('volatility-profile-test');
    const window = 500;
    const profile = new VolatilityProfile(window);
    const xs: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      const x = Math.abs(rng.normal());
      xs.push(x);
      const got = profile.update(x);
      if (i % 97 === 0 && i >= window - 1) expect(got).toBe(bruteRank(xs.slice(i + 1 - window)));
    }
  });
});
