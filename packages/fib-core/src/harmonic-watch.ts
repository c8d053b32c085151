import type { Swing } from '@omni/core';
import {
  classifyHarmonic,
  completionRatio,
  type HarmonicDirection,
  type HarmonicOptions,
} from './classify-harmonic.js';
import type { HarmonicSetup } from './fib-signal.js';
import { type HarmonicPatternName, harmonicSpec } from './harmonic-ratio-table.js';
import type { DetectedHarmonic, FormingHarmonic } from './harmonic-scan.js';

/** A pattern of the last swings that {@link HarmonicWatch} looks after until the next swing. */
export interface HarmonicCandidate {
  readonly pattern: HarmonicPatternName;
  readonly direction: HarmonicDirection;
  readonly prz: readonly [number, number];
  readonly points: { readonly X: Swing; readonly A: Swing; readonly B: Swing; readonly C: Swing };
  /** The confirmed D of a pattern completed at the last swing, or null while D is still forming. */
  readonly d: Swing | null;
  /** classifyHarmonic's score (completed) or the X–A–B–C fit (forming); candidates are tried best first. */
  readonly score: number;
}

/** A candidate complete at this tick, with the setup a reversal signal trades. */
export interface CompletedHarmonic {
  readonly index: number;
  readonly setup: HarmonicSetup;
}

/**
 * Finds the tick at which a harmonic pattern is complete and the price is inside its PRZ, i.e. where a harmonic
 * trader takes the reversal. Candidates come from the last swings: patterns whose D is the last confirmed swing,
 * and patterns whose X, A, B, C are the last four swings, whose D is the extreme price since C (the low of the leg
 * for a bullish pattern). A candidate is complete when the price is inside its PRZ, the leg towards D has not gone
 * through the far edge of the PRZ, and X, A, B, C, D satisfy every ratio of the table (classifyHarmonic).
 * Why: the PRZ lies beyond the start of the last swing leg, so the retracement engines can never see it; this is
 * the reversal at D they miss. O(1) per tick while the price is outside every PRZ; allocates only inside one.
 */
export class HarmonicWatch {
  readonly #options: HarmonicOptions;
  #candidates: HarmonicCandidate[] = [];
  #low = Number.POSITIVE_INFINITY;
  #lowTsMs = 0;
  #high = Number.NEGATIVE_INFINITY;
  #highTsMs = 0;

  constructor(options: HarmonicOptions = {}) {
    this.#options = options;
  }

  /** The patterns watched since the last swing, best first. */
  get candidates(): readonly HarmonicCandidate[] {
    return this.#candidates;
  }

  /**
   * At a new swing: watch the patterns completed at it and those forming after it; the extremes of the leg
   * restart at this tick's price.
   */
  reset(
    completed: readonly DetectedHarmonic[],
    forming: readonly FormingHarmonic[],
    price: number,
    tsMs: number,
  ): void {
    const candidates: HarmonicCandidate[] = [];
    for (const h of completed) {
      const { X, A, B, C, D } = h.points;
      candidates.push({
        pattern: h.pattern,
        direction: h.direction,
        prz: h.prz,
        points: { X, A, B, C },
        d: D,
        score: h.score,
      });
    }
    for (const f of forming) {
      candidates.push({
        pattern: f.pattern,
        direction: f.direction,
        prz: f.prz,
        points: f.points,
        d: null,
        score: f.score,
      });
    }
    candidates.sort((a, b) => b.score - a.score);
    this.#candidates = candidates;
    this.#low = price;
    this.#high = price;
    this.#lowTsMs = tsMs;
    this.#highTsMs = tsMs;
  }

  /**
   * One tick: extends the leg's extremes and returns the best candidate complete at this price (with its setup),
   * or undefined. `meanLegMs` is copied into the setup for the binary expiry.
   */
  update(price: number, tsMs: number, meanLegMs: number): CompletedHarmonic | undefined {
    if (price < this.#low) {
      this.#low = price;
      this.#lowTsMs = tsMs;
    }
    if (price > this.#high) {
      this.#high = price;
      this.#highTsMs = tsMs;
    }
    const candidates = this.#candidates;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i] as HarmonicCandidate;
      if (price < c.prz[0] || price > c.prz[1]) continue;
      const bullish = c.direction === 'bullish';
      if (bullish ? this.#low < c.prz[0] : this.#high > c.prz[1]) continue; // the leg went through the PRZ
      const setup = this.#setupOf(c, meanLegMs);
      if (setup) return { index: i, setup };
    }
    return undefined;
  }

  #setupOf(c: HarmonicCandidate, meanLegMs: number): HarmonicSetup | undefined {
    const bullish = c.direction === 'bullish';
    const dPrice = c.d ? c.d.price : bullish ? this.#low : this.#high;
    const { X, A, B, C } = c.points;
    const points = { X: X.price, A: A.price, B: B.price, C: C.price, D: dPrice };
    let score = c.score;
    if (c.d === null) {
      const match = classifyHarmonic(points, { ...this.#options, patterns: [c.pattern] })[0];
      if (!match || match.direction !== c.direction) return undefined;
      score = match.score;
    }
    return {
      pattern: c.pattern,
      direction: c.direction,
      score,
      prz: [c.prz[0], c.prz[1]],
      points,
      dRatio: completionRatio(harmonicSpec(c.pattern), points),
      dConfirmed: c.d !== null,
      dTsMs: c.d ? c.d.tsMs : bullish ? this.#lowTsMs : this.#highTsMs,
      meanLegMs,
    };
  }
}

const D_LEG_LABEL = { xa: 'AD/XA', xc: 'CD/XC', ab: 'CD/AB' } as const;

/** The reason line of a harmonic reversal signal: pattern, direction, PRZ, D and its ratio, the points. */
export function harmonicReason(price: number, h: HarmonicSetup): string {
  const p = h.points;
  const f = (x: number): string => x.toPrecision(6);
  return `price ${f(price)} inside the PRZ ${f(h.prz[0])}–${f(h.prz[1])} of a ${h.direction} ${h.pattern} completed at D ${f(p.D)} (${D_LEG_LABEL[harmonicSpec(h.pattern).dLeg]} ${h.dRatio.toFixed(3)}, ${h.dConfirmed ? 'confirmed swing' : 'extreme of the leg so far'}; X ${f(p.X)}, A ${f(p.A)}, B ${f(p.B)}, C ${f(p.C)}; ratio score ${h.score.toFixed(2)})`;
}
