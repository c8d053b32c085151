import { type Engine, GovernorError, MARKETS, type Market, Rng } from '@omni/core';
import { z } from 'zod';
import { requireNumberInRange, requireOption } from './numeric-input.js';
import { CountSchema, FiniteNumberSchema, parseLearnerState, RngStateSchema } from './persisted-state.js';
import { parseRegimeKey, REGIME_KEYS, type RegimeKey, type RegimeState } from './regime-state-builder.js';

const KIND = 'regime-switching-rl';
const VERSION = 1;

/** How the learner explores: upper confidence bounds, or ε-greedy draws from the seeded Rng. */
export type Exploration = 'ucb' | 'epsilon-greedy';

/** How Q-values move towards a reward: the sample average (with the prior as pseudo-counts) or a constant step α. */
export type LearningRate = number | 'sample-average';

/** Options of {@link RegimeSwitchingRL}. Defaults follow `OmniConfig.engines.governor`. */
export interface RegimeSwitchingRLOptions {
  /** The seeded exploration stream, e.g. `rng.fork('governor/regime-rl')`. */
  readonly rng: Rng;
  /**
   * `ucb` (default): upper confidence bound Q + scale·√(2 ln N / n), deterministic, keeps testing an
   * engine until it is confidently worse. `epsilon-greedy`: with probability ε a uniformly drawn
   * trade engine, else the best Q; note it learns only through ε once every estimate is below `noneValue`.
   */
  readonly exploration?: Exploration;
  /** ε of `epsilon-greedy`; default 0.05 (`engines.governor.explorationEpsilon`). */
  readonly epsilon?: number;
  /**
   * Scale of the UCB bonus: the sub-Gaussian σ of one reward. Rewards bounded in [a, b] always
   * satisfy σ ≤ (b − a) / 2; default 0.9, half the range of a binary R-multiple at payout 0.8 (+0.8 / −1).
   */
  readonly explorationScale?: number;
  /** `'sample-average'` (default) or a constant step α in (0, 1] for drifting markets. */
  readonly learningRate?: LearningRate;
  /** Q-value the heuristic engine starts with in every regime, in reward units; default 0.05. */
  readonly priorReward?: number;
  /** Pseudo-count of the prior under `'sample-average'`: how many outcomes it is worth; default 2. */
  readonly priorWeight?: number;
  /** Value of standing aside (`none`): an engine is chosen only when its Q-value is at least this; default 0. */
  readonly noneValue?: number;
}

/** One engine choice and why it was made, for the decision's audit trail. */
export interface EngineChoice {
  readonly engine: Engine;
  /** `ucb`: the highest upper confidence bound; `greedy`: the highest Q-value; `explore`: an ε-greedy draw. */
  readonly mode: 'ucb' | 'greedy' | 'explore';
  /** The chosen engine's current Q-value (for `none`: `noneValue`). */
  readonly value: number;
  readonly regimeKey: RegimeKey;
}

const EntrySchema = z.object({
  value: FiniteNumberSchema,
  count: CountSchema,
  /** Counterfactual outcomes learned (absent when none, and in older files). */
  counterfactual: CountSchema.optional(),
});

/** Zod schema of the persisted {@link RegimeSwitchingRL} state (version 1). */
export const RegimeSwitchingRLStateSchema = z.object({
  kind: z.literal(KIND),
  version: z.literal(VERSION),
  options: z.object({
    exploration: z.enum(['ucb', 'epsilon-greedy']),
    epsilon: z.number().min(0).max(1),
    explorationScale: z.number().finite().nonnegative(),
    learningRate: z.union([z.literal('sample-average'), z.number().gt(0).max(1)]),
    priorReward: FiniteNumberSchema,
    priorWeight: z.number().finite().nonnegative(),
    noneValue: FiniteNumberSchema,
  }),
  /** Only regimes that received an outcome; the rest are at their prior. */
  table: z.partialRecord(
    z.enum(REGIME_KEYS as [RegimeKey, ...RegimeKey[]]),
    z.object({ binary: EntrySchema, spot: EntrySchema, arbitrage: EntrySchema }),
  ),
  rng: RngStateSchema,
  /** Decision rounds per regime (trades and stand-asides): the t of UCB's ln t. Absent in older files. */
  rounds: z
    .partialRecord(z.enum(REGIME_KEYS as [RegimeKey, ...RegimeKey[]]), z.number().int().nonnegative())
    .optional(),
});
/** The persisted {@link RegimeSwitchingRL} state: plain JSON, validated by {@link RegimeSwitchingRLStateSchema}. */
export type RegimeSwitchingRLState = z.infer<typeof RegimeSwitchingRLStateSchema>;

/**
 * The specification's heuristic engine for a regime: vol high → binary; else trend strong → spot;
 * else arbitrage (spec §5.3 "Engine Selection, initial logic"). It is the learner's prior only.
 */
export function heuristicEngine(regimeKey: string): Market {
  const parts = requireKey(regimeKey);
  if (parts.volBucket === 'high') return 'binary';
  if (parts.trendBucket === 'strong') return 'spot';
  return 'arbitrage';
}

/**
 * Picks the engine for a regime and learns from settled outcomes: a contextual bandit (UCB or ε-greedy),
 * i.e. tabular Q-learning with discount γ = 0 (the engine choice does not move the market's regime),
 * over {binary, spot, arbitrage} per {@link RegimeKey}, with `none` as the stand-aside baseline.
 *
 * Starts from the specification's heuristic ({@link heuristicEngine} gets `priorReward`, the others
 * 0, each worth `priorWeight` outcomes) and lets outcomes override it. UCB follows Auer et al. 2002
 * with a sub-Gaussian scale (Lattimore & Szepesvári 2020, "Bandit Algorithms", ch. 7). `chooseEngine` never writes to the table (the original added
 * exploration bonuses on every call); only {@link RegimeSwitchingRL.update} does, from settled
 * trades, and {@link RegimeSwitchingRL.observeCounterfactual} from counterfactual outcomes (stopped
 * candidates settled by the same rules). Rewards should be normalised, e.g. pnl / stake (an R-multiple).
 *
 * @example
 * const rl = new RegimeSwitchingRL({ rng: new Rng(42).fork('governor/regime-rl') });
 * const choice = rl.chooseEngine(state); // { engine: 'spot', mode: 'greedy', ... }
 * rl.update(state.regimeKey, 'spot', outcome.pnl / outcome.stake);
 * writeJsonAtomic(path, rl.toJSON()); // later: RegimeSwitchingRL.fromJSON(readJsonFile(...))
 */
export class RegimeSwitchingRL {
  readonly exploration: Exploration;
  readonly epsilon: number;
  readonly explorationScale: number;
  readonly learningRate: LearningRate;
  readonly priorReward: number;
  readonly priorWeight: number;
  readonly noneValue: number;
  readonly #rng: Rng;
  /** Per regime: Q-values, real and counterfactual outcome counts, indexed like MARKETS (binary, spot, arbitrage). */
  readonly #table = new Map<RegimeKey, TableEntry>();
  /** Decision rounds per regime, stand-asides included (see {@link RegimeSwitchingRL.noteRound}). */
  readonly #rounds = new Map<RegimeKey, number>();

  constructor(options: RegimeSwitchingRLOptions) {
    if (!(options.rng instanceof Rng)) {
      throw new GovernorError('GOVERNOR_BAD_OPTION', 'RegimeSwitchingRL needs a seeded Rng from @omni/core', {
        option: 'rng',
      });
    }
    this.#rng = options.rng;
    this.exploration = options.exploration ?? 'ucb';
    if (this.exploration !== 'ucb' && this.exploration !== 'epsilon-greedy') {
      throw new GovernorError('GOVERNOR_BAD_OPTION', 'option exploration must be ucb or epsilon-greedy', {
        option: 'exploration',
        value: String(this.exploration),
      });
    }
    this.epsilon = requireOption(options.epsilon ?? 0.05, 'epsilon', 0, 1);
    this.explorationScale = requireOption(options.explorationScale ?? 0.9, 'explorationScale', 0, 1e9);
    const rate = options.learningRate ?? 'sample-average';
    this.learningRate =
      rate === 'sample-average' ? rate : requireOption(rate, 'learningRate', Number.MIN_VALUE, 1);
    this.priorReward = requireOption(options.priorReward ?? 0.05, 'priorReward', -1e9, 1e9);
    this.priorWeight = requireOption(options.priorWeight ?? 2, 'priorWeight', 0, 1e9);
    this.noneValue = requireOption(options.noneValue ?? 0, 'noneValue', -1e9, 1e9);
  }

  /**
   * The engine for this regime: the highest score among binary, spot and arbitrage (UCB index or,
   * for ε-greedy, Q-value unless ε draws a uniform engine); ties go in that order; `none` only when
   * every score is strictly below `noneValue`. O(1); reads the table (ε-greedy also draws from the
   * Rng) and writes nothing. `available` masks the actions (a contextual bandit with the actions
   * available in this context): only those engines are scored; with none available the answer is `none`.
   */
  chooseEngine(
    state: Pick<RegimeState, 'regimeKey'> | RegimeKey,
    available: readonly Market[] = MARKETS,
  ): EngineChoice {
    const regimeKey = typeof state === 'string' ? state : state.regimeKey;
    requireKey(regimeKey);
    if (this.exploration === 'ucb') return this.#chooseUcb(regimeKey, available);
    const explore = this.epsilon > 0 && available.length > 0 && this.#rng.float() < this.epsilon;
    if (explore) {
      const market = available[this.#rng.int(0, available.length)] as Market;
      const i = MARKETS.indexOf(market);
      return { engine: market, mode: 'explore', value: this.#value(regimeKey, i), regimeKey };
    }
    let best = -1;
    let bestValue = this.noneValue;
    for (let i = 0; i < MARKETS.length; i++) {
      if (!available.includes(MARKETS[i] as Market)) continue;
      const v = this.#value(regimeKey, i);
      if (v > bestValue || (best === -1 && v === bestValue)) {
        best = i;
        bestValue = v;
      }
    }
    return {
      engine: best === -1 ? 'none' : (MARKETS[best] as Market),
      mode: 'greedy',
      value: bestValue,
      regimeKey,
    };
  }

  #chooseUcb(regimeKey: RegimeKey, available: readonly Market[]): EngineChoice {
    const entry = this.#table.get(regimeKey);
    let total = 0;
    for (let i = 0; i < MARKETS.length; i++) total += this.priorWeight + samples(entry, i);
    const rounds = this.priorWeight * MARKETS.length + (this.#rounds.get(regimeKey) ?? 0);
    const logTotal = Math.log(Math.max(total, rounds, 1));
    let best = -1;
    let bestIndex = this.noneValue;
    for (let i = 0; i < MARKETS.length; i++) {
      if (!available.includes(MARKETS[i] as Market)) continue;
      const n = this.priorWeight + samples(entry, i);
      const index =
        n === 0
          ? Number.POSITIVE_INFINITY
          : this.#value(regimeKey, i) + this.explorationScale * Math.sqrt((2 * logTotal) / n);
      if (index > bestIndex || (best === -1 && index === bestIndex)) {
        best = i;
        bestIndex = index;
      }
    }
    if (best === -1) return { engine: 'none', mode: 'ucb', value: this.noneValue, regimeKey };
    return { engine: MARKETS[best] as Market, mode: 'ucb', value: this.#value(regimeKey, best), regimeKey };
  }

  /**
   * Learns from one settled outcome of `engine` in `regimeKey`: Q ← Q + step · (reward − Q), with
   * step = 1 / (priorWeight + n) under sample-average (so Q is the prior-weighted mean of rewards)
   * or the constant α. Throws `GOVERNOR_BAD_INPUT` for `none` (it has no outcome) or a non-finite reward.
   */
  update(regimeKey: string, engine: Engine, reward: number): void {
    this.#learn(regimeKey, engine, reward, 'counts');
  }

  /**
   * Learns from one counterfactual outcome of `engine` in `regimeKey`: a candidate a gate stopped
   * (or this learner stood aside from), settled by the same rules from later prices. It is a sample
   * of the same reward, so it moves the Q-value estimate exactly like {@link RegimeSwitchingRL.update}
   * (under sample-average, Q is the prior-weighted mean of real and counterfactual rewards) and
   * narrows the UCB bonus, but it is counted apart: {@link RegimeSwitchingRL.counts} stays the count
   * of real settled trades, {@link RegimeSwitchingRL.counterfactualCounts} counts these.
   */
  observeCounterfactual(regimeKey: string, engine: Engine, reward: number): void {
    this.#learn(regimeKey, engine, reward, 'counterfactual');
  }

  #learn(regimeKey: string, engine: Engine, reward: number, tally: 'counts' | 'counterfactual'): void {
    requireKey(regimeKey);
    const i = MARKETS.indexOf(engine as Market);
    if (i < 0) {
      throw new GovernorError(
        'GOVERNOR_BAD_INPUT',
        'only binary, spot or arbitrage outcomes can be learned; standing aside has no settled outcome',
        { field: 'engine', engine },
      );
    }
    requireNumberInRange(reward, 'reward');
    const entry = this.#entry(regimeKey as RegimeKey);
    entry[tally][i] = (entry[tally][i] as number) + 1;
    const n = samples(entry, i);
    const step = this.learningRate === 'sample-average' ? 1 / (this.priorWeight + n) : this.learningRate;
    const q = entry.values[i] as number;
    entry.values[i] = q + step * (reward - q);
  }

  /** Current Q-values of a regime (trade engines) and `none`'s fixed value. */
  values(regimeKey: string): Readonly<Record<Engine, number>> {
    requireKey(regimeKey);
    const key = regimeKey as RegimeKey;
    return {
      binary: this.#value(key, 0),
      spot: this.#value(key, 1),
      arbitrage: this.#value(key, 2),
      none: this.noneValue,
    };
  }

  /**
   * Counts one decision round in `regimeKey` (call it once per decision the learner was asked for,
   * whether it traded or stood aside). UCB's exploration term uses ln(rounds): while the learner
   * stands aside the bonus of every engine grows, so an engine written off after early losses is
   * retried eventually instead of never (UCB1 with "none" as an arm pulled every round; Auer et
   * al. 2002). Touches no Q-value.
   */
  noteRound(regimeKey: string): void {
    requireKey(regimeKey);
    const key = regimeKey as RegimeKey;
    this.#rounds.set(key, (this.#rounds.get(key) ?? 0) + 1);
  }

  /** Decision rounds counted in `regimeKey`. */
  rounds(regimeKey: string): number {
    requireKey(regimeKey);
    return this.#rounds.get(regimeKey as RegimeKey) ?? 0;
  }

  /** How many real settled outcomes each trade engine has had in a regime (counterfactuals not included). */
  counts(regimeKey: string): Readonly<Record<Market, number>> {
    requireKey(regimeKey);
    const c = this.#table.get(regimeKey as RegimeKey)?.counts;
    return { binary: c?.[0] ?? 0, spot: c?.[1] ?? 0, arbitrage: c?.[2] ?? 0 };
  }

  /** How many counterfactual outcomes each trade engine has had in a regime. */
  counterfactualCounts(regimeKey: string): Readonly<Record<Market, number>> {
    requireKey(regimeKey);
    const c = this.#table.get(regimeKey as RegimeKey)?.counterfactual;
    return { binary: c?.[0] ?? 0, spot: c?.[1] ?? 0, arbitrage: c?.[2] ?? 0 };
  }

  /** The whole learner as plain JSON (options, learned regimes, exploration Rng state) for the snapshot. */
  toJSON(): RegimeSwitchingRLState {
    const table: Partial<
      Record<RegimeKey, Record<Market, { value: number; count: number; counterfactual?: number }>>
    > = {};
    for (const key of REGIME_KEYS) {
      const entry = this.#table.get(key);
      if (!entry) continue;
      const row = (i: number) => {
        const counterfactual = entry.counterfactual[i] as number;
        const r = { value: entry.values[i] as number, count: entry.counts[i] as number };
        return counterfactual > 0 ? { ...r, counterfactual } : r;
      };
      table[key] = { binary: row(0), spot: row(1), arbitrage: row(2) };
    }
    const rngState = this.#rng.getState();
    return {
      kind: KIND,
      version: VERSION,
      options: {
        exploration: this.exploration,
        epsilon: this.epsilon,
        explorationScale: this.explorationScale,
        learningRate: this.learningRate,
        priorReward: this.priorReward,
        priorWeight: this.priorWeight,
        noneValue: this.noneValue,
      },
      table: table as RegimeSwitchingRLState['table'],
      rng: { seedPath: rngState.seedPath, words: [...rngState.words] },
      rounds: Object.fromEntries(this.#rounds) as RegimeSwitchingRLState['rounds'],
    };
  }

  /** Restores a learner saved with {@link RegimeSwitchingRL.toJSON}; it then decides exactly as the saved one would. */
  static fromJSON(data: unknown): RegimeSwitchingRL {
    const state = parseLearnerState(RegimeSwitchingRLStateSchema, data, { kind: KIND, version: VERSION });
    const rl = new RegimeSwitchingRL({ ...state.options, rng: Rng.fromState(state.rng) });
    for (const [key, row] of Object.entries(state.table)) {
      if (!row) continue;
      const entry = rl.#entry(key as RegimeKey);
      MARKETS.forEach((m, i) => {
        entry.values[i] = row[m].value;
        entry.counts[i] = row[m].count;
        entry.counterfactual[i] = row[m].counterfactual ?? 0;
      });
    }
    for (const [key, n] of Object.entries(state.rounds ?? {})) {
      if (n !== undefined) rl.#rounds.set(key as RegimeKey, n);
    }
    return rl;
  }

  #value(key: RegimeKey, i: number): number {
    const entry = this.#table.get(key);
    if (entry) return entry.values[i] as number;
    return MARKETS[i] === heuristicEngine(key) ? this.priorReward : 0;
  }

  #entry(key: RegimeKey): TableEntry {
    let entry = this.#table.get(key);
    if (!entry) {
      const values = new Float64Array(MARKETS.length);
      for (let i = 0; i < MARKETS.length; i++) values[i] = this.#value(key, i);
      entry = {
        values,
        counts: new Float64Array(MARKETS.length),
        counterfactual: new Float64Array(MARKETS.length),
      };
      this.#table.set(key, entry);
    }
    return entry;
  }
}

/** One regime's row: Q-values, real outcome counts and counterfactual outcome counts, by MARKETS index. */
interface TableEntry {
  readonly values: Float64Array;
  readonly counts: Float64Array;
  readonly counterfactual: Float64Array;
}

/** Outcomes (real and counterfactual) behind engine `i`'s Q-value. */
function samples(entry: TableEntry | undefined, i: number): number {
  return entry ? (entry.counts[i] as number) + (entry.counterfactual[i] as number) : 0;
}

function requireKey(regimeKey: string) {
  const parts = parseRegimeKey(regimeKey);
  if (!parts) {
    throw new GovernorError('GOVERNOR_BAD_INPUT', 'unknown regime key; build it with RegimeStateBuilder', {
      field: 'regimeKey',
      regimeKey,
    });
  }
  return parts;
}
