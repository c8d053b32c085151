import { AnalysisError, readJsonFile, StateError, writeJsonAtomic } from '@omni/core';
import { z } from 'zod';

/** What a stored outcome is about: pattern (e.g. `gartley`, `fib-0.618`, `elliott-wave-3`) × direction × regime × timeframe. */
export interface PatternKey {
  readonly pattern: string;
  readonly direction: 'bullish' | 'bearish';
  readonly regime: string;
  readonly timeframe: string;
}

/** A pattern and the direction it trades, e.g. `gartley` × `bullish` (written `gartley:bullish`). */
export type PatternDirectionKey = Pick<PatternKey, 'pattern' | 'direction'>;

/** The id of a pattern and direction: `gartley:bullish`. */
export function patternId(key: PatternDirectionKey): string {
  return `${key.pattern}:${key.direction}`;
}

/** One settled trade that followed a pattern. */
export interface PatternOutcome extends PatternKey {
  readonly won: boolean;
  /** Result in R multiples (profit / initial risk); negative for losses. */
  readonly r: number;
}

/**
 * Bounds of the Beta prior's pseudo-counts: outside them `alpha + beta` overflows or the prior mean
 * underflows to 0, and every confidence weight becomes NaN or Infinity (found by the chaos fuzz).
 */
export const PATTERN_PRIOR_RANGE = { min: 1e-6, max: 1e6 } as const;
/** Largest |R| of one outcome, and of an entry's sum of R in a file: sums of them stay finite. */
const MAX_ABS_R = 1e6;
const MAX_ABS_SUM_R = 1e200;

const priorCount = z.number().min(PATTERN_PRIOR_RANGE.min).max(PATTERN_PRIOR_RANGE.max);

const EntrySchema = z.object({
  pattern: z.string().min(1),
  direction: z.enum(['bullish', 'bearish']),
  regime: z.string().min(1),
  timeframe: z.string().min(1),
  wins: z.number().int().nonnegative(),
  losses: z.number().int().nonnegative(),
  sumR: z.number().min(-MAX_ABS_SUM_R).max(MAX_ABS_SUM_R),
});

/** The persisted file (version 1): Beta prior and one entry per key. */
export const PatternMemoryFileSchema = z.object({
  version: z.literal(1),
  prior: z.object({ alpha: priorCount, beta: priorCount }),
  entries: z.array(EntrySchema),
});
/** Contents of a PatternMemory state file. */
export type PatternMemoryFile = z.infer<typeof PatternMemoryFileSchema>;

/** Outcome statistics of one key with the Beta posterior. */
export interface PatternStats extends PatternKey {
  readonly wins: number;
  readonly losses: number;
  /** Mean R over wins and losses (0 with no trades). */
  readonly meanR: number;
  /** Posterior mean win rate (alpha + wins) / (alpha + beta + wins + losses). */
  readonly posteriorWinRate: number;
}

/** Outcome statistics of one pattern and direction over every regime and timeframe. */
export interface PatternTotals extends PatternDirectionKey {
  /** `gartley:bullish`. */
  readonly id: string;
  readonly wins: number;
  readonly losses: number;
  readonly meanR: number;
  /** (alpha + wins) / (alpha + beta + wins + losses). */
  readonly posteriorWinRate: number;
}

interface Tally {
  pattern: string;
  direction: PatternKey['direction'];
  wins: number;
  losses: number;
  sumR: number;
}

interface MutableEntry {
  pattern: string;
  direction: 'bullish' | 'bearish';
  regime: string;
  timeframe: string;
  wins: number;
  losses: number;
  sumR: number;
}

function keyOf(k: PatternKey): string {
  return `${k.pattern}\u0000${k.direction}\u0000${k.regime}\u0000${k.timeframe}`;
}

/**
 * Persistent outcome statistics per pattern × direction (`gartley:bullish`) × regime × timeframe (the spec's
 * PatternMemory, with real outcomes instead of name counts), used as a Bayesian weight on signal confidence.
 * Why/formula: win rate ~ Beta(alpha, beta) prior (default 2, 2); after w wins and l losses the posterior mean is
 * (alpha + w) / (alpha + beta + w + l), and {@link PatternMemory.confidenceWeight} = posterior mean / prior mean,
 * so an unseen pattern has weight 1 and evidence moves it smoothly (Gelman et al., "Bayesian Data Analysis", ch. 2).
 * {@link PatternMemory.patternStats} and {@link PatternMemory.patterns} total a pattern and direction over every
 * regime and timeframe.
 *
 * @example
 * const memory = PatternMemory.load('state/pattern-memory.json');
 * memory.store({ pattern: 'gartley', direction: 'bullish', regime: 'trending', timeframe: '1d', won: true, r: 1.6 });
 * memory.save('state/pattern-memory.json');
 */
export class PatternMemory {
  readonly alpha: number;
  readonly beta: number;
  readonly #entries = new Map<string, MutableEntry>();
  /** Totals per pattern × direction (`patternId`), the sums of its entries. */
  readonly #totals = new Map<string, Tally>();

  constructor(prior: { alpha?: number; beta?: number } = {}) {
    this.alpha = prior.alpha ?? 2;
    this.beta = prior.beta ?? 2;
    const { min, max } = PATTERN_PRIOR_RANGE;
    if (!(this.alpha >= min && this.alpha <= max && this.beta >= min && this.beta <= max)) {
      throw new AnalysisError(
        'ANALYSIS_BAD_OPTION',
        `PatternMemory Beta prior needs alpha and beta between ${min} and ${max}`,
        {
          alpha: this.alpha,
          beta: this.beta,
        },
      );
    }
  }

  /** Records one settled outcome. */
  store(outcome: PatternOutcome): void {
    if (!(Math.abs(outcome.r) <= MAX_ABS_R)) {
      throw new AnalysisError(
        'ANALYSIS_BAD_INPUT',
        `PatternMemory outcome r must be finite, |r| <= ${MAX_ABS_R}`,
        {
          pattern: outcome.pattern,
          r: String(outcome.r),
        },
      );
    }
    const k = keyOf(outcome);
    let e = this.#entries.get(k);
    if (!e) {
      e = {
        pattern: outcome.pattern,
        direction: outcome.direction,
        regime: outcome.regime,
        timeframe: outcome.timeframe,
        wins: 0,
        losses: 0,
        sumR: 0,
      };
      this.#entries.set(k, e);
    }
    if (outcome.won) e.wins++;
    else e.losses++;
    e.sumR += outcome.r;
    this.#tally(e.pattern, e.direction, outcome.won ? 1 : 0, outcome.won ? 0 : 1, outcome.r);
  }

  #tally(
    pattern: string,
    direction: PatternKey['direction'],
    wins: number,
    losses: number,
    sumR: number,
  ): void {
    const id = patternId({ pattern, direction });
    const t = this.#totals.get(id);
    if (t) {
      t.wins += wins;
      t.losses += losses;
      t.sumR += sumR;
    } else this.#totals.set(id, { pattern, direction, wins, losses, sumR });
  }

  /** Statistics of one key (zeros and the prior mean when never seen). */
  stats(key: PatternKey): PatternStats {
    const e = this.#entries.get(keyOf(key));
    const wins = e?.wins ?? 0;
    const losses = e?.losses ?? 0;
    const n = wins + losses;
    return {
      pattern: key.pattern,
      direction: key.direction,
      regime: key.regime,
      timeframe: key.timeframe,
      wins,
      losses,
      meanR: n > 0 ? (e?.sumR ?? 0) / n : 0,
      posteriorWinRate: (this.alpha + wins) / (this.alpha + this.beta + n),
    };
  }

  /** Statistics of one pattern and direction over every regime and timeframe. */
  patternStats(key: PatternDirectionKey): PatternTotals {
    const id = patternId(key);
    const t = this.#totals.get(id);
    const wins = t?.wins ?? 0;
    const losses = t?.losses ?? 0;
    const n = wins + losses;
    return {
      id,
      pattern: key.pattern,
      direction: key.direction,
      wins,
      losses,
      meanR: n > 0 ? (t?.sumR ?? 0) / n : 0,
      posteriorWinRate: (this.alpha + wins) / (this.alpha + this.beta + n),
    };
  }

  /** Every pattern and direction over all regimes and timeframes, most traded first (the spec's most common pattern). */
  patterns(): PatternTotals[] {
    return [...this.#totals.values()]
      .map((t) => this.patternStats(t))
      .sort((a, b) => b.wins + b.losses - (a.wins + a.losses) || a.id.localeCompare(b.id));
  }

  /** Posterior mean win rate divided by the prior mean: 1 for an unseen key, above 1 for a pattern that has worked. */
  confidenceWeight(key: PatternKey): number {
    const priorMean = this.alpha / (this.alpha + this.beta);
    return this.stats(key).posteriorWinRate / priorMean;
  }

  /** Every key's statistics, most traded first (the spec's `recall()`). */
  recall(): PatternStats[] {
    return [...this.#entries.values()]
      .map((e) => this.stats(e))
      .sort((a, b) => b.wins + b.losses - (a.wins + a.losses) || a.pattern.localeCompare(b.pattern));
  }

  /** The persisted form (version 1). */
  toJSON(): PatternMemoryFile {
    return {
      version: 1,
      prior: { alpha: this.alpha, beta: this.beta },
      entries: [...this.#entries.values()].map((e) => ({ ...e })),
    };
  }

  /** Writes the memory atomically (temp file, fsync, rename). */
  save(path: string): void {
    writeJsonAtomic(path, this.toJSON());
  }

  /**
   * Loads a memory saved by {@link PatternMemory.save}; a missing file gives an empty memory with `prior`.
   * Throws StateError (`STATE_INVALID`, `STATE_NEWER_VERSION`) naming the file for bad content.
   */
  static load(path: string, prior: { alpha?: number; beta?: number } = {}): PatternMemory {
    const raw = readJsonFile(path, z.object({ version: z.number() }).loose());
    if (raw === undefined) return new PatternMemory(prior);
    if (raw.version > 1) {
      throw new StateError('STATE_NEWER_VERSION', 'pattern memory file is from a newer version of fib-core', {
        file: path,
        version: raw.version,
      });
    }
    const file = readJsonFile(path, PatternMemoryFileSchema) as PatternMemoryFile;
    const memory = new PatternMemory(file.prior);
    for (const e of file.entries) {
      memory.#entries.set(keyOf(e), { ...e });
      memory.#tally(e.pattern, e.direction, e.wins, e.losses, e.sumR);
    }
    return memory;
  }
}
