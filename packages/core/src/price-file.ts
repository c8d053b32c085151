import {
  cellNumber,
  headerProblem,
  numberOrProblem,
  type PriceRow,
  PriceRowProblem,
  timestampProblem,
} from './price-row.js';
import { type CsvLayout, FastCsvRowReader, type QuoteCarry } from './price-row-fast.js';
import { type EpochUnit, parseTimestampMs } from './timestamp.js';

export { type PriceRow, PriceRowProblem } from './price-row.js';

/** Layout of a price file: delimited text with a header row, or one JSON object per line. */
export type PriceFileFormat = 'csv' | 'jsonl';

/** Which column (header name, case-insensitive, `<…>` brackets ignored) or JSON key holds each field. */
export interface PriceColumns {
  /**
   * Default: the first of `timestamp`, `time`, `ts`, `tsMs`, `date`; a `date` column beside a `time`
   * column holding a time of day (MetaTrader's `<DATE>` and `<TIME>`) is read as one timestamp.
   */
  readonly timestamp?: string;
  /** Trade price or mid. Default: the first of `price`, `mid`, `close`. Optional when bid and ask exist. */
  readonly price?: string;
  /** Default `bid`. */
  readonly bid?: string;
  /** Default `ask`. */
  readonly ask?: string;
  /** Default `volume` (MetaTrader bars: `<VOL>`, then `<TICKVOL>`). */
  readonly volume?: string;
  /** Default `symbol`; rows without one take {@link PriceFileOptions.symbol}. */
  readonly symbol?: string;
}

/** Options of a {@link PriceFileParser}. */
export interface PriceFileOptions {
  /** The symbol of rows without a symbol column or key. */
  readonly symbol: string;
  /** Copied onto every row as its `source` (a tick's origin, e.g. `replay:EURUSD.csv`). */
  readonly source: string;
  /** Default `csv`; see {@link priceFileFormat}. */
  readonly format?: PriceFileFormat;
  readonly columns?: PriceColumns;
  /** CSV delimiter. Default: a tab when the header has tabs and no comma (MetaTrader exports), else `,`. */
  readonly delimiter?: string;
  /** Default `auto`. */
  readonly timestampUnit?: EpochUnit;
}

const TIMESTAMP_NAMES = ['timestamp', 'time', 'ts', 'tsms', 'date'];
const PRICE_NAMES = ['price', 'mid', 'close'];
const JSON_TIMESTAMP_KEYS = ['timestamp', 'time', 'ts', 'tsMs', 'date'];
/** MetaTrader bar exports hold real volume in `<VOL>` and tick counts in `<TICKVOL>`. */
const METATRADER_VOLUME_NAMES = ['volume', 'vol', 'tickvol'];
/** A time of day in its own column (MetaTrader's `<TIME>`). */
const TIME_OF_DAY = /^\d{2}:\d{2}/;
/**
 * The format of a price file from its name: `.jsonl`/`.ndjson` → `jsonl`, anything else → `csv`.
 * A `.gz` suffix (gzip) is looked through: `EURUSD.jsonl.gz` is `jsonl`.
 */
export function priceFileFormat(path: string): PriceFileFormat {
  const lower = stripGzip(path).toLowerCase();
  return lower.endsWith('.jsonl') || lower.endsWith('.ndjson') ? 'jsonl' : 'csv';
}

/** Whether a price file is gzip-compressed, by its name (`.gz`). */
export function isGzipPath(path: string): boolean {
  return path.toLowerCase().endsWith('.gz');
}

/** `path` without a trailing `.gz`. */
export function stripGzip(path: string): string {
  return isGzipPath(path) ? path.slice(0, -3) : path;
}

/**
 * Splits one delimited line into cells. Cells may be quoted (`"1,5"`, `"say ""hi"""`); a quoted
 * cell loses its quotes. Returns `undefined` when a quote is not closed on the line.
 */
export function splitDelimited(line: string, delimiter: string): string[] | undefined {
  if (line.indexOf('"') < 0) return line.split(delimiter);
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let start = i;
    while (line.charCodeAt(start) === 32) start++;
    if (line.charCodeAt(start) !== 34) {
      const end = line.indexOf(delimiter, i);
      if (end < 0) {
        cells.push(line.slice(i));
        return cells;
      }
      cells.push(line.slice(i, end));
      i = end + delimiter.length;
      continue;
    }
    let value = '';
    let from = start + 1;
    for (;;) {
      const quote = line.indexOf('"', from);
      if (quote < 0) return undefined;
      if (line.charCodeAt(quote + 1) === 34) {
        value += line.slice(from, quote + 1);
        from = quote + 2;
        continue;
      }
      value += line.slice(from, quote);
      from = quote + 1;
      break;
    }
    const end = line.indexOf(delimiter, from);
    const rest = (end < 0 ? line.slice(from) : line.slice(from, end)).trim();
    cells.push(value + rest);
    if (end < 0) return cells;
    i = end + delimiter.length;
  }
}

/**
 * Reads a price file line by line into {@link PriceRow}s: CSV or other delimited text with a header
 * (quoted cells; MetaTrader tick and bar exports, where an empty `<BID>` or `<ASK>` means
 * "unchanged") or JSONL. Why: the replay feed and the trainer read the same files the same way.
 * The caller feeds lines (no line breaks) and counts them; a bad line comes back as a
 * {@link PriceRowProblem}.
 *
 * @example
 * const parser = new PriceFileParser({ symbol: 'EURUSD', source: 'EURUSD.csv' });
 * for (const line of text.split('\n')) {
 *   const row = parser.line(line);
 *   if (row instanceof PriceRowProblem) throw new DataError('DATA_ROW_INVALID', row.what);
 *   if (row) console.log(row.tsMs, row.price);
 * }
 */
export class PriceFileParser {
  readonly format: PriceFileFormat;
  readonly #options: PriceFileOptions;
  #row: ((line: string) => PriceRow | PriceRowProblem) | undefined;
  #headerProblem: PriceRowProblem | undefined;

  constructor(options: PriceFileOptions) {
    this.#options = options;
    this.format = options.format ?? 'csv';
    if (this.format === 'jsonl') this.#row = jsonRowReader(options);
  }

  /**
   * Reads the next line: `undefined` for a blank line or the header, the row, or its problem.
   * After a header problem every later line returns that problem again.
   */
  line(text: string): PriceRow | PriceRowProblem | undefined {
    if (this.#headerProblem !== undefined) return this.#headerProblem;
    const first = text.charCodeAt(0); // printable ASCII: not blank, no need to trim
    if (!(first > 32 && first < 127) && text.trim() === '') return undefined;
    if (this.#row !== undefined) return this.#row(text);
    const header = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const reader = csvRowReader(header, this.#options);
    if (reader instanceof PriceRowProblem) {
      this.#headerProblem = reader;
      return reader;
    }
    this.#row = reader;
    return undefined;
  }
}

/**
 * Builds the row reader of a delimited file from its header line, or the header's problem. Rows go
 * through {@link FastCsvRowReader} first and through the general reader when it declines; `fastPath`
 * false reads every row with the general one (tests compare the two).
 */
export function csvRowReader(
  headerLine: string,
  options: PriceFileOptions,
  fastPath = true,
): ((line: string) => PriceRow | PriceRowProblem) | PriceRowProblem {
  const layout = csvLayout(headerLine, options);
  if (layout instanceof PriceRowProblem) return layout;
  const carry: QuoteCarry = { bid: undefined, ask: undefined };
  const general = generalCsvRowReader(layout, carry);
  if (!fastPath || layout.delimiter === '') return general;
  const fast = new FastCsvRowReader(layout, carry);
  return (line) => fast.read(line) ?? general(line);
}

/** Where each field is, from the header line (names, delimiter, MetaTrader layout), or the header's problem. */
function csvLayout(headerLine: string, options: PriceFileOptions): CsvLayout | PriceRowProblem {
  const delimiter =
    options.delimiter ?? (headerLine.includes('\t') && !headerLine.includes(',') ? '\t' : ',');
  const headerCells = splitDelimited(headerLine, delimiter);
  if (headerCells === undefined) return headerProblem('the header has an unclosed quote', headerLine);
  const metaTrader = headerCells.length > 0 && headerCells.every((c) => /^<.*>$/.test(c.trim()));
  const names = headerCells.map((c) =>
    c
      .trim()
      .replace(/^<(.*)>$/, '$1')
      .toLowerCase(),
  );
  const cols = options.columns ?? {};
  let missing: PriceRowProblem | undefined;
  const find = (
    explicit: string | undefined,
    defaults: readonly string[],
    field: string,
    required: boolean,
  ) => {
    if (explicit !== undefined) {
      const i = names.indexOf(explicit.toLowerCase());
      if (i < 0 && missing === undefined)
        missing = headerProblem(`the header has no ${explicit} column (mapped for ${field})`, headerLine);
      return i;
    }
    for (const name of defaults) {
      const i = names.indexOf(name);
      if (i >= 0) return i;
    }
    if (required && missing === undefined)
      missing = headerProblem(`the header has no ${field} column (tried ${defaults.join(', ')})`, headerLine);
    return -1;
  };
  const tsIdx = find(cols.timestamp, TIMESTAMP_NAMES, 'timestamp', true);
  // `date` + `time` columns (MetaTrader, many exports) when nothing names the whole timestamp.
  const dateIdx = names.indexOf('date');
  const timeIdx = names.indexOf('time');
  const splitTime = cols.timestamp === undefined && tsIdx === timeIdx && dateIdx >= 0 && timeIdx >= 0;
  const bidIdx = find(cols.bid, ['bid'], 'bid', false);
  const askIdx = find(cols.ask, ['ask'], 'ask', false);
  const priceIdx = find(cols.price, PRICE_NAMES, 'price', bidIdx < 0 || askIdx < 0);
  const volIdx = find(cols.volume, metaTrader ? METATRADER_VOLUME_NAMES : ['volume'], 'volume', false);
  const symIdx = find(cols.symbol, ['symbol'], 'symbol', false);
  if (missing !== undefined) return missing;
  return {
    delimiter,
    width: names.length,
    names,
    tsIdx,
    dateIdx,
    splitTime,
    priceIdx,
    bidIdx,
    askIdx,
    volIdx,
    symIdx,
    carryQuotes: metaTrader && bidIdx >= 0 && askIdx >= 0,
    unit: options.timestampUnit ?? 'auto',
    symbol: options.symbol,
    source: options.source,
  };
}

/** Reads any row of a delimited file: split, trim, and a problem naming the cell for a bad one. */
function generalCsvRowReader(
  layout: CsvLayout,
  carry: QuoteCarry,
): (line: string) => PriceRow | PriceRowProblem {
  const { delimiter, width, names, tsIdx, dateIdx, splitTime, priceIdx, bidIdx, askIdx, volIdx, symIdx } =
    layout;
  const { carryQuotes, unit } = layout;
  return (line: string): PriceRow | PriceRowProblem => {
    const cells = splitDelimited(line, delimiter);
    if (cells === undefined) return new PriceRowProblem('row has an unclosed quote', line);
    if (cells.length !== width) {
      const what = `row has ${cells.length} column${cells.length === 1 ? '' : 's'} but the header has ${width}`;
      return new PriceRowProblem(what, line, undefined, undefined, {
        columns: cells.length,
        headerColumns: width,
      });
    }
    let tsCol = tsIdx;
    let tsText = (cells[tsIdx] as string).trim();
    if (splitTime && TIME_OF_DAY.test(tsText)) {
      tsCol = dateIdx;
      tsText = `${(cells[dateIdx] as string).trim()} ${tsText}`;
    }
    const tsMs = parseTimestampMs(tsText, unit);
    if (tsMs === undefined) return timestampProblem(tsText, unit, names[tsCol] as string, tsCol + 1);
    const price = priceIdx >= 0 ? cellNumber(cells, priceIdx, names) : undefined;
    if (price instanceof PriceRowProblem) return price;
    let bid = bidIdx >= 0 ? cellNumber(cells, bidIdx, names) : undefined;
    if (bid instanceof PriceRowProblem) return bid;
    let ask = askIdx >= 0 ? cellNumber(cells, askIdx, names) : undefined;
    if (ask instanceof PriceRowProblem) return ask;
    const volume = volIdx >= 0 ? cellNumber(cells, volIdx, names) : undefined;
    if (volume instanceof PriceRowProblem) return volume;
    if (carryQuotes) {
      bid ??= carry.bid;
      ask ??= carry.ask;
    }
    if (price === undefined && (bid === undefined || ask === undefined)) {
      const col = priceIdx >= 0 ? priceIdx : bidIdx;
      return new PriceRowProblem(
        'row has neither a price nor both bid and ask',
        '',
        names[col] ?? 'price',
        col + 1,
      );
    }
    const symbol = symIdx >= 0 ? (cells[symIdx] as string).trim() : layout.symbol;
    if (symbol === '') return new PriceRowProblem('empty symbol', '', names[symIdx], symIdx + 1);
    if (carryQuotes) {
      carry.bid = bid;
      carry.ask = ask;
    }
    return { symbol, tsMs, price, bid, ask, volume, source: layout.source };
  };
}

/** Builds the row reader of a JSONL file (one object per line). */
function jsonRowReader(options: PriceFileOptions): (line: string) => PriceRow | PriceRowProblem {
  const cols = options.columns ?? {};
  const unit = options.timestampUnit ?? 'auto';
  const pick = (obj: Record<string, unknown>, explicit: string | undefined, defaults: readonly string[]) => {
    if (explicit !== undefined) return { key: explicit, value: obj[explicit] };
    for (const key of defaults) if (obj[key] !== undefined) return { key, value: obj[key] };
    return { key: defaults[0] as string, value: undefined };
  };
  const field = (obj: Record<string, unknown>, explicit: string | undefined, defaults: readonly string[]) => {
    const { key, value } = pick(obj, explicit, defaults);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number') {
      return Number.isFinite(value)
        ? value
        : new PriceRowProblem(`${key} is not a finite number`, String(value), key);
    }
    if (typeof value === 'string') return numberOrProblem(value, key, undefined);
    return new PriceRowProblem(`${key} is not a number`, JSON.stringify(value), key);
  };
  return (line: string): PriceRow | PriceRowProblem => {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      const pos = /position (\d+)/.exec(String(err))?.[1];
      return new PriceRowProblem(
        'invalid JSON',
        line,
        pos !== undefined ? `char ${Number(pos) + 1}` : 'json',
      );
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      return new PriceRowProblem('a JSONL row must be an object', line, 'json');
    }
    const o = obj as Record<string, unknown>;
    const ts = pick(o, cols.timestamp, JSON_TIMESTAMP_KEYS);
    const tsText = ts.value === undefined ? '' : String(ts.value);
    const tsMs = parseTimestampMs(tsText, unit);
    if (tsMs === undefined) return timestampProblem(tsText, unit, ts.key);
    const price = field(o, cols.price, PRICE_NAMES);
    if (price instanceof PriceRowProblem) return price;
    const bid = field(o, cols.bid, ['bid']);
    if (bid instanceof PriceRowProblem) return bid;
    const ask = field(o, cols.ask, ['ask']);
    if (ask instanceof PriceRowProblem) return ask;
    const volume = field(o, cols.volume, ['volume']);
    if (volume instanceof PriceRowProblem) return volume;
    if (price === undefined && (bid === undefined || ask === undefined)) {
      return new PriceRowProblem('row has neither a price nor both bid and ask', line, cols.price ?? 'price');
    }
    const sym = pick(o, cols.symbol, ['symbol']);
    if (sym.value !== undefined && typeof sym.value !== 'string') {
      return new PriceRowProblem('symbol is not a string', JSON.stringify(sym.value), sym.key);
    }
    return { symbol: sym.value ?? options.symbol, tsMs, price, bid, ask, volume, source: options.source };
  };
}
