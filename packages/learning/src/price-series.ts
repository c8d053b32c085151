import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import {
  DataError,
  isGzipPath,
  PriceFileParser,
  type PriceRow,
  PriceRowProblem,
  priceFileFormat,
} from '@omni/core';

/** A price series of one symbol, oldest first. */
export interface PriceSeries {
  readonly symbol: string;
  readonly tsMs: Float64Array;
  readonly prices: Float64Array;
}

/**
 * Reads a price file into a series, through the {@link PriceFileParser} of @omni/core — the reader
 * of `omni backtest`'s replay feed, so both accept the same files: CSV (`timestamp,price` like the
 * bundled FX files, `bid`+`ask` read as their mid, quoted cells, MetaTrader exports) or JSONL;
 * times as ISO-8601 (no zone = UTC), `YYYY.MM.DD hh:mm:ss` or epoch s/ms (10/13 digits).
 * Why: the trainer's input; every bad row is a DataError naming file and line, never a NaN.
 */
export function readPriceCsv(path: string, symbol: string): PriceSeries {
  const parser = new PriceFileParser({ symbol, source: path, format: priceFileFormat(path) });
  const lines = readText(path).split('\n');
  const ts: number[] = [];
  const prices: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const row = parser.line(trimCr(lines[i] as string));
    if (row === undefined) continue;
    pushRow(ts, prices, rowOrThrow(row, path, i + 1), path, i + 1);
  }
  return { symbol, tsMs: Float64Array.from(ts), prices: Float64Array.from(prices) };
}

/**
 * Reads a `ticks.jsonl` journal (core `Tick` records) into one series per symbol.
 * Why: retraining on what the engine itself recorded (spec 2.9 TrainingOrchestrator reads ticks.jsonl).
 */
export function readTicksJsonl(path: string): PriceSeries[] {
  // Journal ticks carry epoch ms in `tsMs`, whatever their magnitude.
  const parser = new PriceFileParser({
    symbol: '',
    source: path,
    format: 'jsonl',
    columns: { timestamp: 'tsMs' },
    timestampUnit: 'ms',
  });
  const bySymbol = new Map<string, { ts: number[]; prices: number[] }>();
  const lines = readText(path).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const row = parser.line(lines[i] as string);
    if (row === undefined) continue;
    if (row instanceof PriceRowProblem && row.what === 'invalid JSON' && i === lines.length - 1) break; // torn last line: the writer crashed mid-record
    const tick = rowOrThrow(row, path, i + 1);
    if (tick.symbol === '') {
      throw new DataError('DATA_ROW_INVALID', 'a tick has no symbol', { file: path, line: i + 1 });
    }
    let entry = bySymbol.get(tick.symbol);
    if (!entry) {
      entry = { ts: [], prices: [] };
      bySymbol.set(tick.symbol, entry);
    }
    pushRow(entry.ts, entry.prices, tick, path, i + 1);
  }
  return [...bySymbol].map(([symbol, e]) => ({
    symbol,
    tsMs: Float64Array.from(e.ts),
    prices: Float64Array.from(e.prices),
  }));
}

function readText(path: string): string {
  try {
    // A `.gz` file is gunzipped, as ReplayFeed does: a file that replays also trains.
    return isGzipPath(path) ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');
  } catch (err) {
    throw new DataError('DATA_SOURCE_INVALID', 'cannot read the price file', { file: path }, { cause: err });
  }
}

function trimCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** The row, or a DataError naming file, line, column and value of its problem. */
function rowOrThrow(row: PriceRow | PriceRowProblem, file: string, line: number): PriceRow {
  if (!(row instanceof PriceRowProblem)) return row;
  if (row.header) {
    throw new DataError('DATA_SOURCE_INVALID', row.what, { file, line, header: row.value });
  }
  throw new DataError('DATA_ROW_INVALID', row.what, {
    file,
    line,
    ...(row.column !== undefined ? { column: row.column } : {}),
    value: row.value,
  });
}

/** Appends a row's price (its mid when it quotes only bid and ask); prices must be positive, times increasing. */
function pushRow(ts: number[], prices: number[], row: PriceRow, file: string, line: number): void {
  const { tsMs } = row;
  const price = row.price ?? ((row.bid as number) + (row.ask as number)) / 2;
  if (!(price > 0) || !Number.isFinite(price)) {
    throw new DataError('DATA_ROW_INVALID', 'the price is not a positive number', { file, line, price });
  }
  const prev = ts[ts.length - 1];
  if (prev !== undefined && tsMs <= prev) {
    throw new DataError('DATA_ROW_INVALID', 'timestamps must strictly increase', {
      file,
      line,
      tsMs,
      previousTsMs: prev,
    });
  }
  ts.push(tsMs);
  prices.push(price);
}
