import type { Alert, Tick } from '@omni/core';

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
}

/**
 * Where feeds report what they skipped or noticed (malformed rows, late ticks, reconnects).
 * Why a plain function: it plugs straight into `OmniLogger.logAlert`, a test array or a console.
 */
export type AlertSink = (alert: Alert) => void;

/** What a feed does with a bad row or tick: stop with a FeedError, or alert and go on. */
export type BadInputPolicy = 'reject' | 'skip-and-alert';
