import { readFileSync } from 'node:fs';
import { BenchError } from '../errors.js';
import { type Agreement, agreement, barsOf, INDICATOR_CASES, type IndicatorInputs } from '../features.js';
import type { WalkFile } from '../random-walk.js';
import { rate, type Section } from './section.js';

/** Largest |ours − theirs| accepted as agreement, on prices near 1.1 and ATR/σ near 1e-4. */
export const AGREEMENT_TOLERANCE = 1e-9;

/** Reads the walk's prices into a Float64Array (once, untimed). */
export function readPrices(walk: WalkFile): Float64Array {
  const text = readFileSync(walk.path, 'latin1');
  const prices = new Float64Array(walk.ticks);
  let n = 0;
  let at = text.indexOf('\n') + 1;
  while (at < text.length && n < walk.ticks) {
    const comma = text.indexOf(',', at);
    const end = text.indexOf('\n', comma);
    prices[n++] = Number(text.slice(comma + 1, end === -1 ? text.length : end));
    at = end === -1 ? text.length : end + 1;
  }
  return prices;
}

/**
 * Section (d): each indicator of `@omni/features` and its namesakes in trading-signals and
 * technicalindicators over the walk's prices, updates/s per round; before the rounds, every library's
 * outputs are checked against ours (max |Δ| over the aligned outputs).
 */
export class FeaturesSection implements Section {
  readonly id = 'features' as const;
  /** Updates/s of each case (same order as INDICATOR_CASES), one per round. */
  readonly rates: number[][] = INDICATOR_CASES.map(() => []);
  readonly agreements: Agreement[] = [];
  #inputs: IndicatorInputs | undefined;

  constructor(readonly prices: () => Float64Array) {}

  async prepare(): Promise<void> {
    const prices = this.prices();
    const inputs: IndicatorInputs = { prices, bars: barsOf(prices) };
    this.#inputs = inputs;
    const n = prices.length;
    const ours = new Map<string, Float64Array>();
    for (const c of INDICATOR_CASES) {
      const out = new Float64Array(n);
      c.run(inputs, n, out); // also the JIT warm-up of this case
      if (c.library === 'omni') ours.set(c.indicator, out);
      this.agreements.push(agreement(ours.get(c.indicator) as Float64Array, out, c.compareFrom));
    }
  }

  async runOnce(): Promise<string> {
    const inputs = this.#inputs as IndicatorInputs;
    const n = inputs.prices.length;
    const parts: string[] = [];
    INDICATOR_CASES.forEach((c, i) => {
      const start = performance.now();
      const checksum = c.run(inputs, n, null);
      const seconds = (performance.now() - start) / 1_000;
      if (!Number.isFinite(checksum)) {
        throw new BenchError('BENCH_BAD_SAMPLE', 'an indicator gave a non-finite value', {
          indicator: c.indicator,
          library: c.library,
        });
      }
      (this.rates[i] as number[]).push(n / seconds);
      if (c.library === 'omni') parts.push(`${c.indicator} ${rate(n / seconds)}/s`);
    });
    return `ours: ${parts.join(', ')}`;
  }
}
