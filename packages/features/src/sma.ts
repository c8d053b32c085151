import { requireFinite, requirePeriod, type StreamingIndicator } from './indicator.js';

/**
 * Simple moving average over the last `period` inputs, O(1) per update with a running sum.
 *
 * SMAₜ = (xₜ + … + xₜ₋ₚ₊₁) / p. The running sum is recomputed exactly from the ring buffer once
 * every `period` updates (amortised O(1)) so rounding drift cannot build up over millions of inputs.
 *
 * @example
 * const sma = new Sma(3);
 * [1, 2, 3, 4].map((x) => sma.update(x)); // [undefined, undefined, 2, 3]
 */
export class Sma implements StreamingIndicator<number> {
  readonly period: number;
  readonly #window: Float64Array;
  #next = 0;
  #count = 0;
  #sum = 0;
  #sinceRefresh = 0;
  // A double field plus a flag (not `number | undefined`): V8 then updates it in place, no boxing per update.
  #value = Number.NaN;
  #stable = false;

  constructor(period: number) {
    requirePeriod('Sma', 'period', period);
    this.period = period;
    this.#window = new Float64Array(period);
  }

  get isStable(): boolean {
    return this.#stable;
  }

  get value(): number | undefined {
    return this.#stable ? this.#value : undefined;
  }

  update(x: number): number | undefined {
    requireFinite('Sma', 'input', x);
    const window = this.#window;
    const slot = this.#next;
    if (this.#count < this.period) this.#count++;
    else this.#sum -= window[slot] as number;
    window[slot] = x;
    this.#sum += x;
    this.#next = slot + 1 === this.period ? 0 : slot + 1;
    if (++this.#sinceRefresh >= this.period) {
      this.#sinceRefresh = 0;
      let sum = 0;
      for (let i = 0; i < this.#count; i++) sum += window[i] as number;
      this.#sum = sum;
    }
    if (this.#count < this.period) return undefined;
    this.#value = this.#sum / this.period;
    this.#stable = true;
    return this.#value;
  }

  reset(): void {
    this.#window.fill(0);
    this.#next = this.#count = this.#sinceRefresh = 0;
    this.#sum = 0;
    this.#value = Number.NaN;
    this.#stable = false;
  }
}
