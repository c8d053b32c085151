export {
  type AnalyzeSeriesOptions,
  analyzeSeries,
  type PricePoint,
  type SeriesAnalysis,
  type SeriesWaveCount,
} from './analyze-series.js';
export { ArbitrageFibonacciTiming, type ArbitrageTimingOptions } from './arbitrage-fibonacci-timing.js';
export { BinaryFibonacciEngine, type BinaryFibonacciOptions } from './binary-fibonacci-engine.js';
export {
  classifyHarmonic,
  completionRatio,
  type HarmonicDirection,
  type HarmonicMatch,
  type HarmonicOptions,
  type HarmonicProjection,
  projectHarmonicPrz,
  type XabcdPoints,
  type XabcPoints,
} from './classify-harmonic.js';
export {
  checkCorrection,
  checkImpulse,
  type ElliottRule,
  guidelineCloseness,
  type RuleCheck,
  type WaveDirection,
} from './elliott-rules.js';
export {
  ElliottWaveForecastEngine,
  readWaveState,
  type WaveCount,
  WaveForecastEngine,
  type WavePosition,
  type WaveState,
  type WaveTarget,
} from './elliott-wave-forecast-engine.js';
export {
  atrZone,
  extensionPrice,
  FIB_EXTENSION_RATIOS,
  FIB_RETRACEMENT_RATIOS,
  type FibLevel,
  type FibLevels,
  fibLevels,
  inZone,
  type PriceZone,
  retracementPrice,
} from './fib-levels.js';
export type {
  ArbitrageFibSignal,
  ArbitrageSignal,
  BinaryFibSignal,
  BinarySignal,
  FibEvidence,
  FibSetup,
  FibSignal,
  FibTakeProfit,
  HarmonicSetup,
  NoFibSignal,
  SpotFibSignal,
  SpotSignal,
} from './fib-signal.js';
export {
  type ClusterResult,
  type ClusterZone,
  FibonacciClusterAI,
  type FibonacciClusterOptions,
} from './fibonacci-cluster-ai.js';
export {
  DEFAULT_HARMONIC_TOLERANCE,
  HARMONIC_PATTERNS,
  HARMONIC_RATIO_TABLE,
  type HarmonicPatternName,
  type HarmonicRatioSpec,
  harmonicSpec,
  type RatioRange,
} from './harmonic-ratio-table.js';
export { type DetectedHarmonic, type FormingHarmonic, harmonicsAtLastSwing } from './harmonic-scan.js';
export {
  type CompletedHarmonic,
  type HarmonicCandidate,
  HarmonicWatch,
  harmonicReason,
} from './harmonic-watch.js';
export {
  type EvaluateMarketContext,
  type FibBlock,
  MasterFibonacciGovernor,
  type MasterFibonacciOptions,
} from './master-fibonacci-governor.js';
export {
  PATTERN_PRIOR_RANGE,
  type PatternDirectionKey,
  type PatternKey,
  PatternMemory,
  type PatternMemoryFile,
  PatternMemoryFileSchema,
  type PatternOutcome,
  type PatternStats,
  type PatternTotals,
  patternId,
} from './pattern-memory.js';
export { fibEntryConfidence } from './signal-confidence.js';
export { silhouetteScore } from './silhouette.js';
export { SpotFibonacciEngine, type SpotFibonacciOptions } from './spot-fibonacci-engine.js';
export {
  type FibMarketInput,
  type FibSignalOf,
  type TriFectaFibonacciOptions,
  TriFectaFibonacciRouter,
  TriFectaFibonacciSystem,
} from './trifecta-fibonacci-router.js';
export {
  resolveVolatilityGate,
  type VolatilityChannel,
  type VolatilityGate,
  type VolatilityGateOptions,
  type VolatilitySample,
  VolatilityScoreMatrix,
  type VolatilityScoreOptions,
  volatilityConfidenceWeight,
} from './volatility-score-matrix.js';
