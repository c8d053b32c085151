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

/** Sample std (n − 1 denominator) of `returns[from … to − 1]`, summed in the same order as {@link logReturnStd}. */
function stdOfReturns(returns: Float64Array, from: number, to: number): number {
  const n = to - from;
  if (n < 2) return 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = from; i < to; i++) {
    const r = returns[i] as number;
    sum += r;
    sumSq += r * r;
  }
  const mean = sum / n;
  const variance = (sumSq - n * mean * mean) / (n - 1);
  return variance > 0 ? Math.sqrt(variance) : 0;
}

/**
 * The one-step log returns of the last price window seen, kept between calls. A live engine asks
 * for the window's direction, volatility and regimes on every tick, and each tick's window is the
 * previous one shifted by one price: then one new return is computed instead of N − 1 logarithms
 * per question. Only the log returns are reused — each is a pure function of its two prices — and
 * every statistic is summed again from them in the same order, so the answers are bit-for-bit
 * those of computing from scratch. The window is compared by content (callers reuse one buffer).
 */
export class LogReturnCache {
  #prices = new Float64Array(0);
  #returns = new Float64Array(0);
  #n = 0;

  /**
   * Validates `window` like {@link assertPriceWindow} (only its new prices when it shifted) and
   * returns its log returns (length n − 1; valid until the next call).
   */
  returns(window: ArrayLike<number>, minLength: number, source: string): Float64Array {
    const n = window.length;
    if (n < minLength) assertPriceWindow(window, minLength, source);
    if (n === this.#n && n > 1) {
      const prices = this.#prices;
      let same = true;
      for (let i = n - 1; i >= 0; i--) {
        if (prices[i] !== window[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.#returns.subarray(0, n - 1);
      let shifted = true;
      for (let i = n - 2; i >= 0; i--) {
        if (prices[i + 1] !== window[i]) {
          shifted = false;
          break;
        }
      }
      if (shifted) {
        const last = window[n - 1] as number;
        if (!(last > 0) || !Number.isFinite(last)) assertPriceWindow(window, minLength, source);
        prices.copyWithin(0, 1);
        prices[n - 1] = last;
        const returns = this.#returns;
        returns.copyWithin(0, 1);
        returns[n - 2] = Math.log(last / (window[n - 2] as number));
        return returns.subarray(0, n - 1);
      }
    }
    assertPriceWindow(window, minLength, source);
    if (this.#prices.length < n) {
      this.#prices = new Float64Array(n);
      this.#returns = new Float64Array(Math.max(0, n - 1));
    }
    this.#n = n;
    for (let i = 0; i < n; i++) this.#prices[i] = window[i] as number;
    for (let i = 1; i < n; i++)
      this.#returns[i - 1] = Math.log((window[i] as number) / (window[i - 1] as number));
    return this.#returns.subarray(0, Math.max(0, n - 1));
  }

  /** {@link logReturnStd} of the window over prices [from, to), from the cached returns. */
  static std(returns: Float64Array, from = 0, to: number = returns.length + 1): number {
    return stdOfReturns(returns, from, to - 1);
  }
}
