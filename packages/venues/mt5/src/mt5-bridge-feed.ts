import { connect, type Socket } from 'node:net';
import type { ConnectionLink, LinkEvents } from '@omni/connection';
import { FeedError } from '@omni/core';
import { NetworkFeed, type NetworkFeedOptions, type RawTick } from '@omni/feeds';

/** Options of an {@link Mt5BridgeFeed}. */
export interface Mt5BridgeFeedOptions extends NetworkFeedOptions {
  /** Bridge host. Default `127.0.0.1`. */
  readonly host?: string;
  readonly port: number;
  /** MT5 symbols to subscribe, e.g. `EURUSD` (sent as given; ticks are upper-cased by the normalizer). */
  readonly symbols: readonly string[];
  /** Longest accepted line in bytes (guards a peer that never sends a newline). Default 64 KiB. */
  readonly maxLineBytes?: number;
}

/** One TCP connection to the bridge. */
interface BridgeLink extends ConnectionLink {
  readonly socket: Socket;
}

/**
 * Price feed from MetaTrader 5 through a bridge (an Expert Advisor or gateway) speaking
 * line-delimited JSON over TCP — see the package README, "MT5 bridge protocol":
 * client → bridge `{"type":"subscribe","symbols":["EURUSD"]}`; bridge → client
 * `{"type":"tick","symbol":"EURUSD","time_msc":1700000000123,"bid":1.0861,"ask":1.0862,"last":0,"volume":0}`
 * (field names as in MQL5's `MqlTick`), `{"type":"heartbeat","time_msc":...}` and `{"type":"error","message":"..."}`.
 * Why: MT5 has no public market-data socket; a small bridge is the documented way in.
 *
 * Keeps itself alive through {@link NetworkFeed}, as the Binance feed does: stale detection
 * (no line, heartbeats included, for 15 s by default), reconnect with seeded exponential backoff,
 * resubscription on every connect, and backpressure.
 *
 * @example
 * const feed = new Mt5BridgeFeed({ port: 5555, symbols: ['EURUSD', 'XAUUSD'] });
 * for await (const tick of feed) features.update(tick);
 */
export class Mt5BridgeFeed extends NetworkFeed<BridgeLink> {
  readonly #host: string;
  readonly #port: number;
  readonly #symbols: readonly string[];
  readonly #maxLine: number;
  #carry = '';

  constructor(options: Mt5BridgeFeedOptions) {
    if (options.symbols.length === 0 || !Number.isInteger(options.port) || options.port <= 0) {
      throw new FeedError('FEED_BAD_OPTION', 'Mt5BridgeFeed needs a port and at least one symbol', {
        port: options.port,
        symbols: options.symbols.join(','),
      });
    }
    const host = options.host ?? '127.0.0.1';
    super(options, {
      name: `mt5:${options.symbols.join(',')}`,
      backoffLabel: 'mt5/backoff',
      defaultStaleTimeoutMs: 15_000,
      unreachable: 'cannot connect to the bridge',
      silence: 'line from the bridge',
      endpoint: { host, port: options.port },
    });
    this.#host = host;
    this.#port = options.port;
    this.#symbols = options.symbols;
    this.#maxLine = options.maxLineBytes ?? 65_536;
  }

  protected openLink(events: LinkEvents): BridgeLink {
    const socket = connect({ host: this.#host, port: this.#port });
    this.#carry = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => events.opened());
    socket.on('data', (chunk: string) => {
      if (events.received()) this.#onChunk(chunk);
    });
    socket.on('error', () => {
      // 'close' follows; reconnecting is handled there.
    });
    socket.on('close', () => events.closed('bridge closed the connection'));
    return {
      socket,
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      destroy: () => socket.destroy(),
    };
  }

  protected opened(link: BridgeLink): void {
    link.socket.write(`${JSON.stringify({ type: 'subscribe', symbols: this.#symbols })}\n`);
  }

  protected override subscription(): Record<string, unknown> {
    return { symbols: this.#symbols.join(',') };
  }

  #onChunk(chunk: string): void {
    let text = this.#carry + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const line = text.slice(start, nl).trim();
      start = nl + 1;
      if (line !== '') this.#onLine(line);
      if (!this.running) return;
    }
    text = text.slice(start);
    if (text.length > this.#maxLine) {
      this.protocol(`line longer than ${this.#maxLine} bytes without a newline`, text.slice(0, 200));
      text = '';
    }
    this.#carry = text;
  }

  #onLine(line: string): void {
    const m = this.parseJsonObject(line, 'line');
    if (m === undefined) return;
    if (m['type'] === 'heartbeat') return;
    if (m['type'] === 'error') {
      this.alert('warn', 'FEED_PROTOCOL', `bridge reported: ${String(m['message'])}`, {});
      return;
    }
    if (m['type'] !== 'tick' || typeof m['symbol'] !== 'string' || typeof m['time_msc'] !== 'number') {
      this.protocol('expected {"type":"tick","symbol","time_msc",...}', line);
      return;
    }
    const num = (key: string): number | undefined =>
      typeof m[key] === 'number' ? (m[key] as number) : undefined;
    const bid = num('bid');
    const ask = num('ask');
    const raw: RawTick = {
      symbol: m['symbol'],
      tsMs: m['time_msc'],
      price: bid !== undefined && ask !== undefined ? undefined : num('last'),
      bid,
      ask,
      volume: num('volume'),
      source: `mt5:${m['symbol']}`,
    };
    this.deliver(raw, line);
  }
}
