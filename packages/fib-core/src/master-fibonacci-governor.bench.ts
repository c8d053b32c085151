import { Rng, type Swing } from '@omni/core';
import type { FeatureVector } from '@omni/features';
import { SwingDetector } from '@omni/features';
import { bench, describe } from 'vitest';
import { MasterFibonacciGovernor } from './master-fibonacci-governor.js';

// A seeded 20 000-tick walk, its swings precomputed (ATR mode), so the bench times fib-core only.
const rng = new Rng(7).fork('fib-core/bench');
const N = 20_000;
const prices = new Float64Array(N);
let p = 1.1;
for (let i = 0; i < N; i++) {
  p *= Math.exp(rng.normal(0, 0.0008));
  prices[i] = p;
}
const detector = new SwingDetector({ mode: 'atr', multiple: 3, atrPeriod: 14 });
const newSwings: (Swing | null)[] = [];
for (let i = 0; i < N; i++) {
  const x = prices[i] as number;
  newSwings.push(detector.update({ high: x, low: x, close: x, tsMs: i * 1000 }) ?? null);
}
const swingCount = newSwings.filter((s) => s !== null).length;
const swingTicks = newSwings.map((s, i) => (s ? i : -1)).filter((i) => i >= 0);

function fv(i: number): FeatureVector {
  return {
    symbol: 'BENCH',
    tsMs: i * 1000,
    price: prices[i] as number,
    spread: null,
    tickCount: i + 1,
    barCount: i + 1,
    barClosed: true,
    logReturn: null,
    sma: null,
    ema: null,
    rollingStd: 0.0008,
    atr: 0.0008 * (prices[i] as number),
    momentumGradient: null,
    volatilityPercentile: null,
    trendStrength: null,
    swings: [],
    newSwing: newSwings[i] ?? null,
  };
}
const vectors = Array.from({ length: N }, (_, i) => fv(i));
const tickOnly = vectors.map((v) => ({ ...v, newSwing: null }));

describe(`MasterFibonacciGovernor.evaluateMarket (${N} ticks, ${swingCount} swings)`, () => {
  bench('whole stream: per-tick path + per-swing recompute (divide by ticks)', () => {
    const gov = new MasterFibonacciGovernor();
    for (let i = 0; i < N; i++) gov.evaluateMarket(vectors[i] as FeatureVector);
  });

  bench('per-tick path only (no new swing on any tick, after warm-up)', () => {
    const gov = new MasterFibonacciGovernor();
    for (let i = 0; i < 2000; i++) gov.evaluateMarket(vectors[i] as FeatureVector);
    for (let i = 0; i < N; i++) gov.evaluateMarket(tickOnly[i] as FeatureVector);
  });

  bench('per-swing path only (the ticks that confirm a swing)', () => {
    const gov = new MasterFibonacciGovernor();
    for (const i of swingTicks) gov.evaluateMarket(vectors[i] as FeatureVector);
  });
});
