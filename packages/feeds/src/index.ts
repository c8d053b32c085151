export { BinanceFeed, type BinanceFeedOptions } from './binance-feed.js';
export { bundledFxPairs, bundledFxPath } from './bundled-fx.js';
export {
  extractFxPairs,
  FX_PAIR_SPECS,
  type FxExtraction,
  type FxExtractOptions,
  type FxPairSpec,
  type FxPoint,
  type FxRejection,
  type FxRejectionReason,
  type FxSourceRow,
  formatFxCsv,
  parseIsoDate,
  roundSignificant,
} from './fx-extract.js';
export {
  MarketNormalizer,
  type MarketNormalizerOptions,
  type RawTick,
  spreadOf,
  type TickOrigin,
} from './market-normalizer.js';
export { Mt5BridgeFeed, type Mt5BridgeFeedOptions } from './mt5-bridge-feed.js';
export {
  type AlertSink,
  type BadInputPolicy,
  emitFeedAlert,
  type FeedAlertCode,
  type PriceFeed,
  type PriceFeedAdapter,
} from './price-feed.js';
export {
  type BackoffOptions,
  backoffDelayMs,
  ReconnectSchedule,
  type ReconnectScheduleOptions,
} from './reconnect-schedule.js';
export { type ReplayColumns, ReplayFeed, type ReplayFeedOptions } from './replay-feed.js';
export { SyntheticFeed, type SyntheticFeedOptions } from './synthetic-feed.js';
export {
  DEFAULT_SYNTHETIC_REGIMES,
  generateSyntheticTicks,
  type SyntheticRegime,
  type SyntheticTickOptions,
} from './synthetic-ticks.js';
export { TimestampSynchronizer, type TimestampSynchronizerOptions } from './timestamp-synchronizer.js';
