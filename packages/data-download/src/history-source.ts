import type { Clock } from '@omni/core';
import type { Fetch, HttpWait, Sleep } from './http-get.js';
import type { Timeframe } from './timeframe.js';

/** Where history comes from. */
export type SourceName = 'dukascopy' | 'binance';

/** One piece of a download, `[startMs, endMs)`: fetched whole and written whole, or not at all. */
export interface Chunk {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * What a source gives the downloader for one symbol: the file header, how the range splits into
 * chunks, and each chunk's rows. The extension point for another source (another exchange's REST
 * klines, a vendor's CSV API): implement this and add it to {@link createSource}.
 */
export interface HistorySource {
  readonly name: SourceName;
  /** The symbol as the file is named (`EURUSD`, `BTCUSDT`). */
  readonly symbol: string;
  /** The CSV header, without a line break. */
  readonly header: string;
  /** Names the series the chunks belong to (folder name under `<out>/.chunks/`). */
  readonly seriesKey: string;
  /** The chunks of `[fromMs, toMs)`, in time order, covering it exactly. */
  chunks(fromMs: number, toMs: number): readonly Chunk[];
  /** The rows of a chunk with timestamps in `[startMs, endMs)`, in time order, each ending with `\n`. */
  fetchChunk(chunk: Chunk): Promise<string>;
}

/** What every source needs from outside: network, time and waits (all injectable). */
export interface SourceContext {
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly fetch?: Fetch;
  readonly onWait?: (wait: HttpWait) => void;
}

/** What one source is asked for. */
export interface SourceRequest {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Replaces the source's API root (tests point it at a local fake server). */
  readonly baseUrl?: string;
  /** Dukascopy candles: the bid or the ask side (default bid). */
  readonly priceType?: 'bid' | 'ask';
  /** Binance: the request weight per minute the IP may use (default 6000, Binance's limit). */
  readonly weightLimit?: number;
}
