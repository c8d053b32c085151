import { ModelError } from '@omni/core';

/** Floor for a standard deviation so flat windows never divide by zero. */
export const MIN_STD = 1e-12;

/**
 * Sample standard deviation (n − 1 denominator) of the one-step log returns ln(p[i]/p[i−1]) for
 * i in [from + 1, to). Why: the scale-free volatility every component of this package uses. O(n), no allocation.
 */
export function logReturnStd(window: ArrayLike<number>, from = 0, to: number = window.length): number {
  const n = to - from - 1;
  if (n < 2) return 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = from + 1; i < to; i++) {
    const r = Math.log((window[i] as number) / (window[i - 1] as number));
    sum += r;
    sumSq += r * r;
  }
  const mean = sum / n;
  const variance = (sumSq - n * mean * mean) / (n - 1);
  return variance > 0 ? Math.sqrt(variance) : 0;
}

/**
 * Throws a ModelError unless `window` has at least `minLength` finite, positive prices.
 * Why: bad input must be a typed error, never a NaN probability (architecture invariant 5).
 */
export function assertPriceWindow(window: ArrayLike<number>, minLength: number, source: string): void {
  if (window.length < minLength) {
    throw new ModelError('MODEL_INFERENCE_FAILED', `a price window needs at least ${minLength} prices`, {
      source,
      length: window.length,
    });
  }
  for (let i = 0; i < window.length; i++) {
    const p = window[i] as number;
    if (!(p > 0) || !Number.isFinite(p)) {
      throw new ModelError(
        'MODEL_INFERENCE_FAILED',
        'a price window holds a non-finite or non-positive price',
        {
          source,
          index: i,
          price: p,
        },
      );
    }
  }
}
