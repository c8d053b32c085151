import type { Decision, TradeDecision } from './decision.js';
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
  /**
   * Gas of this route's transaction in USD at the fee it will pay (on blocks: the next block's base
   * fee, known from the current block under EIP-1559). Absent: `gasCostUsd(engines.arbitrage)`.
   */
  readonly gasCostUsd?: number;
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
  /**
   * The pools' own price volatility at this tick (std of per-block log returns of a reference pool):
   * the DEX volatility channel. Absent without pools (arbitrage timing then never signals).
   */
  readonly dexVolatility?: number;
}

/**
 * Where a decision stopped, or that it traded: the brain's own gates, in the order it applies them.
 * `warming-up`: not enough market history to decide; `no-setup`: no engine had a signal; `regime`:
 * the regime learner stood aside although a setup existed; `confidence`: the calibrated confidence
 * was below `minConfidence`; `sizing`: no stake, size, take-profit or route could be set; `veto`: a
 * user veto stood aside; `traded`: a trade decision (`exploration`: taken by the exploration policy,
 * at the minimum size, although the confidence gate would have stopped it).
 */
export type DecisionGate =
  | { readonly kind: 'warming-up' }
  | { readonly kind: 'no-setup' }
  | { readonly kind: 'regime' }
  | { readonly kind: 'confidence'; readonly calibrated: number; readonly minConfidence: number }
  | { readonly kind: 'sizing'; readonly reason: string }
  | { readonly kind: 'veto'; readonly reason: string }
  | { readonly kind: 'traded'; readonly exploration: boolean };

/**
 * The gates whose stopped candidates the runtime settles as counterfactual outcomes: the brain's
 * `regime`, `confidence`, `sizing` and `veto`, and `safety` (a trade decision SafetyManager refused).
 */
export type CounterfactualGate =
  | Extract<DecisionGate['kind'], 'regime' | 'confidence' | 'sizing' | 'veto'>
  | 'safety';

/** The brain's answer: the decision plus whatever explains it (journaled in the audit trail). */
export interface AuditableDecision {
  readonly decision: Decision;
  readonly regimeKey: string;
  /** Where the decision stopped (or that it traded). Optional: a brain that does not say is counted as `none` or traded. */
  readonly gate?: DecisionGate;
  /**
   * The trade the brain would have placed when a gate stopped a setup (sized as a real one), so the
   * runtime can settle it as a counterfactual outcome; null or absent when there was none or when the
   * decision itself is the trade.
   */
  readonly candidate?: TradeDecision | null;
}

/** What the runtime knows about a settled trade beyond its outcome (third argument of `learn`). */
export interface LearnContext {
  /**
   * USD at risk that SafetyManager approved for the trade (`Approval.riskUsd`): 1 R. Learn from
   * `rewardR(outcome.pnl, riskUsd)`, so a reward is in USD whatever the quote currency.
   */
  readonly riskUsd: number;
}

/** What the runtime knows about a counterfactual outcome (third argument of `learnCounterfactual`). */
export interface CounterfactualContext extends LearnContext {
  /** The gate that stopped the candidate. */
  readonly gate: CounterfactualGate;
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
  observe?(input: Pick<DecideInput, 'features' | 'window' | 'dexVolatility'>): void;
  /**
   * Learns from a counterfactual outcome: a candidate a gate stopped (`audit.candidate`, or
   * `audit.decision` when SafetyManager refused it), settled by the shadow rules from later prices.
   * It never reached a venue and never counts in PnL, safety or the ledger; `context.riskUsd` is
   * what the candidate would have risked. Optional: a brain without it learns only from real trades.
   */
  learnCounterfactual?(outcome: TradeOutcome, audit: A, context: CounterfactualContext): void;
}
