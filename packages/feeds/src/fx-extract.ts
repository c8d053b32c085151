import { DataError } from '@omni/core';
/** One bundled pair and how it derives from a USD→XXX rate column. */
export interface FxPairSpec {
  /** Pair name as bundled, e.g. `EURUSD`. */
  readonly pair: string;
  /** The source column (ISO 4217 code of the non-USD currency), e.g. `EUR`. */
  readonly currency: string;
  /** True when the pair quotes USD per unit of `currency` (price = 1 / rate); false for USD/XXX (price = rate). */
  readonly invert: boolean;
}

/**
 * The six bundled majors. The source quotes "units of XXX per 1 USD", so XXXUSD pairs are the
 * reciprocal (EURUSD = 1/EUR) and USDXXX pairs are the rate itself (USDJPY = JPY).
 */
export const FX_PAIR_SPECS: readonly FxPairSpec[] = [
  { pair: 'EURUSD', currency: 'EUR', invert: true },
  { pair: 'GBPUSD', currency: 'GBP', invert: true },
  { pair: 'AUDUSD', currency: 'AUD', invert: true },
  { pair: 'USDJPY', currency: 'JPY', invert: false },
  { pair: 'USDCHF', currency: 'CHF', invert: false },
  { pair: 'USDCAD', currency: 'CAD', invert: false },
];

/** One data row of the source table: its 1-based line in the file and its raw cells. */
export interface FxSourceRow {
  readonly line: number;
  readonly cells: readonly string[];
}

/** A kept observation: ISO date (UTC midnight) and the rounded pair price. */
export interface FxPoint {
  readonly date: string;
  readonly price: number;
}

/** Why a row (or one cell of it) was not carried over. */
export type FxRejectionReason = 'bad-date' | 'bad-rate' | 'duplicate-date';

/** A rejected row or cell, with a message that names the line, date and column. */
export interface FxRejection {
  readonly line: number;
  readonly reason: FxRejectionReason;
  /** The pair affected; absent when the whole row was dropped (bad or duplicate date). */
  readonly pair?: string;
  readonly message: string;
}

/** Options of {@link extractFxPairs}. */
export interface FxExtractOptions {
  /** Pairs to build. Default {@link FX_PAIR_SPECS}. */
  readonly pairs?: readonly FxPairSpec[];
  /** Drop rows dated before this ISO date (the source is month-end only before the 1970s). Default `1972-01-01`. */
  readonly fromDate?: string;
  /** Significant digits the price is rounded to. Default 6 (e.g. 1.08345, 151.250). */
  readonly significantDigits?: number;
  /** Name of the date column. Default `DATE`. */
  readonly dateColumn?: string;
}

/** The result of {@link extractFxPairs}: sorted, de-duplicated series plus everything not carried over. */
export interface FxExtraction {
  readonly series: ReadonlyMap<string, readonly FxPoint[]>;
  readonly rejected: readonly FxRejection[];
  /** Rows dated on a Saturday or Sunday (month-end values in the source), dropped: one row per business day. */
  readonly weekendRowsDropped: number;
  /** Rows before `fromDate`, dropped. */
  readonly earlyRowsDropped: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` to UTC-midnight epoch ms; `undefined` unless it is a real calendar date. */
export function parseIsoDate(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d)
    return undefined;
  return ms;
}

/** Rounds to `digits` significant digits, as a number (e.g. 6 → 1.08345). */
export function roundSignificant(value: number, digits: number): number {
  return Number(value.toPrecision(digits));
}

/**
 * Turns the source's USD→XXX daily table into one clean series per pair.
 *
 * Rows with an unparseable date (the source has one dated `undefined`) and cells with a
 * non-numeric, non-finite or non-positive rate are rejected with a message naming the line;
 * empty cells just mean "no quote that day". Output is sorted by date, one row per business day.
 */
export function extractFxPairs(
  header: readonly string[],
  rows: Iterable<FxSourceRow>,
  options: FxExtractOptions = {},
): FxExtraction {
  const specs = options.pairs ?? FX_PAIR_SPECS;
  const digits = options.significantDigits ?? 6;
  const dateColumn = options.dateColumn ?? 'DATE';
  const fromMs = parseIsoDate(options.fromDate ?? '1972-01-01');
  if (fromMs === undefined)
    throw new DataError('DATA_SOURCE_INVALID', 'fromDate must be YYYY-MM-DD', { fromDate: options.fromDate });
  const dateIndex = header.indexOf(dateColumn);
  if (dateIndex < 0)
    throw new DataError('DATA_SOURCE_INVALID', `the source header has no ${dateColumn} column`, {
      column: dateColumn,
    });
  const columns = specs.map((spec) => {
    const index = header.indexOf(spec.currency);
    if (index < 0)
      throw new DataError(
        'DATA_SOURCE_INVALID',
        `the source header has no ${spec.currency} column (needed for ${spec.pair})`,
        { column: spec.currency, pair: spec.pair },
      );
    return { spec, index };
  });

  const byPair = new Map<string, Map<string, FxPoint>>(specs.map((s) => [s.pair, new Map()]));
  const firstLineOfDate = new Map<string, number>();
  const rejected: FxRejection[] = [];
  let weekendRowsDropped = 0;
  let earlyRowsDropped = 0;

  for (const row of rows) {
    const date = (row.cells[dateIndex] ?? '').trim();
    const ms = parseIsoDate(date);
    if (ms === undefined) {
      rejected.push({
        line: row.line,
        reason: 'bad-date',
        message: `line ${row.line}: date ${JSON.stringify(date)} is not a valid YYYY-MM-DD date; whole row dropped`,
      });
      continue;
    }
    const seenAt = firstLineOfDate.get(date);
    if (seenAt !== undefined) {
      rejected.push({
        line: row.line,
        reason: 'duplicate-date',
        message: `line ${row.line}: date ${date} already seen at line ${seenAt}; later row dropped`,
      });
      continue;
    }
    firstLineOfDate.set(date, row.line);
    if (ms < fromMs) {
      earlyRowsDropped++;
      continue;
    }
    const weekday = new Date(ms).getUTCDay();
    if (weekday === 0 || weekday === 6) {
      weekendRowsDropped++;
      continue;
    }
    for (const { spec, index } of columns) {
      const raw = (row.cells[index] ?? '').trim();
      if (raw === '') continue;
      const rate = Number(raw);
      if (!Number.isFinite(rate) || rate <= 0) {
        rejected.push({
          line: row.line,
          reason: 'bad-rate',
          pair: spec.pair,
          message: `line ${row.line}: ${date} column ${spec.currency} rate ${JSON.stringify(raw)} is not a positive finite number; ${spec.pair} skips this day`,
        });
        continue;
      }
      const price = roundSignificant(spec.invert ? 1 / rate : rate, digits);
      byPair.get(spec.pair)?.set(date, { date, price });
    }
  }

  const series = new Map<string, readonly FxPoint[]>();
  for (const [pair, points] of byPair) {
    series.set(
      pair,
      [...points.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
    );
  }
  return { series, rejected, weekendRowsDropped, earlyRowsDropped };
}

/** Renders a series as the bundled CSV format: header `timestamp,price`, one `YYYY-MM-DD,price` per line. */
export function formatFxCsv(points: readonly FxPoint[]): string {
  let out = 'timestamp,price\n';
  for (const p of points) out += `${p.date},${p.price}\n`;
  return out;
}
