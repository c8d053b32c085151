import { GovernorError } from '@omni/core';
import { requireNumberInRange, requireOption } from './numeric-input.js';

/** Volatility buckets of the regime state space, low to high. */
export const VOL_BUCKETS = ['low', 'mid', 'high'] as const;
/** `'low' | 'mid' | 'high'`. */
export type VolBucket = (typeof VOL_BUCKETS)[number];

/** Trend-strength buckets of the regime state space, weak to strong. */
export const TREND_BUCKETS = ['weak', 'moderate', 'strong'] as const;
/** `'weak' | 'moderate' | 'strong'`. */
export type TrendBucket = (typeof TREND_BUCKETS)[number];

/** The regimes a sequence model scores, in tie-break order (the first maximum wins). */
export const DOMINANT_REGIMES = ['trending', 'meanReverting', 'volatile'] as const;
/** `'trending' | 'meanReverting' | 'volatile'`. */
export type DominantRegime = (typeof DOMINANT_REGIMES)[number];

/**
 * Regime probabilities as the sequence model reports them (same shape as `RegimeProbabilities`
 * of `@omni/sequence`): each in [0, 1], summing to 1.
 */
export interface RegimeProbabilitiesInput {
  readonly trending: number;
  readonly meanReverting: number;
  readonly volatile: number;
}

/** The stable string key of one discretised regime, e.g. `vol-high|trend-weak|volatile`. */
export type RegimeKey = `vol-${VolBucket}|trend-${TrendBucket}|${DominantRegime}`;

/** The buckets a {@link RegimeKey} stands for. */
export interface RegimeKeyParts {
  readonly volBucket: VolBucket;
  readonly trendBucket: TrendBucket;
  readonly dominantRegime: DominantRegime;
}

const KEY_TABLE: readonly RegimeKey[] = VOL_BUCKETS.flatMap((v) =>
  TREND_BUCKETS.flatMap((t) => DOMINANT_REGIMES.map((d): RegimeKey => `vol-${v}|trend-${t}|${d}`)),
);
const KEY_PARTS: ReadonlyMap<string, RegimeKeyParts> = new Map(
  VOL_BUCKETS.flatMap((volBucket, vi) =>
    TREND_BUCKETS.flatMap((trendBucket, ti) =>
      DOMINANT_REGIMES.map((dominantRegime, di): [string, RegimeKeyParts] => [
        KEY_TABLE[(vi * TREND_BUCKETS.length + ti) * DOMINANT_REGIMES.length + di] as RegimeKey,
        Object.freeze({ volBucket, trendBucket, dominantRegime }),
      ]),
    ),
  ),
);

/**
 * Every regime key: 3 vol buckets × 3 trend buckets × 3 dominant regimes = 27 states, in a stable
 * order. Why this small: a tabular learner needs many settled trades per state to learn it.
 */
export const REGIME_KEYS: readonly RegimeKey[] = KEY_TABLE;

/** The buckets of a regime key, or `undefined` when `key` is not one of {@link REGIME_KEYS}. */
export function parseRegimeKey(key: string): RegimeKeyParts | undefined {
  return KEY_PARTS.get(key);
}

/** What {@link RegimeStateBuilder.build} takes: plain numbers from the sequence model and the price window. */
export interface RegimeStateInput {
  /** Volatility score; on the default edges a normalised score in [0, 1] (e.g. a volatility percentile). */
  readonly volScore: number;
  /** The specification's trend strength |last − first| / (std + ε) (see `trendStrength`). */
  readonly trendStrength: number;
  /** The sequence model's regime probabilities. */
  readonly probabilities: RegimeProbabilitiesInput;
}

/** A typed, discretised regime state: the raw scores, their buckets and the stable {@link RegimeKey}. */
export interface RegimeState extends RegimeKeyParts {
  readonly volScore: number;
  readonly trendStrength: number;
  /** 1 − trendStrength, clamped to [0, 1] (see {@link meanReversionScore}). */
  readonly meanReversionScore: number;
  readonly probabilities: RegimeProbabilitiesInput;
  readonly regimeKey: RegimeKey;
}

/** Bucket edges of {@link RegimeStateBuilder}: `[lowUpper, highLower]`, low < lowUpper ≤ mid < highLower ≤ high. */
export interface RegimeStateBuilderOptions {
  /** Vol bucket edges; default `[1/3, 2/3]` for a normalised score in [0, 1]. Pass your own for raw volatility. */
  readonly volEdges?: readonly [number, number];
  /** Trend bucket edges; default `[1, 2.5]` (noise ≈ 1.1, random walk 1–2, straight line ≈ 3.46). */
  readonly trendEdges?: readonly [number, number];
  /** How far the probabilities may sum from 1; default 1e-6. */
  readonly probabilityTolerance?: number;
}

/**
 * The specification's mean-reversion score, 1 − trendStrength, clamped to [0, 1].
 * Why clamped: trend strength is unbounded above (a straight line scores ≈ 3.46), so the raw
 * formula would go negative; a score is read as "how mean-reverting", 1 for a flat window, 0 from
 * trend strength 1 upward.
 */
export function meanReversionScore(trend: number): number {
  const score = 1 - trend;
  return Math.max(0, Math.min(1, score));
}

/**
 * Builds the typed {@link RegimeState} the regime learner works on, from plain numbers.
 *
 * The state space is vol bucket × trend bucket × dominant regime (27 keys, {@link REGIME_KEYS});
 * `build` is pure and O(1) and reuses precomputed key strings (no string building per call).
 *
 * @example
 * const builder = new RegimeStateBuilder();
 * const state = builder.build({ volScore: 0.8, trendStrength: 0.4, probabilities: { trending: 0.2, meanReverting: 0.3, volatile: 0.5 } });
 * state.regimeKey; // 'vol-high|trend-weak|volatile'
 */
export class RegimeStateBuilder {
  readonly volEdges: readonly [number, number];
  readonly trendEdges: readonly [number, number];
  readonly probabilityTolerance: number;

  constructor(options: RegimeStateBuilderOptions = {}) {
    this.volEdges = checkEdges(options.volEdges ?? [1 / 3, 2 / 3], 'volEdges');
    this.trendEdges = checkEdges(options.trendEdges ?? [1, 2.5], 'trendEdges');
    this.probabilityTolerance = requireOption(
      options.probabilityTolerance ?? 1e-6,
      'probabilityTolerance',
      0,
      0.1,
    );
  }

  /** The regime state of one decision. Throws `GOVERNOR_BAD_INPUT` naming the field for NaN or out-of-range input. */
  build(input: RegimeStateInput): RegimeState {
    const di = this.#checkedDominant(input);
    const volScore = input.volScore;
    const trend = input.trendStrength;
    const { trending, meanReverting, volatile } = input.probabilities;
    const vi = bucketIndex(volScore, this.volEdges);
    const ti = bucketIndex(trend, this.trendEdges);
    return {
      volScore,
      trendStrength: trend,
      meanReversionScore: meanReversionScore(trend),
      probabilities: { trending, meanReverting, volatile },
      volBucket: VOL_BUCKETS[vi] as VolBucket,
      trendBucket: TREND_BUCKETS[ti] as TrendBucket,
      dominantRegime: DOMINANT_REGIMES[di] as DominantRegime,
      regimeKey: KEY_TABLE[(vi * TREND_BUCKETS.length + ti) * DOMINANT_REGIMES.length + di] as RegimeKey,
    };
  }

  /**
   * `build(input).dominantRegime`, with the same checks (and errors) but without building the state:
   * for ticks the governor only observes.
   */
  dominantRegime(input: RegimeStateInput): DominantRegime {
    return DOMINANT_REGIMES[this.#checkedDominant(input)] as DominantRegime;
  }

  /** Checks `input` as `build` does and returns the index of its dominant regime. */
  #checkedDominant(input: RegimeStateInput): number {
    requireNumberInRange(input.volScore, 'volScore', 0);
    requireNumberInRange(input.trendStrength, 'trendStrength', 0);
    const p = input.probabilities;
    const trending = requireNumberInRange(p.trending, 'probabilities.trending', 0, 1);
    const meanReverting = requireNumberInRange(p.meanReverting, 'probabilities.meanReverting', 0, 1);
    const volatile = requireNumberInRange(p.volatile, 'probabilities.volatile', 0, 1);
    const sum = trending + meanReverting + volatile;
    if (Math.abs(sum - 1) > this.probabilityTolerance) {
      throw new GovernorError('GOVERNOR_BAD_INPUT', 'regime probabilities must sum to 1', {
        field: 'probabilities',
        sum,
      });
    }
    return trending >= meanReverting ? (trending >= volatile ? 0 : 2) : meanReverting >= volatile ? 1 : 2;
  }
}

function bucketIndex(value: number, edges: readonly [number, number]): number {
  return value < edges[0] ? 0 : value < edges[1] ? 1 : 2;
}

function checkEdges(edges: readonly [number, number], option: string): readonly [number, number] {
  const lo = requireOption(edges[0], `${option}[0]`, 0, Number.MAX_VALUE);
  const hi = requireOption(edges[1], `${option}[1]`, 0, Number.MAX_VALUE);
  if (!(lo < hi)) {
    throw new GovernorError(
      'GOVERNOR_BAD_OPTION',
      `option ${option} must be increasing: [lowUpper, highLower]`,
      {
        option,
        lowUpper: lo,
        highLower: hi,
      },
    );
  }
  return Object.freeze([lo, hi] as const);
}
