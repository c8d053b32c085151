import { AnalysisError } from '@omni/core';

/** Retracement ratios of a swing (Fibonacci ratios as used by every charting package). */
export const FIB_RETRACEMENT_RATIOS = [0.236, 0.382, 0.5, 0.618, 0.786] as const;
/** Extension ratios of a swing, projected from its start beyond its end. */
// biome-ignore lint/suspicious/noApproximativeNumericConstant: 1.414 is the tabulated Fibonacci extension, not √2
export const FIB_EXTENSION_RATIOS = [1.272, 1.414, 1.618, 2.0, 2.618] as const;

/** One Fibonacci level: the ratio it was built from and the price it lands on. */
export interface FibLevel {
  readonly kind: 'retracement' | 'extension';
  readonly ratio: number;
  readonly price: number;
}

/** Retracements and extensions of one swing from `start` to `end`. */
export interface FibLevels {
  /** `up` when the swing rose (start < end), `down` when it fell. */
  readonly direction: 'up' | 'down';
  readonly start: number;
  readonly end: number;
  /** In {@link FIB_RETRACEMENT_RATIOS} order. */
  readonly retracements: readonly FibLevel[];
  /** In {@link FIB_EXTENSION_RATIOS} order. */
  readonly extensions: readonly FibLevel[];
}

function requireSwingEnds(start: number, end: number): void {
  if (!Number.isFinite(start) || !Number.isFinite(end) || start === end) {
    throw new AnalysisError('ANALYSIS_BAD_INPUT', 'a Fibonacci swing needs two finite, different prices', {
      start,
      end,
    });
  }
}

/**
 * The price that retraces `ratio` of the swing from `start` to `end`.
 * Formula: end − ratio·(end − start) (0 = the swing end, 1 = back at its start).
 */
export function retracementPrice(start: number, end: number, ratio: number): number {
  return end - ratio * (end - start);
}

/**
 * The price that extends the swing from `start` to `end` to `ratio` times its length.
 * Formula: start + ratio·(end − start) (1 = the swing end; 1.618 = 61.8 % beyond it).
 */
export function extensionPrice(start: number, end: number, ratio: number): number {
  return start + ratio * (end - start);
}

/**
 * Every retracement and extension level of one swing.
 * Why: the shared geometry of the fib engines (entries at retracements, targets at extensions).
 *
 * @example
 * fibLevels(100, 200).retracements[3]; // { kind: 'retracement', ratio: 0.618, price: 138.2 }
 */
export function fibLevels(start: number, end: number): FibLevels {
  requireSwingEnds(start, end);
  return {
    direction: end > start ? 'up' : 'down',
    start,
    end,
    retracements: FIB_RETRACEMENT_RATIOS.map((ratio) => ({
      kind: 'retracement' as const,
      ratio,
      price: retracementPrice(start, end, ratio),
    })),
    extensions: FIB_EXTENSION_RATIOS.map((ratio) => ({
      kind: 'extension' as const,
      ratio,
      price: extensionPrice(start, end, ratio),
    })),
  };
}

/** A price band around a level. */
export interface PriceZone {
  readonly low: number;
  readonly high: number;
}

/**
 * The ATR-scaled zone around a level: [level − k·ATR, level + k·ATR].
 * Why: a fixed-width band is too wide in quiet markets and too narrow in fast ones; ATR scales it.
 */
export function atrZone(level: number, atr: number, k: number): PriceZone {
  if (!Number.isFinite(level) || !Number.isFinite(atr) || atr < 0 || !Number.isFinite(k) || k < 0) {
    throw new AnalysisError(
      'ANALYSIS_BAD_INPUT',
      'an ATR zone needs a finite level and non-negative ATR and k',
      {
        level,
        atr,
        k,
      },
    );
  }
  return { low: level - k * atr, high: level + k * atr };
}

/** True when `price` lies inside `zone` (bounds included). */
export function inZone(price: number, zone: PriceZone): boolean {
  return price >= zone.low && price <= zone.high;
}
