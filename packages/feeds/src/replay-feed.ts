import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { type Alert, type Clock, FeedError, SystemClock, type Tick } from '@omni/core';
import { parseIsoDate } from './fx-extract.js';
import { MarketNormalizer, type RawTick } from './market-normalizer.js';
import type { AlertSink, BadInputPolicy, PriceFeed } from './price-feed.js';

/** Which column (CSV header) or key (JSONL) holds each field. Matching is case-insensitive for CSV. */
export interface ReplayColumns {
  /**
   * Default: the first of `timestamp`, `time`, `ts`, `tsMs`, `date`. ISO-8601 text or epoch numbers
   * (10 digits = seconds, 13 digits = milliseconds; see {@link ReplayFeedOptions.timestampUnit}).
   */
  readonly timestamp?: string;
  /** Trade price or mid. Default: the first of `price`, `mid`, `close`. Optional when bid and ask exist. */
  readonly price?: string;
  /** Default `bid`. */
  readonly bid?: string;
  /** Default `ask`. */
  readonly ask?: string;
  /** Default `volume`. */
  readonly volume?: string;
  /** Default `symbol`; when absent, the `symbol` option or the file name is used. */
  readonly symbol?: string;
}

/** Options of a {@link ReplayFeed}. */
export interface ReplayFeedOptions {
  /** The CSV or JSONL file. */
  readonly path: string;
  /** Default: from the extension (`.jsonl`/`.ndjson` → jsonl, anything else → csv). */
  readonly format?: 'csv' | 'jsonl';
  /** Symbol for rows without a symbol column. Default: the file name without extension (`EURUSD.csv` → `EURUSD`). */
  readonly symbol?: string;
  readonly columns?: ReplayColumns;
  /** CSV delimiter. Default `,`. */
  readonly delimiter?: string;
  /**
   * Unit of numeric timestamps. Default `auto`: the number of digits decides — 10 digits are epoch
   * seconds (a fraction is allowed), 13 digits epoch milliseconds, anything else is a malformed row
   * (so a file in seconds never lands in 1970). `ms` or `s` take every number in that unit as given.
   */
  readonly timestampUnit?: 'auto' | 'ms' | 's';
  /** Replay speed: 0 = as fast as possible (default); 1 = real time; 60 = a minute per second. */
  readonly speed?: number;
  /** Clock used for pacing when `speed > 0`. Default SystemClock. */
  readonly clock?: Clock;
  /** Sleep used for pacing; inject a fake in tests. Default: a `setTimeout` promise. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Bad rows: `reject` (throw FeedError naming file, line, column) or `skip-and-alert`. Default `reject`. */
  readonly policy?: BadInputPolicy;
  readonly onAlert?: AlertSink;
  /**
   * Spike multiple of the default normalizer. Default 0 (off): recorded daily data holds genuine
   * jumps (e.g. the SNB floor removal, USDCHF −15 % on 2015-01-15) that a spike filter would drop.
   */
  readonly spikeMultiple?: number;
  /** Cleans each tick. Default: a MarketNormalizer with the same policy and sink; `null` to pass rows through. */
  readonly normalizer?: MarketNormalizer | null;
  /** Feed name. Default `replay:<file name>`. */
  readonly name?: string;
}

const TIMESTAMP_NAMES = ['timestamp', 'time', 'ts', 'tsms', 'date'];
const PRICE_NAMES = ['price', 'mid', 'close'];
const ISO_DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;
const DIGITS = /^-?\d+(\.\d+)?$/;
/** Epoch seconds in `auto` mode: exactly 10 integer digits (2001-09-09 … 2286-11-20), optional fraction. */
const EPOCH_SECONDS = /^[1-9]\d{9}(\.\d+)?$/;
/** Epoch milliseconds in `auto` mode: exactly 13 digits (the same dates as above). */
const EPOCH_MILLIS = /^[1-9]\d{12}$/;

/** Unit of numeric timestamps, as resolved from {@link ReplayFeedOptions.timestampUnit}. */
type TimestampUnit = 'auto' | 'ms' | 's';

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A row that could not be parsed; becomes a FEED_MALFORMED_ROW naming file, line and column
 * (`column` undefined: the whole row is wrong, e.g. its column count), plus any `extra` context.
 */
class RowProblem {
  constructor(
    readonly column: string | undefined,
    readonly columnNumber: number | undefined,
    readonly what: string,
    readonly value: string,
    readonly extra: Readonly<Record<string, number>> = {},
  ) {}
}

/**
 * Replays a CSV or JSONL file as a {@link PriceFeed}, streamed in 64 KiB chunks line by line:
 * memory stays constant whatever the file size (a 10M-line file replays like a 10-line one).
 * Why: backtests and shadow replays run on recorded data through the same port as live feeds.
 *
 * Each row becomes a raw tick (timestamp as ISO-8601 text or epoch ms/s; `price`, or `bid`+`ask`,
 * optional `volume`) and then goes through a {@link MarketNormalizer}. A CSV row must have as many
 * columns as the header. With `speed > 0`, emission
 * is paced so that timestamp gaps take `gap / speed` of (injected) clock time.
 *
 * @example
 * const feed = new ReplayFeed({ path: bundledFxPath('EURUSD') });
 * for await (const tick of feed) console.log(new Date(tick.tsMs).toISOString(), tick.price);
 */
export class ReplayFeed implements PriceFeed {
  readonly name: string;
  readonly path: string;
  readonly #options: ReplayFeedOptions;
  readonly #format: 'csv' | 'jsonl';
  readonly #policy: BadInputPolicy;
  readonly #normalizer: MarketNormalizer | null;
  readonly #file: string;
  #stopped = false;
  #started = false;
  #lines = 0;
  #skipped = 0;
  #parseRow: ((line: string) => RawTick) | undefined;

  constructor(options: ReplayFeedOptions) {
    this.#options = options;
    this.path = options.path;
    this.#file = basename(options.path);
    const ext = extname(options.path).toLowerCase();
    this.#format = options.format ?? (ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : 'csv');
    this.#policy = options.policy ?? 'reject';
    this.name = options.name ?? `replay:${this.#file}`;
    const speed = options.speed ?? 0;
    if (!(Number.isFinite(speed) && speed >= 0)) {
      throw new FeedError(
        'FEED_BAD_OPTION',
        'replay speed must be a finite number >= 0 (0 = as fast as possible)',
        {
          speed,
        },
      );
    }
    this.#normalizer =
      options.normalizer === undefined
        ? new MarketNormalizer({
            policy: this.#policy,
            spikeMultiple: options.spikeMultiple ?? 0,
            ...(options.onAlert !== undefined ? { onAlert: options.onAlert } : {}),
            name: this.name,
          })
        : options.normalizer;
  }

  /** Lines read so far (including the header). */
  get linesRead(): number {
    return this.#lines;
  }

  /** Rows skipped under `skip-and-alert` by the row parser (the normalizer counts its own). */
  get rowsSkipped(): number {
    return this.#skipped;
  }

  /** Checks that the file is readable. */
  async start(): Promise<void> {
    try {
      const info = await stat(this.path);
      if (!info.isFile()) throw new Error('not a regular file');
    } catch (cause) {
      throw new FeedError(
        'FEED_UNREADABLE',
        'cannot open the replay file; check the path',
        { file: this.path },
        { cause },
      );
    }
    this.#started = true;
    this.#stopped = false;
  }

  /** Ends the replay: the iterator completes at the next row and closes the file. */
  async stop(): Promise<void> {
    this.#stopped = true;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Tick> {
    if (!this.#started) await this.start();
    const speed = this.#options.speed ?? 0;
    const clock = this.#options.clock ?? new SystemClock();
    const sleep = this.#options.sleep ?? defaultSleep;
    let firstTs = -1;
    let wallStart = 0;
    for await (const raw of this.#rawTicks()) {
      const tick = this.#normalizer
        ? this.#normalizer.normalize(raw, { file: this.path, line: this.#lines })
        : (raw as Tick);
      if (tick === undefined) continue;
      if (speed > 0) {
        if (firstTs < 0) {
          firstTs = tick.tsMs;
          wallStart = clock.nowMs();
        } else {
          const wait = wallStart + (tick.tsMs - firstTs) / speed - clock.nowMs();
          if (wait > 0) await sleep(wait);
        }
      }
      if (this.#stopped) return;
      yield tick;
    }
  }

  /** Streams the file's rows as raw ticks; malformed rows are thrown or alerted here. */
  async *#rawTicks(): AsyncGenerator<RawTick> {
    const stream = createReadStream(this.path, { encoding: 'utf8', highWaterMark: 1 << 16 });
    let carry = '';
    this.#parseRow = undefined;
    this.#lines = 0;
    try {
      for await (const chunk of stream as AsyncIterable<string>) {
        let text = carry + chunk;
        let start = 0;
        for (;;) {
          if (this.#stopped) return;
          const nl = text.indexOf('\n', start);
          if (nl < 0) break;
          const line = text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl);
          start = nl + 1;
          const raw = this.#handleLine(line);
          if (raw !== undefined) yield raw;
        }
        text = text.slice(start);
        carry = text;
      }
      if (carry.length > 0 && !this.#stopped) {
        const line = carry.endsWith('\r') ? carry.slice(0, -1) : carry;
        const raw = this.#handleLine(line);
        if (raw !== undefined) yield raw;
      }
    } catch (err) {
      if (err instanceof FeedError) throw err;
      throw new FeedError(
        'FEED_UNREADABLE',
        'reading the replay file failed',
        { file: this.path, line: this.#lines },
        { cause: err },
      );
    } finally {
      stream.destroy();
    }
  }

  #handleLine(line: string): RawTick | undefined {
    this.#lines++;
    if (line.trim() === '') return undefined;
    if (this.#parseRow === undefined) {
      if (this.#format === 'jsonl') {
        this.#parseRow = this.#jsonlParser();
        return this.#guard(this.#parseRow, line);
      }
      this.#parseRow = this.#csvParser(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
      return undefined;
    }
    return this.#guard(this.#parseRow, line);
  }

  #guard(parse: (line: string) => RawTick, line: string): RawTick | undefined {
    try {
      return parse(line);
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      const context = {
        file: this.path,
        line: this.#lines,
        ...(err.column !== undefined ? { column: err.column } : {}),
        ...(err.columnNumber !== undefined ? { columnNumber: err.columnNumber } : {}),
        ...err.extra,
        value: err.value.length > 80 ? `${err.value.slice(0, 80)}…` : err.value,
      };
      const where = err.column !== undefined ? ` column ${err.column}` : '';
      const message = `${err.what} at ${this.#file}:${this.#lines}${where}`;
      if (this.#policy === 'reject') throw new FeedError('FEED_MALFORMED_ROW', message, context);
      this.#skipped++;
      const alert: Alert = {
        tsMs: 0,
        level: 'warn',
        code: 'FEED_MALFORMED_ROW',
        message: `skipped: ${message}`,
        source: this.name,
        context,
      };
      this.#options.onAlert?.(alert);
      return undefined;
    }
  }

  #csvParser(headerLine: string): (line: string) => RawTick {
    const delimiter = this.#options.delimiter ?? ',';
    const header = headerLine.split(delimiter).map((h) => unquote(h).toLowerCase());
    const cols = this.#options.columns ?? {};
    const find = (
      explicit: string | undefined,
      defaults: readonly string[],
      field: string,
      required: boolean,
    ): number => {
      if (explicit !== undefined) {
        const i = header.indexOf(explicit.toLowerCase());
        if (i < 0) {
          throw new FeedError(
            'FEED_MALFORMED_ROW',
            `the header has no ${explicit} column (mapped for ${field})`,
            {
              file: this.path,
              line: 1,
              header: headerLine,
            },
          );
        }
        return i;
      }
      for (const name of defaults) {
        const i = header.indexOf(name);
        if (i >= 0) return i;
      }
      if (required) {
        throw new FeedError(
          'FEED_MALFORMED_ROW',
          `the header has no ${field} column (tried ${defaults.join(', ')})`,
          {
            file: this.path,
            line: 1,
            header: headerLine,
          },
        );
      }
      return -1;
    };
    const tsIdx = find(cols.timestamp, TIMESTAMP_NAMES, 'timestamp', true);
    const bidIdx = find(cols.bid, ['bid'], 'bid', false);
    const askIdx = find(cols.ask, ['ask'], 'ask', false);
    const priceIdx = find(cols.price, PRICE_NAMES, 'price', bidIdx < 0 || askIdx < 0);
    const volIdx = find(cols.volume, ['volume'], 'volume', false);
    const symIdx = find(cols.symbol, ['symbol'], 'symbol', false);
    const fixedSymbol = this.#options.symbol ?? basename(this.path, extname(this.path));
    const source = `replay:${this.#file}`;
    const unit: TimestampUnit = this.#options.timestampUnit ?? 'auto';
    const names = header;
    const width = header.length;
    return (line: string): RawTick => {
      const cells = line.split(delimiter);
      if (cells.length !== width) {
        throw new RowProblem(
          undefined,
          undefined,
          `row has ${cells.length} column${cells.length === 1 ? '' : 's'} but the header has ${width}`,
          line,
          { columns: cells.length, headerColumns: width },
        );
      }
      const cell = (i: number): string => {
        const v = cells[i];
        if (v === undefined)
          throw new RowProblem(names[i] ?? String(i + 1), i + 1, `missing ${names[i]} value`, '');
        return unquote(v);
      };
      const tsMs = parseTimestamp(cell(tsIdx), unit, names[tsIdx] as string, tsIdx + 1);
      const price =
        priceIdx >= 0 ? optionalNumber(cell(priceIdx), names[priceIdx] as string, priceIdx + 1) : undefined;
      const bid = bidIdx >= 0 ? optionalNumber(cell(bidIdx), names[bidIdx] as string, bidIdx + 1) : undefined;
      const ask = askIdx >= 0 ? optionalNumber(cell(askIdx), names[askIdx] as string, askIdx + 1) : undefined;
      const volume =
        volIdx >= 0 ? optionalNumber(cell(volIdx), names[volIdx] as string, volIdx + 1) : undefined;
      if (price === undefined && (bid === undefined || ask === undefined)) {
        const col = priceIdx >= 0 ? priceIdx : bidIdx;
        throw new RowProblem(
          names[col] ?? 'price',
          col + 1,
          'row has neither a price nor both bid and ask',
          '',
        );
      }
      const symbol = symIdx >= 0 ? cell(symIdx) : fixedSymbol;
      if (symbol === '') throw new RowProblem(names[symIdx] ?? 'symbol', symIdx + 1, 'empty symbol', '');
      return { symbol, tsMs, price, bid, ask, volume, source };
    };
  }

  #jsonlParser(): (line: string) => RawTick {
    const cols = this.#options.columns ?? {};
    const fixedSymbol = this.#options.symbol ?? basename(this.path, extname(this.path));
    const source = `replay:${this.#file}`;
    const unit: TimestampUnit = this.#options.timestampUnit ?? 'auto';
    const pick = (
      obj: Record<string, unknown>,
      explicit: string | undefined,
      defaults: readonly string[],
    ): [string, unknown] => {
      if (explicit !== undefined) return [explicit, obj[explicit]];
      for (const name of defaults) if (obj[name] !== undefined) return [name, obj[name]];
      return [defaults[0] as string, undefined];
    };
    return (line: string): RawTick => {
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch (err) {
        const pos = /position (\d+)/.exec(String(err))?.[1];
        throw new RowProblem(
          pos !== undefined ? `char ${Number(pos) + 1}` : 'json',
          undefined,
          'invalid JSON',
          line,
        );
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
        throw new RowProblem('json', undefined, 'a JSONL row must be an object', line);
      }
      const o = obj as Record<string, unknown>;
      const [tsKey, tsVal] = pick(o, cols.timestamp, ['timestamp', 'time', 'ts', 'tsMs', 'date']);
      const tsMs = parseTimestamp(tsVal === undefined ? '' : String(tsVal), unit, tsKey, undefined);
      const field = (explicit: string | undefined, defaults: readonly string[]): number | undefined => {
        const [key, v] = pick(o, explicit, defaults);
        if (v === undefined || v === null) return undefined;
        if (typeof v === 'number') {
          if (!Number.isFinite(v))
            throw new RowProblem(key, undefined, `${key} is not a finite number`, String(v));
          return v;
        }
        if (typeof v === 'string') return optionalNumber(v, key, undefined);
        throw new RowProblem(key, undefined, `${key} is not a number`, JSON.stringify(v));
      };
      const price = field(cols.price, PRICE_NAMES);
      const bid = field(cols.bid, ['bid']);
      const ask = field(cols.ask, ['ask']);
      const volume = field(cols.volume, ['volume']);
      if (price === undefined && (bid === undefined || ask === undefined)) {
        throw new RowProblem(
          cols.price ?? 'price',
          undefined,
          'row has neither a price nor both bid and ask',
          line,
        );
      }
      const [symKey, symVal] = pick(o, cols.symbol, ['symbol']);
      if (symVal !== undefined && typeof symVal !== 'string') {
        throw new RowProblem(symKey, undefined, 'symbol is not a string', JSON.stringify(symVal));
      }
      const symbol = symVal ?? fixedSymbol;
      return { symbol, tsMs, price, bid, ask, volume, source };
    };
  }
}

function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.charCodeAt(0) === 34 && t.charCodeAt(t.length - 1) === 34 ? t.slice(1, -1) : t;
}

/** Parses a number cell; empty means absent. Non-numeric text is a RowProblem naming the column. */
function optionalNumber(text: string, column: string, columnNumber: number | undefined): number | undefined {
  if (text === '') return undefined;
  const v = Number(text);
  if (!Number.isFinite(v))
    throw new RowProblem(
      column,
      columnNumber,
      `${column} ${JSON.stringify(text)} is not a finite number`,
      text,
    );
  return v;
}

/**
 * Parses a timestamp: epoch digits, a date `YYYY-MM-DD` (UTC midnight), or ISO-8601 date-time
 * (no zone = UTC, a space instead of `T` accepted). Epoch digits under `auto`: 10 digits are
 * seconds, 13 are milliseconds, any other magnitude is rejected (it cannot be told apart).
 */
function parseTimestamp(
  text: string,
  unit: TimestampUnit,
  column: string,
  columnNumber: number | undefined,
): number {
  if (text === '') throw new RowProblem(column, columnNumber, `empty ${column}`, text);
  let ms: number;
  if (DIGITS.test(text)) {
    const seconds = unit === 's' || (unit === 'auto' && EPOCH_SECONDS.test(text));
    if (unit === 'auto' && !seconds && !EPOCH_MILLIS.test(text)) {
      throw new RowProblem(
        column,
        columnNumber,
        `${column} ${JSON.stringify(text)} is not an epoch time of 10 digits (seconds) or 13 digits (milliseconds); convert it, or set timestampUnit`,
        text,
      );
    }
    ms = seconds ? Math.round(Number(text) * 1000) : Number(text);
  } else if (ISO_DATE_ONLY.test(text)) {
    ms = parseIsoDate(text) ?? Number.NaN;
  } else {
    const iso = text.replace(' ', 'T');
    ms = Date.parse(HAS_ZONE.test(iso) ? iso : `${iso}Z`);
  }
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new RowProblem(
      column,
      columnNumber,
      `${column} ${JSON.stringify(text)} is not an ISO-8601 time or whole epoch ${unit === 's' ? 's' : 'ms'}`,
      text,
    );
  }
  return ms;
}
