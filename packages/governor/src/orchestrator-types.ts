import type { Decision, DecisionGate, Engine, Market, RouteCandidate, TradeDecision } from '@omni/core';
import type { FibBlock } from '@omni/fib-core';
import type { ArbitrageRLAgent } from './arbitrage-rl-agent.js';
import type { ConfidenceExploration } from './confidence-exploration.js';
import type { LadderRiskAI, LadderStake } from './ladder-risk-ai.js';
import type { RegimeState } from './regime-state-builder.js';
import type { SignalConfidenceCalibrator } from './signal-confidence-calibrator.js';
import type { SpotPositionSize, SpotSizingLimits } from './spot-position-size.js';
import type { SpotTPRotator, TpChoice } from './spot-tp-rotator.js';

/** A rung of a spot take-profit ladder: its fib ratio, price and the fraction it closes. */
export type TakeProfitRung = { readonly ratio: number; readonly price: number; readonly fraction: number };

/** The numbers {@link DecisionOrchestrator} applies; {@link DecisionOrchestrator.settingsFromConfig} fills them. */
export interface OrchestratorSettings {
  /** Trades below this calibrated probability stand aside (`engines.governor.minConfidence`). */
  readonly minConfidence: number;
  /**
   * Weight w of the sequence model in the raw confidence of binary and spot signals:
   * raw = (1 − w)·fibConfidence + w·P(direction) (default 0.5).
   */
  readonly sequenceWeight: number;
  /** Binary payout ratio b (`engines.binary.payout`). */
  readonly payout: number;
  /**
   * Longest binary expiry in seconds (`engines.binary.defaultExpirySec`): the fib signal's timing
   * (half the mean swing leg) is used when it is shorter. Undefined: no cap.
   */
  readonly maxExpirySec?: number;
  /** Spot risk sizing and its caps. */
  readonly spot: SpotSizingLimits;
  /** Routes expected to net less than this are not sent (`engines.arbitrage.minProfitUsd`). */
  readonly minProfitUsd: number;
  /** Gas of one arbitrage transaction in USD (`gasCostUsd` of @omni/core). */
  readonly gasCostUsd: number;
}

/** The learners the orchestrator reads (it never updates them; learning is `MasterGovernorX100.learn`). */
export interface OrchestratorLearners {
  /** One calibrator per market: raw confidences of different engines mean different things. */
  readonly calibrators: Readonly<Record<Market, SignalConfidenceCalibrator>>;
  readonly ladder: LadderRiskAI;
  readonly spotTp: SpotTPRotator;
  readonly arbitrage: ArbitrageRLAgent;
  /** The confidence gate's exploration policy; without it no setup below `minConfidence` is taken. */
  readonly exploration?: ConfidenceExploration;
}

/** What a {@link DecisionVeto} sees besides the draft decision. */
export interface VetoContext {
  readonly regime: RegimeState;
  readonly probUp: number;
  readonly balanceUsd: number;
  readonly rawConfidence: number;
}

/**
 * A user hook that may turn a fully built trade decision into `none`: return a reason to stand
 * aside, or `undefined` to keep it. It runs after every built-in filter and cannot change or add a
 * trade, so no hook can bypass fib validation, regime selection or the confidence filter.
 */
export type DecisionVeto = (decision: TradeDecision, context: VetoContext) => string | undefined;

/**
 * The lines that open a decision's reasons (the steps before the orchestrator), formatted only when
 * a trade decision carries them (see {@link DecisionOrchestrator.compileWithLead}).
 */
export interface LeadReasons {
  /** The lead lines; the orchestrator puts them at the head of the trade's reasons. */
  takeLead(): readonly string[];
}

/** Everything {@link DecisionOrchestrator.compile} needs for one decision. */
export interface CompileInput {
  readonly decisionId: string;
  readonly tsMs: number;
  readonly symbol: string;
  /** The engine RegimeSwitchingRL chose (`none` stands aside). */
  readonly engine: Engine;
  readonly regime: RegimeState;
  /** The sequence model's probability of an up move. */
  readonly probUp: number;
  /** The fib block's per-engine signals (read now; nothing is kept). */
  readonly signals: FibBlock['signals'];
  readonly balanceUsd: number;
  /** Arbitrage routes priced at this tick; none means an arbitrage choice becomes `none`. */
  readonly routeCandidates?: readonly RouteCandidate[];
  /** Reasons of the earlier steps (regime, engine choice) that lead the decision's reasons. */
  readonly reasons?: readonly string[];
  /**
   * When `engine` is `none` although setups exist: the engine whose setup is drafted as the
   * counterfactual candidate of the stand-aside (the governor passes the available engine with the
   * highest Q-value). Without it a stand-aside has no candidate.
   */
  readonly standAsideEngine?: Market;
}

/** The chosen route as plain JSON (`index` is null for a never-settled route, whose UCB index is infinite). */
export interface RouteTrace {
  readonly routeId: string;
  readonly reason: 'unexplored' | 'ucb';
  readonly meanProfitUsd: number;
  readonly index: number | null;
  readonly expectedProfitUsd: number;
  readonly eligibleCandidates: number;
}

/** How the orchestrator got to its decision: the numbers `learn` and an auditor need. Plain JSON. */
export interface DecisionTrace {
  /** The fib signal's (uncalibrated) confidence, when the chosen engine signalled. */
  readonly fibConfidence: number | null;
  /** The sequence model's probability of the signal's direction (binary/spot). */
  readonly directionProbability: number | null;
  /** The raw confidence the calibrator maps (its outcome is learned against it). */
  readonly rawConfidence: number | null;
  readonly calibratedConfidence: number | null;
  /** The PatternMemory pattern of the signal and its direction (binary/spot). */
  readonly pattern: { readonly pattern: string; readonly direction: 'bullish' | 'bearish' } | null;
  readonly binary: LadderStake | null;
  readonly spot: {
    readonly sizing: SpotPositionSize;
    readonly tp: TpChoice | null;
    /** The SpotTPRotator context the level was chosen (and is learned) in: the trend bucket. */
    readonly tpContext: string;
    /** Every fib extension the rotator chose among, nearest first. */
    readonly tpCandidates: readonly { readonly ratio: number; readonly price: number }[];
    /** The ladder sent, with each rung's ratio (rung k settles as the take-profit leg of level k). */
    readonly ladder: readonly { readonly ratio: number; readonly price: number; readonly fraction: number }[];
  } | null;
  readonly arbitrage: RouteTrace | null;
  /** The veto's reason, when a {@link DecisionVeto} stood aside. */
  readonly veto: string | null;
}

/** A compiled decision: the core `Decision`, its reasons, the {@link DecisionTrace}, its gate and candidate. */
export interface CompiledDecision {
  readonly decision: Decision;
  /** Why, in order (for `none`, the last line is the reason it stands aside). */
  readonly reasons: readonly string[];
  /** For a `none` with a candidate, the trace describes the candidate (its confidence, pattern, sizing). */
  readonly trace: DecisionTrace;
  /** Where the decision stopped, or `traded`. */
  readonly gate: DecisionGate;
  /**
   * The trade a stopped setup would have placed, for counterfactual settlement: gate `regime` (the
   * stand-aside engine's setup), `confidence` (sized as a real trade; a binary setup without a
   * Kelly stake at the minimum stake), `sizing` (binary only: the minimum stake) and `veto` (the
   * vetoed trade). Null otherwise, and for a trade (the decision is the trade).
   */
  readonly candidate: TradeDecision | null;
}
