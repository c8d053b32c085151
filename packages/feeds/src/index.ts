export { bundledFxPairs, bundledFxPath } from './bundled-fx.js';
export {
  MarketNormalizer,
  type MarketNormalizerOptions,
  type RawTick,
  spreadOf,
  type TickOrigin,
} from './market-normalizer.js';
export { NetworkFeed, type NetworkFeedOptions, type NetworkFeedProfile } from './network-feed.js';
export type { AlertSink, BadInputPolicy, FeedAlertCode, PriceFeed, PriceFeedAdapter } from './price-feed.js';
export { hasTickBatches } from './price-feed.js';
export { type ReplayColumns, ReplayFeed, type ReplayFeedOptions } from './replay-feed.js';
export { SyntheticFeed, type SyntheticFeedOptions } from './synthetic-feed.js';
export {
  DEFAULT_SYNTHETIC_REGIMES,
  generateSyntheticTicks,
  type SyntheticRegime,
  type SyntheticTickOptions,
} from './synthetic-ticks.js';
export { takeTicks } from './take-ticks.js';
export { type BackpressureEvent, type BackpressureStats, isQuote } from './tick-queue.js';
export { TimestampSynchronizer, type TimestampSynchronizerOptions } from './timestamp-synchronizer.js';
