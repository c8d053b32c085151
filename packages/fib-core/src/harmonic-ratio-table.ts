/** Names of the harmonic patterns fib-core recognises. */
export type HarmonicPatternName =
  | 'gartley'
  | 'bat'
  | 'butterfly'
  | 'crab'
  | 'deep-crab'
  | 'shark'
  | 'cypher'
  | 'abcd';

/** Every pattern name, in table order. */
export const HARMONIC_PATTERNS: readonly HarmonicPatternName[] = [
  'gartley',
  'bat',
  'butterfly',
  'crab',
  'deep-crab',
  'shark',
  'cypher',
  'abcd',
];

/** An inclusive ratio range from the table; a single ratio has `min === max`. */
export interface RatioRange {
  readonly min: number;
  readonly max: number;
}

/**
 * One row of the harmonic ratio table. Every ratio is a ratio of leg lengths (absolute price moves):
 * - `b` = AB / XA (how far B retraces XA),
 * - `c` = BC / AB (how far C retraces AB; above 1 means C goes beyond A),
 * - `bcProjection` = CD / BC,
 * - `d` = the completion ratio that defines D and the PRZ, measured as named by `dLeg`:
 *   `xa` = AD / XA, `xc` = CD / XC, `ab` = CD / AB.
 */
export interface HarmonicRatioSpec {
  readonly pattern: HarmonicPatternName;
  /** AB / XA; absent for AB=CD (which has no X). */
  readonly b?: RatioRange;
  readonly c: RatioRange;
  readonly bcProjection?: RatioRange;
  readonly d: RatioRange;
  readonly dLeg: 'xa' | 'xc' | 'ab';
  /**
   * Where a trade taken at D is wrong: `x` = beyond X (D completes inside the X leg, so X is the
   * pattern's invalidation), `prz` = beyond the far edge of the PRZ (D lies beyond X, or the pattern has no X).
   */
  readonly stop: 'x' | 'prz';
}

const r = (min: number, max: number = min): RatioRange => ({ min, max });

/**
 * The harmonic ratio table (Scott M. Carney, "Harmonic Trading" Vol. 1 and 2, 2010, as commonly tabulated,
 * e.g. https://uk.tradingview.com/chart/BTCUSD/gPdMppaY-Harmonic-patterns-Gartley-Bat-Butterfly-Crab-and-Shark/ ;
 * Cypher (Darren Oglesbee) and AB=CD as tabulated at https://in.patternsurfer.com documentation pages).
 * Why: each pattern is defined only by these ratios, so the table is the whole detector; see the README table.
 *
 * | pattern   | B = AB/XA   | C = BC/AB   | CD/BC       | D             |
 * |-----------|-------------|-------------|-------------|---------------|
 * | gartley   | 0.618       | 0.382–0.886 | 1.272–1.618 | AD/XA 0.786   |
 * | bat       | 0.382–0.5   | 0.382–0.886 | 1.618–2.618 | AD/XA 0.886   |
 * | butterfly | 0.786       | 0.382–0.886 | 1.618–2.24  | AD/XA 1.272   |
 * | crab      | 0.382–0.618 | 0.382–0.886 | 2.24–3.618  | AD/XA 1.618   |
 * | deep-crab | 0.886       | 0.382–0.886 | 2.0–3.618   | AD/XA 1.618   |
 * | shark     | 0.382–0.618 | 1.13–1.618  | 1.618–2.24  | AD/XA 0.886–1.13 |
 * | cypher    | 0.382–0.618 | 1.13–1.414  | —           | CD/XC 0.786   |
 * | abcd      | —           | 0.382–0.886 | 1.13–2.618  | CD/AB 1.0     |
 *
 * Stops (same sources): Gartley, Bat and Cypher complete inside the X leg (D ratio < 1), so the
 * pattern is invalid beyond X; Butterfly, Crab, Deep Crab and Shark complete at or beyond X and AB=CD
 * has no X, so their stop sits beyond the far edge of the PRZ.
 */
export const HARMONIC_RATIO_TABLE: readonly HarmonicRatioSpec[] = [
  {
    pattern: 'gartley',
    b: r(0.618),
    c: r(0.382, 0.886),
    bcProjection: r(1.272, 1.618),
    d: r(0.786),
    dLeg: 'xa',
    stop: 'x',
  },
  {
    pattern: 'bat',
    b: r(0.382, 0.5),
    c: r(0.382, 0.886),
    bcProjection: r(1.618, 2.618),
    d: r(0.886),
    dLeg: 'xa',
    stop: 'x',
  },
  {
    pattern: 'butterfly',
    b: r(0.786),
    c: r(0.382, 0.886),
    bcProjection: r(1.618, 2.24),
    d: r(1.272),
    dLeg: 'xa',
    stop: 'prz',
  },
  {
    pattern: 'crab',
    b: r(0.382, 0.618),
    c: r(0.382, 0.886),
    bcProjection: r(2.24, 3.618),
    d: r(1.618),
    dLeg: 'xa',
    stop: 'prz',
  },
  {
    pattern: 'deep-crab',
    b: r(0.886),
    c: r(0.382, 0.886),
    bcProjection: r(2.0, 3.618),
    d: r(1.618),
    dLeg: 'xa',
    stop: 'prz',
  },
  {
    pattern: 'shark',
    b: r(0.382, 0.618),
    c: r(1.13, 1.618),
    bcProjection: r(1.618, 2.24),
    d: r(0.886, 1.13),
    dLeg: 'xa',
    stop: 'prz',
  },
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: 1.414 is the tabulated Cypher ratio, not √2
  { pattern: 'cypher', b: r(0.382, 0.618), c: r(1.13, 1.414), d: r(0.786), dLeg: 'xc', stop: 'x' },
  { pattern: 'abcd', c: r(0.382, 0.886), bcProjection: r(1.13, 2.618), d: r(1.0), dLeg: 'ab', stop: 'prz' },
];

/** Default relative tolerance on every ratio: a range [min, max] admits [min·(1 − t), max·(1 + t)]. */
export const DEFAULT_HARMONIC_TOLERANCE = 0.05;

const SPEC_BY_PATTERN: ReadonlyMap<HarmonicPatternName, HarmonicRatioSpec> = new Map(
  HARMONIC_RATIO_TABLE.map((spec) => [spec.pattern, spec]),
);

/** The table row of `pattern` (every {@link HarmonicPatternName} has one). */
export function harmonicSpec(pattern: HarmonicPatternName): HarmonicRatioSpec {
  return SPEC_BY_PATTERN.get(pattern) as HarmonicRatioSpec;
}
