import { connect, type Socket } from 'node:net';
import { type Alert, type Clock, FeedError, SystemClock, type Tick } from '@omni/core';
import { MarketNormalizer, type RawTick } from './market-normalizer.js';
import {
  type AlertSink,
  type BadInputPolicy,
  emitFeedAlert,
  type FeedAlertCode,
  type PriceFeed,
} from './price-feed.js';
import { type BackoffOptions, ReconnectSchedule } from './reconnect-schedule.js';
import { TickQueue } from './tick-queue.js';

/** Options of an {@link Mt5BridgeFeed}. */
export interface Mt5BridgeFeedOptions {
  /** Bridge host. Default `127.0.0.1`. */
  readonly host?: string;
  readonly port: number;
  /** MT5 symbols to subscribe, e.g. `EURUSD` (sent as given; ticks are upper-cased by the normalizer). */
  readonly symbols: readonly string[];
  /** Seed of the reconnect jitter. Default 0. */
  readonly seed?: number | string;
  readonly backoff?: BackoffOptions;
  /** Give up (throw FEED_CONNECTION) after this many consecutive failed reconnects. Default unlimited. */
  readonly maxReconnects?: number;
  /** No line (tick or heartbeat) for this long → FEED_STALE alert, reconnect. Default 15 000 ms. */
  readonly staleTimeoutMs?: number;
  /** Lines not in the bridge protocol: `skip-and-alert` (default) or `reject`. */
  readonly policy?: BadInputPolicy;
  readonly onAlert?: AlertSink;
  /** Default: a MarketNormalizer with the same policy and sink; `null` to pass through. */
  readonly normalizer?: MarketNormalizer | null;
  readonly clock?: Clock;
  /** Longest accepted line in bytes (guards a peer that never sends a newline). Default 64 KiB. */
  readonly maxLineBytes?: number;
  readonly name?: string;
}

/**
 * Price feed from MetaTrader 5 through a bridge (an Expert Advisor or gateway) speaking
 * line-delimited JSON over TCP — see the package README, "MT5 bridge protocol":
 * client → bridge `{"type":"subscribe","symbols":["EURUSD"]}`; bridge → client
 * `{"type":"tick","symbol":"EURUSD","time_msc":1700000000123,"bid":1.0861,"ask":1.0862,"last":0,"volume":0}`
 * (field names as in MQL5's `MqlTick`), `{"type":"heartbeat","time_msc":...}` and `{"type":"error","message":"..."}`.
 * Why: MT5 has no public market-data socket; a small bridge is the documented way in.
 *
 * Reconnects with the same seeded exponential backoff as {@link BinanceFeed} and resubscribes.
 *
 * @example
 * const feed = new Mt5BridgeFeed({ port: 5555, symbols: ['EURUSD', 'XAUUSD'] });
 * for await (const tick of feed) features.update(tick);
 */
export class Mt5BridgeFeed implements PriceFeed {
  readonly name: string;
  readonly #host: string;
  readonly #port: number;
  readonly #symbols: readonly string[];
  readonly #reconnect: ReconnectSchedule;
  readonly #staleMs: number;
  readonly #policy: BadInputPolicy;
  readonly #onAlert: AlertSink | undefined;
  readonly #normalizer: MarketNormalizer | null;
  readonly #clock: Clock;
  readonly #maxLine: number;
  readonly #queue: TickQueue;
  #socket: Socket | undefined;
  #stopped = true;
  #connections = 0;
  #lastLineMs = 0;
  #carry = '';
  #staleTimer: NodeJS.Timeout | undefined;

  constructor(options: Mt5BridgeFeedOptions) {
    if (options.symbols.length === 0 || !Number.isInteger(options.port) || options.port <= 0) {
      throw new FeedError('FEED_BAD_OPTION', 'Mt5BridgeFeed needs a port and at least one symbol', {
        port: options.port,
        symbols: options.symbols.join(','),
      });
    }
    this.#host = options.host ?? '127.0.0.1';
    this.#port = options.port;
    this.#symbols = options.symbols;
    this.#reconnect = new ReconnectSchedule({
      seed: options.seed ?? 0,
      label: 'mt5/backoff',
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.maxReconnects !== undefined ? { maxReconnects: options.maxReconnects } : {}),
    });
    this.#staleMs = options.staleTimeoutMs ?? 15_000;
    this.#policy = options.policy ?? 'skip-and-alert';
    this.#onAlert = options.onAlert;
    this.#clock = options.clock ?? new SystemClock();
    this.#maxLine = options.maxLineBytes ?? 65_536;
    this.name = options.name ?? `mt5:${this.#symbols.join(',')}`;
    this.#queue = new TickQueue(
      5_000,
      1_000,
      () => this.#socket?.pause(),
      () => {
        this.#lastLineMs = this.#clock.nowMs();
        this.#socket?.resume();
      },
    );
    this.#normalizer =
      options.normalizer === undefined
        ? new MarketNormalizer({
            policy: this.#policy,
            ...(options.onAlert !== undefined ? { onAlert: options.onAlert } : {}),
            name: this.name,
          })
        : options.normalizer;
  }

  /** Connections opened so far. */
  get connections(): number {
    return this.#connections;
  }

  async start(): Promise<void> {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#queue.reset();
    this.#reconnect.succeeded();
    this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#staleTimer) clearInterval(this.#staleTimer);
    this.#reconnect.cancel();
    this.#staleTimer = undefined;
    this.#socket?.destroy();
    this.#socket = undefined;
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

  #connect(): void {
    if (this.#stopped) return;
    const socket = connect({ host: this.#host, port: this.#port });
    this.#socket = socket;
    this.#carry = '';
    let opened = false;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      if (this.#socket !== socket) return;
      opened = true;
      this.#connections++;
      this.#lastLineMs = this.#clock.nowMs();
      socket.write(`${JSON.stringify({ type: 'subscribe', symbols: this.#symbols })}\n`);
      if (this.#staleTimer) clearInterval(this.#staleTimer);
      this.#staleTimer = setInterval(
        () => {
          if (this.#queue.paused) return;
          const silentMs = this.#clock.nowMs() - this.#lastLineMs;
          if (silentMs >= this.#staleMs) {
            this.#alert('warn', 'FEED_STALE', `no line from the bridge for ${silentMs} ms; reconnecting`, {});
            socket.destroy();
          }
        },
        Math.max(10, Math.floor(this.#staleMs / 4)),
      );
      if (this.#connections > 1) this.#alert('info', 'FEED_CONNECTION', 'reconnected and resubscribed', {});
    });
    socket.on('data', (chunk: string) => {
      if (this.#socket !== socket) return;
      this.#lastLineMs = this.#clock.nowMs();
      let text = this.#carry + chunk;
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        const line = text.slice(start, nl).trim();
        start = nl + 1;
        if (line !== '') this.#onLine(line);
        if (this.#stopped) return;
      }
      text = text.slice(start);
      if (text.length > this.#maxLine) {
        this.#protocol(`line longer than ${this.#maxLine} bytes without a newline`, text.slice(0, 200));
        text = '';
      }
      this.#carry = text;
    });
    socket.on('error', () => {
      // 'close' follows; reconnecting is handled there.
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      if (this.#staleTimer) clearInterval(this.#staleTimer);
      this.#staleTimer = undefined;
      if (this.#stopped) return;
      this.#scheduleReconnect(opened ? 'bridge closed the connection' : 'cannot connect to the bridge');
    });
  }

  #scheduleReconnect(why: string): void {
    if (this.#reconnect.exhausted) {
      this.#fail(
        new FeedError(
          'FEED_CONNECTION',
          `giving up after ${this.#reconnect.attempt} reconnect attempts: ${why}`,
          {
            feed: this.name,
            host: this.#host,
            port: this.#port,
          },
        ),
      );
      return;
    }
    const delayMs = this.#reconnect.schedule(() => this.#connect());
    this.#alert('warn', 'FEED_CONNECTION', `${why}; reconnecting in ${delayMs} ms`, {
      attempt: this.#reconnect.attempt,
      delayMs,
    });
  }

  #onLine(line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      this.#protocol('line is not JSON', line);
      return;
    }
    if (typeof msg !== 'object' || msg === null) {
      this.#protocol('line is not a JSON object', line);
      return;
    }
    const m = msg as Record<string, unknown>;
    if (m['type'] === 'heartbeat') return;
    if (m['type'] === 'error') {
      this.#alert('warn', 'FEED_PROTOCOL', `bridge reported: ${String(m['message'])}`, {});
      return;
    }
    if (m['type'] !== 'tick' || typeof m['symbol'] !== 'string' || typeof m['time_msc'] !== 'number') {
      this.#protocol('expected {"type":"tick","symbol","time_msc",...}', line);
      return;
    }
    const num = (key: string): number | undefined =>
      typeof m[key] === 'number' ? (m[key] as number) : undefined;
    const bid = num('bid');
    const ask = num('ask');
    const last = num('last');
    const volume = num('volume');
    const raw: RawTick = {
      symbol: m['symbol'],
      tsMs: m['time_msc'],
      price: bid !== undefined && ask !== undefined ? undefined : last,
      bid,
      ask,
      volume,
      source: `mt5:${m['symbol']}`,
    };
    this.#reconnect.succeeded();
    try {
      const tick = this.#normalizer
        ? this.#normalizer.normalize(raw, { message: line.slice(0, 200) })
        : ({ ...raw, price: raw.price ?? ((bid as number) + (ask as number)) / 2 } as Tick);
      if (tick !== undefined) this.#queue.push(tick);
    } catch (err) {
      if (err instanceof FeedError) this.#fail(err);
      else throw err;
    }
  }

  #protocol(what: string, line: string): void {
    const context = { feed: this.name, message: line.length > 200 ? `${line.slice(0, 200)}…` : line };
    if (this.#policy === 'reject') this.#fail(new FeedError('FEED_PROTOCOL', what, context));
    else this.#alert('warn', 'FEED_PROTOCOL', `skipped: ${what}`, context);
  }

  #fail(err: FeedError): void {
    this.#stopped = true;
    if (this.#staleTimer) clearInterval(this.#staleTimer);
    this.#staleTimer = undefined;
    this.#socket?.destroy();
    this.#socket = undefined;
    this.#queue.fail(err);
  }

  #alert(
    level: Alert['level'],
    code: FeedAlertCode,
    message: string,
    context: Record<string, unknown>,
  ): void {
    emitFeedAlert(this.#onAlert, this.#clock, this.name, level, code, message, context);
  }
}
