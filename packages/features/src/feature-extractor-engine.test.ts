import { readFileSync } from 'node:fs';
import type { FeatureVector, Tick } from '@omni/core';
import { bundledFxPath, generateSyntheticTicks } from '@omni/feeds';
import fc from 'fast-check';
import { EMA as TiEma, SMA as TiSma } from 'technicalindicators';
import { getLinearRegression, getStandardDeviation, ATR as TsAtr } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { BarAggregator } from './bar-aggregator.js';
import { FeatureExtractorEngine } from './feature-extractor-engine.js';
import { SwingDetector } from './swing-detector.js';

const t = (tsMs: number, price: number, symbol = 'EURUSD', extra: Partial<Tick> = {}): Tick => ({
  symbol,
  tsMs,
  price,
  source: 'test',
  ...extra,
});
const snapshot = (fv: FeatureVector): FeatureVector => ({ ...fv, swings: [...fv.swings] });
const rel = (a: number | null, b: number) => Math.abs((a as number) - b) / Math.abs(b);

describe('FeatureExtractorEngine', () => {
  it('computes tick and bar features by hand on per-tick bars', () => {
    const engine = new FeatureExtractorEngine({
      bars: { kind: 'ticks', count: 1 },
      smaPeriod: 2,
      emaPeriod: 2,
      stdPeriod: 2,
      atrPeriod: 2,
      gradientPeriod: 2,
      priceWindow: 3,
      volatilityWindow: 2,
      swing: { mode: 'percent', percent: 5 },
    });
    const a = snapshot(engine.update(t(1_000, 100, 'EURUSD', { bid: 99.9, ask: 100.1 })));
    expect(a).toMatchObject({
      tickCount: 1,
      barCount: 1,
      barClosed: true,
      logReturn: null,
      sma: null,
      atr: null,
    });
    expect(a.spread).toBeCloseTo(0.2, 12);
    const b = snapshot(engine.update(t(2_000, 110)));
    expect(b.logReturn).toBeCloseTo(Math.log(1.1), 15);
    expect(b.sma).toBe(105);
    expect(b.ema).toBe(105); // SMA seed
    expect(b.atr).toBe(5); // TRs 0 and |110 − 100| = 10, mean 5
    expect(b.momentumGradient).toBe(10);
    expect(b.spread).toBeNull();
    expect(b.trendStrength).toBeNull(); // 3-tick window not full
    expect(b.newSwing).toMatchObject({ kind: 'low', price: 100, tsMs: 1_000, confirmedTsMs: 2_000 });
    const c = snapshot(engine.update(t(3_000, 99)));
    expect(c.sma).toBe(104.5);
    expect(c.ema).toBeCloseTo(105 + (99 - 105) * (2 / 3), 12);
    expect(c.atr).toBe(8); // 5 + (11 − 5) / 2
    // log returns ln(1.1), ln(0.9): sample std of two values = |a − b| / √2
    expect(c.rollingStd).toBeCloseTo(Math.abs(Math.log(1.1) - Math.log(0.9)) / Math.SQRT2, 14);
    expect(c.volatilityPercentile).toBeNull(); // only one std reading so far
    // prices [100, 110, 99]: population std √(74/3 + …) computed directly
    const mean = (100 + 110 + 99) / 3;
    const sigma = Math.sqrt(((100 - mean) ** 2 + (110 - mean) ** 2 + (99 - mean) ** 2) / 3);
    expect(c.trendStrength).toBeCloseTo(1 / sigma, 10);
    expect(c.newSwing).toMatchObject({ kind: 'high', price: 110, tsMs: 2_000, confirmedTsMs: 3_000 });
    expect(c.swings.map((s) => s.kind)).toEqual(['low', 'high']);
    expect(engine.priceWindow('EURUSD')).toEqual(new Float64Array([100, 110, 99]));
  });

  it('matches the reference libraries field by field on real EURUSD daily data', () => {
    const lines = readFileSync(bundledFxPath('EURUSD'), 'utf8').trim().split('\n').slice(1);
    const ticks = lines.map((l) => {
      const [date, price] = l.split(',');
      return t(Date.parse(`${date}T00:00:00Z`), Number(price));
    });
    const engine = new FeatureExtractorEngine({ bars: { kind: 'ticks', count: 1 } });
    const prices = ticks.map((x) => x.price);
    const sma = TiSma.calculate({ period: 20, values: prices, format: (v: number) => v });
    const ema = TiEma.calculate({ period: 20, values: prices, format: (v: number) => v });
    const atr = new TsAtr(14);
    const detector = new SwingDetector({ mode: 'atr', multiple: 3, atrPeriod: 14 });
    let swings = 0;
    ticks.forEach((tick, i) => {
      const fv = engine.update(tick);
      const refAtr = atr.add({ high: tick.price, low: tick.price, close: tick.price });
      const swing = detector.update({
        high: tick.price,
        low: tick.price,
        close: tick.price,
        tsMs: tick.tsMs,
      });
      expect(fv.newSwing).toEqual(swing ?? null);
      if (swing) swings++;
      if (i >= 19) {
        expect(rel(fv.sma, sma[i - 19] as number)).toBeLessThanOrEqual(1e-9);
        expect(rel(fv.ema, ema[i - 19] as number)).toBeLessThanOrEqual(1e-9);
        const slope = getLinearRegression(prices.slice(i - 19, i + 1)).slope;
        expect(Math.abs((fv.momentumGradient as number) - slope)).toBeLessThanOrEqual(
          1e-9 * Math.abs(slope) + 1e-15,
        );
      }
      if (refAtr !== null) expect(rel(fv.atr, refAtr)).toBeLessThanOrEqual(1e-9);
      if (i >= 20) {
        const returns = prices
          .slice(i - 20, i + 1)
          .map((p, k, w) => (k === 0 ? 0 : Math.log(p / (w[k - 1] as number))));
        const ref = getStandardDeviation(returns.slice(1)) * Math.sqrt(20 / 19);
        expect(rel(fv.rollingStd, ref)).toBeLessThanOrEqual(1e-9);
      }
    });
    expect(swings).toBeGreaterThan(20);
  });

  it('never changes a feature already emitted when later ticks are appended (no look-ahead)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 50, max: 600 }), (seed, split) => {
        const ticks = [...generateSyntheticTicks({ seed, count: 800, meanIntervalMs: 5_000 })];
        const options = {
          bars: { kind: 'time' as const, intervalMs: 60_000 },
          volatilityWindow: 30,
          priceWindow: 16,
        };
        const short = new FeatureExtractorEngine(options);
        const early = ticks.slice(0, split).map((x) => snapshot(short.update(x)));
        const long = new FeatureExtractorEngine(options);
        const all = ticks.map((x) => snapshot(long.update(x)));
        expect(all.slice(0, split)).toEqual(early);
        // and every swing visible at a tick was confirmed at or before that tick
        for (const fv of all) for (const s of fv.swings) expect(s.confirmedTsMs).toBeLessThanOrEqual(fv.tsMs);
      }),
      { numRuns: 15 },
    );
  });

  it('reuses one vector object per symbol and keeps symbols apart', () => {
    const engine = new FeatureExtractorEngine({ bars: { kind: 'ticks', count: 1 } });
    const a1 = engine.update(t(1, 1.1, 'EURUSD'));
    const b1 = engine.update(t(1, 150, 'USDJPY'));
    const a2 = engine.update(t(2, 1.2, 'EURUSD'));
    expect(a2).toBe(a1);
    expect(b1).not.toBe(a1);
    expect(b1).toMatchObject({ symbol: 'USDJPY', price: 150, tickCount: 1 });
    expect(a2).toMatchObject({ symbol: 'EURUSD', price: 1.2, tickCount: 2 });
    expect(engine.symbols()).toEqual(['EURUSD', 'USDJPY']);
  });

  it('returns the tick price window oldest first, into a caller array', () => {
    const engine = new FeatureExtractorEngine({ priceWindow: 4 });
    for (let i = 1; i <= 6; i++) engine.update(t(i * 1_000, i));
    const out = new Float64Array(4);
    expect(engine.priceWindow('EURUSD', out)).toBe(out);
    expect([...out]).toEqual([3, 4, 5, 6]);
    expect(engine.priceWindow('GBPUSD').length).toBe(0);
    const fresh = new FeatureExtractorEngine({ priceWindow: 4 });
    fresh.update(t(1, 7));
    expect([...fresh.priceWindow('EURUSD', new Float64Array(4))]).toEqual([7]);
  });

  it('closes time bars when a tick from a later interval arrives', () => {
    const engine = new FeatureExtractorEngine({ bars: { kind: 'time', intervalMs: 60_000 } });
    expect(engine.update(t(0, 1)).barClosed).toBe(false);
    expect(engine.update(t(59_999, 2)).barClosed).toBe(false);
    const fv = engine.update(t(60_000, 3));
    expect(fv).toMatchObject({ barClosed: true, barCount: 1 });
    expect(engine.update(t(60_001, 3)).barClosed).toBe(false);
  });

  it('rejects a bad tick with FEATURE_BAD_INPUT and keeps the symbol state', () => {
    const engine = new FeatureExtractorEngine({ bars: { kind: 'ticks', count: 1 }, smaPeriod: 2 });
    engine.update(t(10, 1));
    const code = expect.objectContaining({ code: 'FEATURE_BAD_INPUT' });
    expect(() => engine.update(t(11, Number.NaN))).toThrow(code);
    expect(() => engine.update(t(11, -1))).toThrow(code);
    expect(() => engine.update(t(11, 1, 'EURUSD', { ask: Number.POSITIVE_INFINITY }))).toThrow(code);
    expect(() => engine.update(t(9, 1))).toThrow(code);
    expect(() => engine.update(t(5, Number.NaN, 'NEW'))).toThrow(code);
    expect(engine.symbols()).toEqual(['EURUSD']);
    expect(engine.update(t(12, 3))).toMatchObject({ tickCount: 2, sma: 2, logReturn: Math.log(3) });
  });

  it('rejects bad options with FEATURE_BAD_OPTION at construction', () => {
    const code = expect.objectContaining({ code: 'FEATURE_BAD_OPTION' });
    expect(() => new FeatureExtractorEngine({ smaPeriod: 0 })).toThrow(code);
    expect(() => new FeatureExtractorEngine({ priceWindow: 1 })).toThrow(code);
    expect(() => new FeatureExtractorEngine({ volatilityWindow: 10, volatilityMinSamples: 20 })).toThrow(
      code,
    );
    expect(() => new FeatureExtractorEngine({ swing: { mode: 'percent', percent: 0 } })).toThrow(code);
    expect(() => new FeatureExtractorEngine({ trendEpsilon: Number.NaN })).toThrow(code);
    expect(() => new FeatureExtractorEngine({ bars: { kind: 'ticks', count: 0 } })).toThrow(code);
    expect(() => new FeatureExtractorEngine({ bars: { kind: 'time', intervalMs: 10 } })).toThrow(code);
  });

  it('uses BarAggregator bars: 5-tick bars give the same ATR as aggregating by hand', () => {
    const ticks = [...generateSyntheticTicks({ seed: 'bars', count: 500 })];
    const engine = new FeatureExtractorEngine({ bars: { kind: 'ticks', count: 5 } });
    const agg = new BarAggregator({ kind: 'ticks', count: 5 });
    const atr = new TsAtr(14);
    for (const tick of ticks) {
      const fv = engine.update(tick);
      const bar = agg.update(tick);
      if (!bar) continue;
      const ref = atr.add(bar);
      if (ref !== null) expect(rel(fv.atr, ref)).toBeLessThanOrEqual(1e-12);
    }
  });
});
