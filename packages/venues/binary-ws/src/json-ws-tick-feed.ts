import type { LinkEvents } from '@omni/connection';
import { FeedError, type Secret, scrubSecrets } from '@omni/core';
import { NetworkFeed, type NetworkFeedOptions, type RawTick } from '@omni/feeds';
import { BinaryWsError } from './binary-ws-error.js';
import { type CompiledPath, compilePath, readId, readNumber, readPath } from './dot-path.js';
import type { JsonWsProtocol } from './protocol-schema.js';
import { ReplyReader } from './reply-reader.js';
import { fillTemplate } from './template.js';
import { openWsLink, type WsLink } from './ws-link.js';

/** Options of a {@link JsonWsTickFeed}. */
export interface JsonWsTickFeedOptions extends NetworkFeedOptions {
  /** A protocol with a `ticks` operation. */
  readonly protocol: JsonWsProtocol;
  readonly url: Secret;
  /** Filled into `{{token}}` of the login frame sent before subscribing (`ticks.authenticate`). */
  readonly token?: Secret;
  /** The platform's symbols, one subscription each. */
  readonly symbols: readonly string[];
  /** Platform symbol → the engine's name for it, given to the ticks (e.g. `{ "EURUSD_otc": "EURUSD" }`). Default: as is. */
  readonly engineSymbols?: Readonly<Record<string, string>>;
  /** Client pings (WebSocket ping frames). Default 20 000 ms. */
  readonly pingIntervalMs?: number;
}

interface QuotePaths {
  readonly when: CompiledPath;
  readonly symbol: CompiledPath;
  readonly price: CompiledPath | undefined;
  readonly bid: CompiledPath | undefined;
  readonly ask: CompiledPath | undefined;
  readonly time: CompiledPath | undefined;
}

const opt = (path: string | undefined): CompiledPath | undefined =>
  path === undefined ? undefined : compilePath(path);

/**
 * The price feed of a configured JSON-over-WebSocket platform whose protocol has a `ticks` operation:
 * on each (re)connect it sends the login frame (when `ticks.authenticate`) and one subscription per
 * symbol, and turns every pushed quote (`ticks.quotes.when`) into a tick. Reconnects, pings, stale
 * detection and backpressure come from {@link NetworkFeed}; replies and acknowledgements are read
 * and dropped, an error reply or an unknown frame is `FEED_PROTOCOL` (skipped with an alert). Quote
 * paths are split once, so a quote costs its `JSON.parse` and a few property reads.
 *
 * @example
 * const feed = new JsonWsTickFeed({ protocol, url, token, symbols: ['EURUSD'], onAlert });
 * for await (const tick of feed) features.update(tick);
 */
export class JsonWsTickFeed extends NetworkFeed<WsLink> {
  readonly #p: JsonWsProtocol;
  readonly #url: Secret;
  readonly #token: Secret | undefined;
  readonly #symbols: readonly string[];
  readonly #engineSymbols: ReadonlyMap<string, string>;
  readonly #reader: ReplyReader;
  readonly #q: QuotePaths;
  readonly #equals: string | number | boolean;
  readonly #timeScale: number;
  readonly #source: string;
  #reqId = 1;

  constructor(options: JsonWsTickFeedOptions) {
    const ticks = options.protocol.operations.ticks;
    if (ticks === undefined) throw noFeed(options.protocol.venue);
    if (options.symbols.length === 0) {
      throw new FeedError('FEED_BAD_OPTION', 'JsonWsTickFeed needs at least one symbol', {
        venue: options.protocol.venue,
      });
    }
    const venue = options.protocol.venue;
    super(options, {
      name: `${venue}:${options.symbols.join(',')}`,
      backoffLabel: `${venue}/feed-backoff`,
      defaultStaleTimeoutMs: 60_000,
      pingIntervalMs: options.pingIntervalMs ?? 20_000,
      unreachable: `cannot connect to ${venue}`,
      silence: 'frame',
      endpoint: { venue },
    });
    this.#p = options.protocol;
    this.#url = options.url;
    this.#token = options.token;
    this.#symbols = [...options.symbols];
    this.#engineSymbols = new Map(Object.entries(options.engineSymbols ?? {}));
    this.#reader = new ReplyReader(options.protocol);
    const q = ticks.quotes;
    this.#q = {
      when: compilePath(q.when.path),
      symbol: compilePath(q.symbol),
      price: opt(q.price),
      bid: opt(q.bid),
      ask: opt(q.ask),
      time: opt(q.time),
    };
    this.#equals = q.when.equals;
    this.#timeScale = q.timeUnit === 's' ? 1000 : 1;
    this.#source = `binary-ws:${venue}`;
  }

  protected openLink(events: LinkEvents): WsLink {
    const limits = { maxPayload: this.#p.maxFrameBytes, handshakeTimeoutMs: this.#p.requestTimeoutMs };
    return openWsLink(this.#url.reveal(), events, { frame: (text) => this.#onFrame(text) }, limits);
  }

  /** Logs in (when configured) and subscribes every symbol; replies are not awaited (quotes are the proof). */
  protected opened(link: WsLink): void {
    const ticks = this.#p.operations.ticks;
    if (ticks === undefined) return;
    const token = this.#token?.reveal() ?? '';
    if (ticks.authenticate) {
      link.send(
        JSON.stringify(fillTemplate(this.#p.operations.auth.request, { token, reqId: this.#reqId++ })),
      );
    }
    for (const symbol of this.#symbols) {
      link.send(JSON.stringify(fillTemplate(ticks.request, { token, symbol, reqId: this.#reqId++ })));
    }
  }

  protected override subscription(): Record<string, unknown> {
    return { symbols: this.#symbols.join(',') };
  }

  #onFrame(text: string | undefined): void {
    if (text === undefined) {
      this.protocol('a binary frame (the protocol is JSON text)', '<binary>');
      return;
    }
    const m = this.parseJsonObject(text, 'message');
    if (m === undefined) return;
    const q = this.#q;
    if (readPath(m, q.when) === this.#equals) {
      const raw = this.#quote(m);
      if (raw === undefined)
        this.protocol('a quote without a symbol, a price or bid/ask, or a time', scrubSecrets(text));
      else this.deliver(raw, text);
      return;
    }
    const error = this.#reader.errorOf(m);
    if (error !== undefined) {
      this.protocol(`${this.#p.venue} answered with error ${error.code}`, scrubSecrets(text));
      return;
    }
    if (this.#reader.replyKey(m) !== undefined) {
      this.healthy();
      return;
    }
    this.protocol('neither a quote nor a reply', scrubSecrets(text));
  }

  #quote(m: Record<string, unknown>): RawTick | undefined {
    const q = this.#q;
    const platformSymbol = readId(m, q.symbol);
    const symbol =
      platformSymbol === undefined ? undefined : (this.#engineSymbols.get(platformSymbol) ?? platformSymbol);
    const rawTime = q.time === undefined ? this.clock.nowMs() : readNumber(m, q.time);
    if (symbol === undefined || rawTime === undefined) return undefined;
    const tsMs = q.time === undefined ? rawTime : rawTime * this.#timeScale;
    if (q.price !== undefined) {
      const price = readNumber(m, q.price);
      return price === undefined ? undefined : { symbol, tsMs, price, source: this.#source };
    }
    const bid = q.bid === undefined ? undefined : readNumber(m, q.bid);
    const ask = q.ask === undefined ? undefined : readNumber(m, q.ask);
    if (bid === undefined || ask === undefined) return undefined;
    return { symbol, tsMs, bid, ask, source: this.#source };
  }
}

/** `BINARY_WS_NO_FEED`: the platform's protocol has no tick subscription. */
export function noFeed(venue: string): BinaryWsError {
  return new BinaryWsError(
    'BINARY_WS_NO_FEED',
    `${venue} gives no price feed (its protocol has no operations.ticks): run the engine on another venue's feed of the same market, or add a ticks operation if the platform has one`,
    { venue },
  );
}
