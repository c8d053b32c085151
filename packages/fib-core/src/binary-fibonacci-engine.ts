import { AnalysisError } from '@omni/core';
import { atrZone, type FibLevel } from './fib-levels.js';
import type { BinarySignal, FibEvidence, FibSetup, HarmonicSetup, NoFibSignal } from './fib-signal.js';
import { harmonicReason } from './harmonic-watch.js';
import { LegText } from './leg-text.js';
import { fibEntryConfidence } from './signal-confidence.js';

/** Options of {@link BinaryFibonacciEngine}. */
export interface BinaryFibonacciOptions {
  /** Band half-width in ATRs around each level (default 0.5). */
  readonly bandAtr?: number;
  /** Retracement ratios that trigger (default 0.382, 0.5, 0.618, 0.786). */
  readonly ratios?: readonly number[];
  /** Expiry = this fraction of the mean swing-leg duration (default 0.5). */
  readonly expiryFraction?: number;
  /** Expiry bounds in seconds (default 60 … 86 400). */
  readonly minExpirySec?: number;
  readonly maxExpirySec?: number;
}

const NO_SETUP: NoFibSignal<'binary'> = {
  kind: 'none',
  engine: 'binary',
  reason: 'no confirmed swing leg yet',
};
const NO_ATR: NoFibSignal<'binary'> = { kind: 'none', engine: 'binary', reason: 'ATR is still warming up' };
const BROKEN: NoFibSignal<'binary'> = {
  kind: 'none',
  engine: 'binary',
  reason: 'price is beyond the start of the last swing leg',
};
const OUTSIDE: NoFibSignal<'binary'> = {
  kind: 'none',
  engine: 'binary',
  reason: 'price is outside every fib band',
};
const OUTSIDE_PRZ: NoFibSignal<'binary'> = {
  kind: 'none',
  engine: 'binary',
  reason: 'price is outside the PRZ of the harmonic pattern',
};

/** The cached middle of a retracement reason line (see `#levelMid`). */
interface LevelMid {
  readonly ratio: number;
  readonly price: number;
  readonly text: string;
}

/**
 * CALL/PUT when price retraces into a fib band (level ± bandAtr·ATR) of the last swing leg (the spec's
 * BinaryFibonacciEngine): CALL in an up leg, PUT in a down leg (a bounce in the leg's direction).
 * Why: retracement bands are where continuation traders act; expiry = expiryFraction × mean swing-leg duration,
 * clamped, so the option lives about as long as a typical reaction. O(number of ratios) per call, no allocation
 * unless it signals. {@link BinaryFibonacciEngine.evaluateHarmonic} trades the reversal at D of a harmonic pattern.
 */
export class BinaryFibonacciEngine {
  readonly #bandAtr: number;
  readonly #ratios: readonly number[];
  readonly #expiryFraction: number;
  readonly #minExpirySec: number;
  readonly #maxExpirySec: number;
  /** Reason text of the last leg, level and mean leg duration, reused while they are unchanged. */
  readonly #legText = new LegText();
  #levelMids: LevelMid[] = [];
  #expiryMeanLegMs = Number.NaN;
  #expiryLine = '';

  constructor(options: BinaryFibonacciOptions = {}) {
    this.#bandAtr = options.bandAtr ?? 0.5;
    this.#ratios = options.ratios ?? [0.382, 0.5, 0.618, 0.786];
    this.#expiryFraction = options.expiryFraction ?? 0.5;
    this.#minExpirySec = options.minExpirySec ?? 60;
    this.#maxExpirySec = options.maxExpirySec ?? 86_400;
    if (!(this.#bandAtr > 0) || !(this.#expiryFraction > 0) || !(this.#minExpirySec >= 1)) {
      throw new AnalysisError(
        'ANALYSIS_BAD_OPTION',
        'BinaryFibonacciEngine needs bandAtr, expiryFraction > 0',
        {
          bandAtr: this.#bandAtr,
          expiryFraction: this.#expiryFraction,
          minExpirySec: this.#minExpirySec,
        },
      );
    }
    if (this.#maxExpirySec < this.#minExpirySec) {
      throw new AnalysisError(
        'ANALYSIS_BAD_OPTION',
        'BinaryFibonacciEngine maxExpirySec must be >= minExpirySec',
        {
          minExpirySec: this.#minExpirySec,
          maxExpirySec: this.#maxExpirySec,
        },
      );
    }
  }

  /** Evaluates one price against the current setup. */
  evaluate(
    price: number,
    atr: number | null,
    setup: FibSetup | null,
    evidence: FibEvidence = {},
  ): BinarySignal {
    if (!setup) return NO_SETUP;
    if (atr === null || !(atr > 0)) return NO_ATR;
    const up = setup.levels.direction === 'up';
    if (up ? price < setup.start.price : price > setup.start.price) return BROKEN;
    const half = this.#bandAtr * atr;
    let best: FibLevel | undefined;
    let bestIndex = -1;
    let bestD = Number.POSITIVE_INFINITY;
    const levels = setup.levels.retracements;
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i] as FibLevel;
      if (!this.#ratios.includes(level.ratio)) continue;
      const d = Math.abs(price - level.price);
      if (d <= half && d < bestD) {
        bestD = d;
        best = level;
        bestIndex = i;
      }
    }
    if (!best) return OUTSIDE;
    const zone = atrZone(best.price, atr, this.#bandAtr);
    const direction = up ? 'call' : 'put';
    const reasons = [
      `price ${price.toPrecision(6)}${this.#levelMid(bestIndex, best)}${atr.toPrecision(4)})`,
      this.#legText.binaryLine(setup),
    ];
    const confidence = fibEntryConfidence(1 - bestD / half, zone, up ? 'up' : 'down', evidence, reasons);
    const expirySec = this.#expirySec(setup.meanLegMs, reasons);
    return {
      kind: 'signal',
      engine: 'binary',
      direction,
      confidence,
      expirySec,
      level: best,
      zone,
      pattern: evidence.pattern ?? 'fib-retracement',
      reasons,
    };
  }

  /**
   * The reversal at D of a completed harmonic pattern while the price is inside its PRZ: CALL for a bullish
   * pattern (D is a low), PUT for a bearish one. Confidence: {@link fibEntryConfidence} with closeness = the
   * pattern's ratio score and the PRZ as the band; expiry as for retracements.
   */
  evaluateHarmonic(
    price: number,
    atr: number | null,
    harmonic: HarmonicSetup,
    evidence: FibEvidence = {},
  ): BinarySignal {
    if (atr === null || !(atr > 0)) return NO_ATR;
    if (price < harmonic.prz[0] || price > harmonic.prz[1]) return OUTSIDE_PRZ;
    const bullish = harmonic.direction === 'bullish';
    const zone = { low: harmonic.prz[0], high: harmonic.prz[1] };
    const reasons = [harmonicReason(price, harmonic)];
    const confidence = fibEntryConfidence(harmonic.score, zone, bullish ? 'up' : 'down', evidence, reasons);
    const expirySec = this.#expirySec(harmonic.meanLegMs, reasons);
    return {
      kind: 'signal',
      engine: 'binary',
      direction: bullish ? 'call' : 'put',
      confidence,
      expirySec,
      level: {
        kind: harmonic.dRatio > 1 ? 'extension' : 'retracement',
        ratio: harmonic.dRatio,
        price: harmonic.points.D,
      },
      zone,
      pattern: harmonic.pattern,
      harmonic,
      reasons,
    };
  }

  /** expiryFraction × meanLegMs in seconds, clamped to the bounds; adds its reason line. */
  #expirySec(meanLegMs: number, reasons: string[]): number {
    const expirySec = Math.round(
      Math.min(this.#maxExpirySec, Math.max(this.#minExpirySec, (this.#expiryFraction * meanLegMs) / 1000)),
    );
    if (meanLegMs !== this.#expiryMeanLegMs) {
      this.#expiryMeanLegMs = meanLegMs;
      this.#expiryLine = `expiry ${expirySec}s = ${this.#expiryFraction} × mean swing leg ${(meanLegMs / 1000).toFixed(0)}s`;
    }
    reasons.push(this.#expiryLine);
    return expirySec;
  }

  /**
   * ` inside the <ratio> retracement <price> ± <bandAtr>·ATR (` of the retracement at `index`, formatted once
   * per level (the reason line of a retracement signal is `price <p>` + this + `<atr>)`).
   */
  #levelMid(index: number, level: FibLevel): string {
    const cached = this.#levelMids[index];
    if (cached && cached.ratio === level.ratio && cached.price === level.price) return cached.text;
    const text = ` inside the ${level.ratio} retracement ${level.price.toPrecision(6)} ± ${this.#bandAtr}·ATR (`;
    this.#levelMids[index] = { ratio: level.ratio, price: level.price, text };
    return text;
  }
}
