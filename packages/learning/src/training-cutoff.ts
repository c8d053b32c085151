import { DataError } from '@omni/core';
import type { PriceSeries } from './price-series.js';

/**
 * The last day of data the bundled default model is trained on. Backtests of the bundled data
 * start after it by default, so the model they use has never seen the prices it trades on.
 */
export const DEFAULT_TRAINING_CUTOFF = '2014-12-31';

/** Epoch ms of the end (23:59:59.999 UTC) of an ISO day `YYYY-MM-DD`. */
export function endOfUtcDay(isoDate: string): number {
  const start = Date.parse(`${isoDate}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate) || !Number.isFinite(start)) {
    throw new DataError('DATA_SOURCE_INVALID', 'a training cutoff must be an ISO date YYYY-MM-DD', {
      cutoff: isoDate,
    });
  }
  return start + 86_400_000 - 1;
}

/** The part of a series at or before `untilMs` (series are sorted by time). */
export function seriesUntil(series: PriceSeries, untilMs: number): PriceSeries {
  let n = 0;
  while (n < series.tsMs.length && (series.tsMs[n] as number) <= untilMs) n++;
  return { symbol: series.symbol, tsMs: series.tsMs.subarray(0, n), prices: series.prices.subarray(0, n) };
}
