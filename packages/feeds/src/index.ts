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
export { NetworkFeed, type NetworkFeedOptions, type NetworkFeedProfile } from './network-feed.js';
export {
  type AlertSink,
  type BadInputPolicy,
  emitFeedAlert,
  type FeedAlertCode,
  type PriceFeed,
  type PriceFeedAdapter,
} from './price-feed.js';
export { type ReplayColumns, ReplayFeed, type ReplayFeedOptions } from './replay-feed.js';
export { SyntheticFeed, type SyntheticFeedOptions } from './synthetic-feed.js';
export {
  DEFAULT_SYNTHETIC_REGIMES,
  generateSyntheticTicks,
  type SyntheticRegime,
  type SyntheticTickOptions,
} from './synthetic-ticks.js';
export { takeTicks } from './take-ticks.js';
export { TimestampSynchronizer, type TimestampSynchronizerOptions } from './timestamp-synchronizer.js';
