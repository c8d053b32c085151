import type { RegimeProbabilities, SequenceModelEngine } from '@omni/core';
import { RegimeProbabilityEstimator } from './regime-probability-estimator.js';
import { LogReturnCache, MIN_STD } from './window-statistics.js';

/** Slope of the logistic approximation of the standard normal CDF: Φ(z) ≈ 1/(1+e^(−1.702 z)) (Bowling et al., 2009). */
const LOGISTIC_NORMAL_SLOPE = 1.702;

/**
 * The default sequence model of the specification (2.4): a momentum probability and a rolling std.
 * Why: needs no model file, is O(N) without allocation, and is what the engine falls back to when an
 * ONNX model is missing or broken (runbook 5.3).
 *
 * Formulas, for a window p[0..n−1] with one-step log returns r[i] = ln(p[i]/p[i−1]):
 * - direction: z = ln(p[n−1]/p[0]) / (σ·√(n−1)), probUp = 1/(1+exp(−1.702·z)) ≈ Φ(z), i.e. the
 *   probability that a driftless random walk with the window's volatility would have moved less than it did;
 * - volatility: σ = sample std of r (n − 1 denominator);
 * - regimes: {@link RegimeProbabilityEstimator}.
 *
 * @example
 * const model = new MomentumSequenceModel();
 * model.predictDirection([1.1, 1.1005, 1.101, 1.102]); // > 0.5: the window went up steadily
 */
export class MomentumSequenceModel implements SequenceModelEngine {
  readonly name = 'momentum';
  /** The log returns of the last window, shared by the three questions asked of each tick's window. */
  readonly #cache = new LogReturnCache();
  readonly #regimes = new RegimeProbabilityEstimator({}, this.#cache);

  /** probUp = Φ(z) (logistic approximation) of the window's volatility-scaled log move. */
  predictDirection(window: ArrayLike<number>): number {
    const returns = this.#cache.returns(window, 3, this.name);
    const n = window.length;
    const move = Math.log((window[n - 1] as number) / (window[0] as number));
    const sigma = Math.max(LogReturnCache.std(returns), MIN_STD);
    const z = move / (sigma * Math.sqrt(n - 1));
    return 1 / (1 + Math.exp(-LOGISTIC_NORMAL_SLOPE * z));
  }

  /** Sample std of the window's one-step log returns. */
  predictVolatility(window: ArrayLike<number>): number {
    return LogReturnCache.std(this.#cache.returns(window, 3, this.name));
  }

  /** See {@link RegimeProbabilityEstimator.estimate}. */
  regimeProbabilities(window: ArrayLike<number>): RegimeProbabilities {
    return this.#regimes.estimate(window);
  }

  /** {@link MomentumSequenceModel.predictDirection} for each window. */
  predictDirectionBatch(windows: readonly ArrayLike<number>[]): Float64Array {
    const out = new Float64Array(windows.length);
    for (let i = 0; i < windows.length; i++) out[i] = this.predictDirection(windows[i] as ArrayLike<number>);
    return out;
  }
}
