import type { Decision } from './decision.js';
import type { FeatureVector } from './feature-vector.js';
import type { TradeOutcome } from './trade-outcome.js';

/**
 * An arbitrage route the brain may choose, priced on the current pool state (the runtime builds
 * these at the decision tick, e.g. `PoolRouteCandidates` of @omni/runtime over a pool state source).
 */
export interface RouteCandidate {
  readonly routeId: string;
  /** token0 borrowed by the flash swap, in wei. */
  readonly amountInWei: bigint;
  /** Gross token1 profit of the simulated swap, in wei (before gas). */
  readonly expectedProfitWei: bigint;
  /** Expected profit in USD **net of gas**. */
  readonly expectedProfitUsd: number;
}

/** What the brain is asked at one tick. */
export interface DecideInput {
  readonly decisionId: string;
  readonly features: FeatureVector;
  /** The sequence model's price window, oldest first, ending at `features.tsMs` (nothing later). */
  readonly window: ArrayLike<number>;
  readonly balanceUsd: number;
  /** Arbitrage routes priced at this tick. */
  readonly arbitrage?: { readonly candidates: readonly RouteCandidate[] };
}

/** The brain's answer: the decision plus whatever explains it (journaled in the audit trail). */
export interface AuditableDecision {
  readonly decision: Decision;
  readonly regimeKey: string;
}

/** What the runtime knows about a settled trade beyond its outcome (third argument of `learn`). */
export interface LearnContext {
  /**
   * USD at risk that SafetyManager approved for the trade (`Approval.riskUsd`): 1 R. Learn from
   * `rewardR(outcome.pnl, riskUsd)`, so a reward is in USD whatever the quote currency.
   */
  readonly riskUsd: number;
}

/**
 * The decision brain the runtime drives: `MasterGovernorX100` of @omni/governor implements it; so
 * can any custom brain. Why here: the runtime (which drives a brain) and the governor (which is
 * one) both name it, and neither should depend on the other for it.
 *
 * `decide` must be synchronous and must not change learned values (it may keep exploration
 * bookkeeping such as round counts, which its snapshot must include); `learn` receives every
 * settled outcome with the answer that led to it and the USD risk approved for it.
 *
 * @example
 * class AlwaysAside implements DecisionBrain {
 *   decide(input: DecideInput): AuditableDecision {
 *     const { tsMs, symbol } = input.features;
 *     return { decision: { engine: 'none', id: input.decisionId, tsMs, symbol, reason: 'aside' }, regimeKey: 'none' };
 *   }
 *   learn(): void {}
 * }
 */
export interface DecisionBrain<A extends AuditableDecision = AuditableDecision> {
  decide(input: DecideInput): A;
  learn(outcome: TradeOutcome, audit: A, context: LearnContext): void;
  /**
   * Sees the market on ticks where no decision is taken (blocked by safety, warming up), so
   * stateful analysis (swings, volatility windows) misses no tick. Optional.
   */
  observe?(input: Pick<DecideInput, 'features' | 'window'>): void;
}
