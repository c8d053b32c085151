import { DURATION_UNIT_MS, formatDuration, isOmniError, parseDuration } from '@omni/core';
import { DataDownloadError } from './data-download-error.js';

/** What to download: every quote (`tick`) or candles of a fixed length. */
export type Timeframe = { readonly kind: 'tick' } | { readonly kind: 'candle'; readonly intervalMs: number };

/**
 * Parses `--timeframe`: `tick`, or a candle length in the duration grammar of @omni/core (`1s`,
 * `1min`, `5min`, `1h`, `4h`, `1d`, `1w`); a bare `m` is refused (minutes or months?). Whether the
 * source serves that length is checked by the source.
 *
 * @example
 * parseTimeframe('5min'); // { kind: 'candle', intervalMs: 300_000 }
 */
export function parseTimeframe(text: string): Timeframe {
  if (text.trim().toLowerCase() === 'tick') return { kind: 'tick' };
  try {
    const intervalMs = parseDuration(text, { setting: '--timeframe', minMs: DURATION_UNIT_MS.s });
    return { kind: 'candle', intervalMs };
  } catch (err) {
    if (!isOmniError(err)) throw err;
    throw new DataDownloadError(
      'DATA_DOWNLOAD_BAD_TIMEFRAME',
      err.shortMessage,
      { timeframe: text },
      { details: [...err.details, 'or tick (every quote; Dukascopy only)'], cause: err },
    );
  }
}

/** The timeframe as written in file names and messages: `tick`, `1min`, `1h`. */
export function timeframeName(timeframe: Timeframe): string {
  return timeframe.kind === 'tick' ? 'tick' : formatDuration(timeframe.intervalMs);
}
