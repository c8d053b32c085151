import type { Tick } from '@omni/core';
import type { AlertSink, BadInputPolicy } from './price-feed.js';

/**
 * A tick as a source delivers it, before cleaning: `price` may be missing when `bid`/`ask` are
 * quoted, numbers may be NaN, the symbol may be in any case.
 */
export interface RawTick {
  readonly symbol: string;
  readonly tsMs: number;
  readonly price?: number | undefined;
  readonly bid?: number | undefined;
  readonly ask?: number | undefined;
  readonly volume?: number | undefined;
  readonly source: string;
}

/** Where a raw tick came from, for error messages: file and line, or the message text. */
export interface TickOrigin {
  readonly file?: string;
  readonly line?: number;
  readonly message?: string;
}

/** Options of a {@link MarketNormalizer}. */
export interface MarketNormalizerOptions {
  /** `reject` throws a FeedError on the first bad tick; `skip-and-alert` alerts and drops it. Default `reject`. */
  readonly policy?: BadInputPolicy;
  /** Receives one alert per dropped tick under `skip-and-alert` (e.g. `logger.logAlert`). */
  readonly onAlert?: AlertSink;
  /** Reject a log return beyond this multiple of the recent volatility. Default 12; `0` disables spike checks. */
  readonly spikeMultiple?: number;
  /** Span (in ticks) of the exponentially weighted volatility estimate. Default 100. */
  readonly volSpan?: number;
  /** Returns needed before spike checks start. Default 20. */
  readonly volWarmup?: number;
  /** A move smaller than this absolute log return is never a spike (guards flat, zero-vol stretches). Default 0.001. */
  readonly minSpikeLogReturn?: number;
  /** After this many consecutive spikes at the new level, accept it as a genuine level shift. Default 5. */
  readonly acceptLevelShiftAfter?: number;
  /**
   * Smallest plausible price (and bid, ask). Default 1e-12. Prices outside [minPrice, maxPrice] are
   * rejected as FEED_BAD_PRICE: a finite but absurd value (1e308, 1e-300) would overflow later sums,
   * ratios and sizing into Infinity/NaN far from the line that caused it.
   */
  readonly minPrice?: number;
  /** Largest plausible price (and bid, ask). Default 1e12. */
  readonly maxPrice?: number;
  /** Largest plausible volume. Default 1e18. */
  readonly maxVolume?: number;
  /** Symbol case on output. Default `upper`. */
  readonly symbolCase?: 'upper' | 'lower' | 'keep';
  /** Name in alerts and errors. Default `MarketNormalizer`. */
  readonly name?: string;
}

/** Per (source, symbol) state: last accepted tick and an EWMA of squared log returns. */
export interface StreamState {
  symbol: string;
  hasLast: boolean;
  lastTs: number;
  lastPrice: number;
  lastBid: number;
  lastAsk: number;
  lastVolume: number;
  variance: number;
  returns: number;
  spikeRun: number;
  spikeLevel: number;
}

/** A fresh stream state for `symbol`. */
export function newState(symbol: string): StreamState {
  return {
    symbol,
    hasLast: false,
    lastTs: 0,
    lastPrice: 0,
    lastBid: -1,
    lastAsk: -1,
    lastVolume: -1,
    variance: 0,
    returns: 0,
    spikeRun: 0,
    spikeLevel: 0,
  };
}

/** Builds the clean tick with only the optional fields that are present (one allocation). */
export function makeTick(
  symbol: string,
  tsMs: number,
  price: number,
  source: string,
  bid?: number,
  ask?: number,
  volume?: number,
): Tick {
  if (bid !== undefined && ask !== undefined) {
    return volume === undefined
      ? { symbol, tsMs, price, bid, ask, source }
      : { symbol, tsMs, price, bid, ask, volume, source };
  }
  return volume === undefined ? { symbol, tsMs, price, source } : { symbol, tsMs, price, volume, source };
}

/** The quoted spread of a tick (`ask − bid`), or `undefined` for a trade-only tick. */
export function spreadOf(tick: Tick): number | undefined {
  return tick.bid !== undefined && tick.ask !== undefined ? tick.ask - tick.bid : undefined;
}
