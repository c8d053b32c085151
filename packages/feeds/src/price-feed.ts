import type { Alert, Clock, Tick } from '@omni/core';

/**
 * A source of ticks (the specification's PriceFeedAdapter port): replay file, exchange socket,
 * bridge or generator all plug in the same way.
 *
 * Lifecycle: `start()` opens the source (iterating also starts it); `stop()` ends iteration (the
 * iterator completes) and releases sockets/files. A feed is iterated by one consumer at a time.
 *
 * @example
 * const feed: PriceFeed = new ReplayFeed({ path: bundledFxPath('EURUSD'), symbol: 'EURUSD' });
 * for await (const tick of feed) console.log(tick.tsMs, tick.price);
 */
export interface PriceFeed extends AsyncIterable<Tick> {
  /** A stable, human-readable name used in alerts and errors, e.g. `replay:EURUSD.csv`. */
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * The same ticks in batches (e.g. one per chunk of a file), for consumers that drain a recorded
   * feed as fast as they can: one await per batch instead of one per tick. A feed offers it only
   * when its ticks are not paced in time. Iterate either this or the feed itself, never both.
   */
  batches?(): AsyncIterable<readonly Tick[]>;
}

/** Whether `feed` offers {@link PriceFeed.batches}. */
export function hasTickBatches(
  feed: AsyncIterable<Tick>,
): feed is AsyncIterable<Tick> & { batches(): AsyncIterable<readonly Tick[]> } {
  return typeof (feed as { batches?: unknown }).batches === 'function';
}

/**
 * Where feeds report what they skipped or noticed (malformed rows, late ticks, reconnects).
 * Why a plain function: it plugs straight into `OmniLogger.logAlert`, a test array or a console.
 */
export type AlertSink = (alert: Alert) => void;

/** What a feed does with a bad row or tick: stop with a FeedError, or alert and go on. */
export type BadInputPolicy = 'reject' | 'skip-and-alert';

/** Alert codes a network feed raises about its connection and messages. */
export type FeedAlertCode = 'FEED_CONNECTION' | 'FEED_STALE' | 'FEED_PROTOCOL' | 'FEED_BACKPRESSURE';

/**
 * Sends one connection/protocol alert of a network feed to its sink, stamped with the feed's
 * clock (whole epoch ms, never negative) and the feed's name as the source.
 */
export function emitFeedAlert(
  sink: AlertSink | undefined,
  clock: Clock,
  source: string,
  level: Alert['level'],
  code: FeedAlertCode,
  message: string,
  context: Record<string, unknown>,
): void {
  sink?.({ tsMs: Math.max(0, Math.floor(clock.nowMs())), level, code, message, source, context });
}

/**
 * The specification's PriceFeedAdapter (broker API / DEX RPC / MT5 bridge): any {@link PriceFeed}.
 * `ReplayFeed` and `SyntheticFeed` are bundled here; network feeds (`BinanceFeed` of
 * `@omni/venue-binance`, `Mt5BridgeFeed` of `@omni/venue-mt5`) extend `NetworkFeed`.
 */
export type PriceFeedAdapter = PriceFeed;
