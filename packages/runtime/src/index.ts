/** The brain port, declared in @omni/core; re-exported because custom brains are written against the runtime. */
export type {
  AuditableDecision,
  CounterfactualContext,
  CounterfactualGate,
  DecideInput,
  DecisionBrain,
  DecisionGate,
  LearnContext,
  RouteCandidate,
} from '@omni/core';
/** The default brain's state store (governor.json), declared in @omni/governor; re-exported for `omni check`. */
export { LearnerStateStore } from '@omni/governor';
export {
  BacktestEngine,
  type BacktestEngineOptions,
  type BacktestRunOptions,
  type BacktestSummary,
  safetySummary,
} from './backtest-engine.js';
export {
  type CounterfactualSettings,
  CounterfactualSettler,
  type CounterfactualSink,
  counterfactualSettings,
  counterfactualSink,
  type SettledCounterfactual,
} from './counterfactual-settler.js';
export {
  type AuditCheckpoint,
  type AuditCheckpointLine,
  type AuditLine,
  type AuditRecord,
  type AuditSeal,
  type AuditSealLine,
  type AuditVerification,
  auditCheckpointHash,
  auditHash,
  auditSealHash,
  DecisionAuditTrail,
  GENESIS_HASH,
  isAuditCheckpoint,
  isAuditEntry,
  isAuditSeal,
  verifyAuditTrail,
} from './decision-audit-trail.js';
export {
  COUNTERFACTUAL_GATES,
  type CounterfactualTally,
  DecisionFunnel,
  FUNNEL_STAGES,
  type FunnelStage,
  type FunnelSummary,
  type FunnelYear,
} from './decision-funnel.js';
export {
  DEFAULT_CHECKPOINT_EVERY,
  DecisionJournal,
  type DecisionJournalLevel,
  type DecisionJournalOptions,
} from './decision-journal.js';
export { createDefaultBrain, type DefaultBrain, type DefaultBrainOptions } from './default-brain.js';
export {
  MODELLED_OPERATOR,
  ModelledOperator,
  type ModelledReview,
  type OperatorReviewPolicy,
} from './modelled-operator.js';
export {
  createOmniEngine,
  DAILY_FEATURES,
  type EngineHubParts,
  type OmniEngine,
  type OmniEngineOptions,
} from './omni-engine.js';
export {
  type LoopEnd,
  type LoopProgress,
  type LoopResult,
  type MainLoopOptions,
  omniMainLoop,
} from './omni-main-loop.js';
export {
  type CheckpointPoint,
  featureSnapshot,
  OmniRuntime,
  type OmniRuntimeComponents,
  type SilentReplayOptions,
  type TickResult,
} from './omni-runtime.js';
export {
  type EngineStats,
  type EquityPoint,
  exposureFraction,
  PerformanceRecorder,
  type PerformanceRecorderOptions,
  type PerformanceSummary,
  sharpeRatio,
  sortinoRatio,
  type TradeContext,
} from './performance-recorder.js';
export { PoolPriceVolatility, type PoolPriceVolatilityOptions } from './pool-volatility.js';
export type { PreparableSequenceModel, RetrainScheduler, RouteCandidateSource } from './ports.js';
export {
  DEFAULT_SKETCH_POINTS,
  PriceSketch,
  type PriceSketchOptions,
  type SketchPoint,
} from './price-sketch.js';
export { PoolRouteCandidates, type PoolRouteCandidatesOptions } from './route-candidates.js';
export {
  CHECKPOINT_FILE,
  configDigest,
  ORIGIN_DIR,
  readCheckpoint,
  type SessionCheckpoint,
  SessionCheckpointer,
  type SessionCheckpointerOptions,
  SessionCheckpointSchema,
} from './session-checkpoint.js';
export {
  parseRetrainPeriod,
  type RetrainRecord,
  type SwappableSequenceModel,
  WalkForwardRetrainer,
  type WalkForwardRetrainerOptions,
} from './walk-forward-retrainer.js';
