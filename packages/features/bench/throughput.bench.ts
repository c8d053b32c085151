/**
 * Throughput of FeatureExtractorEngine on 1M SYNTHETIC ticks (generateSyntheticTicks from @omni/feeds,
 * pre-generated into an array before timing) versus the same feature set computed with the reference
 * libraries (trading-signals + technicalindicators), plus heap before/after. Run: `pnpm bench`.
 *
 * Not a unit test: it prints numbers, it asserts nothing.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import type { Bar, Tick } from '@omni/core';
import { generateSyntheticTicks } from '@omni/feeds';
import { SD as TiSd } from 'technicalindicators';
import {
  LinearRegression,
  ATR as TsAtr,
  EMA as TsEma,
  SMA as TsSma,
  ZigZag as TsZigZag,
} from 'trading-signals';
import { BarAggregator, FeatureExtractorEngine } from '../src/index.js';

const COUNT = Number(process.env.BENCH_TICKS ?? 1_000_000);
const RUNS = 5;
const gc = (globalThis as { gc?: () => void }).gc;

function heapMb(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1_048_576;
}

/** The engine's feature set, built from the reference libraries' streaming classes. */
function referencePipeline(): (tick: Tick) => number {
  const bars = new BarAggregator({ kind: 'time', intervalMs: 60_000 });
  const sma = new TsSma(20);
  const ema = new TsEma(20);
  const returnStd = new TiSd({ period: 20, values: [] });
  const atr = new TsAtr(14);
  const slope = new LinearRegression(20);
  const zigzag = new TsZigZag({ deviation: 3 });
  const priceStd = new TiSd({ period: 64, values: [] });
  const window: number[] = [];
  const stds: number[] = [];
  let lastPrice = 0;
  let lastClose = 0;
  let barCount = 0;
  let sink = 0;
  return (tick: Tick) => {
    const logReturn = lastPrice > 0 ? Math.log(tick.price / lastPrice) : 0;
    lastPrice = tick.price;
    const spread = tick.bid !== undefined && tick.ask !== undefined ? tick.ask - tick.bid : 0;
    window.push(tick.price);
    if (window.length > 64) window.shift();
    const sigma = priceStd.nextValue(tick.price) as number | undefined;
    const trend = sigma !== undefined ? Math.abs(tick.price - (window[0] as number)) / (sigma + 1e-12) : 0;
    sink += logReturn + spread + trend;
    const bar: Bar | undefined = bars.update(tick);
    if (bar) {
      barCount++;
      sink += (sma.add(bar.close) ?? 0) + (ema.add(bar.close) ?? 0);
      if (barCount > 1) {
        const s = returnStd.nextValue(Math.log(bar.close / lastClose)) as number | undefined;
        if (s !== undefined) {
          stds.push(s);
          if (stds.length > 500) stds.shift();
          let less = 0;
          for (const v of stds) if (v < s) less++;
          sink += stds.length > 1 ? less / (stds.length - 1) : 0;
        }
      }
      lastClose = bar.close;
      sink += (atr.add(bar) ?? 0) + ((slope.add(bar.close) as { slope: number } | null)?.slope ?? 0);
      sink += zigzag.add(bar) ?? 0;
    }
    return sink;
  };
}

/** Garbage collections seen so far (minor + major): a proxy for allocation during a timed run. */
let gcEvents = 0;
const gcObserver = new PerformanceObserver((list) => {
  gcEvents += list.getEntries().length;
});
gcObserver.observe({ entryTypes: ['gc'] });
/** Lets queued PerformanceObserver callbacks run, so gcEvents is up to date. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

function time(label: string, run: () => number): number {
  const rates: number[] = [];
  let check = 0;
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    check += run();
    const seconds = (performance.now() - start) / 1_000;
    rates.push(COUNT / seconds);
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(RUNS / 2)] as number;
  console.log(
    `${label.padEnd(34)} median ${(median / 1e6).toFixed(2)}M ticks/s  (runs: ${rates.map((x) => (x / 1e6).toFixed(2)).join(', ')}; checksum ${check.toPrecision(6)})`,
  );
  return median;
}

console.log(`generating ${COUNT.toLocaleString('en')} synthetic ticks (seed 1, 1-minute bars) ...`);
const ticks: Tick[] = [...generateSyntheticTicks({ symbol: 'SYNTH', seed: 1, count: COUNT })];
console.log(`gc exposed: ${gc !== undefined ? 'yes' : 'no (run with --expose-gc for heap numbers)'}`);

// Warm-up (JIT) on the first 100k ticks, then timed runs on fresh engines.
{
  const engine = new FeatureExtractorEngine();
  const step = referencePipeline();
  for (let i = 0; i < Math.min(100_000, COUNT); i++) {
    engine.update(ticks[i] as Tick);
    step(ticks[i] as Tick);
  }
}

const heapBefore = heapMb();
await settle();
let gcMark = gcEvents;
let engine = new FeatureExtractorEngine();
const heapEngineFresh = heapMb();
const ours = time('FeatureExtractorEngine', () => {
  engine = new FeatureExtractorEngine();
  let sink = 0;
  for (let i = 0; i < COUNT; i++) {
    const fv = engine.update(ticks[i] as Tick);
    sink += fv.price;
  }
  return sink;
});
await settle();
const engineGcs = gcEvents - gcMark;
const heapAfter = heapMb();
await settle();
gcMark = gcEvents;
const ref = time('reference (trading-signals + TI)', () => {
  const step = referencePipeline();
  let sink = 0;
  for (let i = 0; i < COUNT; i++) sink = step(ticks[i] as Tick);
  return sink;
});
await settle();
const referenceGcs = gcEvents - gcMark;
gcObserver.disconnect();
const fv = engine.features('SYNTH');
console.log(`bars: ${fv?.barCount}, swings: ${fv?.swings.length}, last atr ${fv?.atr?.toPrecision(4)}`);
console.log(`ratio engine / reference: ${(ours / ref).toFixed(1)}x`);
console.log(
  `garbage collections during the ${RUNS} timed runs: engine ${engineGcs}, reference ${referenceGcs}`,
);
console.log(
  `heap (MB, after gc): before ${heapBefore.toFixed(1)}, fresh engine ${heapEngineFresh.toFixed(1)}, after ${RUNS}×${COUNT.toLocaleString('en')} ticks ${heapAfter.toFixed(1)} (retained growth ${(heapAfter - heapEngineFresh).toFixed(2)} MB)`,
);
