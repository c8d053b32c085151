import { GovernorError, Rng } from '@omni/core';
import { z } from 'zod';
import { sampleBeta } from './beta-distribution.js';
import { requireNumberInRange, requireOption } from './numeric-input.js';
import { CountSchema, parseLearnerState, RngStateSchema } from './persisted-state.js';

const KIND = 'spot-tp-rotator';
const VERSION = 1;
/** Scores closer than this are a tie (rounding noise), and the earlier level keeps the choice. */
const SCORE_TIE = 1e-12;

/** One candidate take-profit: a fib extension ratio (e.g. 1.618) and its price. */
export interface TpLevel {
  readonly ratio: number;
  readonly price: number;
}

/** Options of {@link SpotTPRotator}. */
export interface SpotTPRotatorOptions {
  /** The seeded stream for Thompson sampling, e.g. `rng.fork('governor/spot-tp')`. */
  readonly rng: Rng;
  /** `thompson` (default) samples each hit rate from its posterior; `mean` uses the posterior mean. */
  readonly mode?: 'thompson' | 'mean';
  /** Pseudo-outcomes of the prior per level; default 2. */
  readonly priorStrength?: number;
}

/** What {@link SpotTPRotator.chooseTp} picked. */
export type TpChoice =
  | {
      readonly kind: 'tp';
      readonly ratio: number;
      readonly price: number;
      /** Reward-to-risk R = |price − entry| / |entry − stop|. */
      readonly rewardRisk: number;
      /** Posterior mean probability the TP is hit before the stop. */
      readonly hitProbability: number;
      /** Posterior-mean expected R-multiple: p·R − (1 − p). */
      readonly expectedR: number;
      /** The score the choice maximised (sampled under `thompson`). */
      readonly score: number;
    }
  | { readonly kind: 'no-level'; readonly reason: string };

/** Zod schema of the persisted {@link SpotTPRotator} state (version 1). */
export const SpotTPRotatorStateSchema = z.object({
  kind: z.literal(KIND),
  version: z.literal(VERSION),
  options: z.object({ mode: z.enum(['thompson', 'mean']), priorStrength: z.number().gt(0).finite() }),
  levels: z.array(
    z.object({
      context: z.string(),
      ratio: z.number().finite().positive(),
      hits: CountSchema,
      misses: CountSchema,
    }),
  ),
  rng: RngStateSchema,
});
/** The persisted {@link SpotTPRotator} state. */
export type SpotTPRotatorState = z.infer<typeof SpotTPRotatorStateSchema>;

interface LevelStats {
  readonly context: string;
  readonly ratio: number;
  hits: number;
  misses: number;
}

/**
 * Chooses among fib-extension take-profit levels by their realised hit rates.
 *
 * Each (context, ratio) has a Beta posterior of "TP hit before the stop". The prior mean is
 * 1 / (1 + R), the probability a driftless random walk gains R risk units before losing 1
 * (gambler's ruin), so every level starts at expected R-multiple p·R − (1 − p) = 0 and only
 * outcomes make one level preferable. The choice maximises p·R − (1 − p), with p sampled
 * (Thompson) or the posterior mean. `context` lets hit rates depend on e.g. the trend bucket.
 *
 * @example
 * const tp = new SpotTPRotator({ rng: rng.fork('governor/spot-tp') });
 * const c = tp.chooseTp({ entryPrice: 1.1, stopPrice: 1.09, levels: [{ ratio: 1.272, price: 1.112 }, { ratio: 1.618, price: 1.118 }] });
 * tp.recordOutcome({ ratio: 1.618, hit: true });
 */
export class SpotTPRotator {
  readonly mode: 'thompson' | 'mean';
  readonly priorStrength: number;
  readonly #rng: Rng;
  readonly #stats = new Map<string, LevelStats>();

  constructor(options: SpotTPRotatorOptions) {
    if (!(options.rng instanceof Rng)) {
      throw new GovernorError('GOVERNOR_BAD_OPTION', 'SpotTPRotator needs a seeded Rng from @omni/core', {
        option: 'rng',
      });
    }
    this.#rng = options.rng;
    this.mode = options.mode ?? 'thompson';
    this.priorStrength = requireOption(options.priorStrength ?? 2, 'priorStrength', Number.MIN_VALUE, 1e9);
  }

  /**
   * Picks the take-profit for a spot entry. The side follows the stop (stop below entry = long);
   * levels on the wrong side of the entry are skipped; on a tie the earlier level wins (list them nearest first). Changes nothing but the Rng stream.
   * `sample: false` scores with the posterior mean and draws nothing (a counterfactual candidate
   * must not move the stream real trades are chosen with).
   */
  chooseTp(input: {
    readonly entryPrice: number;
    readonly stopPrice: number;
    readonly levels: readonly TpLevel[];
    readonly context?: string;
    readonly sample?: boolean;
  }): TpChoice {
    const entry = requireNumberInRange(input.entryPrice, 'entryPrice', Number.MIN_VALUE);
    const stop = requireNumberInRange(input.stopPrice, 'stopPrice', Number.MIN_VALUE);
    const risk = Math.abs(entry - stop);
    if (risk === 0) return { kind: 'no-level', reason: 'stop equals entry: reward/risk undefined' };
    const long = stop < entry;
    const context = input.context ?? '';
    let best: Extract<TpChoice, { kind: 'tp' }> | undefined;
    for (let i = 0; i < input.levels.length; i++) {
      const level = input.levels[i] as TpLevel;
      const ratio = requireNumberInRange(level.ratio, `levels[${i}].ratio`, Number.MIN_VALUE);
      const price = requireNumberInRange(level.price, `levels[${i}].price`, Number.MIN_VALUE);
      const gain = long ? price - entry : entry - price;
      if (!(gain > 0)) continue;
      const rewardRisk = gain / risk;
      const { alpha, beta } = this.#posterior(context, ratio, rewardRisk);
      const hitProbability = alpha / (alpha + beta);
      const p =
        this.mode === 'thompson' && input.sample !== false
          ? sampleBeta(this.#rng, alpha, beta)
          : hitProbability;
      const score = p * rewardRisk - (1 - p);
      if (!best || score > best.score + SCORE_TIE) {
        best = {
          kind: 'tp',
          ratio,
          price,
          rewardRisk,
          hitProbability,
          expectedR: hitProbability * rewardRisk - (1 - hitProbability),
          score,
        };
      }
    }
    return best ?? { kind: 'no-level', reason: 'no take-profit level lies on the profit side of the entry' };
  }

  /** Records whether the take-profit at `ratio` was hit before the stop (a settled spot trade). */
  recordOutcome(outcome: { readonly ratio: number; readonly hit: boolean; readonly context?: string }): void {
    const ratio = requireNumberInRange(outcome.ratio, 'ratio', Number.MIN_VALUE);
    const context = outcome.context ?? '';
    const key = statsKey(context, ratio);
    let stats = this.#stats.get(key);
    if (!stats) {
      stats = { context, ratio, hits: 0, misses: 0 };
      this.#stats.set(key, stats);
    }
    if (outcome.hit) stats.hits++;
    else stats.misses++;
  }

  /** Hits and misses recorded for a level. */
  hitCounts(ratio: number, context = ''): { readonly hits: number; readonly misses: number } {
    const s = this.#stats.get(statsKey(context, ratio));
    return { hits: s?.hits ?? 0, misses: s?.misses ?? 0 };
  }

  /** The rotator as plain JSON, including the sampling Rng state. */
  toJSON(): SpotTPRotatorState {
    const rng = this.#rng.getState();
    return {
      kind: KIND,
      version: VERSION,
      options: { mode: this.mode, priorStrength: this.priorStrength },
      levels: [...this.#stats.values()].map((s) => ({
        context: s.context,
        ratio: s.ratio,
        hits: s.hits,
        misses: s.misses,
      })),
      rng: { seedPath: rng.seedPath, words: [...rng.words] },
    };
  }

  /** Restores a rotator saved with {@link SpotTPRotator.toJSON}. */
  static fromJSON(data: unknown): SpotTPRotator {
    const state = parseLearnerState(SpotTPRotatorStateSchema, data, { kind: KIND, version: VERSION });
    const rotator = new SpotTPRotator({ ...state.options, rng: Rng.fromState(state.rng) });
    for (const s of state.levels) rotator.#stats.set(statsKey(s.context, s.ratio), { ...s });
    return rotator;
  }

  #posterior(context: string, ratio: number, rewardRisk: number): { alpha: number; beta: number } {
    const s = this.#stats.get(statsKey(context, ratio));
    const prior = 1 / (1 + rewardRisk);
    return {
      alpha: this.priorStrength * prior + (s?.hits ?? 0),
      beta: this.priorStrength * (1 - prior) + (s?.misses ?? 0),
    };
  }
}

function statsKey(context: string, ratio: number): string {
  return `${context}|${ratio.toFixed(4)}`;
}
