import { FeatureError } from '@omni/core';
import { requireFinite, requirePeriod, type StreamingIndicator } from './indicator.js';

/** Which variance a {@link RollingStd} reports: divide by n − 1 (`sample`) or by n (`population`). */
export type StdEstimator = 'sample' | 'population';

/**
 * Standard deviation over the last `period` inputs, O(1) per update, numerically stable.
 *
 * Welford's update generalised to a sliding window: replacing xₒ by xₙ gives
 * mean' = mean + (xₙ − xₒ)/n and M2' = M2 + (xₙ − xₒ)(xₙ − mean' + xₒ − mean) (Welford 1962; see
 * Finch, "Incremental calculation of weighted mean and variance", 2009). M2 is recomputed exactly
 * (two-pass) once every `period` updates, amortised O(1), and a window of identical inputs reports exactly 0. σ = √(M2 / (n − 1)) for `sample` (the default,
 * used by FeatureVector.rollingStd), √(M2 / n) for `population` (what technicalindicators `SD` and
 * trading-signals `getStandardDeviation` compute).
 *
 * @example
 * const std = new RollingStd(20); // sample std of the last 20 inputs
 * const popStd = new RollingStd(20, 'population');
 */
export class RollingStd implements StreamingIndicator<number> {
  readonly period: number;
  readonly estimator: StdEstimator;
  readonly #window: Float64Array;
  readonly #divisor: number;
  #next = 0;
  #count = 0;
  #mean = 0;
  #m2 = 0;
  #sinceRefresh = 0;
  #lastInput = Number.NaN;
  #equalRun = 0;
  // A double field plus a flag (not `number | undefined`): V8 then updates it in place, no boxing per update.
  #value = Number.NaN;
  #stable = false;

  constructor(period: number, estimator: StdEstimator = 'sample') {
    requirePeriod('RollingStd', 'period', period, 2);
    if (estimator !== 'sample' && estimator !== 'population') {
      throw new FeatureError('FEATURE_BAD_OPTION', "RollingStd estimator must be 'sample' or 'population'", {
        indicator: 'RollingStd',
        field: 'estimator',
        value: String(estimator),
      });
    }
    this.period = period;
    this.estimator = estimator;
    this.#window = new Float64Array(period);
    this.#divisor = estimator === 'sample' ? period - 1 : period;
  }

  get isStable(): boolean {
    return this.#stable;
  }

  get value(): number | undefined {
    return this.#stable ? this.#value : undefined;
  }

  /** Mean of the inputs currently in the window (0 before the first input). */
  get mean(): number {
    return this.#mean;
  }

  update(x: number): number | undefined {
    requireFinite('RollingStd', 'input', x);
    const window = this.#window;
    const slot = this.#next;
    if (this.#count < this.period) {
      const n = ++this.#count;
      const delta = x - this.#mean;
      this.#mean += delta / n;
      this.#m2 += delta * (x - this.#mean);
    } else {
      const old = window[slot] as number;
      const oldMean = this.#mean;
      this.#mean = oldMean + (x - old) / this.period;
      this.#m2 += (x - old) * (x - this.#mean + old - oldMean);
    }
    window[slot] = x;
    this.#next = slot + 1 === this.period ? 0 : slot + 1;
    if (++this.#sinceRefresh >= this.period) {
      this.#sinceRefresh = 0;
      this.#refresh();
    }
    this.#equalRun = x === this.#lastInput ? this.#equalRun + 1 : 1;
    this.#lastInput = x;
    if (this.#count < this.period) return undefined;
    // A window of identical inputs has a std of exactly 0 (the running M2 may hold ~1e-20 of residue).
    this.#value = this.#equalRun >= this.period ? 0 : Math.sqrt(this.#m2 > 0 ? this.#m2 / this.#divisor : 0);
    this.#stable = true;
    return this.#value;
  }

  reset(): void {
    this.#window.fill(0);
    this.#next = this.#count = this.#sinceRefresh = 0;
    this.#mean = this.#m2 = 0;
    this.#lastInput = Number.NaN;
    this.#equalRun = 0;
    this.#value = Number.NaN;
    this.#stable = false;
  }

  /** Two-pass mean and M2 over the window: removes accumulated rounding drift. */
  #refresh(): void {
    const window = this.#window;
    const n = this.#count;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += window[i] as number;
    const mean = sum / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const d = (window[i] as number) - mean;
      m2 += d * d;
    }
    this.#mean = mean;
    this.#m2 = m2;
  }
}
