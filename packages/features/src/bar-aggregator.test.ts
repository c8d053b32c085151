import type { Tick } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { BarAggregator, parseInterval } from './bar-aggregator.js';

const t = (tsMs: number, price: number, volume = 1): Tick => ({
  symbol: 'EURUSD',
  tsMs,
  price,
  volume,
  source: 'test',
});

describe('BarAggregator', () => {
  it('builds UTC-aligned time bars and completes one when a later bucket starts', () => {
    const agg = new BarAggregator({ kind: 'time', intervalMs: 60_000 });
    expect(agg.update(t(60_500, 1.0))).toBeUndefined();
    expect(agg.update(t(70_000, 1.3))).toBeUndefined();
    expect(agg.update(t(80_000, 0.9))).toBeUndefined();
    expect(agg.update(t(119_999, 1.1))).toBeUndefined();
    const bar = agg.update(t(240_000, 1.2, 5));
    expect(bar).toEqual({
      symbol: 'EURUSD',
      startMs: 60_000,
      endMs: 120_000,
      open: 1.0,
      high: 1.3,
      low: 0.9,
      close: 1.1,
      volume: 4,
      ticks: 4,
    });
    expect(agg.flush()).toMatchObject({
      startMs: 240_000,
      endMs: 300_000,
      open: 1.2,
      close: 1.2,
      volume: 5,
      ticks: 1,
    });
    expect(agg.flush()).toBeUndefined();
  });

  it('builds tick-count bars', () => {
    const agg = new BarAggregator({ kind: 'ticks', count: 3 });
    expect(agg.update(t(1, 2))).toBeUndefined();
    expect(agg.update(t(2, 4))).toBeUndefined();
    expect(agg.update(t(3, 3))).toEqual({
      symbol: 'EURUSD',
      startMs: 1,
      endMs: 4,
      open: 2,
      high: 4,
      low: 2,
      close: 3,
      volume: 3,
      ticks: 3,
    });
    expect(agg.update(t(4, 5))).toBeUndefined();
  });

  it('makes every tick a bar with count 1', () => {
    const agg = new BarAggregator({ kind: 'ticks', count: 1 });
    expect(agg.update(t(10, 1.5))).toMatchObject({ open: 1.5, high: 1.5, low: 1.5, close: 1.5, ticks: 1 });
  });

  it('rejects a tick from an earlier bar with a typed error', () => {
    const agg = new BarAggregator({ kind: 'time', intervalMs: 1_000 });
    agg.update(t(5_000, 1));
    expect(() => agg.update(t(3_000, 1))).toThrow(expect.objectContaining({ code: 'FEED_NON_MONOTONIC' }));
  });

  it('parses intervals from 1s to 1d and rejects others', () => {
    expect(parseInterval('1s')).toBe(1_000);
    expect(parseInterval('5min')).toBe(300_000);
    expect(parseInterval('4h')).toBe(14_400_000);
    expect(parseInterval('1d')).toBe(86_400_000);
    expect(() => parseInterval('2d')).toThrow(/between 1s and 1d/);
    expect(() => parseInterval('10ms')).toThrow();
    expect(() => parseInterval('1mo')).toThrow(/cannot be in months/);
    expect(() => parseInterval('5m')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        shortMessage: expect.stringContaining('write 5min'),
      }),
    );
    expect(() => new BarAggregator({ kind: 'ticks', count: 0 })).toThrow();
  });
});
