import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  type Alert,
  isGzipPath,
  PriceFileParser,
  PriceRowProblem,
  parseTimestampMs,
  priceFileFormat,
  RuntimeError,
  stripGzip,
  type Tick,
} from '@omni/core';
import { bundledFxPairs, bundledFxPath, ReplayFeed } from '@omni/feeds';
import { PriceSketch } from '@omni/runtime';

/** Where a run's prices come from: a user file, or a bundled real FX pair. */
export interface DataSelection {
  readonly path: string;
  readonly symbol: string;
  readonly bundled: boolean;
}

/**
 * Resolves `--data` / `--symbol`: without `--data`, the bundled daily series of `symbol`
 * (default: `defaultSymbol`, the first of `config.symbols` / `OMNI_SYMBOLS`, else EURUSD); with it,
 * that file, whose symbol is `--symbol` or the file name. Unknown bundled symbols and missing
 * files are clear RuntimeErrors.
 */
export function selectData(options: {
  data?: string;
  symbol?: string;
  cwd?: string;
  defaultSymbol?: string;
}): DataSelection {
  if (options.data === undefined) {
    const symbol = (options.symbol ?? options.defaultSymbol ?? 'EURUSD').toUpperCase();
    if (!bundledFxPairs().includes(symbol)) {
      throw new RuntimeError(
        'RUNTIME_BAD_INPUT',
        `unknown symbol ${symbol}: no bundled data for it`,
        {
          symbol,
        },
        { details: [`bundled symbols: ${bundledFxPairs().join(', ')}`, 'or pass --data FILE'] },
      );
    }
    return { path: bundledFxPath(symbol), symbol, bundled: true };
  }
  const path = resolve(options.cwd ?? process.cwd(), options.data);
  if (!existsSync(path)) {
    throw new RuntimeError('RUNTIME_BAD_INPUT', 'the data file does not exist', { file: path });
  }
  const symbol = (options.symbol ?? basename(stripGzip(path)).replace(/\.[^.]+$/, '')).toUpperCase();
  return { path, symbol, bundled: false };
}

/** Parses `--from`/`--to` (ISO 8601 date or datetime, no zone = UTC, or epoch ms) into epoch ms. */
export function parseTimeBound(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseTimestampMs(text.trim(), 'ms');
  if (ms === undefined) {
    throw new RuntimeError('RUNTIME_BAD_INPUT', `${flag} must be an ISO 8601 date or epoch milliseconds`, {
      [flag]: text,
    });
  }
  return ms;
}

/** A replay feed over the selection, rejecting bad rows with file/line/column errors. */
export function replayFeed(
  selection: DataSelection,
  onAlert?: (alert: Alert) => void,
  speed = 0,
): ReplayFeed {
  return new ReplayFeed({
    path: selection.path,
    symbol: selection.symbol,
    policy: 'reject',
    speed,
    ...(onAlert ? { onAlert } : {}),
  });
}

/** The error of a selection without a tick (in the whole file, or in the --from/--to range). */
export function noTicksError(selection: DataSelection): RuntimeError {
  return new RuntimeError(
    'RUNTIME_BAD_INPUT',
    'no ticks in the data (file empty, or the --from/--to range holds none)',
    { file: selection.path },
  );
}

/**
 * Reads a whole series into memory, within optional time bounds. Only for `omni analyze`, whose
 * swing and zone analysis needs every price of a (daily) series; runs stream their data and keep
 * a {@link PriceSketch} instead (see {@link sketchTicks}).
 */
export async function readSeries(
  selection: DataSelection,
  bounds: { fromMs?: number; toMs?: number } = {},
): Promise<Tick[]> {
  const feed = replayFeed(selection);
  const ticks: Tick[] = [];
  await feed.start();
  try {
    for await (const tick of feed) {
      if (bounds.fromMs !== undefined && tick.tsMs < bounds.fromMs) continue;
      if (bounds.toMs !== undefined && tick.tsMs > bounds.toMs) break;
      ticks.push(tick);
    }
  } finally {
    await feed.stop();
  }
  if (ticks.length === 0) throw noTicksError(selection);
  return ticks;
}

/**
 * Streams `ticks` (within optional time bounds) through a bounded {@link PriceSketch}: memory stays
 * the sketch's whatever the length of the series. Returns the sketch (possibly empty).
 */
export async function sketchTicks(
  ticks: AsyncIterable<Tick>,
  bounds: { fromMs?: number; toMs?: number } = {},
  sketch: PriceSketch = new PriceSketch(),
): Promise<PriceSketch> {
  for await (const tick of ticks) {
    if (bounds.fromMs !== undefined && tick.tsMs < bounds.fromMs) continue;
    if (bounds.toMs !== undefined && tick.tsMs > bounds.toMs) break;
    sketch.add(tick.tsMs, tick.price);
  }
  return sketch;
}

/** {@link sketchTicks} over the selection's file (bad rows are rejected as in a run). */
export async function sketchSeries(
  selection: DataSelection,
  bounds: { fromMs?: number; toMs?: number } = {},
): Promise<PriceSketch> {
  const feed = replayFeed(selection);
  await feed.start();
  try {
    return await sketchTicks(feed, bounds);
  } finally {
    await feed.stop();
  }
}

/** What {@link peekSeries} learns without reading the whole file. */
export interface SeriesPeek {
  /** Time of the file's first tick. */
  readonly firstTsMs: number;
  /** Time of the file's last row, or undefined when that row cannot be read on its own. */
  readonly lastTsMs: number | undefined;
}

const PEEK_BYTES = 1 << 16;

/**
 * Checks the data cheaply before a run writes anything: reads the header and rows up to the first
 * tick exactly as the run will (a bad header or first row fails here, with its line and column;
 * a file without any tick is the {@link noTicksError}), and the time of the last row from the
 * file's last 64 KiB (for the progress bar and an early check of --from/--to). Later rows are
 * checked by the run itself.
 */
export async function peekSeries(selection: DataSelection): Promise<SeriesPeek> {
  const feed = replayFeed(selection);
  let first: Tick | undefined;
  await feed.start();
  try {
    for await (const tick of feed) {
      first = tick;
      break;
    }
  } finally {
    await feed.stop();
  }
  if (first === undefined) throw noTicksError(selection);
  return { firstTsMs: first.tsMs, lastTsMs: await lastRowTsMs(selection) };
}

/** The timestamp of the file's last non-blank line, read with the header of the file; undefined when unreadable. */
async function lastRowTsMs(selection: DataSelection): Promise<number | undefined> {
  // A gzip file has no readable tail without inflating all of it: its end is found by the run itself.
  if (isGzipPath(selection.path)) return undefined;
  const file = await open(selection.path, 'r');
  try {
    const { size } = await file.stat();
    const read = async (position: number): Promise<string> => {
      const length = Math.min(PEEK_BYTES, size - position);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await file.read(buffer, 0, length, position);
      return buffer.toString('utf8', 0, bytesRead);
    };
    const format = priceFileFormat(selection.path);
    const parser = new PriceFileParser({ format, symbol: selection.symbol, source: 'peek' });
    if (format === 'csv') {
      const header = (await read(0)).split('\n').find((l) => l.trim() !== '');
      if (header === undefined || parser.line(header.replace(/\r$/, '')) !== undefined) return undefined;
    }
    const tailStart = Math.max(0, size - PEEK_BYTES);
    const lines = (await read(tailStart)).split('\n');
    // A tail that starts mid-file starts mid-line: its first piece is not a row.
    const whole = tailStart > 0 ? lines.slice(1) : lines;
    const last = whole.reverse().find((l) => l.trim() !== '');
    if (last === undefined) return undefined;
    const row = parser.line(last.replace(/\r$/, ''));
    return row === undefined || row instanceof PriceRowProblem ? undefined : row.tsMs;
  } finally {
    await file.close();
  }
}
