import { type Alert, type Clock, FeedError, SystemClock, type Tick } from '@omni/core';
import WebSocket from 'ws';
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

/** Options of a {@link BinanceFeed}. */
export interface BinanceFeedOptions {
  /** Stream names, e.g. `btcusdt@trade`, `ethusdt@bookTicker` (symbol lower-cased on use). */
  readonly streams: readonly string[];
  /** Base URL. Default `wss://stream.binance.com:9443`; tests pass `ws://127.0.0.1:<port>`. */
  readonly baseUrl?: string;
  /** Seed of the reconnect jitter. Default 0. */
  readonly seed?: number | string;
  readonly backoff?: BackoffOptions;
  /** Give up (throw FEED_CONNECTION) after this many consecutive failed reconnects. Default unlimited. */
  readonly maxReconnects?: number;
  /** No data message for this long → FEED_STALE alert, drop the socket, reconnect. Default 60 000 ms. */
  readonly staleTimeoutMs?: number;
  /** Client ping interval (Binance answers pings with pongs; the client also answers server pings). Default 20 000 ms. */
  readonly pingIntervalMs?: number;
  /** Pause reading the socket when this many ticks wait for the consumer. Default 5 000. */
  readonly highWaterMark?: number;
  /** Resume reading when the queue drains to this many. Default 1 000. */
  readonly lowWaterMark?: number;
  /** Messages not in Binance's format: `skip-and-alert` (default) or `reject` (the iterator throws). */
  readonly policy?: BadInputPolicy;
  readonly onAlert?: AlertSink;
  /** Cleans ticks. Default: a MarketNormalizer with the same policy and sink; `null` to pass through. */
  readonly normalizer?: MarketNormalizer | null;
  /** Timestamps book tickers (which carry no time on spot) and alerts. Default SystemClock. */
  readonly clock?: Clock;
  /** Feed name. Default `binance:<streams>`. */
  readonly name?: string;
}

interface TradePayload {
  readonly e: 'trade';
  readonly s: string;
  readonly p: string;
  readonly q: string;
  readonly T: number;
}

interface BookTickerPayload {
  readonly s: string;
  readonly b: string;
  readonly a: string;
  readonly E?: number;
  readonly T?: number;
}

/**
 * Binance spot market data over WebSocket (a PriceFeedAdapter): `<symbol>@trade` and
 * `<symbol>@bookTicker` on one combined-stream connection (`/stream?streams=a/b`, envelope
 * `{"stream","data"}`), in Binance's documented payload formats.
 *
 * Keeps itself alive: client pings (and automatic pongs to server pings), stale-stream detection,
 * reconnect with exponential backoff and seeded jitter, resubscription of every stream (including
 * ones added with {@link BinanceFeed.subscribe}) on each reconnect, and backpressure (the socket is
 * paused while the consumer is behind, so a slow consumer loses nothing and memory stays bounded).
 *
 * @example
 * const feed = new BinanceFeed({ streams: ['btcusdt@trade', 'btcusdt@bookTicker'], onAlert: (a) => logger.logAlert(a) });
 * for await (const tick of feed) features.update(tick);
 */
export class BinanceFeed implements PriceFeed {
  readonly name: string;
  readonly #baseUrl: string;
  readonly #streams: Set<string>;
  readonly #reconnect: ReconnectSchedule;
  readonly #staleMs: number;
  readonly #pingMs: number;
  readonly #high: number;
  readonly #low: number;
  readonly #policy: BadInputPolicy;
  readonly #onAlert: AlertSink | undefined;
  readonly #normalizer: MarketNormalizer | null;
  readonly #clock: Clock;
  readonly #queue: TickQueue;
  #ws: WebSocket | undefined;
  #stopped = true;
  #connections = 0;
  #nextId = 1;
  #lastDataMs = 0;
  #staleTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;

  constructor(options: BinanceFeedOptions) {
    if (options.streams.length === 0) {
      throw new FeedError('FEED_BAD_OPTION', 'BinanceFeed needs at least one stream, e.g. btcusdt@trade', {});
    }
    this.#streams = new Set(options.streams.map(canonicalStream));
    for (const s of this.#streams) checkStreamName(s);
    this.#baseUrl = (options.baseUrl ?? 'wss://stream.binance.com:9443').replace(/\/+$/, '');
    this.#reconnect = new ReconnectSchedule({
      seed: options.seed ?? 0,
      label: 'binance/backoff',
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.maxReconnects !== undefined ? { maxReconnects: options.maxReconnects } : {}),
    });
    this.#staleMs = options.staleTimeoutMs ?? 60_000;
    this.#pingMs = options.pingIntervalMs ?? 20_000;
    this.#high = options.highWaterMark ?? 5_000;
    this.#low = options.lowWaterMark ?? 1_000;
    this.#policy = options.policy ?? 'skip-and-alert';
    this.#onAlert = options.onAlert;
    this.#clock = options.clock ?? new SystemClock();
    this.name = options.name ?? `binance:${[...this.#streams].join('/')}`;
    if (
      !(this.#staleMs > 0 && this.#pingMs > 0 && this.#high >= 1 && this.#low >= 0 && this.#low < this.#high)
    ) {
      throw new FeedError(
        'FEED_BAD_OPTION',
        'need staleTimeoutMs > 0, pingIntervalMs > 0, 0 <= lowWaterMark < highWaterMark',
        {
          staleTimeoutMs: options.staleTimeoutMs,
          pingIntervalMs: options.pingIntervalMs,
          highWaterMark: options.highWaterMark,
          lowWaterMark: options.lowWaterMark,
        },
      );
    }
    this.#queue = new TickQueue(
      this.#high,
      this.#low,
      () => this.#ws?.pause(),
      () => {
        this.#lastDataMs = this.#clock.nowMs();
        this.#ws?.resume();
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

  /** The streams (re)subscribed on every connection. */
  get streams(): readonly string[] {
    return [...this.#streams];
  }

  /** Connections opened so far (1 + successful reconnects). */
  get connections(): number {
    return this.#connections;
  }

  /** True while the socket is paused because the consumer is behind. */
  get paused(): boolean {
    return this.#queue.paused;
  }

  /** The combined-stream URL for the current stream set. */
  url(): string {
    return `${this.#baseUrl}/stream?streams=${[...this.#streams].join('/')}`;
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
    this.#clearTimers();
    this.#reconnect.cancel();
    const ws = this.#ws;
    this.#ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) ws.terminate();
    this.#queue.end();
  }

  /** Adds streams: sent as a live SUBSCRIBE now and included in the URL of every reconnect. */
  subscribe(streams: readonly string[]): void {
    const added = streams.map(canonicalStream).filter((s) => !this.#streams.has(s));
    for (const s of added) checkStreamName(s);
    for (const s of added) this.#streams.add(s);
    if (added.length > 0) this.#send('SUBSCRIBE', added);
  }

  /** Removes streams (live UNSUBSCRIBE; not resubscribed on reconnect). */
  unsubscribe(streams: readonly string[]): void {
    const removed = streams.map(canonicalStream).filter((s) => this.#streams.delete(s));
    if (removed.length > 0) this.#send('UNSUBSCRIBE', removed);
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
    const ws = new WebSocket(this.url());
    this.#ws = ws;
    let opened = false;
    ws.on('open', () => {
      if (this.#ws !== ws) return;
      opened = true;
      this.#connections++;
      this.#lastDataMs = this.#clock.nowMs();
      this.#startTimers(ws);
      if (this.#connections > 1) {
        this.#alert('info', 'FEED_CONNECTION', 'reconnected and resubscribed', {
          streams: this.streams.join('/'),
        });
      }
    });
    ws.on('message', (data, isBinary) => {
      if (this.#ws !== ws) return;
      this.#lastDataMs = this.#clock.nowMs();
      this.#onMessage(data, isBinary);
    });
    ws.on('error', () => {
      // 'close' follows every error; reconnecting is handled there.
    });
    ws.on('close', (code) => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      this.#clearTimers();
      if (this.#stopped) return;
      this.#scheduleReconnect(opened ? `socket closed (code ${code})` : 'connection failed');
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
            url: this.#baseUrl,
          },
        ),
      );
      return;
    }
    const delayMs = this.#reconnect.schedule(() => this.#connect());
    this.#alert('warn', 'FEED_CONNECTION', `${why}; reconnecting in ${delayMs} ms`, {
      attempt: this.#reconnect.attempt,
      delayMs,
      url: this.#baseUrl,
    });
  }

  #startTimers(ws: WebSocket): void {
    this.#clearTimers();
    this.#pingTimer = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }, this.#pingMs);
    const check = Math.max(10, Math.floor(this.#staleMs / 4));
    this.#staleTimer = setInterval(() => {
      if (this.#queue.paused) {
        this.#lastDataMs = this.#clock.nowMs();
        return;
      }
      const silentMs = this.#clock.nowMs() - this.#lastDataMs;
      if (silentMs >= this.#staleMs) {
        this.#alert('warn', 'FEED_STALE', `no message for ${silentMs} ms; dropping the connection`, {
          staleTimeoutMs: this.#staleMs,
        });
        ws.terminate();
      }
    }, check);
  }

  #clearTimers(): void {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    if (this.#staleTimer) clearInterval(this.#staleTimer);
    this.#pingTimer = undefined;
    this.#staleTimer = undefined;
  }

  #send(method: 'SUBSCRIBE' | 'UNSUBSCRIBE', params: readonly string[]): void {
    const ws = this.#ws;
    if (ws && ws.readyState === WebSocket.OPEN)
      ws.send(JSON.stringify({ method, params, id: this.#nextId++ }));
  }

  #onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    const text = isBinary ? undefined : data.toString();
    if (text === undefined) {
      this.#protocol('binary frame; Binance market streams send JSON text', '<binary>');
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.#protocol('message is not JSON', text);
      return;
    }
    if (typeof msg !== 'object' || msg === null) {
      this.#protocol('message is not a JSON object', text);
      return;
    }
    const m = msg as Record<string, unknown>;
    if ('id' in m && ('result' in m || 'error' in m)) {
      if (m['error'] !== undefined && m['error'] !== null)
        this.#protocol('subscription request refused', text);
      this.#reconnect.succeeded();
      return;
    }
    const stream = m['stream'];
    const payload = m['data'];
    if (typeof stream !== 'string' || typeof payload !== 'object' || payload === null) {
      this.#protocol('expected a combined-stream envelope {"stream","data"}', text);
      return;
    }
    const raw = this.#toRawTick(stream, payload as Record<string, unknown>);
    if (raw === undefined) {
      this.#protocol(`unsupported or malformed ${stream} payload`, text);
      return;
    }
    this.#reconnect.succeeded();
    let tick: Tick | undefined;
    try {
      tick = this.#normalizer
        ? this.#normalizer.normalize(raw, { message: text.slice(0, 200) })
        : finish(raw);
    } catch (err) {
      if (err instanceof FeedError) {
        this.#fail(err);
        return;
      }
      throw err;
    }
    if (tick !== undefined) this.#queue.push(tick);
  }

  #toRawTick(stream: string, d: Record<string, unknown>): RawTick | undefined {
    const source = `binance:${stream}`;
    if (stream.endsWith('@trade')) {
      if (
        d['e'] !== 'trade' ||
        typeof d['s'] !== 'string' ||
        typeof d['p'] !== 'string' ||
        typeof d['T'] !== 'number'
      ) {
        return undefined;
      }
      const t = d as unknown as TradePayload;
      return {
        symbol: t.s,
        tsMs: t.T,
        price: Number(t.p),
        volume: typeof t.q === 'string' ? Number(t.q) : undefined,
        source,
      };
    }
    if (stream.endsWith('@bookTicker')) {
      if (typeof d['s'] !== 'string' || typeof d['b'] !== 'string' || typeof d['a'] !== 'string')
        return undefined;
      const b = d as unknown as BookTickerPayload;
      const tsMs = typeof b.T === 'number' ? b.T : typeof b.E === 'number' ? b.E : this.#clock.nowMs();
      return { symbol: b.s, tsMs, bid: Number(b.b), ask: Number(b.a), source };
    }
    return undefined;
  }

  #protocol(what: string, text: string): void {
    const context = { feed: this.name, message: text.length > 200 ? `${text.slice(0, 200)}…` : text };
    if (this.#policy === 'reject') {
      this.#fail(new FeedError('FEED_PROTOCOL', what, context));
      return;
    }
    this.#alert('warn', 'FEED_PROTOCOL', `skipped: ${what}`, context);
  }

  #fail(err: FeedError): void {
    this.#stopped = true;
    this.#clearTimers();
    const ws = this.#ws;
    this.#ws = undefined;
    ws?.terminate();
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

/** Binance stream names: lower-case symbol, case-sensitive type (`btcusdt@trade`, `btcusdt@bookTicker`). */
function canonicalStream(stream: string): string {
  const at = stream.indexOf('@');
  if (at < 0) return stream;
  const kind = stream.slice(at + 1);
  return `${stream.slice(0, at).toLowerCase()}@${kind.toLowerCase() === 'bookticker' ? 'bookTicker' : kind.toLowerCase()}`;
}

function checkStreamName(stream: string): void {
  if (!/^[a-z0-9]+@(trade|bookTicker)$/.test(stream)) {
    throw new FeedError(
      'FEED_BAD_OPTION',
      'BinanceFeed supports <symbol>@trade and <symbol>@bookTicker streams',
      {
        stream,
      },
    );
  }
}

/** Without a normalizer: fill the mid of a quote so the result is still a Tick. */
function finish(raw: RawTick): Tick {
  const price = raw.price ?? ((raw.bid as number) + (raw.ask as number)) / 2;
  return raw.bid !== undefined
    ? { symbol: raw.symbol, tsMs: raw.tsMs, price, bid: raw.bid, ask: raw.ask as number, source: raw.source }
    : {
        symbol: raw.symbol,
        tsMs: raw.tsMs,
        price,
        ...(raw.volume !== undefined ? { volume: raw.volume } : {}),
        source: raw.source,
      };
}
