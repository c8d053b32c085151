import type { ConnectionLink, LinkEvents } from '@omni/connection';
import { FeedError } from '@omni/core';
import { NetworkFeed, type NetworkFeedOptions, type RawTick } from '@omni/feeds';
import WebSocket from 'ws';

/** Options of a {@link BinanceFeed}. */
export interface BinanceFeedOptions extends NetworkFeedOptions {
  /** Stream names, e.g. `btcusdt@trade`, `ethusdt@bookTicker` (symbol lower-cased on use). */
  readonly streams: readonly string[];
  /** Base URL. Default `wss://stream.binance.com:9443`; tests pass `ws://127.0.0.1:<port>`. */
  readonly baseUrl?: string;
  /** Client ping interval (Binance answers pings with pongs; the client also answers server pings). Default 20 000 ms. */
  readonly pingIntervalMs?: number;
}

/** One WebSocket connection of a {@link BinanceFeed}. */
interface BinanceLink extends ConnectionLink {
  readonly socket: WebSocket;
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
 * Keeps itself alive through {@link NetworkFeed}: client pings (and automatic pongs to server
 * pings), stale-stream detection (default 60 s), reconnect with exponential backoff and seeded
 * jitter, resubscription of every stream (including ones added with {@link BinanceFeed.subscribe})
 * on each reconnect, and NetworkFeed's overload policy (while the consumer is behind, only the
 * latest `bookTicker` quote per symbol is kept and trades pause the socket: memory stays bounded).
 *
 * @example
 * const feed = new BinanceFeed({ streams: ['btcusdt@trade', 'btcusdt@bookTicker'], onAlert: (a) => logger.logAlert(a) });
 * for await (const tick of feed) features.update(tick);
 */
export class BinanceFeed extends NetworkFeed<BinanceLink> {
  readonly #baseUrl: string;
  readonly #streams: Set<string>;
  #nextId = 1;

  constructor(options: BinanceFeedOptions) {
    if (options.streams.length === 0) {
      throw new FeedError('FEED_BAD_OPTION', 'BinanceFeed needs at least one stream, e.g. btcusdt@trade', {});
    }
    const streams = options.streams.map(canonicalStream);
    for (const s of streams) checkStreamName(s);
    const baseUrl = (options.baseUrl ?? 'wss://stream.binance.com:9443').replace(/\/+$/, '');
    super(options, {
      name: `binance:${[...new Set(streams)].join('/')}`,
      backoffLabel: 'binance/backoff',
      defaultStaleTimeoutMs: 60_000,
      pingIntervalMs: options.pingIntervalMs ?? 20_000,
      unreachable: 'connection failed',
      silence: 'message',
      endpoint: { url: baseUrl },
    });
    this.#baseUrl = baseUrl;
    this.#streams = new Set(streams);
  }

  /** The streams (re)subscribed on every connection. */
  get streams(): readonly string[] {
    return [...this.#streams];
  }

  /** The combined-stream URL for the current stream set. */
  url(): string {
    return `${this.#baseUrl}/stream?streams=${[...this.#streams].join('/')}`;
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

  protected openLink(events: LinkEvents): BinanceLink {
    const ws = new WebSocket(this.url());
    ws.on('open', () => events.opened());
    ws.on('message', (data, isBinary) => {
      if (events.received()) this.#onMessage(data, isBinary);
    });
    ws.on('error', () => {
      // 'close' follows every error; reconnecting is handled there.
    });
    ws.on('close', (code) => events.closed(`socket closed (code ${code})`));
    return {
      socket: ws,
      pause: () => ws.pause(),
      resume: () => ws.resume(),
      ping: () => {
        if (ws.readyState === WebSocket.OPEN) ws.ping();
      },
      destroy: () => {
        if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
      },
    };
  }

  /** The streams are in the URL: nothing to send on open. */
  protected opened(): void {}

  protected override subscription(): Record<string, unknown> {
    return { streams: this.streams.join('/') };
  }

  #send(method: 'SUBSCRIBE' | 'UNSUBSCRIBE', params: readonly string[]): void {
    const ws = this.link?.socket;
    if (ws && ws.readyState === WebSocket.OPEN)
      ws.send(JSON.stringify({ method, params, id: this.#nextId++ }));
  }

  #onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    const text = isBinary ? undefined : data.toString();
    if (text === undefined) {
      this.protocol('binary frame; Binance market streams send JSON text', '<binary>');
      return;
    }
    const m = this.parseJsonObject(text, 'message');
    if (m === undefined) return;
    if ('id' in m && ('result' in m || 'error' in m)) {
      if (m['error'] !== undefined && m['error'] !== null)
        this.protocol('subscription request refused', text);
      this.healthy();
      return;
    }
    const stream = m['stream'];
    const payload = m['data'];
    if (typeof stream !== 'string' || typeof payload !== 'object' || payload === null) {
      this.protocol('expected a combined-stream envelope {"stream","data"}', text);
      return;
    }
    const raw = this.#toRawTick(stream, payload as Record<string, unknown>);
    if (raw === undefined) {
      this.protocol(`unsupported or malformed ${stream} payload`, text);
      return;
    }
    this.deliver(raw, text);
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
      const tsMs = typeof b.T === 'number' ? b.T : typeof b.E === 'number' ? b.E : this.clock.nowMs();
      return { symbol: b.s, tsMs, bid: Number(b.b), ask: Number(b.a), source };
    }
    return undefined;
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
