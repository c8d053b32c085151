import { requireFinite, requirePeriod, type StreamingIndicator } from './indicator.js';

/**
 * Least-squares slope of the last `period` inputs per step (the specification's MomentumGradientAnalyzer),
 * O(1) per update with running sums.
 *
 * With x = 0…n−1 (oldest first): slope = (n·Σxy − Σx·Σy) / (n·Σx² − (Σx)²), where Σx = n(n−1)/2 and
 * Σx² = (n−1)n(2n−1)/6 are constants. Sliding one step: Σxy' = Σxy − (Σy − y₀) + (n−1)·yₙ,
 * Σy' = Σy − y₀ + yₙ. Inputs are stored relative to an anchor (the first input), which cancels in the slope
 * but keeps the sums small; both sums are recomputed exactly once every `period` updates (amortised O(1)),
 * and a window of identical inputs reports exactly 0.
 * Same definition as trading-signals `LinearRegression(...).slope`.
 *
 * @example
 * const slope = new MomentumGradient(3);
 * [1, 3, 5, 6].map((x) => slope.update(x)); // [undefined, undefined, 2, 1.5]
 */
export class MomentumGradient implements StreamingIndicator<number> {
  readonly period: number;
  readonly #window: Float64Array;
  readonly #sumX: number;
  readonly #denominator: number;
  #anchor = 0;
  #next = 0;
  #count = 0;
  #sumY = 0;
  #sumXY = 0;
  #sinceRefresh = 0;
  #lastInput = Number.NaN;
  #equalRun = 0;
  // A double field plus a flag (not `number | undefined`): V8 then updates it in place, no boxing per update.
  #value = Number.NaN;
  #stable = false;

  constructor(period: number) {
    requirePeriod('MomentumGradient', 'period', period, 2);
    this.period = period;
    this.#window = new Float64Array(period);
    const n = period;
    this.#sumX = ((n - 1) * n) / 2;
    this.#denominator = n * (((n - 1) * n * (2 * n - 1)) / 6) - this.#sumX * this.#sumX;
  }

  get isStable(): boolean {
    return this.#stable;
  }

  get value(): number | undefined {
    return this.#stable ? this.#value : undefined;
  }

  update(x: number): number | undefined {
    requireFinite('MomentumGradient', 'input', x);
    if (this.#count === 0 && this.#sinceRefresh === 0) this.#anchor = x;
    const y = x - this.#anchor;
    const n = this.period;
    const window = this.#window;
    const slot = this.#next;
    if (this.#count < n) {
      this.#sumXY += this.#count * y;
      this.#sumY += y;
      this.#count++;
    } else {
      const oldest = window[slot] as number;
      this.#sumXY += -(this.#sumY - oldest) + (n - 1) * y;
      this.#sumY += y - oldest;
    }
    window[slot] = y;
    this.#next = slot + 1 === n ? 0 : slot + 1;
    if (++this.#sinceRefresh >= n) {
      this.#sinceRefresh = 0;
      this.#refresh();
    }
    this.#equalRun = x === this.#lastInput ? this.#equalRun + 1 : 1;
    this.#lastInput = x;
    if (this.#count < n) return undefined;
    // A flat window has a slope of exactly 0 (the running sums may hold rounding residue).
    this.#value = this.#equalRun >= n ? 0 : (n * this.#sumXY - this.#sumX * this.#sumY) / this.#denominator;
    this.#stable = true;
    return this.#value;
  }

  reset(): void {
    this.#window.fill(0);
    this.#anchor = 0;
    this.#next = this.#count = this.#sinceRefresh = 0;
    this.#sumY = this.#sumXY = 0;
    this.#lastInput = Number.NaN;
    this.#equalRun = 0;
    this.#value = Number.NaN;
    this.#stable = false;
  }

  /** Re-anchors on the oldest input and recomputes Σy and Σxy exactly from the ring buffer. */
  #refresh(): void {
    const window = this.#window;
    const n = this.#count;
    const start = n < this.period ? 0 : this.#next; // oldest slot
    const oldest = window[start] as number;
    let sumY = 0;
    let sumXY = 0;
    for (let i = 0; i < n; i++) {
      let s = start + i;
      if (s >= this.period) s -= this.period;
      const y = (window[s] as number) - oldest;
      window[s] = y;
      sumY += y;
      sumXY += i * y;
    }
    this.#anchor += oldest;
    this.#sumY = sumY;
    this.#sumXY = sumXY;
  }
}
