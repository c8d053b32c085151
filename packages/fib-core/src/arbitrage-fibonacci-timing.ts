import { AnalysisError } from '@omni/core';
import type { ArbitrageSignal, NoFibSignal } from './fib-signal.js';

/** Options of {@link ArbitrageFibonacciTiming}. */
export interface ArbitrageTimingOptions {
  /** Rolling window of the volatility mean (default 50). */
  readonly window?: number;
  /** Compression when volatility < this × mean (default 0.618, the spec's threshold). */
  readonly compressionRatio?: number;
  /** Expansion when volatility > this × mean (default 1.618). */
  readonly expansionRatio?: number;
}

const WARMING: NoFibSignal<'arbitrage'> = {
  kind: 'none',
  engine: 'arbitrage',
  reason: 'volatility mean is still warming up',
};
const NORMAL: NoFibSignal<'arbitrage'> = {
  kind: 'none',
  engine: 'arbitrage',
  reason: 'volatility is between the compression and expansion thresholds',
};

/**
 * Volatility timing for arbitrage (the spec's ArbitrageFibonacciTiming): flags compression (volatility below
 * 0.618 × its rolling mean, an expansion window is likely next) and expansion (above 1.618 × the mean, dislocations
 * between venues are likely now). O(1) per update with a ring buffer.
 */
export class ArbitrageFibonacciTiming {
  readonly #buf: Float64Array;
  readonly #compression: number;
  readonly #expansion: number;
  #sum = 0;
  #count = 0;
  #next = 0;
  #last = 0;

  constructor(options: ArbitrageTimingOptions = {}) {
    const window = options.window ?? 50;
    this.#compression = options.compressionRatio ?? 0.618;
    this.#expansion = options.expansionRatio ?? 1.618;
    if (!Number.isInteger(window) || window < 2 || !(this.#compression < 1) || !(this.#expansion > 1)) {
      throw new AnalysisError(
        'ANALYSIS_BAD_OPTION',
        'ArbitrageFibonacciTiming needs window >= 2, compressionRatio < 1 < expansionRatio',
        { window, compressionRatio: this.#compression, expansionRatio: this.#expansion },
      );
    }
    this.#buf = new Float64Array(window);
  }

  /** Adds one volatility observation (e.g. rolling std of returns). */
  update(volatility: number): void {
    if (!Number.isFinite(volatility) || volatility < 0) {
      throw new AnalysisError('ANALYSIS_BAD_INPUT', 'volatility must be a finite number >= 0', {
        value: String(volatility),
      });
    }
    if (this.#count === this.#buf.length) this.#sum -= this.#buf[this.#next] as number;
    else this.#count++;
    this.#buf[this.#next] = volatility;
    this.#sum += volatility;
    this.#next = (this.#next + 1) % this.#buf.length;
    this.#last = volatility;
  }

  /** The current phase as a signal (allocates only when it signals). */
  evaluate(): ArbitrageSignal {
    if (this.#count < this.#buf.length) return WARMING;
    const mean = this.#sum / this.#count;
    if (!(mean > 0)) return NORMAL;
    const ratio = this.#last / mean;
    if (ratio < this.#compression) {
      return {
        kind: 'signal',
        engine: 'arbitrage',
        phase: 'compression',
        volatilityRatio: ratio,
        confidence: Math.min(1, 0.5 + 0.5 * (1 - ratio / this.#compression)),
        reasons: [
          `volatility ${ratio.toFixed(3)} × its ${this.#count}-sample mean < ${this.#compression}: compression, expansion window likely next`,
        ],
      };
    }
    if (ratio > this.#expansion) {
      return {
        kind: 'signal',
        engine: 'arbitrage',
        phase: 'expansion',
        volatilityRatio: ratio,
        confidence: Math.min(1, 0.5 + 0.5 * (ratio / this.#expansion - 1)),
        reasons: [
          `volatility ${ratio.toFixed(3)} × its ${this.#count}-sample mean > ${this.#expansion}: expansion`,
        ],
      };
    }
    return NORMAL;
  }
}
