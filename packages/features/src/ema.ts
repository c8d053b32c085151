import { requireFinite, requirePeriod, type StreamingIndicator } from './indicator.js';

/**
 * Exponential moving average with k = 2 / (period + 1), seeded with the SMA of the first `period` inputs.
 *
 * EMAₚ = mean(x₁…xₚ), then EMAₜ = (xₜ − EMAₜ₋₁)·k + EMAₜ₋₁ — the same seeding and update order as
 * technicalindicators' `EMA`, so values match it (trading-signals seeds with the first input instead).
 *
 * @example
 * const ema = new Ema(3);
 * [1, 2, 3, 4].map((x) => ema.update(x)); // [undefined, undefined, 2, 3]
 */
export class Ema implements StreamingIndicator<number> {
  readonly period: number;
  /** The smoothing factor 2 / (period + 1). */
  readonly k: number;
  #count = 0;
  #seedSum = 0;
  // A double field plus a flag (not `number | undefined`): V8 then updates it in place, no boxing per update.
  #value = Number.NaN;
  #stable = false;

  constructor(period: number) {
    requirePeriod('Ema', 'period', period);
    this.period = period;
    this.k = 2 / (period + 1);
  }

  get isStable(): boolean {
    return this.#stable;
  }

  get value(): number | undefined {
    return this.#stable ? this.#value : undefined;
  }

  update(x: number): number | undefined {
    requireFinite('Ema', 'input', x);
    if (this.#stable) {
      this.#value = (x - this.#value) * this.k + this.#value;
      return this.#value;
    }
    this.#seedSum += x;
    if (++this.#count < this.period) return undefined;
    this.#value = this.#seedSum / this.period;
    this.#stable = true;
    return this.#value;
  }

  reset(): void {
    this.#count = 0;
    this.#seedSum = 0;
    this.#value = Number.NaN;
    this.#stable = false;
  }
}
