import { DURATION_UNIT_MS, ManualClock } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binanceKlinesSource } from './binance-klines.js';
import { dukascopySource } from './dukascopy-history.js';
import type { Chunk, SourceContext } from './history-source.js';
import { parseTimeframe } from './timeframe.js';

const context: SourceContext = { clock: new ManualClock(0), sleep: async () => undefined };
const { d } = DURATION_UNIT_MS;

/** Chunks tile `[from, to)`: the first starts at `from`, each starts where the last ended, the last ends at `to`. */
function tiles(chunks: readonly Chunk[], from: number, to: number): boolean {
  if (chunks.length === 0 || chunks[0]?.startMs !== from || chunks[chunks.length - 1]?.endMs !== to)
    return false;
  return chunks.every((c, i) => c.startMs < c.endMs && (i === 0 || chunks[i - 1]?.endMs === c.startMs));
}

const range = fc
  .tuple(
    fc.integer({ min: Date.UTC(2018, 0, 1), max: Date.UTC(2025, 0, 1) }),
    fc.integer({ min: 1, max: 60 * d }),
  )
  .map(([from, length]) => [from, from + length] as const);

describe('chunk plans', () => {
  it('binance: chunks tile the range and never hold more than 1,000 klines', () => {
    fc.assert(
      fc.property(range, fc.constantFrom('1s', '1min', '5min', '1h', '1d', '1w'), ([from, to], tf) => {
        const timeframe = parseTimeframe(tf);
        const source = binanceKlinesSource({ symbol: 'BTCUSDT', timeframe }, context);
        const chunks = source.chunks(from, to);
        const interval = timeframe.kind === 'candle' ? timeframe.intervalMs : 1;
        return tiles(chunks, from, to) && chunks.every((c) => c.endMs - c.startMs <= 1000 * interval);
      }),
      { numRuns: 100 },
    );
  });

  it('binance: a chunk of a longer range is the same chunk where the ranges agree (reruns reuse it)', () => {
    const source = binanceKlinesSource({ symbol: 'BTCUSDT', timeframe: parseTimeframe('1min') }, context);
    const week = source.chunks(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 8));
    const month = source.chunks(Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1));
    expect(month.slice(0, week.length - 1)).toEqual(week.slice(0, -1));
  });

  it('dukascopy: chunks are UTC days for ticks and minutes, months for hours, years for days', async () => {
    const plans = await Promise.all(
      ['tick', '1min', '1h', '1d'].map(async (tf) => {
        const source = await dukascopySource({ symbol: 'EURUSD', timeframe: parseTimeframe(tf) }, context);
        return source.chunks(Date.UTC(2024, 0, 30, 12), Date.UTC(2024, 2, 1, 6)).length;
      }),
    );
    // 30 Jan 12:00 → 1 Mar 06:00: 32 calendar days touched; months Jan, Feb, Mar; one year
    expect(plans).toEqual([32, 32, 3, 1]);
    const source = await dukascopySource({ symbol: 'EURUSD', timeframe: parseTimeframe('5min') }, context);
    fc.assert(
      fc.property(range, ([from, to]) => {
        const chunks = source.chunks(from, to);
        return (
          tiles(chunks, from, to) &&
          chunks.every((c) => c.endMs - c.startMs <= d && (c.endMs % d === 0 || c.endMs === to))
        );
      }),
      { numRuns: 50 },
    );
  });
});
