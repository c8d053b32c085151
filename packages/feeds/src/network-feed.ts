import {
  type BackoffOptions,
  type ConnectionLink,
  type LinkEvents,
  ManagedConnection,
  type Scheduler,
} from '@omni/connection';
import { type Alert, type Clock, FeedError, SystemClock, type Tick } from '@omni/core';
import { MarketNormalizer, type RawTick } from './market-normalizer.js';
import {
  type AlertSink,
  type BadInputPolicy,
  emitFeedAlert,
  type FeedAlertCode,
  type PriceFeed,
} from './price-feed.js';
import {
  type BackpressureEvent,
  type BackpressureStats,
  DEFAULT_QUEUE_HEADROOM,
  pauseThreshold,
  TickQueue,
} from './tick-queue.js';

/** Options every {@link NetworkFeed} takes (a venue's feed options extend these). */
export interface NetworkFeedOptions {
  /** Seed of the reconnect jitter. Default 0. */
  readonly seed?: number | string;
  readonly backoff?: BackoffOptions;
  /** Give up (throw FEED_CONNECTION) after this many consecutive failed reconnects. Default unlimited. */
  readonly maxReconnects?: number;
  /** No inbound data for this long → FEED_STALE alert, drop the connection, reconnect. Default: the venue's. */
  readonly staleTimeoutMs?: number;
  /** Pause reading the socket when this many ticks wait for the consumer. Default 5 000. */
  readonly highWaterMark?: number;
  /** Resume reading when the queue drains to this many. Default 1 000. */
  readonly lowWaterMark?: number;
  /**
   * While the consumer is behind (from `highWaterMark` waiting ticks until `lowWaterMark`), keep only
   * the latest quote (bid and ask, no volume) per symbol instead of pausing the socket for it, so a
   * slow consumer sees the current market rather than a growing backlog. Trades are never
   * conflated. Default true; false = pause for every tick (lossless, the backlog waits in the socket).
   */
  readonly conflateQuotes?: boolean;
  /**
   * Hard bound of waiting ticks that cannot be conflated (the socket pauses at highWaterMark of
   * them, 2 × highWaterMark with conflation); more are dropped and counted. Default: the pause
   * threshold + 65 536, room for what one socket read delivers after the pause.
   */
  readonly maxQueue?: number;
  /** Messages not in the venue's format: `skip-and-alert` (default) or `reject` (the iterator throws). */
  readonly policy?: BadInputPolicy;
  readonly onAlert?: AlertSink;
  /** Cleans ticks. Default: a MarketNormalizer with the same policy and sink; `null` to pass through. */
  readonly normalizer?: MarketNormalizer | null;
  /** Stamps alerts (and ticks the venue sends without a time). Default SystemClock. */
  readonly clock?: Clock;
  /** Where reconnect, ping and stale timers are armed. Default: the process timers. */
  readonly scheduler?: Scheduler;
  /** Feed name in alerts and errors. Default: the venue's. */
  readonly name?: string;
}

/** What a venue's feed tells {@link NetworkFeed} about itself. */
export interface NetworkFeedProfile {
  /** Feed name when the options give none, e.g. `binance:btcusdt@trade`. */
  readonly name: string;
  /** Fork label of the reconnect jitter stream, e.g. `binance/backoff`. */
  readonly backoffLabel: string;
  readonly defaultStaleTimeoutMs: number;
  /** Keep-alive pings (`link.ping()`) this often. Default: none. */
  readonly pingIntervalMs?: number;
  /** Why, when a link closes before it opened, e.g. `cannot connect to the bridge`. */
  readonly unreachable: string;
  /** What did not arrive, in the stale alert: `no <silence> for N ms`, e.g. `message`. */
  readonly silence: string;
  /** Where the feed connects, added to connection alerts and errors, e.g. `{ url }`; never a secret. */
  readonly endpoint: Readonly<Record<string, unknown>>;
}

/**
 * The part every network price feed shares: a {@link ManagedConnection} (reconnect with seeded
 * backoff, pings, stale-stream detection), a bounded tick queue with a documented overload policy
 * ({@link TickQueue}: while the consumer is behind, quotes are conflated per symbol and trades pause
 * the socket; `FEED_BACKPRESSURE` alerts when it starts and stops), cleaning through a
 * MarketNormalizer, the bad-input policy, and the connection alerts. A venue's feed subclasses it
 * and supplies only its transport (`openLink`), its subscription (`opened`) and its message format
 * (calling `deliver` with each raw tick and `protocol` for what it cannot read).
 *
 * @example
 * class MyFeed extends NetworkFeed<SocketLink> {
 *   protected openLink(events: LinkEvents): SocketLink { ... socket.on('data', (d) => events.received() && this.#read(d)) ... }
 *   #read(line: string): void { this.deliver({ symbol, tsMs, price, source: 'my-venue' }, line); }
 * }
 */
export abstract class NetworkFeed<L extends ConnectionLink = ConnectionLink> implements PriceFeed {
  readonly name: string;
  protected readonly clock: Clock;
  readonly #connection: ManagedConnection<L>;
  readonly #queue: TickQueue;
  readonly #policy: BadInputPolicy;
  readonly #onAlert: AlertSink | undefined;
  readonly #normalizer: MarketNormalizer | null;

  protected constructor(options: NetworkFeedOptions, profile: NetworkFeedProfile) {
    this.name = options.name ?? profile.name;
    this.clock = options.clock ?? new SystemClock();
    this.#policy = options.policy ?? 'skip-and-alert';
    this.#onAlert = options.onAlert;
    const staleTimeoutMs = options.staleTimeoutMs ?? profile.defaultStaleTimeoutMs;
    const high = options.highWaterMark ?? 5_000;
    const low = options.lowWaterMark ?? 1_000;
    const conflateQuotes = options.conflateQuotes ?? true;
    const maxQueue = options.maxQueue ?? pauseThreshold(high, conflateQuotes) + DEFAULT_QUEUE_HEADROOM;
    const ping = profile.pingIntervalMs;
    if (
      !(
        staleTimeoutMs > 0 &&
        (ping === undefined || ping > 0) &&
        high >= 1 &&
        low >= 0 &&
        low < high &&
        Number.isInteger(maxQueue) &&
        maxQueue >= pauseThreshold(high, conflateQuotes)
      )
    ) {
      throw new FeedError(
        'FEED_BAD_OPTION',
        'need staleTimeoutMs > 0, pingIntervalMs > 0, 0 <= lowWaterMark < highWaterMark, an integer maxQueue >= highWaterMark (>= 2 × highWaterMark with conflateQuotes)',
        {
          feed: this.name,
          staleTimeoutMs: options.staleTimeoutMs,
          pingIntervalMs: ping,
          highWaterMark: options.highWaterMark,
          lowWaterMark: options.lowWaterMark,
          maxQueue: options.maxQueue,
        },
      );
    }
    const { endpoint } = profile;
    this.#connection = new ManagedConnection<L>({
      open: (events) => this.openLink(events),
      clock: this.clock,
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      seed: options.seed ?? 0,
      label: profile.backoffLabel,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.maxReconnects !== undefined ? { maxReconnects: options.maxReconnects } : {}),
      staleTimeoutMs,
      ...(ping !== undefined ? { pingIntervalMs: ping } : {}),
      unreachable: profile.unreachable,
      onOpen: (link, connection) => {
        this.opened(link);
        if (connection > 1) {
          this.alert('info', 'FEED_CONNECTION', 'reconnected and resubscribed', this.subscription());
        }
      },
      onStale: (silentMs) =>
        this.alert(
          'warn',
          'FEED_STALE',
          `no ${profile.silence} for ${silentMs} ms; dropping the connection`,
          {
            staleTimeoutMs,
          },
        ),
      onReconnecting: ({ why, attempt, delayMs }) =>
        this.alert('warn', 'FEED_CONNECTION', `${why}; reconnecting in ${delayMs} ms`, {
          attempt,
          delayMs,
          ...endpoint,
        }),
      onGiveUp: (why, attempts) =>
        this.#fail(
          new FeedError('FEED_CONNECTION', `giving up after ${attempts} reconnect attempts: ${why}`, {
            feed: this.name,
            ...endpoint,
          }),
        ),
    });
    this.#queue = new TickQueue({
      highWaterMark: high,
      lowWaterMark: low,
      maxQueue,
      conflateQuotes,
      onPause: () => this.#connection.pause(),
      onResume: () => this.#connection.resume(),
      onEvent: (event) => this.#backpressureAlert(event, high, maxQueue),
    });
    this.#normalizer =
      options.normalizer === undefined
        ? new MarketNormalizer({
            policy: this.#policy,
            ...(options.onAlert !== undefined ? { onAlert: options.onAlert } : {}),
            name: this.name,
          })
        : options.normalizer;
  }

  /** Connections opened so far (1 + successful reconnects). */
  get connections(): number {
    return this.#connection.connections;
  }

  /** True while reading is paused because the consumer is behind. */
  get paused(): boolean {
    return this.#queue.paused;
  }

  /** What the overload policy did so far: waiting ticks, peak, quotes conflated, ticks dropped, pauses. */
  get backpressure(): BackpressureStats {
    return this.#queue.stats();
  }

  async start(): Promise<void> {
    if (this.#connection.running) return;
    this.#queue.reset();
    this.#connection.start();
  }

  async stop(): Promise<void> {
    this.#connection.stop();
    this.#queue.end();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Tick> {
    await this.start();
    try {
      yield* this.#queue.drain();
    } finally {
      await this.stop();
    }
  }

  /** Opens one link to the venue (a WebSocket, a TCP socket) and reports its events to `events`. */
  protected abstract openLink(events: LinkEvents): L;

  /** A link opened: send the subscription. Called on every (re)connect. */
  protected abstract opened(link: L): void;

  /** What the feed is subscribed to, for the `reconnected and resubscribed` alert. */
  protected subscription(): Record<string, unknown> {
    return {};
  }

  /** The open link, if any. */
  protected get link(): L | undefined {
    return this.#connection.link;
  }

  /** False once the feed stopped or failed: stop reading the rest of a chunk. */
  protected get running(): boolean {
    return this.#connection.running;
  }

  /** The venue answered sensibly (e.g. acknowledged a subscription): the next failure backs off from the start. */
  protected healthy(): void {
    this.#connection.healthy();
  }

  /** Cleans `raw` (from `message`, quoted in errors) and queues it for the consumer. */
  protected deliver(raw: RawTick, message: string): void {
    this.#connection.healthy();
    let tick: Tick | undefined;
    try {
      tick = this.#normalizer
        ? this.#normalizer.normalize(raw, { message: message.slice(0, 200) })
        : finishRawTick(raw);
    } catch (err) {
      if (err instanceof FeedError) {
        this.#fail(err);
        return;
      }
      throw err;
    }
    if (tick !== undefined) this.#queue.push(tick);
  }

  /**
   * One message of a JSON protocol as an object; anything else (not JSON, a number, a string) is
   * reported through {@link NetworkFeed.protocol} as `<unit> is not JSON` / `is not a JSON object`.
   */
  protected parseJsonObject(text: string, unit: 'message' | 'line'): Record<string, unknown> | undefined {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.protocol(`${unit} is not JSON`, text);
      return undefined;
    }
    if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
    this.protocol(`${unit} is not a JSON object`, text);
    return undefined;
  }

  /** A message not in the venue's format: FEED_PROTOCOL, thrown or alerted as the policy says. */
  protected protocol(what: string, message: string): void {
    const context = {
      feed: this.name,
      message: message.length > 200 ? `${message.slice(0, 200)}…` : message,
    };
    if (this.#policy === 'reject') this.#fail(new FeedError('FEED_PROTOCOL', what, context));
    else this.alert('warn', 'FEED_PROTOCOL', `skipped: ${what}`, context);
  }

  protected alert(
    level: Alert['level'],
    code: FeedAlertCode,
    message: string,
    context: Record<string, unknown>,
  ): void {
    emitFeedAlert(this.#onAlert, this.clock, this.name, level, code, message, context);
  }

  #backpressureAlert(event: BackpressureEvent, highWaterMark: number, maxQueue: number): void {
    if (event.kind === 'conflating') {
      this.alert(
        'warn',
        'FEED_BACKPRESSURE',
        `consumer behind (${event.queued} ticks waiting): keeping only the latest quote per symbol until it catches up`,
        { queued: event.queued, highWaterMark },
      );
    } else if (event.kind === 'dropping') {
      this.alert(
        'warn',
        'FEED_BACKPRESSURE',
        `queue full (${maxQueue} ticks that cannot be conflated): dropping ticks until the consumer catches up`,
        { queued: event.queued, maxQueue },
      );
    } else {
      this.alert(
        'info',
        'FEED_BACKPRESSURE',
        `consumer caught up: ${event.conflated} quotes conflated and ${event.dropped} ticks dropped while it was behind`,
        { queued: event.queued, conflated: event.conflated, dropped: event.dropped },
      );
    }
  }

  /** Stops the connection and ends iteration with `err` (after the ticks already queued). */
  #fail(err: FeedError): void {
    this.#connection.stop();
    this.#queue.fail(err);
  }
}

/** Without a normalizer: fill the mid of a quote so the result is still a Tick. */
function finishRawTick(raw: RawTick): Tick {
  const price = raw.price ?? ((raw.bid as number) + (raw.ask as number)) / 2;
  return {
    symbol: raw.symbol,
    tsMs: raw.tsMs,
    price,
    ...(raw.bid !== undefined ? { bid: raw.bid, ask: raw.ask as number } : {}),
    ...(raw.volume !== undefined ? { volume: raw.volume } : {}),
    source: raw.source,
  };
}
