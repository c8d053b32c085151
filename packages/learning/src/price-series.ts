import { readFileSync } from 'node:fs';
import { DataError } from '@omni/core';

/** A price series of one symbol, oldest first. */
export interface PriceSeries {
  readonly symbol: string;
  readonly tsMs: Float64Array;
  readonly prices: Float64Array;
}

/**
 * Reads a `timestamp,price` CSV (ISO-8601 date/time or epoch ms; the bundled FX files) into a series.
 * Why: the trainer's input; every bad row is a DataError naming file and line, never a NaN.
 */
export function readPriceCsv(path: string, symbol: string): PriceSeries {
  const lines = readText(path).split(/\r?\n/);
  const header = (lines[0] ?? '').trim().toLowerCase().split(',');
  const tsCol = header.indexOf('timestamp');
  const priceCol = header.indexOf('price');
  if (tsCol < 0 || priceCol < 0) {
    throw new DataError('DATA_SOURCE_INVALID', 'the CSV header must name `timestamp` and `price` columns', {
      file: path,
      header: lines[0],
    });
  }
  const ts: number[] = [];
  const prices: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    const cells = line.split(',');
    pushRow(ts, prices, cells[tsCol], Number(cells[priceCol]), path, i + 1);
  }
  return { symbol, tsMs: Float64Array.from(ts), prices: Float64Array.from(prices) };
}

/**
 * Reads a `ticks.jsonl` journal (core `Tick` records) into one series per symbol.
 * Why: retraining on what the engine itself recorded (spec 2.9 TrainingOrchestrator reads ticks.jsonl).
 */
export function readTicksJsonl(path: string): PriceSeries[] {
  const bySymbol = new Map<string, { ts: number[]; prices: number[] }>();
  const lines = readText(path).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    let record: { symbol?: unknown; tsMs?: unknown; price?: unknown };
    try {
      record = JSON.parse(line) as typeof record;
    } catch (err) {
      if (i === lines.length - 1) break; // torn last line: the writer crashed mid-record
      throw new DataError(
        'DATA_ROW_INVALID',
        'a ticks.jsonl line is not JSON',
        { file: path, line: i + 1 },
        { cause: err },
      );
    }
    if (typeof record.symbol !== 'string') {
      throw new DataError('DATA_ROW_INVALID', 'a tick has no symbol', { file: path, line: i + 1 });
    }
    let entry = bySymbol.get(record.symbol);
    if (!entry) {
      entry = { ts: [], prices: [] };
      bySymbol.set(record.symbol, entry);
    }
    pushRow(entry.ts, entry.prices, String(record.tsMs), Number(record.price), path, i + 1);
  }
  return [...bySymbol].map(([symbol, e]) => ({
    symbol,
    tsMs: Float64Array.from(e.ts),
    prices: Float64Array.from(e.prices),
  }));
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new DataError('DATA_SOURCE_INVALID', 'cannot read the price file', { file: path }, { cause: err });
  }
}

function pushRow(
  ts: number[],
  prices: number[],
  rawTs: string | undefined,
  price: number,
  file: string,
  line: number,
): void {
  const text = (rawTs ?? '').trim();
  const tsMs = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(tsMs)) {
    throw new DataError('DATA_ROW_INVALID', 'the timestamp is not ISO-8601 or epoch ms', {
      file,
      line,
      timestamp: rawTs,
    });
  }
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
