import { createReadStream } from 'node:fs';
import type { z } from 'zod';
import { JournalError } from './errors.js';

/** A last line cut off by a crash mid-write. */
export interface TornLine {
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  readonly bytes: number;
  /** Up to the first 120 characters of the torn text. */
  readonly preview: string;
}

/** Options of {@link streamJournal} / {@link readJournal}. */
export interface ReadJournalOptions<T> {
  /** Validate each record; a record that fails is a `JOURNAL_CORRUPT_LINE` error naming the line. */
  schema?: z.ZodType<T>;
  /** Called with the torn last line, if the file ends in one. */
  onTorn?: (torn: TornLine) => void;
}

/**
 * Streams the records of one JSONL journal file in constant memory.
 *
 * A torn last line (no trailing newline and not parseable: the process died mid-write) is
 * reported through `onTorn` and skipped; every complete record before it is returned. A bad
 * line anywhere else is real corruption and throws a {@link JournalError} naming file and line.
 */
export async function* streamJournal<T = unknown>(
  file: string,
  options: ReadJournalOptions<T> = {},
): AsyncGenerator<T, void, undefined> {
  let stream: ReturnType<typeof createReadStream>;
  try {
    stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  } catch (err) {
    throw new JournalError('JOURNAL_UNREADABLE', 'cannot open the journal', { file }, { cause: err });
  }
  let pending = '';
  let lineNo = 0;
  try {
    for await (const chunk of stream) {
      pending += chunk as string;
      let start = 0;
      let nl = pending.indexOf('\n', start);
      while (nl >= 0) {
        lineNo++;
        const text = pending.slice(start, nl);
        if (text.trim() !== '') yield parseLine(text, file, lineNo, options.schema);
        start = nl + 1;
        nl = pending.indexOf('\n', start);
      }
      pending = pending.slice(start);
    }
  } catch (err) {
    if (err instanceof JournalError) throw err;
    throw new JournalError('JOURNAL_UNREADABLE', 'cannot read the journal', { file }, { cause: err });
  }
  if (pending.trim() === '') return;
  lineNo++;
  let parsed: unknown;
  try {
    parsed = JSON.parse(pending);
  } catch {
    options.onTorn?.({
      file,
      line: lineNo,
      bytes: Buffer.byteLength(pending),
      preview: pending.slice(0, 120),
    });
    return;
  }
  yield validate(parsed, file, lineNo, options.schema);
}

function parseLine<T>(text: string, file: string, line: number, schema: z.ZodType<T> | undefined): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new JournalError(
      'JOURNAL_CORRUPT_LINE',
      'a journal line in the middle of the file is not valid JSON (not a torn last line: the file was damaged)',
      { file, line },
      { cause: err },
    );
  }
  return validate(parsed, file, line, schema);
}

function validate<T>(parsed: unknown, file: string, line: number, schema: z.ZodType<T> | undefined): T {
  if (!schema) return parsed as T;
  const result = schema.safeParse(parsed);
  if (result.success) return result.data;
  throw new JournalError(
    'JOURNAL_CORRUPT_LINE',
    'a journal record does not match its schema',
    { file, line },
    { details: result.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`) },
  );
}

/** The records of a journal file, with the torn last line if there was one. */
export interface JournalReadResult<T> {
  readonly records: T[];
  readonly torn: TornLine | undefined;
}

/** Reads a whole journal file into memory (see {@link streamJournal} for large files). */
export async function readJournal<T = unknown>(
  file: string,
  options: Omit<ReadJournalOptions<T>, 'onTorn'> = {},
): Promise<JournalReadResult<T>> {
  const records: T[] = [];
  let torn: TornLine | undefined;
  for await (const record of streamJournal(file, { ...options, onTorn: (t) => (torn = t) }))
    records.push(record);
  return { records, torn };
}
