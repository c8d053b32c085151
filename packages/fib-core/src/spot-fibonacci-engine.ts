import { AnalysisError } from '@omni/core';
import { atrZone, extensionPrice, type FibLevel, retracementPrice } from './fib-levels.js';
import type {
  FibEvidence,
  FibSetup,
  FibTakeProfit,
  HarmonicSetup,
  NoFibSignal,
  SpotSignal,
} from './fib-signal.js';
import { harmonicSpec } from './harmonic-ratio-table.js';
import { harmonicReason } from './harmonic-watch.js';
import { LegText } from './leg-text.js';
import { fibEntryConfidence } from './signal-confidence.js';

/** Options of {@link SpotFibonacciEngine}. */
export interface SpotFibonacciOptions {
  /** Entry band half-width in ATRs around the 61.8 % retracement (default 0.5). */
  readonly bandAtr?: number;
  /** Stop distance beyond the band, in ATRs (default 0.5). */
  readonly stopBufferAtr?: number;
  /** Take-profit ladder: extension ratio and fraction closed (default 1.272/0.5, 1.618/0.3, 2.0/0.2). */
  readonly ladder?: readonly { readonly ratio: number; readonly fraction: number }[];
  /**
   * Take-profits of a harmonic reversal: retracement ratio of AD (price D + ratio·(A − D)) and fraction closed
   * (default 0.382/0.5, 0.618/0.5).
   */
  readonly harmonicTargets?: readonly { readonly ratio: number; readonly fraction: number }[];
}

type Rungs = readonly { readonly ratio: number; readonly fraction: number }[];

/** Whether `rungs` is a ladder: non-empty, ratios in (lo, hi], positive fractions summing to 1. */
function isLadder(rungs: Rungs, lo: number, hi: number): boolean {
  const total = rungs.reduce((s, r) => s + r.fraction, 0);
  return (
    rungs.length > 0 &&
    Math.abs(total - 1) <= 1e-9 &&
    rungs.every((r) => r.ratio > lo && r.ratio <= hi && r.fraction > 0)
  );
}

/** The extension take-profits of one leg with the reason text that lists them. */
interface ExtensionLadder {
  readonly startPrice: number;
  readonly endPrice: number;
  readonly takeProfits: readonly FibTakeProfit[];
  /** ` beyond the zone; TPs at extensions <ratio>=<price>, …` (the stop line after its price). */
  readonly text: string;
}

/** The 0.618 retracement of a leg's levels (the first with that ratio), or undefined. */
function goldenRetracement(levels: readonly FibLevel[]): FibLevel | undefined {
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as FibLevel;
    if (level.ratio === 0.618) return level;
  }
  return undefined;
}

const NO_SETUP: NoFibSignal<'spot'> = { kind: 'none', engine: 'spot', reason: 'no confirmed swing leg yet' };
const NO_ATR: NoFibSignal<'spot'> = { kind: 'none', engine: 'spot', reason: 'ATR is still warming up' };
const OUTSIDE: NoFibSignal<'spot'> = {
  kind: 'none',
  engine: 'spot',
  reason: 'price is outside the 61.8% retracement band',
};
const OUTSIDE_PRZ: NoFibSignal<'spot'> = {
  kind: 'none',
  engine: 'spot',
  reason: 'price is outside the PRZ of the harmonic pattern',
};
const PAST_TARGET: NoFibSignal<'spot'> = {
  kind: 'none',
  engine: 'spot',
  reason: 'price is already at or beyond the first take-profit of the harmonic pattern',
};

/**
 * Trend-continuation entries at the 61.8 % retracement ± bandAtr·ATR of the last swing leg (the spec's
 * SpotFibonacciEngine): BUY in an up leg, SELL in a down leg; stop = the band edge beyond the level plus
 * stopBufferAtr·ATR; take-profits at the leg's extensions (start + ratio·(end − start)).
 * Why: the 0.618 pullback is the classic continuation entry; the stop sits where the setup is wrong.
 * {@link SpotFibonacciEngine.evaluateHarmonic} trades the reversal at D of a harmonic pattern.
 */
export class SpotFibonacciEngine {
  readonly #bandAtr: number;
  readonly #stopBufferAtr: number;
  readonly #ladder: readonly { readonly ratio: number; readonly fraction: number }[];
  readonly #harmonicTargets: Rungs;
  /** Reason text and take-profits that only change with the leg, reused while it is unchanged. */
  readonly #legText = new LegText();
  #entryLevelPrice = Number.NaN;
  #entryMidText = '';
  #ladderCache: ExtensionLadder = { startPrice: Number.NaN, endPrice: Number.NaN, takeProfits: [], text: '' };

  constructor(options: SpotFibonacciOptions = {}) {
    this.#bandAtr = options.bandAtr ?? 0.5;
    this.#stopBufferAtr = options.stopBufferAtr ?? 0.5;
    this.#ladder = options.ladder ?? [
      { ratio: 1.272, fraction: 0.5 },
      { ratio: 1.618, fraction: 0.3 },
      { ratio: 2.0, fraction: 0.2 },
    ];
    this.#harmonicTargets = options.harmonicTargets ?? [
      { ratio: 0.382, fraction: 0.5 },
      { ratio: 0.618, fraction: 0.5 },
    ];
    const total = this.#ladder.reduce((s, r) => s + r.fraction, 0);
    if (
      !(this.#bandAtr > 0) ||
      !(this.#stopBufferAtr >= 0) ||
      !isLadder(this.#ladder, 1, Number.POSITIVE_INFINITY)
    ) {
      throw new AnalysisError(
        'ANALYSIS_BAD_OPTION',
        'SpotFibonacciEngine needs bandAtr > 0, stopBufferAtr >= 0 and a ladder of ratios > 1 whose fractions sum to 1',
        { bandAtr: this.#bandAtr, stopBufferAtr: this.#stopBufferAtr, ladderFractionSum: total },
      );
    }
    if (!isLadder(this.#harmonicTargets, 0, 1)) {
      throw new AnalysisError(
        'ANALYSIS_BAD_OPTION',
        'SpotFibonacciEngine harmonicTargets needs AD retracement ratios in (0, 1] whose fractions sum to 1',
        { harmonicTargetRatios: this.#harmonicTargets.map((r) => r.ratio).join(', ') },
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
    const level = goldenRetracement(setup.levels.retracements);
    if (!level) return OUTSIDE;
    const half = this.#bandAtr * atr;
    const d = Math.abs(price - level.price);
    if (d > half) return OUTSIDE;
    const up = setup.levels.direction === 'up';
    const zone = atrZone(level.price, atr, this.#bandAtr);
    const stopPrice = up ? zone.low - this.#stopBufferAtr * atr : zone.high + this.#stopBufferAtr * atr;
    const ladder = this.#extensionLadder(setup.start.price, setup.end.price);
    const takeProfits = ladder.takeProfits;
    const reasons = [
      `price ${price.toPrecision(6)}${this.#entryMid(level.price)}${this.#legText.leg(setup)}`,
      `stop ${stopPrice.toPrecision(6)}${ladder.text}`,
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

  /** ` inside the 0.618 retracement <level> ± <bandAtr>·ATR of the ` (formatted once per level price). */
  #entryMid(levelPrice: number): string {
    if (levelPrice !== this.#entryLevelPrice) {
      this.#entryLevelPrice = levelPrice;
      this.#entryMidText = ` inside the 0.618 retracement ${levelPrice.toPrecision(6)} ± ${this.#bandAtr}·ATR of the `;
    }
    return this.#entryMidText;
  }

  /**
   * The extension take-profits of the leg `startPrice → endPrice` and their reason text, built once per
   * leg and shared (frozen) by the signals of every tick on it.
   */
  #extensionLadder(startPrice: number, endPrice: number): ExtensionLadder {
    const cached = this.#ladderCache;
    if (cached.startPrice === startPrice && cached.endPrice === endPrice) return cached;
    const takeProfits: readonly FibTakeProfit[] = Object.freeze(
      this.#ladder.map((r) =>
        Object.freeze({
          ratio: r.ratio,
          price: extensionPrice(startPrice, endPrice, r.ratio),
          fraction: r.fraction,
        }),
      ),
    );
    const text = ` beyond the zone; TPs at extensions ${takeProfits.map((t) => `${t.ratio}=${t.price.toPrecision(6)}`).join(', ')}`;
    this.#ladderCache = { startPrice, endPrice, takeProfits, text };
    return this.#ladderCache;
  }

  /**
   * The reversal at D of a completed harmonic pattern while the price is inside its PRZ: BUY at the close for a
   * bullish pattern (D is a low), SELL for a bearish one. Stop, by the pattern's row of the ratio table: beyond X
   * (Gartley, Bat, Cypher: X, or the PRZ edge if that lies farther) or beyond the far edge of the PRZ (the others),
   * plus stopBufferAtr·ATR. Take-profits at the `harmonicTargets` retracements of AD (D + ratio·(A − D)).
   * Why: Carney's trade management of a completed pattern (Harmonic Trading vol. 1): the reversal is wrong once
   * price leaves the PRZ beyond the pattern's invalidation point; 38.2 % and 61.8 % of AD are the first targets.
   */
  evaluateHarmonic(
    price: number,
    atr: number | null,
    harmonic: HarmonicSetup,
    evidence: FibEvidence = {},
  ): SpotSignal {
    if (atr === null || !(atr > 0)) return NO_ATR;
    const [przLow, przHigh] = harmonic.prz;
    if (price < przLow || price > przHigh) return OUTSIDE_PRZ;
    const bullish = harmonic.direction === 'bullish';
    const { X, A, D } = harmonic.points;
    const edge = bullish ? przLow : przHigh;
    const beyondX = harmonicSpec(harmonic.pattern).stop === 'x';
    const anchor = beyondX ? (bullish ? Math.min(X, edge) : Math.max(X, edge)) : edge;
    const buffer = this.#stopBufferAtr * atr;
    const stopPrice = bullish ? anchor - buffer : anchor + buffer;
    const takeProfits: FibTakeProfit[] = this.#harmonicTargets.map((r) => ({
      ratio: r.ratio,
      price: retracementPrice(A, D, r.ratio),
      fraction: r.fraction,
    }));
    const first = (takeProfits[0] as FibTakeProfit).price;
    if (bullish ? first <= price : first >= price) return PAST_TARGET;
    const zone = { low: przLow, high: przHigh };
    const reasons = [
      harmonicReason(price, harmonic),
      `stop ${stopPrice.toPrecision(6)} beyond ${beyondX ? `X ${X.toPrecision(6)}` : 'the PRZ'} + ${this.#stopBufferAtr}·ATR; TPs at AD retracements ${takeProfits.map((t) => `${t.ratio}=${t.price.toPrecision(6)}`).join(', ')}`,
    ];
    const confidence = fibEntryConfidence(harmonic.score, zone, bullish ? 'up' : 'down', evidence, reasons);
    return {
      kind: 'signal',
      engine: 'spot',
      side: bullish ? 'buy' : 'sell',
      confidence,
      entryPrice: price,
      stopPrice,
      takeProfits,
      zone,
      pattern: harmonic.pattern,
      harmonic,
      reasons,
    };
  }
}
