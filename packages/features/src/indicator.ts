import { FeatureError } from '@omni/core';

/**
 * The small surface every streaming indicator shares: feed one input, get the current value or
 * `undefined` while warming up.
 *
 * Modelled on trading-signals' `update`/`isStable`, but on plain numbers with no per-update allocation.
 * `isStable` turns true on the first defined value and stays true; bad input throws
 * `FeatureError('FEATURE_BAD_INPUT')` before any state changes.
 */
export interface StreamingIndicator<I, O = number> {
  /** True once the indicator has produced its first value; never flips back (until `reset`). */
  readonly isStable: boolean;
  /** The last value returned by `update`, or `undefined` while warming up. */
  readonly value: O | undefined;
  /** Adds one input and returns the current value, or `undefined` while warming up. */
  update(input: I): O | undefined;
  /** Forgets every input, back to the freshly constructed state. */
  reset(): void;
}

/** One OHLC bar (or anything with high, low and close) as the range-based indicators read it. */
export interface HighLowClose {
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/**
 * Throws `FEATURE_BAD_OPTION` unless `period` is a whole number >= `min`.
 * Shared by every indicator constructor so option errors read the same everywhere.
 */
export function requirePeriod(indicator: string, field: string, period: number, min = 1): void {
  if (!Number.isInteger(period) || period < min) {
    throw new FeatureError('FEATURE_BAD_OPTION', `${indicator} ${field} must be a whole number >= ${min}`, {
      indicator,
      field,
      value: period,
    });
  }
}

/**
 * Throws `FEATURE_BAD_INPUT` unless `value` is a finite number.
 * Called before any state changes, so a rejected input leaves the indicator as it was.
 */
export function requireFinite(indicator: string, field: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FeatureError(
      'FEATURE_BAD_INPUT',
      `${indicator} got a non-finite ${field}; drop or repair the input`,
      {
        indicator,
        field,
        value: String(value),
      },
    );
  }
}

/**
 * Throws `FEATURE_BAD_INPUT` unless `bar` has finite high/low/close with low <= high.
 * True range is meaningless for an inverted bar, so it is rejected rather than clamped.
 */
export function requireBar(indicator: string, bar: HighLowClose): void {
  requireFinite(indicator, 'high', bar.high);
  requireFinite(indicator, 'low', bar.low);
  requireFinite(indicator, 'close', bar.close);
  if (bar.low > bar.high) {
    throw new FeatureError('FEATURE_BAD_INPUT', `${indicator} got a bar with low > high`, {
      indicator,
      high: bar.high,
      low: bar.low,
    });
  }
}
