export { type Alert, type AlertLevel, AlertLevelSchema, AlertSchema } from './alert.js';
export { readJsonFile, writeJsonAtomic } from './atomic-file.js';
export { type Clock, ManualClock, SystemClock } from './clock.js';
export {
  type ConfigWarning,
  ENV_BINDINGS,
  EngineSettingsSchema,
  type EnvBinding,
  type LoadConfigOptions,
  loadConfig,
  type OmniConfig,
  type OmniConfigInput,
  OmniConfigSchema,
  parseConfig,
  RiskLimitsSchema,
} from './config.js';
export { CredentialsSchema } from './config-credentials.js';
export { LiveSettingsSchema } from './config-live.js';
export {
  type ArbitrageCostSettings,
  DEFAULT_REWARD_CLIP_R,
  gasCostUsd,
  MID_ONLY_SPREAD_BPS,
  positionRiskUsd,
  rewardR,
  type SpotCostSettings,
  settledRiskUsd,
  spotLossPerUnitUsd,
  spotRiskUsd,
  spotRoundTripCostBps,
} from './costs.js';
export {
  type ArbitrageDecision,
  ArbitrageDecisionSchema,
  type BinaryDecision,
  BinaryDecisionSchema,
  type Decision,
  DecisionSchema,
  isTradeDecision,
  type NoneDecision,
  NoneDecisionSchema,
  type SpotDecision,
  SpotDecisionSchema,
  type TakeProfit,
  TakeProfitSchema,
  type TradeDecision,
  WeiSchema,
} from './decision.js';
export type {
  AuditableDecision,
  CounterfactualContext,
  CounterfactualGate,
  DecideInput,
  DecisionBrain,
  DecisionGate,
  LearnContext,
  RouteCandidate,
} from './decision-brain.js';
export {
  CALENDAR_DURATION_UNITS,
  DURATION_UNIT_MS,
  type DurationUnit,
  FIXED_DURATION_UNITS,
  formatDuration,
  type ParseDurationOptions,
  parseDuration,
} from './duration.js';
export {
  AnalysisError,
  type AreaErrorClass,
  ConfigError,
  DataError,
  defineErrorArea,
  ERROR_CODES,
  type ErrorArea,
  type ErrorCodeOf,
  type ErrorContext,
  ExecutionError,
  FeatureError,
  FeedError,
  GovernorError,
  isOmniError,
  JournalError,
  ModelError,
  OmniError,
  type OmniErrorCode,
  type OmniErrorOptions,
  RuntimeError,
  SafetyError,
  StateError,
} from './errors.js';
export type { FeatureVector } from './feature-vector.js';
export {
  type JournalFileWrite,
  type JournalPosition,
  type JournalReadResult,
  JournalWriter,
  type JournalWriterOptions,
  listJournalFiles,
  type ReadJournalOptions,
  readJournal,
  streamJournal,
  stringifyJson,
  type TornLine,
  toJsonLine,
  truncateJournal,
} from './journal.js';
export {
  type Engine,
  EngineSchema,
  isLiveMode,
  MARKETS,
  type Market,
  MarketSchema,
  type Mode,
  ModeSchema,
} from './market.js';
export {
  type CounterfactualRecord,
  JOURNAL_FILES,
  OmniLogger,
  type OmniLoggerOptions,
} from './omni-logger.js';
export { type Direction, DirectionSchema, type Fill, FillSchema, type Order, OrderSchema } from './order.js';
export {
  type OpenPosition,
  OpenPositionSchema,
  type PositionBook,
  type PositionLedgerState,
  PositionLedgerStateSchema,
  StateVersionProbeSchema,
} from './position.js';
export {
  isGzipPath,
  type PriceColumns,
  type PriceFileFormat,
  type PriceFileOptions,
  PriceFileParser,
  type PriceRow,
  PriceRowProblem,
  priceFileFormat,
  splitDelimited,
  stripGzip,
} from './price-file.js';
export { quoteUsdRate } from './quote-currency.js';
export { Rng, type RngState } from './rng.js';
export { Secret, scrubSecrets } from './secret.js';
export type { RegimeProbabilities, SequenceModelEngine } from './sequence-model.js';
export { stablePow } from './stable-math.js';
export { type StateFileWrite, type StateSaveOptions, saveStateFile } from './state-file-save.js';
export { type Swing, SwingSchema } from './swing.js';
export { type Bar, BarSchema, type Tick, TickSchema } from './tick.js';
export { type EpochUnit, parseTimestampMs } from './timestamp.js';
export {
  AtomicExitSchema,
  CancelledExitSchema,
  ExpiryExitSchema,
  type SpotExit,
  SpotExitSchema,
  StopExitSchema,
  TakeProfitExitSchema,
  TimeExitSchema,
  type TradeExit,
  TradeExitSchema,
  type TradeOutcome,
  TradeOutcomeSchema,
} from './trade-outcome.js';
