import type { Swing } from './swing.js';

/**
 * Everything the upper tiers know about the market at one tick, built only from data with
 * timestamp <= `tsMs`. Indicator fields are `null` while their indicator warms up.
 *
 * The engine reuses one object per symbol and overwrites it on every update (no per-tick
 * allocation): copy it (`{ ...fv, swings: [...fv.swings] }`) if you need to keep a snapshot.
 * Built by `FeatureExtractorEngine` of @omni/features (which re-exports this type); declared in core
 * because the brain port (`DecisionBrain`, decision-brain.ts) hands it to every brain.
 */
export interface FeatureVector {
  readonly symbol: string;
  readonly tsMs: number;
  /** Last price (mid for quotes). */
  readonly price: number;
  /** ask − bid when the tick quotes both sides, else null. */
  readonly spread: number | null;
  /** Ticks seen so far for this symbol. */
  readonly tickCount: number;
  /** Bars completed so far (bar spec configurable: time or tick count). */
  readonly barCount: number;
  /** True when this tick completed a bar (bar-based fields changed). */
  readonly barClosed: boolean;
  /** ln(price / previous price), null on the first tick. */
  readonly logReturn: number | null;
  /** SMA of bar closes. */
  readonly sma: number | null;
  /** EMA of bar closes. */
  readonly ema: number | null;
  /** Sample standard deviation of bar log returns over the window. */
  readonly rollingStd: number | null;
  /** Wilder ATR of bars, in price units. */
  readonly atr: number | null;
  /** Least-squares slope of bar closes per bar, over the window, in price units. */
  readonly momentumGradient: number | null;
  /** Percentile rank in [0, 1] of the current rollingStd within its long history. */
  readonly volatilityPercentile: number | null;
  /** The specification's trend strength: |last − first| / std over the price window. */
  readonly trendStrength: number | null;
  /** The most recent confirmed swings, oldest first (bounded length). */
  readonly swings: readonly Swing[];
  /** The swing confirmed by this tick, if any. */
  readonly newSwing: Swing | null;
}
