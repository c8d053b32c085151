import { AnalysisError } from '@omni/core';
import { atrZone, extensionPrice } from './fib-levels.js';
import type { FibEvidence, FibSetup, FibTakeProfit, NoFibSignal, SpotSignal } from './fib-signal.js';
import { fibEntryConfidence } from './signal-confidence.js';

/** Options of {@link SpotFibonacciEngine}. */
export interface SpotFibonacciOptions {
  /** Entry band half-width in ATRs around the 61.8 % retracement (default 0.5). */
  readonly bandAtr?: number;
  /** Stop distance beyond the band, in ATRs (default 0.5). */
  readonly stopBufferAtr?: number;
  /** Take-profit ladder: extension ratio and fraction closed (default 1.272/0.5, 1.618/0.3, 2.0/0.2). */
  readonly ladder?: readonly { readonly ratio: number; readonly fraction: number }[];
}

const NO_SETUP: NoFibSignal<'spot'> = { kind: 'none', engine: 'spot', reason: 'no confirmed swing leg yet' };
const NO_ATR: NoFibSignal<'spot'> = { kind: 'none', engine: 'spot', reason: 'ATR is still warming up' };
const OUTSIDE: NoFibSignal<'spot'> = {
  kind: 'none',
  engine: 'spot',
  reason: 'price is outside the 61.8% retracement band',
};

/**
 * Trend-continuation entries at the 61.8 % retracement ± bandAtr·ATR of the last swing leg (the spec's
 * SpotFibonacciEngine): BUY in an up leg, SELL in a down leg; stop = the band edge beyond the level plus
 * stopBufferAtr·ATR; take-profits at the leg's extensions (start + ratio·(end − start)).
 * Why: the 0.618 pullback is the classic continuation entry; the stop sits where the setup is wrong.
 */
export class SpotFibonacciEngine {
  readonly #bandAtr: number;
  readonly #stopBufferAtr: number;
  readonly #ladder: readonly { readonly ratio: number; readonly fraction: number }[];

  constructor(options: SpotFibonacciOptions = {}) {
    this.#bandAtr = options.bandAtr ?? 0.5;
    this.#stopBufferAtr = options.stopBufferAtr ?? 0.5;
    this.#ladder = options.ladder ?? [
      { ratio: 1.272, fraction: 0.5 },
      { ratio: 1.618, fraction: 0.3 },
      { ratio: 2.0, fraction: 0.2 },
    ];
    const total = this.#ladder.reduce((s, r) => s + r.fraction, 0);
    if (
      !(this.#bandAtr > 0) ||
      !(this.#stopBufferAtr >= 0) ||
      this.#ladder.length === 0 ||
      Math.abs(total - 1) > 1e-9 ||
      this.#ladder.some((r) => !(r.ratio > 1) || !(r.fraction > 0))
    ) {
      throw new AnalysisError(
        'ANALYSIS_BAD_OPTION',
        'SpotFibonacciEngine needs bandAtr > 0, stopBufferAtr >= 0 and a ladder of ratios > 1 whose fractions sum to 1',
        { bandAtr: this.#bandAtr, stopBufferAtr: this.#stopBufferAtr, ladderFractionSum: total },
      );
    }
  }

  /** Evaluates one price against the current setup. */
  evaluate(
    price: number,
    atr: number | null,
    setup: FibSetup | null,
    evidence: FibEvidence = {},
  ): SpotSignal {
    if (!setup) return NO_SETUP;
    if (atr === null || !(atr > 0)) return NO_ATR;
    const level = setup.levels.retracements.find((l) => l.ratio === 0.618);
    if (!level) return OUTSIDE;
    const half = this.#bandAtr * atr;
    const d = Math.abs(price - level.price);
    if (d > half) return OUTSIDE;
    const up = setup.levels.direction === 'up';
    const zone = atrZone(level.price, atr, this.#bandAtr);
    const stopPrice = up ? zone.low - this.#stopBufferAtr * atr : zone.high + this.#stopBufferAtr * atr;
    const takeProfits: FibTakeProfit[] = this.#ladder.map((r) => ({
      ratio: r.ratio,
      price: extensionPrice(setup.start.price, setup.end.price, r.ratio),
      fraction: r.fraction,
    }));
    const reasons = [
      `price ${price.toPrecision(6)} inside the 0.618 retracement ${level.price.toPrecision(6)} ± ${this.#bandAtr}·ATR of the ${setup.levels.direction} leg ${setup.start.price.toPrecision(6)} → ${setup.end.price.toPrecision(6)}`,
      `stop ${stopPrice.toPrecision(6)} beyond the zone; TPs at extensions ${takeProfits.map((t) => `${t.ratio}=${t.price.toPrecision(6)}`).join(', ')}`,
    ];
    const confidence = fibEntryConfidence(1 - d / half, zone, up ? 'up' : 'down', evidence, reasons);
    return {
      kind: 'signal',
      engine: 'spot',
      side: up ? 'buy' : 'sell',
      confidence,
      entryPrice: price,
      stopPrice,
      takeProfits,
      zone,
      pattern: evidence.pattern ?? 'fib-retracement',
      reasons,
    };
  }
}
