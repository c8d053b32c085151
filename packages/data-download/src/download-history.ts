import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Clock, SystemClock } from '@omni/core';
import { binanceKlinesSource } from './binance-klines.js';
import { ChunkStore, writeFileAtomic } from './chunk-store.js';
import { DataDownloadError } from './data-download-error.js';
import { dukascopySource } from './dukascopy-history.js';
import type { Chunk, HistorySource, SourceContext, SourceName, SourceRequest } from './history-source.js';
import type { Fetch, HttpWait, Sleep } from './http-get.js';
import { timeframeName } from './timeframe.js';

/** Options of {@link downloadHistory}. */
export interface DownloadHistoryOptions extends Omit<SourceRequest, 'symbol'> {
  readonly source: SourceName;
  /** One file per symbol: `<outDir>/<SYMBOL>.csv` (`.csv.gz` with `gzip`). */
  readonly symbols: readonly string[];
  /** First timestamp, epoch ms (inclusive). */
  readonly fromMs: number;
  /** End, epoch ms (exclusive); cut to the clock's now (candles: the last finished one). */
  readonly toMs: number;
  readonly outDir: string;
  /** Write `<SYMBOL>.csv.gz` (gzip; ReplayFeed and `omni backtest --data` read it) instead of `.csv`. */
  readonly gzip?: boolean;
  /** Default SystemClock: only to cut `toMs` to now and pace Binance's weight. */
  readonly clock?: Clock;
  /** Default: a `setTimeout` promise. Tests inject one that returns at once. */
  readonly sleep?: Sleep;
  /** Default: the global fetch. */
  readonly fetch?: Fetch;
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly onWait?: (wait: HttpWait) => void;
}

/** After each chunk: where the download is. */
export interface DownloadProgress {
  readonly symbol: string;
  readonly chunk: Chunk;
  /** Chunks done so far, all symbols, this one included. */
  readonly chunksDone: number;
  readonly chunksTotal: number;
  /** Rows so far, all symbols. */
  readonly rows: number;
  /** True when the chunk was already on disk. */
  readonly skipped: boolean;
}

/** One joined file. */
export interface DownloadedFile {
  readonly symbol: string;
  readonly path: string;
  readonly rows: number;
  readonly firstTsMs: number;
  readonly lastTsMs: number;
}

/** What {@link downloadHistory} did. */
export interface DownloadResult {
  readonly source: SourceName;
  readonly timeframe: string;
  readonly fromMs: number;
  /** The end actually used (after cutting to now). */
  readonly toMs: number;
  readonly files: readonly DownloadedFile[];
  readonly rows: number;
  readonly chunks: { readonly total: number; readonly downloaded: number; readonly skipped: number };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Downloads `[fromMs, toMs)` of each symbol from `source` into `<outDir>/<SYMBOL>.csv`, a file
 * ReplayFeed and `omni backtest --data` read. The range is split into chunks (a UTC day of ticks or
 * minute candles, 1,000 Binance klines, …) fetched one after another; each finished chunk is written
 * atomically under `<outDir>/.chunks/`, so an interrupted download reruns only the missing chunks, and
 * the joined file is byte for byte what one uninterrupted run writes.
 *
 * @throws DataDownloadError — bad symbol, range or timeframe; no row in the range; HTTP failures after
 * bounded retries (a rerun resumes); a chunk that cannot be written.
 * @example
 * const result = await downloadHistory({
 *   source: 'binance', symbols: ['BTCUSDT'], timeframe: parseTimeframe('1min'),
 *   fromMs: Date.UTC(2024, 0, 1), toMs: Date.UTC(2024, 0, 8), outDir: 'data/binance-1min',
 * });
 * console.log(result.files[0]?.path); // data/binance-1min/BTCUSDT.csv
 */
export async function downloadHistory(options: DownloadHistoryOptions): Promise<DownloadResult> {
  const clock = options.clock ?? new SystemClock();
  const context: SourceContext = {
    clock,
    sleep: options.sleep ?? defaultSleep,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.onWait ? { onWait: options.onWait } : {}),
  };
  const { fromMs } = options;
  const toMs = cutToNow(options, clock.nowMs());
  if (options.symbols.length === 0) {
    throw new DataDownloadError('DATA_DOWNLOAD_BAD_SYMBOL', 'name at least one symbol (--symbol EURUSD)', {});
  }
  const sources: HistorySource[] = [];
  for (const symbol of options.symbols) {
    const request: SourceRequest = { ...options, symbol };
    sources.push(
      options.source === 'binance'
        ? binanceKlinesSource(request, context)
        : await dukascopySource(request, context),
    );
  }
  const plans = sources.map((source) => ({ source, chunks: source.chunks(fromMs, toMs) }));
  const chunksTotal = plans.reduce((n, p) => n + p.chunks.length, 0);
  const outDir = resolve(options.outDir);
  mkdirOut(outDir);
  let chunksDone = 0;
  let downloaded = 0;
  let rows = 0;
  const files: DownloadedFile[] = [];
  for (const { source, chunks } of plans) {
    const store = new ChunkStore(outDir, source.seriesKey);
    store.open();
    let symbolRows = 0;
    for (const chunk of chunks) {
      let text = store.read(chunk);
      const skipped = text !== undefined;
      if (text === undefined) {
        text = await source.fetchChunk(chunk);
        store.write(chunk, text);
        downloaded++;
      }
      const n = countLines(text);
      symbolRows += n;
      rows += n;
      chunksDone++;
      options.onProgress?.({ symbol: source.symbol, chunk, chunksDone, chunksTotal, rows, skipped });
    }
    if (symbolRows === 0) throw noData(source, fromMs, toMs);
    const file = join(outDir, `${source.symbol}.csv${options.gzip ? '.gz' : ''}`);
    files.push(joinChunks(source, store, chunks, file, symbolRows, options.gzip === true));
  }
  return {
    source: options.source,
    timeframe: timeframeName(options.timeframe),
    fromMs,
    toMs,
    files,
    rows,
    chunks: { total: chunksTotal, downloaded, skipped: chunksTotal - downloaded },
  };
}

/** Checks the range and cuts its end to now: to the last finished candle, or now for ticks. */
function cutToNow(options: DownloadHistoryOptions, nowMs: number): number {
  const { fromMs, toMs, timeframe } = options;
  const when = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));
  if (!Number.isSafeInteger(fromMs) || !Number.isSafeInteger(toMs) || fromMs < 0 || toMs <= fromMs) {
    throw new DataDownloadError(
      'DATA_DOWNLOAD_BAD_RANGE',
      '--to must be after --from (both ISO 8601 dates or times in UTC, or epoch ms; --to is exclusive)',
      { from: when(fromMs), to: when(toMs) },
    );
  }
  const lastMs =
    timeframe.kind === 'tick' ? nowMs : Math.floor(nowMs / timeframe.intervalMs) * timeframe.intervalMs;
  const cut = Math.min(toMs, lastMs);
  if (cut <= fromMs) {
    throw new DataDownloadError(
      'DATA_DOWNLOAD_BAD_RANGE',
      'the range lies in the future: there is no history there yet',
      { from: when(fromMs), to: when(toMs), now: when(nowMs) },
    );
  }
  return cut;
}

/** Joins the chunks into `path` (header, then each chunk in order) atomically. */
function joinChunks(
  source: HistorySource,
  store: ChunkStore,
  chunks: readonly Chunk[],
  path: string,
  rows: number,
  gzip: boolean,
): DownloadedFile {
  let first: string | undefined;
  let last = '';
  function* parts(): Generator<string> {
    yield `${source.header}\n`;
    for (const chunk of chunks) {
      const text = store.read(chunk);
      if (text === undefined) {
        throw new DataDownloadError(
          'DATA_DOWNLOAD_WRITE_FAILED',
          'a chunk vanished while the file was joined; rerun the download',
          { file: store.path(chunk) },
        );
      }
      if (text.length === 0) continue;
      first ??= text.slice(0, text.indexOf(','));
      last = text.slice(text.lastIndexOf('\n', text.length - 2) + 1, text.length - 1);
      yield text;
    }
  }
  writeFileAtomic(path, parts(), { gzip });
  return {
    symbol: source.symbol,
    path,
    rows,
    firstTsMs: Date.parse(first ?? ''),
    lastTsMs: Date.parse(last.slice(0, last.indexOf(','))),
  };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function mkdirOut(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (cause) {
    throw new DataDownloadError(
      'DATA_DOWNLOAD_WRITE_FAILED',
      'cannot create the --out folder; check the path and its permissions',
      { dir },
      { cause },
    );
  }
}

function noData(source: HistorySource, fromMs: number, toMs: number): DataDownloadError {
  const hint =
    source.name === 'dukascopy'
      ? 'FX trades from Sunday ~22:00 to Friday ~22:00 UTC: a weekend holds no ticks; widen the range'
      : 'the pair may not have traded then (check its listing date); widen the range';
  return new DataDownloadError(
    'DATA_DOWNLOAD_NO_DATA',
    `${source.name} has no ${source.symbol} rows between ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()}`,
    { symbol: source.symbol, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() },
    { details: [hint] },
  );
}
