import type {
  DecideInput,
  Decision,
  DecisionGate,
  Market,
  OmniConfig,
  RegimeProbabilities,
  Rng,
  SequenceModelEngine,
  TradeDecision,
} from '@omni/core';
import type { FeatureVector } from '@omni/features';
import type {
  EvaluateMarketContext,
  FibBlock,
  MasterFibonacciOptions,
  PatternMemory,
  VolatilitySample,
} from '@omni/fib-core';
import type { ArbitrageRLAgent, ArbitrageRLAgentOptions } from './arbitrage-rl-agent.js';
import type { ConfidenceExploration } from './confidence-exploration.js';
import type { DecisionTrace, DecisionVeto } from './decision-orchestrator.js';
import type { FibAudit } from './fib-audit.js';
import type { LadderRiskAI, LadderRiskAIOptions } from './ladder-risk-ai.js';
import type { RegimeKey, RegimeState, RegimeStateBuilderOptions } from './regime-state-builder.js';
import type { EngineChoice, RegimeSwitchingRL, RegimeSwitchingRLOptions } from './regime-switching-rl.js';
import type {
  SignalConfidenceCalibrator,
  SignalConfidenceCalibratorOptions,
} from './signal-confidence-calibrator.js';
import type { SpotTPRotator, SpotTPRotatorOptions } from './spot-tp-rotator.js';

/**
 * The fib stage of the governor: anything that turns features into a `FibBlock`.
 * `MasterFibonacciGovernor` of @omni/fib-core is the default; plug your own through `createFib`.
 */
export interface FibEvaluator {
  evaluateMarket(features: FeatureVector, context: EvaluateMarketContext): FibBlock;
}

/** Where the regime's volatility score comes from; `null` means "not known yet" (the governor stands aside). */
export type VolScoreSource = (input: {
  readonly features: FeatureVector;
  /** The sequence model's volatility estimate (std of one-step log returns) for this window. */
  readonly predictedVolatility: number;
}) => number | null;

/** The configuration sections the governor reads. */
export type GovernorConfig = Pick<OmniConfig, 'seed' | 'risk' | 'engines'>;

/** Options of {@link MasterGovernorX100} (also the `deps` of {@link MasterGovernorX100.restore}). */
export interface MasterGovernorX100Options {
  /** `seed` (root Rng), `risk` and `engines` of the validated OmniConfig. */
  readonly config: GovernorConfig;
  /** The sequence model: `FallbackSequenceModel` of @omni/sequence, or your own `SequenceModelEngine` (@omni/core). */
  readonly sequence: SequenceModelEngine;
  /** Root of the learners' streams (forked per learner); default `new Rng(config.seed)`. */
  readonly rng?: Rng;
  readonly regimeStates?: RegimeStateBuilderOptions;
  /** RegimeSwitchingRL options; ε defaults to `engines.governor.explorationEpsilon`. */
  readonly regimeRL?: Omit<RegimeSwitchingRLOptions, 'rng'>;
  readonly calibrator?: SignalConfidenceCalibratorOptions;
  readonly spotTp?: Omit<SpotTPRotatorOptions, 'rng'>;
  readonly arbitrage?: ArbitrageRLAgentOptions;
  readonly ladder?: Pick<LadderRiskAIOptions, 'stepMultiplier' | 'minStakeUsd'>;
  /** The fib outcome memory (e.g. `PatternMemory.load(path)`); default empty. A snapshot's memory replaces it. */
  readonly patternMemory?: PatternMemory;
  /** Options of the default `MasterFibonacciGovernor` (its memory is the governor's PatternMemory). */
  readonly fib?: Omit<MasterFibonacciOptions, 'memory'>;
  /** Your own fib stage, built on the governor's PatternMemory; default a `MasterFibonacciGovernor`. */
  readonly createFib?: (memory: PatternMemory) => FibEvaluator;
  /** Volatility score of the regime state; default `features.volatilityPercentile` (in [0, 1]). */
  readonly volScore?: VolScoreSource;
  /** Weight of the sequence model in binary/spot raw confidence (default 0.5). */
  readonly sequenceWeight?: number;
  /** Hooks that may only turn a trade into `none` (see {@link DecisionVeto}). */
  readonly vetoes?: readonly DecisionVeto[];
  /** R-multiples are clipped to ±this before the learners see them; default `DEFAULT_REWARD_CLIP_R` (5). */
  readonly maxRewardR?: number;
  /**
   * ε of the confidence gate's exploration (see {@link ConfidenceExploration}): the probability that a
   * binary or spot setup only the confidence filter stopped is taken at the minimum stake. Default
   * `engines.governor.explorationEpsilon`; the runtime's default brain passes 0 in live modes.
   */
  readonly explorationEpsilon?: number;
}

/** What {@link MasterGovernorX100.decide} is asked at one tick: the `DecideInput` of @omni/core, plus volatility. */
export interface GovernorDecideInput extends DecideInput {
  /**
   * fx/binary/dex volatility for the fib VolatilityScoreMatrix; default `{ fx: features.rollingStd,
   * dex: dexVolatility }` (the pools' own price volatility, also what ArbitrageFibonacciTiming reads).
   */
  readonly volatility?: VolatilitySample;
}

/** The sequence model's view of the window, as the decision saw it. */
export interface DecisionProbabilities {
  readonly probUp: number;
  readonly volatility: number;
  readonly regimes: RegimeProbabilities;
}

/**
 * The auditable result of one decision (journaled by the runtime; handed back to `learn`).
 * Plain data: bigint wei on an arbitrage decision is the only non-JSON value (journals write it as a string).
 */
export interface GovernorDecision {
  readonly decision: Decision;
  /** The regime key, or `warming-up` while the volatility score is unknown. */
  readonly regimeKey: RegimeKey | 'warming-up';
  readonly regime: RegimeState | null;
  readonly probabilities: DecisionProbabilities;
  /** RegimeSwitchingRL's choice, or null while warming up. */
  readonly engineChoice: EngineChoice | null;
  /** A compact copy of the fib block the decision saw. */
  readonly fib: FibAudit;
  /** How the orchestrator got there (confidences, stake, take-profit, route), or null while warming up. */
  readonly trace: DecisionTrace | null;
  /** `SequenceModelEngine.name` of the model used. */
  readonly sequenceModel: string;
  /** Every step's reason, in the specification's order. */
  readonly reasons: readonly string[];
  /** Where the decision stopped (`warming-up`, `no-setup`, `regime`, `confidence`, `sizing`, `veto`) or `traded`. */
  readonly gate: DecisionGate;
  /**
   * The trade a stopped setup would have placed (see `CompiledDecision.candidate`), for
   * counterfactual settlement and {@link MasterGovernorX100.learnCounterfactual}; null otherwise.
   */
  readonly candidate: TradeDecision | null;
}

/** What {@link MasterGovernorX100.learn} did with one outcome. */
export interface LearnReport {
  readonly decisionId: string;
  readonly engine: Market;
  /** The R-multiple learned by RegimeSwitchingRL (pnl / USD at risk, clipped), or null if the risk was 0. */
  readonly reward: number | null;
  /** pnl > 0 (win), pnl < 0 (loss) or null for a tie (nothing calibrated or stored). */
  readonly won: boolean | null;
  /** Which learners were updated, e.g. `regime-rl`, `calibrator.binary`, `ladder`, `pattern-memory`. */
  readonly updated: readonly string[];
}

/** The learners of a governor, for inspection and reports. */
export interface GovernorLearners {
  readonly regimeRL: RegimeSwitchingRL;
  readonly calibrators: Readonly<Record<Market, SignalConfidenceCalibrator>>;
  readonly ladder: LadderRiskAI;
  readonly spotTp: SpotTPRotator;
  readonly arbitrage: ArbitrageRLAgent;
  readonly patternMemory: PatternMemory;
  /** The confidence gate's exploration policy (ε and its seeded stream). */
  readonly exploration: ConfidenceExploration;
}
