import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { JournalError } from './errors.js';
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

/** Where a journal stood at one moment: the active file's rotation index and its size in bytes. */
export interface JournalPosition {
  readonly rotation: number;
  readonly bytes: number;
}

/** JSON.stringify replacer: bigint (wei amounts) become decimal strings. */
function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Serialises one record to a single JSON line (no trailing newline), secret-free. */
export function toJsonLine(record: unknown): string {
  const line = JSON.stringify(record, jsonReplacer);
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
  #buffer: string[] = [];
  #bufferedBytes = 0;
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
    if (this.#closed)
      throw new JournalError('JOURNAL_CLOSED', 'append on a closed journal', { file: this.path });
    if (this.#failure !== undefined) {
      this.#lost++;
      return;
    }
    const line = `${toJsonLine(record)}\n`;
    this.#buffer.push(line);
    this.#bufferedBytes += Buffer.byteLength(line);
    this.#records++;
    if (this.#bufferedBytes >= this.#bufferBytes) this.flush();
  }

  /** Writes every buffered record to disk (rotating as needed). */
  flush(): void {
    if (this.#buffer.length === 0 || this.#failure !== undefined) return;
    const lines = this.#buffer;
    this.#buffer = [];
    this.#bufferedBytes = 0;
    try {
      let chunk = '';
      let chunkBytes = 0;
      for (const line of lines) {
        const bytes = Buffer.byteLength(line);
        if (this.#fileBytes + chunkBytes + bytes > this.#maxBytes && this.#fileBytes + chunkBytes > 0) {
          if (chunkBytes > 0) this.#write(chunk, chunkBytes);
          chunk = '';
          chunkBytes = 0;
          this.#rotate();
        }
        chunk += line;
        chunkBytes += bytes;
      }
      if (chunkBytes > 0) this.#write(chunk, chunkBytes);
      if (this.#fsync && this.#fd !== undefined) fsyncSync(this.#fd);
    } catch (err) {
      const error =
        err instanceof JournalError
          ? err
          : new JournalError(
              'JOURNAL_WRITE_FAILED',
              'cannot write to the journal (disk full, read-only or gone?); free space or fix the folder, then restart',
              { file: this.path, errno: (err as NodeJS.ErrnoException).code },
              { cause: err },
            );
      if (this.#onWriteFailure === undefined) throw error;
      // Failed for good: what was not written is lost, and nothing is written after it.
      this.#failure = error;
      this.#lost += lines.length;
      this.#onWriteFailure(error);
    }
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
    if (this.#closed || this.#buffer.length === 0) return;
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

  /** Writes all of `chunk`: a short write (a filling disk) continues, a write of nothing fails. */
  #write(chunk: string, bytes: number): void {
    const fd = this.#open();
    const data = Buffer.from(chunk, 'utf8');
    let offset = 0;
    while (offset < data.length) {
      const n = this.#writeFile(fd, data, offset, data.length - offset);
      if (!(n > 0)) {
        this.#fileBytes += offset;
        throw new Error(`wrote ${offset} of ${data.length} bytes, then nothing`);
      }
      offset += n;
    }
    this.#fileBytes += bytes;
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

/**
 * Puts a journal back where {@link JournalWriter.position} said it stood: files rotated after that
 * point are folded back (the file that was active then becomes active again) and the active file is
 * cut to its size then. Used when a run resumes from a checkpoint: what was written after it is
 * written again, identically, by the deterministic replay. Returns the bytes cut.
 */
export function truncateJournal(path: string, position: JournalPosition): number {
  let cut = 0;
  const rotatedAfter = listJournalFiles(path).filter((file) => {
    const m = rotationPattern(path).exec(basename(file));
    return m !== null && Number(m[1]) > position.rotation;
  });
  if (rotatedAfter.length > 0) {
    // The first file rotated after the checkpoint was the active file at the checkpoint.
    for (const later of [...rotatedAfter.slice(1), path]) {
      if (!existsSync(later)) continue;
      cut += statSync(later).size;
      rmSync(later);
    }
    renameSync(rotatedAfter[0] as string, path);
  }
  if (!existsSync(path)) {
    if (position.bytes > 0) {
      throw new JournalError('JOURNAL_UNREADABLE', 'the journal is shorter than its checkpoint says', {
        file: path,
        expectedBytes: position.bytes,
      });
    }
    return cut;
  }
  const size = statSync(path).size;
  if (size < position.bytes) {
    throw new JournalError('JOURNAL_UNREADABLE', 'the journal is shorter than its checkpoint says', {
      file: path,
      bytes: size,
      expectedBytes: position.bytes,
    });
  }
  if (size > position.bytes) truncateSync(path, position.bytes);
  return cut + size - position.bytes;
}

/** Where a journal that no writer holds open stands on disk (a missing file is at rotation 0, 0 bytes). */
export function journalPositionOnDisk(path: string): JournalPosition {
  return { rotation: highestRotation(path), bytes: existingSize(path) };
}

function existingSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function rotatedName(path: string, index: number): string {
  const base = path.endsWith('.jsonl') ? path.slice(0, -'.jsonl'.length) : path;
  return `${base}.${String(index).padStart(6, '0')}.jsonl`;
}

function rotationPattern(path: string): RegExp {
  const name = basename(path);
  const stem = name.endsWith('.jsonl') ? name.slice(0, -'.jsonl'.length) : name;
  return new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d{6,})\\.jsonl$`);
}

function highestRotation(path: string): number {
  const pattern = rotationPattern(path);
  let max = 0;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
}

/**
 * Every file of a rotated journal in the order it was written: the rotated files by index,
 * then the active file (if it exists).
 */
export function listJournalFiles(path: string): string[] {
  const pattern = rotationPattern(path);
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return [];
  }
  const rotated = names
    .map((name) => ({ name, m: pattern.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]))
    .map((x) => join(dirname(path), x.name));
  if (names.includes(basename(path))) rotated.push(path);
  return rotated;
}

export {
  type JournalReadResult,
  type ReadJournalOptions,
  readJournal,
  streamJournal,
  type TornLine,
} from './journal-reader.js';
