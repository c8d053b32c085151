import { type HighLowClose, requireBar, requirePeriod, type StreamingIndicator } from './indicator.js';

/**
 * Average True Range with Wilder smoothing (the specification's ATRCalculator), O(1) per bar.
 *
 * TR₀ = high − low; TRₜ = max(high − low, |high − closeₜ₋₁|, |low − closeₜ₋₁|). The first value is
 * the mean of the first `period` true ranges (after `period` bars), then ATRₜ = ATRₜ₋₁ + (TRₜ − ATRₜ₋₁) / period
 * (J. Welles Wilder, "New Concepts in Technical Trading Systems", 1978; same seeding as trading-signals `ATR`).
 *
 * @example
 * const atr = new Atr(14);
 * for (const bar of bars) atr.update(bar); // undefined for the first 13 bars
 */
export class Atr implements StreamingIndicator<HighLowClose> {
  readonly period: number;
  #count = 0;
  #previousClose = 0;
  #trSum = 0;
  // Double fields plus a flag (not `number | undefined`): V8 then updates them in place, no boxing per update.
  #atr = Number.NaN;
  #stable = false;
  #lastTrueRange = Number.NaN;

  constructor(period: number) {
    requirePeriod('Atr', 'period', period);
    this.period = period;
  }

  get isStable(): boolean {
    return this.#stable;
  }

  get value(): number | undefined {
    return this.#stable ? this.#atr : undefined;
  }

  /** The true range of the last bar (defined from the first bar on). */
  get trueRange(): number | undefined {
    return this.#count > 0 ? this.#lastTrueRange : undefined;
  }

  update(bar: HighLowClose): number | undefined {
    requireBar('Atr', bar);
    const { high, low, close } = bar;
    let tr = high - low;
    if (this.#count > 0) {
      const up = Math.abs(high - this.#previousClose);
      const down = Math.abs(low - this.#previousClose);
      if (up > tr) tr = up;
      if (down > tr) tr = down;
    }
    this.#previousClose = close;
    this.#lastTrueRange = tr;
    this.#count++;
    if (this.#stable) {
      this.#atr = (tr - this.#atr) / this.period + this.#atr;
      return this.#atr;
    }
    this.#trSum += tr;
    if (this.#count < this.period) return undefined;
    this.#atr = this.#trSum / this.period;
    this.#stable = true;
    return this.#atr;
  }

  reset(): void {
    this.#count = 0;
    this.#previousClose = 0;
    this.#trSum = 0;
    this.#atr = Number.NaN;
    this.#stable = false;
    this.#lastTrueRange = Number.NaN;
  }
}
