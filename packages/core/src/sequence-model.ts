/**
 * Probabilities of the three market regimes the governor switches between; they sum to 1.
 * Why: RegimeSwitchingRL and the engine selection (spec 5.2/5.3) need a soft regime view, not a label.
 */
export interface RegimeProbabilities {
  readonly trending: number;
  readonly meanReverting: number;
  readonly volatile: number;
}

/**
 * The short-term forecaster of Tier 3 (spec 2.4): direction, volatility and regime from a price window.
 * Why: the governor depends only on this interface, so the momentum default, an ONNX network or a
 * user's own model are interchangeable. It lives in core so that depending on the contract never pulls
 * in an inference runtime; `@omni/sequence` implements it. Windows are prices, oldest first; methods
 * are synchronous.
 */
export interface SequenceModelEngine {
  /** Human-readable name, e.g. `momentum` or `onnx:omni-seq-default.onnx`. */
  readonly name: string;
  /** Probability that the price rises over the model's horizon, in [0, 1]. */
  predictDirection(window: ArrayLike<number>): number;
  /** Volatility estimate: standard deviation of one-step log returns. */
  predictVolatility(window: ArrayLike<number>): number;
  /** Soft regime classification of the window. */
  regimeProbabilities(window: ArrayLike<number>): RegimeProbabilities;
  /** `predictDirection` for many windows at once (backtests). */
  predictDirectionBatch(windows: readonly ArrayLike<number>[]): Float64Array;
}
