import type { PriceRow } from './price-row.js';
import { type EpochUnit, isoFastMs, parseTimestampMs } from './timestamp.js';

/** Where each field of a delimited price file is (cell index, -1: no such column), read from its header. */
export interface CsvLayout {
  readonly delimiter: string;
  /** Cells per row (the header's). */
  readonly width: number;
  /** Column names: lower case, MetaTrader's `<…>` removed. */
  readonly names: readonly string[];
  readonly tsIdx: number;
  readonly dateIdx: number;
  /** A `date` column beside a `time` column: a time of day in `time` is read with the date. */
  readonly splitTime: boolean;
  readonly priceIdx: number;
  readonly bidIdx: number;
  readonly askIdx: number;
  readonly volIdx: number;
  readonly symIdx: number;
  /** MetaTrader quotes: an empty bid or ask repeats the last one. */
  readonly carryQuotes: boolean;
  readonly unit: EpochUnit;
  readonly symbol: string;
  readonly source: string;
}

/** The last bid and ask of a file whose empty quote cells mean "unchanged"; shared by both readers. */
export interface QuoteCarry {
  bid: number | undefined;
  ask: number | undefined;
}

/** 10^k for k ≤ 15: exact doubles. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A plain decimal `-?digits[.digits]` of at most 15 digits in `line[start, end)` — the value `Number`
 * gives (m / 10^k with m < 2^53 and 10^k exact is correctly rounded, as `Number` is) — or NaN for
 * any other text, which the caller then reads with `Number`.
 */
export function plainDecimal(line: string, start: number, end: number): number {
  let i = start;
  const negative = line.charCodeAt(i) === 45;
  if (negative) i++;
  let mantissa = 0;
  let digits = 0;
  let point = -1;
  for (; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 15) return Number.NaN;
      mantissa = mantissa * 10 + (c - 48);
    } else if (c === 46 && point < 0) {
      point = i;
    } else {
      return Number.NaN;
    }
  }
  if (digits === 0) return Number.NaN;
  const value = point < 0 ? mantissa : mantissa / (POW10[end - point - 1] as number);
  return negative ? -value : value;
}

/** An ASCII digit. */
function digit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** A character `trim` never removes (printable ASCII, no space). */
function solid(code: number): boolean {
  return code > 32 && code < 127;
}

/**
 * The fast path of the CSV row reader, for the common row: no quote anywhere, the header's number of
 * cells, and every cell it reads either empty (a number: absent) or without surrounding whitespace.
 * It reads the cells it needs by position (no `split`, no `trim`, numbers without a substring) and
 * returns the row, or `undefined` for anything else — any unusual or bad row — which the general
 * reader then reads and explains. So rows, problems and carried quotes are the general reader's
 * (property-tested): the fast path only answers when it is sure, and changes no state otherwise.
 */
export class FastCsvRowReader {
  readonly #layout: CsvLayout;
  readonly #carry: QuoteCarry;
  /** Start and end of each cell of the current line. */
  readonly #bounds: Int32Array;

  constructor(layout: CsvLayout, carry: QuoteCarry) {
    this.#layout = layout;
    this.#carry = carry;
    this.#bounds = new Int32Array(2 * layout.width);
  }

  /** The row of `line`, or `undefined`: read it with the general reader. */
  read(line: string): PriceRow | undefined {
    const layout = this.#layout;
    const bounds = this.#bounds;
    const delimiter = layout.delimiter;
    const width = layout.width;
    if (line.indexOf('"') >= 0) return undefined;
    let start = 0;
    let cell = 0;
    for (;;) {
      const end = line.indexOf(delimiter, start);
      if (cell === width) return undefined;
      bounds[2 * cell] = start;
      bounds[2 * cell + 1] = end < 0 ? line.length : end;
      cell++;
      if (end < 0) break;
      start = end + delimiter.length;
    }
    if (cell !== width) return undefined;
    const tsMs = this.#timestamp(line);
    if (tsMs === undefined) return undefined;
    const price = layout.priceIdx >= 0 ? this.#number(line, layout.priceIdx) : undefined;
    let bid = layout.bidIdx >= 0 ? this.#number(line, layout.bidIdx) : undefined;
    let ask = layout.askIdx >= 0 ? this.#number(line, layout.askIdx) : undefined;
    const volume = layout.volIdx >= 0 ? this.#number(line, layout.volIdx) : undefined;
    // NaN: a cell the general reader must judge.
    if (Number.isNaN(price) || Number.isNaN(bid) || Number.isNaN(ask) || Number.isNaN(volume))
      return undefined;
    const carry = this.#carry;
    if (layout.carryQuotes) {
      bid ??= carry.bid;
      ask ??= carry.ask;
    }
    if (price === undefined && (bid === undefined || ask === undefined)) return undefined;
    let symbol = layout.symbol;
    if (layout.symIdx >= 0) {
      const from = bounds[2 * layout.symIdx] as number;
      const to = bounds[2 * layout.symIdx + 1] as number;
      if (!this.#solidCell(line, from, to)) return undefined;
      symbol = line.slice(from, to);
    }
    if (layout.carryQuotes) {
      carry.bid = bid;
      carry.ask = ask;
    }
    return { symbol, tsMs, price, bid, ask, volume, source: layout.source };
  }

  /** The timestamp of the row in epoch ms, or `undefined` (unusual or bad: the general reader decides). */
  #timestamp(line: string): number | undefined {
    const layout = this.#layout;
    const bounds = this.#bounds;
    const from = bounds[2 * layout.tsIdx] as number;
    const to = bounds[2 * layout.tsIdx + 1] as number;
    if (!this.#solidCell(line, from, to)) return undefined;
    let text = line.slice(from, to);
    if (layout.splitTime && this.#timeOfDay(line, from, to)) {
      const dateFrom = bounds[2 * layout.dateIdx] as number;
      const dateTo = bounds[2 * layout.dateIdx + 1] as number;
      if (!this.#solidCell(line, dateFrom, dateTo)) return undefined;
      text = `${line.slice(dateFrom, dateTo)} ${text}`;
    }
    // Whatever isoFastMs reads is not epoch digits and is a safe ms ≥ 0: parseTimestampMs's answer.
    return isoFastMs(text) ?? parseTimestampMs(text, layout.unit);
  }

  /** `hh:mm` at the start of the cell (the general reader's `/^\d{2}:\d{2}/`). */
  #timeOfDay(line: string, from: number, to: number): boolean {
    return (
      to - from >= 5 &&
      line.charCodeAt(from + 2) === 58 &&
      digit(line.charCodeAt(from)) &&
      digit(line.charCodeAt(from + 1)) &&
      digit(line.charCodeAt(from + 3)) &&
      digit(line.charCodeAt(from + 4))
    );
  }

  /** A number cell: `undefined` when empty, NaN when the general reader must judge it. */
  #number(line: string, cell: number): number | undefined {
    const from = this.#bounds[2 * cell] as number;
    const to = this.#bounds[2 * cell + 1] as number;
    if (from === to) return undefined;
    if (!this.#solidCell(line, from, to)) return Number.NaN;
    const value = plainDecimal(line, from, to);
    if (!Number.isNaN(value)) return value;
    const other = Number(line.slice(from, to));
    return Number.isFinite(other) ? other : Number.NaN;
  }

  /** A non-empty cell that `trim` leaves as it is. */
  #solidCell(line: string, from: number, to: number): boolean {
    return to > from && solid(line.charCodeAt(from)) && solid(line.charCodeAt(to - 1));
  }
}
