import type { LinkEvents } from '@omni/connection';
import { FeedError } from '@omni/core';
import { MarketNormalizer, NetworkFeed, type NetworkFeedOptions } from '@omni/feeds';
import WebSocket from 'ws';
import { DERIV_DEFAULT_WS_URL } from './deriv-client-options.js';
import { type DerivLink, openDerivLink } from './deriv-link.js';
import { DerivFrameSchema, readBody, TickBodySchema } from './deriv-protocol.js';

/** Options of a {@link DerivFeed}. */
export interface DerivFeedOptions extends NetworkFeedOptions {
  /** Deriv symbols, e.g. `R_100`, `frxEURUSD`. */
  readonly symbols: readonly string[];
  /** The app id registered with Deriv. */
  readonly appId: string;
  /** Default the public endpoint; tests pass `ws://127.0.0.1:<port>`. */
  readonly wsUrl?: string;
  /** A `{"ping":1}` request this often. Default 30 000 ms. */
  readonly pingIntervalMs?: number;
  /** Larger frames are refused (ws `maxPayload`): alert, reconnect. Default 1 MiB. */
  readonly maxFrameBytes?: number;
}

/**
 * Deriv ticks as a price feed: one public (unauthorized) WebSocket with a `ticks` subscription
 * (`subscribe: 1`) per symbol, sent again on every reconnect; `quote` → price (with `bid`/`ask`
 * when Deriv sends both), `epoch` (s) → `tsMs`, source `deriv:<symbol>`. Reconnects, keep-alive
 * pings, stale detection and backpressure come from {@link NetworkFeed}. It does not share the
 * broker's authorized connection: ticks need no token, and a feed reconnect never disturbs a buy.
 *
 * @example
 * const feed = new DerivFeed({ symbols: ['R_100'], appId: '1089', onAlert });
 * for await (const tick of feed) engine.onTick(tick);
 */
export class DerivFeed extends NetworkFeed<DerivLink> {
  readonly url: string;
  readonly symbols: readonly string[];
  readonly #maxFrameBytes: number;
  #nextReqId = 1;

  constructor(options: DerivFeedOptions) {
    if (options.symbols.length === 0 || !/^\d+$/.test(options.appId)) {
      throw new FeedError('FEED_BAD_OPTION', 'DerivFeed needs at least one symbol and a numeric app id', {
        symbols: options.symbols.length,
      });
    }
    const symbols = [...new Set(options.symbols)];
    const url = `${(options.wsUrl ?? DERIV_DEFAULT_WS_URL).replace(/\/+$/, '')}?app_id=${options.appId}`;
    const name = options.name ?? `deriv:${symbols.join(',')}`;
    // Deriv symbols are case-sensitive (frxEURUSD): the normalizer keeps their case.
    const normalizer =
      options.normalizer !== undefined
        ? options.normalizer
        : new MarketNormalizer({
            policy: options.policy ?? 'skip-and-alert',
            ...(options.onAlert !== undefined ? { onAlert: options.onAlert } : {}),
            name,
            symbolCase: 'keep',
          });
    super(
      { ...options, normalizer },
      {
        name,
        backoffLabel: 'deriv-feed/backoff',
        defaultStaleTimeoutMs: 60_000,
        pingIntervalMs: options.pingIntervalMs ?? 30_000,
        unreachable: 'cannot connect to Deriv',
        silence: 'tick or pong',
        endpoint: { url: url.replace(/\?.*$/, '') },
      },
    );
    this.url = url;
    this.symbols = symbols;
    this.#maxFrameBytes = options.maxFrameBytes ?? 1_048_576;
  }

  protected openLink(events: LinkEvents): DerivLink {
    return openDerivLink(this.url, this.#maxFrameBytes, events, {
      onText: (text) => this.#onText(text),
      onOversized: () => this.protocol(`frame over maxFrameBytes (${this.#maxFrameBytes}); reconnecting`, ''),
      ping: (link) => this.#send(link, { ping: 1 }),
    });
  }

  protected opened(link: DerivLink): void {
    for (const symbol of this.symbols) this.#send(link, { ticks: symbol, subscribe: 1 });
  }

  protected override subscription(): Record<string, unknown> {
    return { symbols: this.symbols.join(',') };
  }

  #send(link: DerivLink, body: Record<string, unknown>): void {
    if (link.socket.readyState === WebSocket.OPEN)
      link.socket.send(JSON.stringify({ ...body, req_id: this.#nextReqId++ }));
  }

  #onText(text: string): void {
    const value = this.parseJsonObject(text, 'message');
    if (value === undefined) return;
    const parsed = DerivFrameSchema.safeParse(value);
    if (!parsed.success) {
      this.protocol('not a Deriv answer (no echo_req)', text);
      return;
    }
    const frame = parsed.data;
    if (frame.error !== undefined) {
      this.protocol(
        `Deriv answered ${frame.msg_type ?? 'a request'} with ${frame.error.code}: ${frame.error.message}`,
        text,
      );
      return;
    }
    if (frame.msg_type !== 'tick' && frame['tick'] === undefined) {
      this.healthy();
      return;
    }
    const tick = readBody(frame, 'tick', TickBodySchema);
    if (tick === undefined) {
      this.protocol('malformed tick', text);
      return;
    }
    const quoted = tick.bid !== undefined && tick.ask !== undefined && tick.bid <= tick.ask;
    this.deliver(
      {
        symbol: tick.symbol,
        tsMs: tick.epoch * 1000,
        price: tick.quote,
        ...(quoted ? { bid: tick.bid, ask: tick.ask } : {}),
        source: `deriv:${tick.symbol}`,
      },
      text,
    );
  }
}
