import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { JournalError } from './errors.js';
import { existingSize, highestRotation, type JournalPosition, rotatedName } from './journal-files.js';
import { hasRegisteredSecrets, scrubSecrets } from './secret.js';

/** Options of a {@link JournalWriter}. */
export interface JournalWriterOptions {
  /** Rotate to a new file before the active one would exceed this many bytes. Default 64 MiB. */
  maxBytes?: number;
  /** Flush automatically once this many bytes are buffered. Default 64 KiB. */
  bufferBytes?: number;
  /** fsync the file on every flush (slower, survives power loss). Default false. */
  fsync?: boolean;
  /**
   * Flush on a timer every this many milliseconds of wall time (an unref'd interval, so it never keeps a
   * process alive): bounds what a crash can lose to this window. Default 0 = only when the buffer fills.
   */
  flushIntervalMs?: number;
  /**
   * What to do when the disk refuses a write (full, read-only, gone). Without it, `flush` (and an
   * `append` that fills the buffer) throws `JOURNAL_WRITE_FAILED`. With it, the first failure is
   * handed to this function once and the writer is *failed*: it never writes again (so no torn line
   * can sit in the middle of the file), and every record buffered or appended since is counted in
   * {@link JournalWriter.lostRecords} instead of throwing. A live engine uses it to stop trading
   * (reduce-only) rather than trade without a journal.
   */
  onWriteFailure?: (error: JournalError) => void;
  /** Where the bytes go: `fs.writeSync` by default; tests inject a failing writer (disk full). */
  write?: JournalFileWrite;
}

/** Writes `length` bytes of `data` from `offset` to `fd`; returns how many were written (may be fewer). */
export type JournalFileWrite = (fd: number, data: Buffer, offset: number, length: number) => number;

const EMPTY = Buffer.alloc(0);
const NEWLINE = 0x0a;

/** JSON.stringify replacer: bigint (wei amounts) become decimal strings. */
function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * JSON.stringify with bigints as decimal strings. A replacer function slows every record down several
 * times, so it is used only for the records that hold a bigint (wei amounts): those make the plain call
 * throw a TypeError, and everything else gives the same text either way. Undefined for what JSON
 * cannot hold at top level (undefined, a function), as JSON.stringify.
 */
export function stringifyJson(record: unknown): string | undefined {
  try {
    return JSON.stringify(record);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return JSON.stringify(record, jsonReplacer);
  }
}

/** Serialises one record to a single JSON line (no trailing newline), secret-free. */
export function toJsonLine(record: unknown): string {
  const line = stringifyJson(record);
  if (line === undefined) {
    throw new JournalError('JOURNAL_WRITE_FAILED', 'a journal record must be JSON-serialisable', {
      type: typeof record,
    });
  }
  return hasRegisteredSecrets() ? scrubSecrets(line) : line;
}

/**
 * An append-only JSONL journal: one complete record per line, buffered in memory and written
 * with explicit {@link JournalWriter.flush} / {@link JournalWriter.close} (and automatically
 * when the buffer fills). Files rotate by size: `trades.jsonl` becomes `trades.000001.jsonl`,
 * `trades.000002.jsonl`, ... and nothing is ever deleted. A record never straddles two files.
 *
 * Writes are synchronous so the order on disk is the order of `append` calls; a crash can at
 * worst leave one torn last line, which {@link streamJournal} reports instead of throwing.
 *
 * @example
 * const trades = new JournalWriter<TradeOutcome>('runs/1/trades.jsonl');
 * trades.append(outcome);
 * trades.close();
 */
export class JournalWriter<T = unknown> {
  readonly path: string;
  readonly #maxBytes: number;
  readonly #bufferBytes: number;
  readonly #fsync: boolean;
  #fd: number | undefined;
  #fileBytes = 0;
  /** Buffered lines as UTF-8 bytes, each ending in `\n`; `#ends` holds where each line ends. */
  #bytes: Buffer = EMPTY;
  #length = 0;
  readonly #ends: number[] = [];
  #records = 0;
  #rotations: number;
  #closed = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #onWriteFailure: ((error: JournalError) => void) | undefined;
  readonly #writeFile: JournalFileWrite;
  #failure: JournalError | undefined;
  #lost = 0;

  constructor(path: string, options: JournalWriterOptions = {}) {
    this.path = path;
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.#bufferBytes = options.bufferBytes ?? 64 * 1024;
    this.#fsync = options.fsync ?? false;
    this.#onWriteFailure = options.onWriteFailure;
    this.#writeFile = options.write ?? writeSync;
    if (!(this.#maxBytes > 0)) {
      throw new JournalError('JOURNAL_BAD_OPTION', 'JournalWriter maxBytes must be > 0', {
        file: path,
        maxBytes: this.#maxBytes,
      });
    }
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw new JournalError(
        'JOURNAL_WRITE_FAILED',
        'cannot create the journal directory',
        { file: path },
        { cause: err },
      );
    }
    this.#rotations = highestRotation(path);
    this.#fileBytes = existingSize(path);
    const every = options.flushIntervalMs ?? 0;
    if (every > 0) {
      this.#timer = setInterval(() => this.#flushQuietly(), every);
      this.#timer.unref();
    }
  }

  /** Flushes and returns where the journal stands on disk (see {@link truncateJournal}). */
  position(): JournalPosition {
    this.flush();
    return { rotation: this.#rotations, bytes: this.#fileBytes };
  }

  /** The write failure that stopped this writer (only with `onWriteFailure`), if any. */
  get failure(): JournalError | undefined {
    return this.#failure;
  }

  /**
   * Records not known to be on disk because the writer failed (only with `onWriteFailure`): those of
   * the flush that failed (some may have reached the disk before it) and every one appended after.
   */
  get lostRecords(): number {
    return this.#lost;
  }

  /** Records appended so far (buffered or written). */
  get recordCount(): number {
    return this.#records;
  }

  /** Buffers one record; flushes when the buffer is full. */
  append(record: T): void {
    if (this.#accepting()) this.#push(toJsonLine(record));
  }

  /**
   * Buffers one record already serialised by {@link toJsonLine} (one line, no newline): for a writer
   * that needs the line itself too (the audit trail hashes the bytes it writes), so a record is
   * serialised once. The line must come from `toJsonLine`, which redacts registered secrets.
   */
  appendLine(line: string): void {
    if (this.#accepting()) this.#push(line);
  }

  /** Whether an append may be buffered: throws on a closed journal, counts a lost record on a failed one. */
  #accepting(): boolean {
    if (this.#closed)
      throw new JournalError('JOURNAL_CLOSED', 'append on a closed journal', { file: this.path });
    if (this.#failure === undefined) return true;
    this.#lost++;
    return false;
  }

  /** Encodes `line` and a newline straight into the byte buffer (no intermediate strings). */
  #push(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const room = this.#length + line.length * 3 + 1;
    if (room > this.#bytes.length) this.#grow(room);
    const n = this.#bytes.write(line, this.#length, 'utf8');
    this.#bytes[this.#length + n] = NEWLINE;
    this.#length += n + 1;
    this.#ends.push(this.#length);
    this.#records++;
    if (this.#length >= this.#bufferBytes) this.flush();
  }

  #grow(room: number): void {
    const next = Buffer.allocUnsafe(Math.max(room, this.#bufferBytes + 4096, 2 * this.#bytes.length));
    this.#bytes.copy(next, 0, 0, this.#length);
    this.#bytes = next;
  }

  /** Writes every buffered record to disk (rotating as needed). */
  flush(): void {
    if (this.#length === 0 || this.#failure !== undefined) return;
    const lines = this.#ends.length;
    let failure: unknown;
    try {
      this.#writeBuffered();
      if (this.#fsync && this.#fd !== undefined) fsyncSync(this.#fd);
    } catch (err) {
      failure = err ?? new Error('write failed');
    }
    // What this flush held is not retried: the buffer is emptied whether it was written or not.
    this.#length = 0;
    this.#ends.length = 0;
    if (failure === undefined) return;
    const error =
      failure instanceof JournalError
        ? failure
        : new JournalError(
            'JOURNAL_WRITE_FAILED',
            'cannot write to the journal (disk full, read-only or gone?); free space or fix the folder, then restart',
            { file: this.path, errno: (failure as NodeJS.ErrnoException).code },
            { cause: failure },
          );
    if (this.#onWriteFailure === undefined) throw error;
    // Failed for good: what was not written is lost, and nothing is written after it.
    this.#failure = error;
    this.#lost += lines;
    this.#onWriteFailure(error);
  }

  /**
   * Writes the buffer, rotating before a line that would take the active file past `maxBytes`
   * (unless the file is still empty: a line longer than `maxBytes` gets a file of its own).
   */
  #writeBuffered(): void {
    const end = this.#length;
    if (this.#fileBytes + end <= this.#maxBytes) {
      this.#write(0, end);
      return;
    }
    let start = 0;
    let previous = 0;
    for (const lineEnd of this.#ends) {
      if (this.#fileBytes + lineEnd - start > this.#maxBytes && this.#fileBytes + previous - start > 0) {
        if (previous > start) this.#write(start, previous);
        start = previous;
        this.#rotate();
      }
      previous = lineEnd;
    }
    if (end > start) this.#write(start, end);
  }

  /** Flushes and closes the file. Further appends throw. */
  close(): void {
    if (this.#closed) return;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.flush();
    this.#closeFd();
    this.#closed = true;
  }

  /** The timer's flush: a failure is left for the next explicit flush or append to raise. */
  #flushQuietly(): void {
    if (this.#closed || this.#length === 0) return;
    try {
      this.flush();
    } catch {
      // The records stay lost to this flush only; the next append or flush reports the fault.
    }
  }

  #open(): number {
    if (this.#fd === undefined) {
      this.#fd = openSync(this.path, 'a');
      this.#fileBytes = fstatSync(this.#fd).size;
    }
    return this.#fd;
  }

  /** Writes bytes `[start, end)` of the buffer: a short write (a filling disk) continues, a write of nothing fails. */
  #write(start: number, end: number): void {
    const fd = this.#open();
    let offset = start;
    while (offset < end) {
      const n = this.#writeFile(fd, this.#bytes, offset, end - offset);
      if (!(n > 0)) {
        this.#fileBytes += offset - start;
        throw new Error(`wrote ${offset - start} of ${end - start} bytes, then nothing`);
      }
      offset += n;
    }
    this.#fileBytes += end - start;
  }

  #rotate(): void {
    this.#closeFd();
    this.#rotations++;
    renameSync(this.path, rotatedName(this.path, this.#rotations));
    this.#fileBytes = 0;
  }

  #closeFd(): void {
    if (this.#fd !== undefined) {
      if (this.#fsync) fsyncSync(this.#fd);
      closeSync(this.#fd);
      this.#fd = undefined;
    }
  }
}

export {
  type JournalPosition,
  journalPositionOnDisk,
  listJournalFiles,
  truncateJournal,
} from './journal-files.js';
export {
  type JournalReadResult,
  type ReadJournalOptions,
  readJournal,
  streamJournal,
  type TornLine,
} from './journal-reader.js';
