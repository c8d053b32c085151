import { requireNumberInRange } from './numeric-input.js';

/** The ε of the specification's trend strength, guarding a flat window (std = 0). */
export const TREND_STRENGTH_EPSILON = 1e-12;

/**
 * The specification's trend strength of a price window: |last − first| / (std(window) + ε).
 *
 * `std` is the population standard deviation (divide by n, numpy's `np.std` default, as in the
 * specification's Python). A straight line of n ≥ 2 points scores √(12 (n − 1) / (n + 1)) → √12 ≈ 3.46;
 * a driftless random walk typically scores 1–2; pure noise around a level scores ≈ 1.1. Returns 0
 * for fewer than two points. O(n) over the window, no allocation.
 *
 * @param window prices, oldest first (e.g. `FeatureExtractorEngine.priceWindow`)
 * @param epsilon added to the std so a flat window gives 0, not NaN
 * @example
 * trendStrength([1, 2, 3]); // 2 / 0.8165 = 2.449
 */
export function trendStrength(window: ArrayLike<number>, epsilon = TREND_STRENGTH_EPSILON): number {
  const n = window.length;
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = window[i] as number;
    // The field name is built only for the error (a template per element would cost more than the sum).
    if (typeof x !== 'number' || !Number.isFinite(x)) requireNumberInRange(x, `window[${i}]`);
    sum += x;
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = (window[i] as number) - mean;
    squares += d * d;
  }
  const std = Math.sqrt(squares / n);
  return Math.abs((window[n - 1] as number) - (window[0] as number)) / (std + epsilon);
}
