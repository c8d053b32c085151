import { type Bar, FeedError, FIXED_DURATION_UNITS, parseDuration, type Tick } from '@omni/core';

/** How ticks are grouped into bars: by wall-clock bucket (UTC-aligned) or by tick count. */
export type BarSpec =
  | { readonly kind: 'time'; readonly intervalMs: number }
  | { readonly kind: 'ticks'; readonly count: number };

const MIN_INTERVAL_MS = 1_000;
const MAX_INTERVAL_MS = 86_400_000;

/**
 * Parses a bar interval in the duration grammar of @omni/core (`1s`, `15s`, `1min`, `5min`, `1h`,
 * `4h`, `1d`) into milliseconds, from 1 s to 1 d. `5m` is refused as ambiguous (minutes or months?);
 * bad text is a ConfigError `CONFIG_INVALID` listing the accepted forms.
 */
export function parseInterval(text: string): number {
  return parseDuration(text, {
    setting: 'bar interval',
    units: FIXED_DURATION_UNITS,
    minMs: MIN_INTERVAL_MS,
    maxMs: MAX_INTERVAL_MS,
  });
}

/**
 * Streams ticks into OHLCV bars. `update` is O(1) and allocates only when a bar completes.
 *
 * Time bars are aligned to UTC multiples of the interval; a bar completes when the first tick
 * of a later bucket arrives (empty buckets produce no bar). Tick bars complete on their Nth tick.
 *
 * @example
 * const bars = new BarAggregator({ kind: 'time', intervalMs: parseInterval('1min') });
 * for await (const tick of feed) {
 *   const bar = bars.update(tick);
 *   if (bar) console.log(bar.close);
 * }
 */
export class BarAggregator {
  readonly spec: BarSpec;
  #symbol = '';
  #start = -1;
  #lastTs = 0;
  #open = 0;
  #high = 0;
  #low = 0;
  #close = 0;
  #volume = 0;
  #ticks = 0;

  constructor(spec: BarSpec) {
    if (spec.kind === 'time') {
      if (
        !Number.isInteger(spec.intervalMs) ||
        spec.intervalMs < MIN_INTERVAL_MS ||
        spec.intervalMs > MAX_INTERVAL_MS
      ) {
        throw new FeedError('FEED_BAD_OPTION', 'bar interval must be an integer between 1000 ms and 1 day', {
          intervalMs: spec.intervalMs,
        });
      }
    } else if (!Number.isInteger(spec.count) || spec.count < 1) {
      throw new FeedError('FEED_BAD_OPTION', 'tick bars need a whole count >= 1', { count: spec.count });
    }
    this.spec = spec;
  }

  /** Adds a tick; returns the bar it completed, if any. */
  update(tick: Tick): Bar | undefined {
    if (this.spec.kind === 'ticks') {
      if (this.#ticks === 0) this.#begin(tick, tick.tsMs);
      else this.#extend(tick);
      return this.#ticks >= this.spec.count ? this.#emit(tick.tsMs + 1) : undefined;
    }
    const bucket = tick.tsMs - (tick.tsMs % this.spec.intervalMs);
    if (this.#ticks === 0) {
      this.#begin(tick, bucket);
      return undefined;
    }
    if (bucket === this.#start) {
      this.#extend(tick);
      return undefined;
    }
    if (bucket < this.#start) {
      throw new FeedError('FEED_NON_MONOTONIC', 'tick belongs to an earlier bar than the current one', {
        symbol: tick.symbol,
        tsMs: tick.tsMs,
        barStartMs: this.#start,
      });
    }
    const done = this.#emit(this.#start + this.spec.intervalMs);
    this.#begin(tick, bucket);
    return done;
  }

  /** The bar in progress, completed now (e.g. at the end of a replay); `undefined` if empty. */
  flush(): Bar | undefined {
    if (this.#ticks === 0) return undefined;
    const end = this.spec.kind === 'time' ? this.#start + this.spec.intervalMs : this.#lastTs + 1;
    return this.#emit(end);
  }

  #begin(tick: Tick, start: number): void {
    this.#symbol = tick.symbol;
    this.#start = start;
    this.#open = this.#high = this.#low = this.#close = tick.price;
    this.#volume = tick.volume ?? 0;
    this.#ticks = 1;
    this.#lastTs = tick.tsMs;
  }

  #extend(tick: Tick): void {
    const p = tick.price;
    if (p > this.#high) this.#high = p;
    if (p < this.#low) this.#low = p;
    this.#close = p;
    this.#volume += tick.volume ?? 0;
    this.#ticks++;
    this.#lastTs = tick.tsMs;
  }

  #emit(endMs: number): Bar {
    const bar: Bar = {
      symbol: this.#symbol,
      startMs: this.#start,
      endMs,
      open: this.#open,
      high: this.#high,
      low: this.#low,
      close: this.#close,
      volume: this.#volume,
      ticks: this.#ticks,
    };
    this.#ticks = 0;
    return bar;
  }
}
