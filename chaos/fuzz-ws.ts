/**
 * Drives a network feed with fuzzed frames over a real WebSocket on 127.0.0.1: the local server of
 * the Binance package's tests (it only accepts connections; this sends the frames), then a valid
 * sentinel frame, so the test knows every fuzzed frame before it was handled.
 */
import { type Alert, isOmniError, type Tick } from '@omni/core';
import type { PriceFeed } from '@omni/feeds';
import { FakeBinance } from '../packages/venues/binance/src/fake-binance.fixture.js';

/** A frame to send: text, or bytes sent as a binary frame. */
export type WsFrame = string | Uint8Array;

/** What a feed made of the fuzzed frames. */
export interface WsFuzzResult {
  /** Ticks of the fuzzed frames (the sentinel excluded). */
  readonly ticks: Tick[];
  /** Alerts about the input (connection notices excluded). */
  readonly alerts: Alert[];
  /** The typed error that ended the feed (policy `reject`), if any. */
  readonly error: string | undefined;
}

/** The one local server of a suite; `close` it in `afterAll`. */
export class FuzzWsServer {
  readonly #server = new FakeBinance();
  #frames: readonly WsFrame[] = [];

  constructor() {
    this.#server.onConnect((ws) => {
      for (const f of this.#frames) ws.send(f, { binary: typeof f !== 'string' });
    });
  }

  url(): Promise<string> {
    return this.#server.ready();
  }

  close(): Promise<void> {
    return this.#server.close();
  }

  /**
   * Sends `frames` then `sentinel` to the next connection of `feed`, and reads the feed until the
   * sentinel's tick (symbol `sentinelSymbol`) or a typed error. Any other error fails the caller.
   */
  async drive(
    feed: PriceFeed,
    alerts: Alert[],
    frames: readonly WsFrame[],
    sentinel: string,
    sentinelSymbol: string,
  ): Promise<WsFuzzResult> {
    this.#frames = [...frames, sentinel];
    const ticks: Tick[] = [];
    let error: string | undefined;
    try {
      for await (const tick of feed) {
        if (tick.symbol === sentinelSymbol) break;
        ticks.push(tick);
      }
    } catch (err) {
      if (!isOmniError(err)) throw err;
      error = err.code;
    } finally {
      await feed.stop();
    }
    const input = alerts.filter((a) => a.code !== 'FEED_CONNECTION');
    return { ticks, alerts: input, error };
  }
}
