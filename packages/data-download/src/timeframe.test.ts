import { describe, expect, it } from 'vitest';
import type { DataDownloadError } from './data-download-error.js';
import { parseTimeframe, timeframeName } from './timeframe.js';

describe('parseTimeframe', () => {
  it('reads tick and candle lengths in the duration grammar', () => {
    expect(['tick', 'TICK', '1s', '1min', '5min', '1h', '4h', '1d', '1w'].map(parseTimeframe)).toEqual([
      { kind: 'tick' },
      { kind: 'tick' },
      { kind: 'candle', intervalMs: 1_000 },
      { kind: 'candle', intervalMs: 60_000 },
      { kind: 'candle', intervalMs: 300_000 },
      { kind: 'candle', intervalMs: 3_600_000 },
      { kind: 'candle', intervalMs: 14_400_000 },
      { kind: 'candle', intervalMs: 86_400_000 },
      { kind: 'candle', intervalMs: 604_800_000 },
    ]);
  });

  it('refuses 1m as ambiguous and says what to write', () => {
    const error = (() => {
      try {
        parseTimeframe('1m');
      } catch (e) {
        return e as DataDownloadError;
      }
    })();
    expect(error?.code).toBe('DATA_DOWNLOAD_BAD_TIMEFRAME');
    expect(error?.details).toContain('m and M are not units (minutes or months?): write min');
    expect(error?.message).toContain('is ambiguous (m could mean minutes or months): write 1min');
  });

  it('names timeframes as they are written', () => {
    expect(['tick', '60s', '5min', '60min', '24h'].map((t) => timeframeName(parseTimeframe(t)))).toEqual([
      'tick',
      '1min',
      '5min',
      '1h',
      '1d',
    ]);
  });
});
