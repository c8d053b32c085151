import { type AuditableDecision, type CounterfactualGate, isTradeDecision } from '@omni/core';

/**
 * Where a tick ended, in the order the runtime and the brain apply their gates: `warming-up` (too
 * little history, the runtime's window or the brain's), `blocked` (SafetyManager.canTrade said no),
 * the brain's gates `no-setup`, `regime`, `confidence`, `sizing`, `veto`, `aside` (a `none` from a
 * brain that does not name its gate), then `safety` (SafetyManager.approve refused the trade),
 * `rejected` (the venue refused the approved order) and `traded`.
 */
export const FUNNEL_STAGES = [
  'warming-up',
  'blocked',
  'no-setup',
  'regime',
  'confidence',
  'sizing',
  'veto',
  'aside',
  'safety',
  'rejected',
  'traded',
] as const;
/** One of {@link FUNNEL_STAGES}. */
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** The gates whose stopped candidates are settled as counterfactual outcomes, in funnel order. */
export const COUNTERFACTUAL_GATES: readonly CounterfactualGate[] = [
  'regime',
  'confidence',
  'sizing',
  'veto',
  'safety',
];

/** Counterfactual outcomes of one gate: what the trades it stopped would have done. */
export interface CounterfactualTally {
  /** Candidates sent to the counterfactual hub. */
  readonly opened: number;
  /** Of those, settled so far (the rest were still open when the run ended). */
  readonly settled: number;
  readonly wins: number;
  readonly losses: number;
  /** Sum of the R-multiples of the settled ones (pnl / the risk the candidate would have taken). */
  readonly sumR: number;
}

/** One calendar year (UTC) of the funnel. */
export interface FunnelYear {
  readonly year: number;
  readonly ticks: number;
  /** Ticks SafetyManager blocked (cooldown, reduce-only, frozen, stale data). */
  readonly blocked: number;
  /** Trades placed (stage `traded`). */
  readonly traded: number;
  /** Of those, taken by the exploration policy. */
  readonly explored: number;
}

/** Why the engine did or did not trade, at a glance (`funnel` of the run summary). */
export interface FunnelSummary {
  readonly ticks: number;
  /** Ticks by the stage where they ended: they add up to `ticks`. */
  readonly stages: Readonly<Record<FunnelStage, number>>;
  /** Trades taken by the exploration policy (part of `stages.traded`). */
  readonly explored: number;
  /** Per gate, what its stopped candidates would have done (never in PnL). */
  readonly counterfactual: Readonly<Record<CounterfactualGate, CounterfactualTally>>;
  /** Per calendar year of tick time, oldest first. */
  readonly years: readonly FunnelYear[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Counts, for each tick, the stage where it ended, and per gate the counterfactual outcomes of the
 * candidates it stopped. O(1) per tick (the year boundaries are cached; a new `Date` only when a
 * tick leaves the current year).
 *
 * @example
 * const funnel = new DecisionFunnel();
 * funnel.note('confidence', tick.tsMs);
 * funnel.summary().stages.confidence; // 1
 */
export class DecisionFunnel {
  readonly #stages = Object.fromEntries(FUNNEL_STAGES.map((s) => [s, 0])) as Record<FunnelStage, number>;
  readonly #counterfactual = Object.fromEntries(
    COUNTERFACTUAL_GATES.map((g) => [g, { opened: 0, settled: 0, wins: 0, losses: 0, sumR: 0 }]),
  ) as Record<CounterfactualGate, Mutable<CounterfactualTally>>;
  readonly #years = new Map<number, Mutable<FunnelYear>>();
  #ticks = 0;
  #explored = 0;
  #year: Mutable<FunnelYear> | undefined;
  #yearStartMs = Number.POSITIVE_INFINITY;
  #yearEndMs = Number.NEGATIVE_INFINITY;

  /** Counts one tick that ended at `stage` (`explored`: a trade of the exploration policy). */
  note(stage: FunnelStage, tsMs: number, explored = false): void {
    this.#ticks++;
    this.#stages[stage]++;
    const year = this.#yearOf(tsMs);
    year.ticks++;
    if (stage === 'blocked') year.blocked++;
    if (stage === 'traded') {
      year.traded++;
      if (explored) {
        year.explored++;
        this.#explored++;
      }
    }
  }

  /** Counts a candidate of `gate` sent to the counterfactual hub. */
  noteCounterfactualOpened(gate: CounterfactualGate): void {
    this.#counterfactual[gate].opened++;
  }

  /** Counts a settled counterfactual outcome of `gate` (`r` null: no risk, no R). */
  noteCounterfactualSettled(gate: CounterfactualGate, pnl: number, r: number | null): void {
    const t = this.#counterfactual[gate];
    t.settled++;
    if (pnl > 0) t.wins++;
    else if (pnl < 0) t.losses++;
    if (r !== null) t.sumR += r;
  }

  /** A copy of the counts so far. */
  summary(): FunnelSummary {
    const counterfactual = {} as Record<CounterfactualGate, CounterfactualTally>;
    for (const g of COUNTERFACTUAL_GATES) counterfactual[g] = { ...this.#counterfactual[g] };
    return {
      ticks: this.#ticks,
      stages: { ...this.#stages },
      explored: this.#explored,
      counterfactual,
      years: [...this.#years.values()].sort((a, b) => a.year - b.year).map((y) => ({ ...y })),
    };
  }

  #yearOf(tsMs: number): Mutable<FunnelYear> {
    if (this.#year && tsMs >= this.#yearStartMs && tsMs < this.#yearEndMs) return this.#year;
    const year = new Date(tsMs).getUTCFullYear();
    this.#yearStartMs = Date.UTC(year, 0, 1);
    this.#yearEndMs = Date.UTC(year + 1, 0, 1);
    let entry = this.#years.get(year);
    if (!entry) {
      entry = { year, ticks: 0, blocked: 0, traded: 0, explored: 0 };
      this.#years.set(year, entry);
    }
    this.#year = entry;
    return entry;
  }
}

/** The funnel stage of the brain's answer before safety: its gate, or `aside` for a `none` without one. */
export function brainStage(answer: AuditableDecision): FunnelStage {
  const gate = answer.gate;
  if (isTradeDecision(answer.decision)) return 'traded';
  return gate === undefined || gate.kind === 'traded' ? 'aside' : gate.kind;
}

/** True for a trade the brain's exploration policy took. */
export function isExploration(answer: AuditableDecision): boolean {
  return answer.gate?.kind === 'traded' && answer.gate.exploration;
}

/** True for the brain's gates whose candidates are settled as counterfactual outcomes. */
export function isCounterfactualGate(stage: FunnelStage): stage is Exclude<CounterfactualGate, 'safety'> {
  return stage === 'regime' || stage === 'confidence' || stage === 'sizing' || stage === 'veto';
}
