import type { RegimeProbabilities } from '@omni/core';
import { ModelError } from '@omni/core';
import { LogReturnCache, MIN_STD } from './window-statistics.js';

/** Options of a {@link RegimeProbabilityEstimator}. */
export interface RegimeProbabilityEstimatorOptions {
  /** Fraction of the window (newest part) compared with the whole for the volatility burst. Default 0.25. */
  recentFraction?: number;
  /** Burst ratio at which the window counts as fully volatile. Default 2 (recent σ twice the window's). */
  fullBurstRatio?: number;
}

/**
 * Soft regime probabilities from a price window (spec 2.6 RegimeState, as probabilities).
 * Why: the governor's regime switching needs trending vs mean-reverting vs volatile weights.
 *
 * Formulas: efficiency ratio ER = |p[n−1] − p[0]| / Σ|p[i] − p[i−1]| ∈ [0, 1] (Kaufman, "Trading
 * Systems and Methods"); burst b = σ(recent returns) / σ(all returns); v = clamp((b − 1)/(B − 1), 0, 1)
 * with B = fullBurstRatio. Then volatile = v, trending = (1 − v)·ER, meanReverting = (1 − v)·(1 − ER).
 *
 * @example
 * new RegimeProbabilityEstimator().estimate([1, 2, 3, 4, 5]); // { trending: 1, meanReverting: 0, volatile: 0 }
 */
export class RegimeProbabilityEstimator {
  readonly #recentFraction: number;
  readonly #fullBurstRatio: number;
  readonly #cache: LogReturnCache;

  /** `cache`: shared with a model that reads the same windows (see {@link LogReturnCache}). */
  constructor(options: RegimeProbabilityEstimatorOptions = {}, cache: LogReturnCache = new LogReturnCache()) {
    this.#cache = cache;
    this.#recentFraction = options.recentFraction ?? 0.25;
    this.#fullBurstRatio = options.fullBurstRatio ?? 2;
    if (!(this.#recentFraction > 0 && this.#recentFraction < 1)) {
      throw new ModelError('MODEL_BAD_OPTION', 'recentFraction must be in (0, 1)', {
        recentFraction: this.#recentFraction,
      });
    }
    if (!(this.#fullBurstRatio > 1)) {
      throw new ModelError('MODEL_BAD_OPTION', 'fullBurstRatio must be > 1', {
        fullBurstRatio: this.#fullBurstRatio,
      });
    }
  }

  /** Regime probabilities of `window` (prices, oldest first, at least 3); they sum to 1. */
  estimate(window: ArrayLike<number>): RegimeProbabilities {
    const returns = this.#cache.returns(window, 3, 'RegimeProbabilityEstimator');
    const n = window.length;
    let path = 0;
    for (let i = 1; i < n; i++) path += Math.abs((window[i] as number) - (window[i - 1] as number));
    const net = Math.abs((window[n - 1] as number) - (window[0] as number));
    const er = path > 0 ? Math.min(1, net / path) : 0;
    const recent = Math.max(3, Math.ceil(n * this.#recentFraction));
    const sigmaAll = LogReturnCache.std(returns);
    const sigmaRecent = LogReturnCache.std(returns, Math.max(0, n - recent), n);
    const burst = sigmaAll > MIN_STD ? sigmaRecent / sigmaAll : 1;
    const v = Math.min(1, Math.max(0, (burst - 1) / (this.#fullBurstRatio - 1)));
    return { trending: (1 - v) * er, meanReverting: (1 - v) * (1 - er), volatile: v };
  }
}
