export {
  ArbitrageRLAgent,
  type ArbitrageRLAgentOptions,
  type ArbitrageRLAgentState,
  ArbitrageRLAgentStateSchema,
  type RouteChoice,
  type RouteStats,
} from './arbitrage-rl-agent.js';
export { sampleBeta, sampleGamma } from './beta-distribution.js';
export { isotonicRegression } from './isotonic-regression.js';
export {
  type BinarySettlement,
  type LadderCap,
  LadderRiskAI,
  type LadderRiskAIOptions,
  type LadderRiskAIState,
  LadderRiskAIStateSchema,
  type LadderStake,
} from './ladder-risk-ai.js';
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
  SpotTPRotator,
  type SpotTPRotatorOptions,
  type SpotTPRotatorState,
  SpotTPRotatorStateSchema,
  type TpChoice,
  type TpLevel,
} from './spot-tp-rotator.js';
export { TREND_STRENGTH_EPSILON, trendStrength } from './trend-strength.js';
