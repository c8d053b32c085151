import type { RouteCandidate, Tick } from '@omni/core';

// The brain port (DecisionBrain, DecideInput, AuditableDecision, LearnContext, RouteCandidate) is
// declared once, in @omni/core (decision-brain.ts); these are the runtime's own ports.

/**
 * A sequence model the runtime prepares before each decision (ONNX inference is async; the
 * brain's `decide` is sync). `FallbackSequenceModel` from @omni/sequence implements it.
 */
export interface PreparableSequenceModel {
  /** Prepares the prediction for `window`; a promise when inference runs (the runtime awaits it). */
  prepare(window: ArrayLike<number>): unknown;
  /**
   * False when `prepare` would do nothing (e.g. only the momentum fallback serves): the runtime then
   * skips the call. Undefined = prepare every decision.
   */
  readonly needsPrepare?: boolean;
  /** N of the model `prefetch` serves (the newest N prices of a window are its input), if any. */
  readonly windowLength?: number | undefined;
  /**
   * Predicts ahead, in batches, every window that ends at index `from …` of `series` (each window is
   * the N prices up to its end: only the past), so that `prepare` answers them without waiting.
   */
  prefetch?(series: Float64Array, from: number): Promise<void>;
}

/** Prices arbitrage routes at a tick (from a pool state source shared with the arbitrage executor). */
export interface RouteCandidateSource {
  candidates(tick: Tick): readonly RouteCandidate[];
  /** Sees every tick, decided on or not (the pools advance, their price series is sampled). Optional. */
  observe?(tick: Tick): void;
  /**
   * The pools' own price volatility after the last `observe` (the DEX channel of the volatility
   * score, what ArbitrageFibonacciTiming reads); null while warming up. Optional.
   */
  readonly dexVolatility?: number | null;
}

/**
 * Retraining on a schedule (the spec's `maybe_retrain`; WalkForwardRetrainer implements it):
 * `observe` sees every tick first, `maybeRetrain` runs after the tick and must be cheap when not due.
 */
export interface RetrainScheduler {
  observe?(tick: Tick): void;
  maybeRetrain(nowMs: number): Promise<void>;
}
