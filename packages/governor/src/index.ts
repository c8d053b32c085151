export {
  ArbitrageRLAgent,
  type ArbitrageRLAgentOptions,
  type ArbitrageRLAgentState,
  ArbitrageRLAgentStateSchema,
  type RouteChoice,
  type RouteStats,
} from './arbitrage-rl-agent.js';
export { sampleBeta, sampleGamma } from './beta-distribution.js';
export {
  ConfidenceExploration,
  type ConfidenceExplorationState,
  ConfidenceExplorationStateSchema,
} from './confidence-exploration.js';
export {
  type CompiledDecision,
  type CompileInput,
  DecisionOrchestrator,
  type DecisionTrace,
  type DecisionVeto,
  type OrchestratorLearners,
  type OrchestratorSettings,
  type RouteTrace,
  type VetoContext,
} from './decision-orchestrator.js';
export { auditFibBlock, auditFibSignal, type FibAudit, type FibSignalAudit } from './fib-audit.js';
export {
  GOVERNOR_SNAPSHOT_KIND,
  GOVERNOR_SNAPSHOT_VERSION,
  type GovernorSnapshot,
  GovernorSnapshotSchema,
} from './governor-snapshot.js';
export type {
  DecisionProbabilities,
  FibEvaluator,
  GovernorConfig,
  GovernorDecideInput,
  GovernorDecision,
  GovernorLearners,
  LearnReport,
  MasterGovernorX100Options,
  VolScoreSource,
} from './governor-types.js';
export { isotonicRegression } from './isotonic-regression.js';
export {
  type LadderCap,
  type LadderResult,
  LadderRiskAI,
  type LadderRiskAIOptions,
  type LadderRiskAIState,
  LadderRiskAIStateSchema,
  type LadderStake,
} from './ladder-risk-ai.js';
export {
  LEARNER_STATE_MIGRATIONS,
  type LearnerStateMigration,
  type LearnerStateMigrations,
  LearnerStateStore,
  type LearnerStateStoreOptions,
} from './learner-state-store.js';
export { MasterGovernorX100 } from './master-governor-x100.js';
export { parseLearnerState, RngStateSchema } from './persisted-state.js';
export {
  DOMINANT_REGIMES,
  type DominantRegime,
  meanReversionScore,
  parseRegimeKey,
  REGIME_KEYS,
  type RegimeKey,
  type RegimeKeyParts,
  type RegimeProbabilitiesInput,
  type RegimeState,
  RegimeStateBuilder,
  type RegimeStateBuilderOptions,
  type RegimeStateInput,
  TREND_BUCKETS,
  type TrendBucket,
  VOL_BUCKETS,
  type VolBucket,
} from './regime-state-builder.js';
export {
  type EngineChoice,
  heuristicEngine,
  type LearningRate,
  RegimeSwitchingRL,
  type RegimeSwitchingRLOptions,
  type RegimeSwitchingRLState,
  RegimeSwitchingRLStateSchema,
} from './regime-switching-rl.js';
export {
  type BrierReport,
  type ReliabilityRow,
  SignalConfidenceCalibrator,
  type SignalConfidenceCalibratorOptions,
  type SignalConfidenceCalibratorState,
  SignalConfidenceCalibratorStateSchema,
} from './signal-confidence-calibrator.js';
export {
  type SpotPositionSize,
  type SpotSizeCap,
  type SpotSizingLimits,
  spotPositionSize,
} from './spot-position-size.js';
export {
  SpotTPRotator,
  type SpotTPRotatorOptions,
  type SpotTPRotatorState,
  SpotTPRotatorStateSchema,
  type TpChoice,
  type TpLevel,
} from './spot-tp-rotator.js';
export { TREND_STRENGTH_EPSILON, trendStrength } from './trend-strength.js';
