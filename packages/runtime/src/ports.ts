import type { Decision, Tick, TradeOutcome } from '@omni/core';
import type { FeatureVector } from '@omni/features';

/** An arbitrage route the brain may choose, priced on the current pool state. */
export interface RouteCandidate {
  readonly routeId: string;
  readonly amountInWei: bigint;
  readonly expectedProfitWei: bigint;
  readonly expectedProfitUsd: number;
}

/** What the brain is asked at one tick. */
export interface DecideInput {
  readonly decisionId: string;
  readonly features: FeatureVector;
  /** The last N prices, oldest first (the sequence model's input). */
  readonly window: ArrayLike<number>;
  readonly balanceUsd: number;
  readonly arbitrage?: { readonly candidates: readonly RouteCandidate[] };
}

/** The brain's answer: the decision plus whatever explains it (journaled in the audit trail). */
export interface AuditableDecision {
  readonly decision: Decision;
  readonly regimeKey: string;
}

/** What the runtime knows about a settled trade beyond its outcome. */
export interface LearnContext {
  /**
   * USD at risk that SafetyManager approved for the trade (`Approval.riskUsd`): 1 R. Learn from
   * `rewardR(outcome.pnl, riskUsd)` of @omni/core, so a reward is in USD whatever the quote currency.
   */
  readonly riskUsd: number;
}

/**
 * The decision brain the runtime drives: `MasterGovernorX100` from @omni/governor implements it;
 * so can any custom brain. `decide` must be synchronous and must not change learned values (it
 * may keep exploration bookkeeping such as round counts, which its snapshot must include);
 * `learn` receives every settled outcome with the answer that led to it and the USD risk approved
 * for it.
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

/**
 * A sequence model the runtime prepares before each decision (ONNX inference is async; the
 * brain's `decide` is sync). `FallbackSequenceModel` from @omni/sequence implements it.
 */
export interface PreparableSequenceModel {
  prepare(window: ArrayLike<number>): Promise<unknown>;
}

/** Prices arbitrage routes at a tick (from a pool state source shared with the arbitrage executor). */
export interface RouteCandidateSource {
  candidates(tick: Tick): readonly RouteCandidate[];
}

/**
 * Retraining on a schedule (the spec's `maybe_retrain`; WalkForwardRetrainer implements it):
 * `observe` sees every tick first, `maybeRetrain` runs after the tick and must be cheap when not due.
 */
export interface RetrainScheduler {
  observe?(tick: Tick): void;
  maybeRetrain(nowMs: number): Promise<void>;
}
