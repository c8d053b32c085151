import type { ConnectionLink, LinkEvents } from '@omni/connection';
import { FeedError } from '@omni/core';
import { NetworkFeed, type NetworkFeedOptions } from '@omni/feeds';
import type { Mt5Bridge } from './mt5-bridge.js';
import type { Mt5BridgeEvent } from './mt5-bridge-types.js';

/** Options of an {@link Mt5Feed}. */
export interface Mt5FeedOptions extends NetworkFeedOptions {
  /** The bridge the EA connects to (shared with the executor: one EA session carries ticks and orders). */
  readonly bridge: Mt5Bridge;
  /** MT5 symbols to subscribe, e.g. `EURUSD` (sent as given; ticks are upper-cased by the normalizer). */
  readonly symbols: readonly string[];
}

/** The feed's attachment to one EA session: "connected" while the session is up. */
interface SessionLink extends ConnectionLink {
  readonly detach: () => void;
}

/**
 * MT5 prices from the OmniBridge Expert Advisor: the `tick` lines of the bridge's EA session as
 * ticks (mid price, bid and ask, source `mt5:<symbol>`). It sends `subscribe` with its symbols on
 * every new EA session. Why through {@link NetworkFeed}: an EA session is its "connection" (up at
 * hello, down at a close or heartbeat timeout), so the feed gets cleaning, backpressure (the bridge
 * stops reading the EA while the consumer is behind), stale detection (no tick or heartbeat for
 * `staleTimeoutMs`, default 30 s) and the connection alerts from the same base as every network feed.
 * After a session ends it re-attaches to the next one after `backoff` (default 50 ms, at most 1 s).
 * `start` starts the bridge (listens), `stop` releases it.
 *
 * @example
 * const bridge = new Mt5Bridge({ port: 5555, secret });
 * const feed = new Mt5Feed({ bridge, symbols: ['EURUSD', 'XAUUSD'] });
 * for await (const tick of feed) features.update(tick);
 */
export class Mt5Feed extends NetworkFeed<SessionLink> {
  readonly #bridge: Mt5Bridge;
  readonly #symbols: readonly string[];
  #bridgeStarted = false;

  constructor(options: Mt5FeedOptions) {
    if (options.symbols.length === 0) {
      throw new FeedError('FEED_BAD_OPTION', 'Mt5Feed needs at least one symbol', { symbols: '' });
    }
    const { host, port } = options.bridge.address;
    // Re-attaching to a new EA session is local, not a network reconnect: 50 ms, capped at 1 s.
    const backoff = { initialMs: 50, maxMs: 1_000, ...options.backoff };
    super(
      { ...options, backoff },
      {
        name: `mt5:${options.symbols.join(',')}`,
        backoffLabel: 'mt5/backoff',
        defaultStaleTimeoutMs: 30_000,
        unreachable: 'no EA session on the bridge',
        silence: 'tick or heartbeat from the EA',
        endpoint: { host, port },
      },
    );
    this.#bridge = options.bridge;
    this.#symbols = options.symbols;
  }

  override async start(): Promise<void> {
    if (!this.#bridgeStarted) {
      this.#bridgeStarted = true;
      await this.#bridge.start();
    }
    await super.start();
  }

  override async stop(): Promise<void> {
    await super.stop();
    if (this.#bridgeStarted) {
      this.#bridgeStarted = false;
      await this.#bridge.stop();
    }
  }

  protected openLink(events: LinkEvents): SessionLink {
    let open = false;
    const onEvent = (event: Mt5BridgeEvent): void => {
      if (event.kind === 'up') {
        open = true;
        events.opened();
      } else if (event.kind === 'down') {
        if (open) events.closed(`EA session ${event.session.id} down: ${event.reason}`);
        open = false;
      } else if (events.received()) {
        const m = event.message;
        if (m.type !== 'tick') return;
        this.deliver(
          { symbol: m.symbol, tsMs: m.time_msc, bid: m.bid, ask: m.ask, source: `mt5:${m.symbol}` },
          `tick ${m.symbol} ${m.time_msc}`,
        );
      }
    };
    const detach = this.#bridge.on(onEvent);
    if (this.#bridge.session !== undefined) {
      const session = this.#bridge.session;
      queueMicrotask(() => {
        if (this.#bridge.session === session && !open) onEvent({ kind: 'up', session });
      });
    }
    return {
      detach,
      pause: () => this.#bridge.hold(true),
      resume: () => this.#bridge.hold(false),
      destroy: () => {
        detach();
        if (open) {
          open = false;
          queueMicrotask(() => events.closed('the feed dropped the EA session (stale)'));
        }
      },
    };
  }

  protected opened(): void {
    this.#bridge.send({ type: 'subscribe', symbols: this.#symbols });
  }

  protected override subscription(): Record<string, unknown> {
    return { symbols: this.#symbols.join(',') };
  }
}
