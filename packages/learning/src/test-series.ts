import { Rng } from '@omni/core';
import type { PriceSeries } from './price-series.js';

/**
 * A seeded geometric random walk labelled as synthetic, one step per day from 2020-01-01.
 * Why: deterministic training data for tests (not exported from the package).
 */
export function syntheticSeries(symbol: string, length: number, seed: string): PriceSeries {
  const rng = new Rng(seed);
  const tsMs = new Float64Array(length);
  const prices = new Float64Array(length);
  let p = 1.1;
  for (let i = 0; i < length; i++) {
    p *= Math.exp(rng.normal(0, 0.006));
    prices[i] = p;
    tsMs[i] = 1_577_836_800_000 + i * 86_400_000;
  }
  return { symbol: `synthetic:${symbol}`, tsMs, prices };
}
