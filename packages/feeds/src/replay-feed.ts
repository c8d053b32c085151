import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  type Alert,
  type Clock,
  type EpochUnit,
  FeedError,
  isGzipPath,
  type PriceColumns,
  type PriceFileFormat,
  PriceFileParser,
  PriceRowProblem,
  priceFileFormat,
  SystemClock,
  stripGzip,
  type Tick,
} from '@omni/core';
import { MarketNormalizer, type RawTick } from './market-normalizer.js';
import type { AlertSink, BadInputPolicy, PriceFeed } from './price-feed.js';

/**
 * Which column (CSV header) or key (JSONL) holds each field; see {@link PriceColumns} of @omni/core
 * for the defaults (`timestamp`/`time`/`ts`/`tsMs`/`date`, `price`/`mid`/`close`, `bid`, `ask`,
 * `volume`, `symbol`; MetaTrader's `<DATE>`+`<TIME>`).
 */
export type ReplayColumns = PriceColumns;

/** Options of a {@link ReplayFeed}. */
export interface ReplayFeedOptions {
  /** The CSV or JSONL file. */
  readonly path: string;
  /** Default: from the extension (`.jsonl`/`.ndjson` → jsonl, anything else → csv). */
  readonly format?: 'csv' | 'jsonl';
  /** Symbol for rows without a symbol column. Default: the file name without extension (`EURUSD.csv` → `EURUSD`). */
  readonly symbol?: string;
  readonly columns?: ReplayColumns;
  /** CSV delimiter. Default: a tab for a tab-separated header without commas (MetaTrader exports), else `,`. */
  readonly delimiter?: string;
  /**
   * Unit of numeric timestamps. Default `auto`: the number of digits decides — 10 digits are epoch
   * seconds (a fraction is allowed), 13 digits epoch milliseconds, anything else is a malformed row
   * (so a file in seconds never lands in 1970). `ms` or `s` take every number in that unit as given.
   */
  readonly timestampUnit?: EpochUnit;
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

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Replays a CSV or JSONL file as a {@link PriceFeed}, streamed in 64 KiB chunks line by line:
 * memory stays constant whatever the file size (a 10M-line file replays like a 10-line one).
 * Why: backtests and shadow replays run on recorded data through the same port as live feeds.
 *
 * Rows are read by the {@link PriceFileParser} of @omni/core — the same reader `omni train` uses:
 * CSV with quoted cells, MetaTrader tick and bar exports, JSONL; timestamps as ISO-8601 (no zone =
 * UTC), `YYYY.MM.DD hh:mm:ss` or epoch s/ms; `price`, or `bid`+`ask`, optional `volume`. A CSV row
 * must have as many columns as the header. Each row then goes through a {@link MarketNormalizer}.
 * With `speed > 0`, emission is paced so that timestamp gaps take `gap / speed` of (injected) clock time.
 *
 * @example
 * const feed = new ReplayFeed({ path: bundledFxPath('EURUSD') });
 * for await (const tick of feed) console.log(new Date(tick.tsMs).toISOString(), tick.price);
 */
export class ReplayFeed implements PriceFeed {
  readonly name: string;
  readonly path: string;
  readonly #options: ReplayFeedOptions;
  readonly #format: PriceFileFormat;
  readonly #policy: BadInputPolicy;
  readonly #normalizer: MarketNormalizer | null;
  readonly #file: string;
  #stopped = false;
  #started = false;
  #lines = 0;
  #skipped = 0;
  #parser: PriceFileParser | undefined;
  /** The origin handed to the normalizer, updated per row (it copies what it keeps, in an error or alert). */
  readonly #origin: { readonly file: string; line: number };

  constructor(options: ReplayFeedOptions) {
    this.#options = options;
    this.path = options.path;
    this.#origin = { file: options.path, line: 0 };
    this.#file = basename(options.path);
    this.#format = options.format ?? priceFileFormat(options.path);
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
    const speed = this.#options.speed ?? 0;
    const clock = this.#options.clock ?? new SystemClock();
    const sleep = this.#options.sleep ?? defaultSleep;
    let firstTs = -1;
    let wallStart = 0;
    for await (const batch of this.#batches()) {
      for (const tick of batch) {
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
  }

  /**
   * The ticks of each chunk of the file (64 KiB, about two thousand rows) at once: a backtest drains
   * them with one await per chunk. Only for a replay that is not paced (`speed` 0); a paced replay
   * throws FEED_BAD_OPTION (iterate the feed instead).
   */
  batches(): AsyncIterable<readonly Tick[]> {
    if ((this.#options.speed ?? 0) > 0) {
      throw new FeedError('FEED_BAD_OPTION', 'a paced replay (speed > 0) has no batches: iterate the feed', {
        speed: this.#options.speed,
      });
    }
    return { [Symbol.asyncIterator]: () => this.#batches() };
  }

  /** Streams the file's rows, normalized, a chunk at a time; malformed rows are thrown or alerted here. */
  async *#batches(): AsyncGenerator<readonly Tick[]> {
    if (!this.#started) await this.start();
    const stream = openText(this.path);
    let carry = '';
    const { columns, delimiter, timestampUnit } = this.#options;
    this.#parser = new PriceFileParser({
      format: this.#format,
      symbol: this.#options.symbol ?? symbolOfFile(this.path),
      source: `replay:${this.#file}`,
      ...(columns !== undefined ? { columns } : {}),
      ...(delimiter !== undefined ? { delimiter } : {}),
      ...(timestampUnit !== undefined ? { timestampUnit } : {}),
    });
    this.#lines = 0;
    try {
      for await (const chunk of stream as AsyncIterable<string>) {
        if (this.#stopped) return;
        const text = carry + chunk;
        const batch: Tick[] = [];
        let start = 0;
        let failure: unknown;
        try {
          for (;;) {
            const nl = text.indexOf('\n', start);
            if (nl < 0) break;
            const line = text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl);
            start = nl + 1;
            this.#take(line, batch);
          }
        } catch (err) {
          failure = err; // the rows before the bad one are still delivered, as by a row-by-row reader
        }
        carry = text.slice(start);
        if (batch.length > 0) yield batch;
        if (failure !== undefined) throw failure;
      }
      if (carry.length > 0 && !this.#stopped) {
        const batch: Tick[] = [];
        this.#take(carry.endsWith('\r') ? carry.slice(0, -1) : carry, batch);
        if (batch.length > 0) yield batch;
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

  /** Reads one line into `batch` (nothing for the header, a blank line or a row skipped by policy). */
  #take(line: string, batch: Tick[]): void {
    const raw = this.#handleLine(line);
    if (raw === undefined) return;
    let tick: Tick | undefined = raw as Tick;
    if (this.#normalizer) {
      this.#origin.line = this.#lines;
      tick = this.#normalizer.normalize(raw, this.#origin);
    }
    if (tick !== undefined) batch.push(tick);
  }

  #handleLine(line: string): RawTick | undefined {
    this.#lines++;
    const row = (this.#parser as PriceFileParser).line(line);
    if (!(row instanceof PriceRowProblem)) return row;
    if (row.header) {
      throw new FeedError('FEED_MALFORMED_ROW', row.what, {
        file: this.path,
        line: this.#lines,
        header: row.value,
      });
    }
    const context = {
      file: this.path,
      line: this.#lines,
      ...(row.column !== undefined ? { column: row.column } : {}),
      ...(row.columnNumber !== undefined ? { columnNumber: row.columnNumber } : {}),
      ...row.extra,
      value: row.value.length > 80 ? `${row.value.slice(0, 80)}…` : row.value,
    };
    const where = row.column !== undefined ? ` column ${row.column}` : '';
    const message = `${row.what} at ${this.#file}:${this.#lines}${where}`;
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

/** The file's text in 64 KiB chunks; a `.gz` file is gunzipped on the way (gzip and concatenated members). */
function openText(path: string): Readable {
  if (!isGzipPath(path)) return createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 });
  const gunzip = createGunzip({ chunkSize: 1 << 16 });
  const file = createReadStream(path, { highWaterMark: 1 << 16 });
  file.on('error', (err) => gunzip.destroy(err));
  gunzip.on('close', () => file.destroy());
  file.pipe(gunzip);
  gunzip.setEncoding('utf8');
  return gunzip;
}

/** The symbol a file name gives: `EURUSD.csv` and `EURUSD.csv.gz` → `EURUSD`. */
function symbolOfFile(path: string): string {
  const name = stripGzip(path);
  return basename(name, extname(name));
}
