/**
 * Elliott wave rules and guidelines on the prices of consecutive turning points
 * (R. Prechter & A. J. Frost, "Elliott Wave Principle", 1978, ch. 1–2).
 */

/** `up` when the structure's first wave rises. */
export type WaveDirection = 'up' | 'down';

/** Hard rules of the 5-wave impulse and of the corrections; one violated rule rejects the count. */
export type ElliottRule =
  | 'waves-alternate'
  | 'wave-2-beyond-wave-1-start'
  | 'wave-3-not-beyond-wave-1'
  | 'wave-3-shortest'
  | 'wave-4-overlaps-wave-1'
  | 'zigzag-b-beyond-a-start'
  | 'zigzag-c-not-beyond-a'
  | 'flat-b-too-shallow'
  | 'flat-b-too-deep'
  | 'flat-c-too-short';

/** The result of checking a structure: valid with a guideline score, or the hard rules it breaks. */
export type RuleCheck<K extends string> =
  | {
      readonly valid: true;
      readonly structure: K;
      readonly direction: WaveDirection;
      /** Mean guideline closeness in [0, 1] (see {@link guidelineCloseness}). */
      readonly score: number;
      /** One line per guideline with the measured ratio. */
      readonly notes: readonly string[];
    }
  | { readonly valid: false; readonly violations: readonly ElliottRule[] };

/**
 * Closeness of `ratio` to a guideline band [lo, hi]: 1 inside, falling linearly to 0 at 25 % of `hi` away.
 * Why: guidelines are tendencies, not rules, so they grade a count instead of rejecting it.
 */
export function guidelineCloseness(ratio: number, lo: number, hi: number = lo): number {
  if (ratio >= lo && ratio <= hi) return 1;
  const d = ratio < lo ? lo - ratio : ratio - hi;
  return Math.max(0, 1 - d / (0.25 * hi));
}

function alternates(p: readonly number[]): boolean {
  if (p.length < 2) return false;
  const up = (p[1] as number) > (p[0] as number);
  for (let i = 1; i < p.length; i++) {
    const rising = (p[i] as number) > (p[i - 1] as number);
    if ((i % 2 === 1) !== (rising === up) || p[i] === p[i - 1]) return false;
  }
  return true;
}

const fmt = (x: number): string => x.toFixed(3);

/**
 * Checks the first waves of an impulse on 3 to 6 turning points (P0 = start of wave 1, Pn = end of wave n).
 *
 * Hard rules (each violated alone rejects): wave 2 never retraces beyond the start of wave 1; wave 3 travels
 * beyond the end of wave 1; wave 3 is never the shortest of 1, 3, 5 (checked when wave 5 is complete); wave 4
 * never enters wave 1's price territory — except in a diagonal (contracting: 1 > 3 > 5 and 2 > 4; expanding:
 * 1 < 3 < 5 and 2 < 4), which is returned as `structure: 'diagonal'`. Guidelines scored: wave 2 ≈ 0.5–0.618 of 1,
 * wave 3 ≈ 1.618 (or 2.618) of 1, wave 4 ≈ 0.382 of 3, wave 5 ≈ wave 1 or 0.618 of 0→3.
 */
export function checkImpulse(points: readonly number[]): RuleCheck<'impulse' | 'diagonal'> {
  if (points.length < 3 || points.length > 6 || !alternates(points)) {
    return { valid: false, violations: ['waves-alternate'] };
  }
  const [p0, p1, p2, p3, p4, p5] = points as [number, number, number, number?, number?, number?];
  const direction: WaveDirection = p1 > p0 ? 'up' : 'down';
  const s = direction === 'up' ? 1 : -1;
  const w1 = Math.abs(p1 - p0);
  const w2 = Math.abs(p1 - p2);
  const violations: ElliottRule[] = [];
  if (s * (p2 - p0) <= 0) violations.push('wave-2-beyond-wave-1-start');
  const notes: string[] = [];
  const scores: number[] = [];
  scores.push(guidelineCloseness(w2 / w1, 0.5, 0.618));
  notes.push(`wave 2 retraced ${fmt(w2 / w1)} of wave 1 (guideline 0.5–0.618)`);
  let diagonal = false;
  if (p3 !== undefined) {
    const w3 = Math.abs(p3 - p2);
    if (s * (p3 - p1) <= 0) violations.push('wave-3-not-beyond-wave-1');
    scores.push(Math.max(guidelineCloseness(w3 / w1, 1.618), guidelineCloseness(w3 / w1, 2.618)));
    notes.push(`wave 3 = ${fmt(w3 / w1)} × wave 1 (guideline 1.618 or 2.618)`);
    if (p4 !== undefined) {
      const w4 = Math.abs(p3 - p4);
      scores.push(guidelineCloseness(w4 / w3, 0.382));
      notes.push(`wave 4 retraced ${fmt(w4 / w3)} of wave 3 (guideline 0.382)`);
      const overlap = s * (p4 - p1) <= 0;
      if (overlap) {
        const w5 = p5 === undefined ? undefined : Math.abs(p5 - p4);
        const contracting = w1 > w3 && w2 > w4 && (w5 === undefined || w3 > w5);
        const expanding = w1 < w3 && w2 < w4 && (w5 === undefined || w3 < w5);
        if (contracting || expanding) {
          diagonal = true;
          notes.push(`wave 4 overlaps wave 1: ${contracting ? 'contracting' : 'expanding'} diagonal`);
        } else {
          violations.push('wave-4-overlaps-wave-1');
        }
      }
      if (p5 !== undefined) {
        const w5 = Math.abs(p5 - p4);
        if (w3 < w1 && w3 < w5) violations.push('wave-3-shortest');
        const w03 = Math.abs(p3 - p0);
        scores.push(Math.max(guidelineCloseness(w5 / w1, 1.0), guidelineCloseness(w5 / w03, 0.618)));
        notes.push(
          `wave 5 = ${fmt(w5 / w1)} × wave 1, ${fmt(w5 / w03)} × waves 1→3 (guideline 1.0 or 0.618)`,
        );
      }
    }
  }
  if (violations.length > 0) return { valid: false, violations };
  return {
    valid: true,
    structure: diagonal ? 'diagonal' : 'impulse',
    direction,
    score: scores.reduce((a, b) => a + b, 0) / scores.length,
    notes,
  };
}

/**
 * Checks an A-B-C correction on 4 turning points (P0 = start of A, P1 = end of A, P2 = end of B, P3 = end of C).
 *
 * Zigzag (5-3-5): B retraces less than 100 % of A and C ends beyond the end of A; guidelines B ≈ 0.5–0.618 of A,
 * C ≈ A (or 0.618 / 1.618 of A). Flat (3-3-5, regular or expanded): B retraces 90 %–138.2 % of A and C travels at
 * least 90 % of A; guideline C ≈ A (regular) or 1.618·A (expanded). Running flats are not recognised.
 * Returns the better-scoring valid structure, or every violated rule of both.
 */
export function checkCorrection(points: readonly number[]): RuleCheck<'zigzag' | 'flat'> {
  if (points.length !== 4 || !alternates(points)) return { valid: false, violations: ['waves-alternate'] };
  const [p0, p1, p2, p3] = points as [number, number, number, number];
  const direction: WaveDirection = p1 > p0 ? 'up' : 'down';
  const s = direction === 'up' ? 1 : -1;
  const a = Math.abs(p1 - p0);
  const b = Math.abs(p2 - p1);
  const c = Math.abs(p3 - p2);
  const zz: ElliottRule[] = [];
  if (b >= a) zz.push('zigzag-b-beyond-a-start');
  if (s * (p3 - p1) <= 0) zz.push('zigzag-c-not-beyond-a');
  const fl: ElliottRule[] = [];
  if (b < 0.9 * a) fl.push('flat-b-too-shallow');
  if (b > 1.382 * a) fl.push('flat-b-too-deep');
  if (c < 0.9 * a) fl.push('flat-c-too-short');
  type Valid = Extract<RuleCheck<'zigzag' | 'flat'>, { valid: true }>;
  const options: Valid[] = [];
  if (zz.length === 0) {
    const score =
      (guidelineCloseness(b / a, 0.5, 0.618) +
        Math.max(
          guidelineCloseness(c / a, 1.0),
          guidelineCloseness(c / a, 0.618),
          guidelineCloseness(c / a, 1.618),
        )) /
      2;
    options.push({
      valid: true,
      structure: 'zigzag',
      direction,
      score,
      notes: [
        `B retraced ${fmt(b / a)} of A (guideline 0.5–0.618)`,
        `C = ${fmt(c / a)} × A (guideline 1.0, 0.618 or 1.618)`,
      ],
    });
  }
  if (fl.length === 0) {
    const expanded = b > 1.05 * a;
    const score = expanded ? guidelineCloseness(c / a, 1.618) : guidelineCloseness(c / a, 1.0);
    options.push({
      valid: true,
      structure: 'flat',
      direction,
      score,
      notes: [
        `B retraced ${fmt(b / a)} of A (${expanded ? 'expanded' : 'regular'} flat)`,
        `C = ${fmt(c / a)} × A (guideline ${expanded ? '1.618' : '1.0'})`,
      ],
    });
  }
  if (options.length === 0) return { valid: false, violations: [...zz, ...fl] };
  options.sort((x, y) => y.score - x.score);
  return options[0] as Valid;
}
