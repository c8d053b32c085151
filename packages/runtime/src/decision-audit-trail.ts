import { createHash } from 'node:crypto';
import { existsSync, readFileSync, truncateSync } from 'node:fs';
import {
  JournalError,
  JournalWriter,
  type JournalWriterOptions,
  streamJournal,
  toJsonLine,
} from '@omni/core';

/** The hash a chain starts from (no previous line). */
export const GENESIS_HASH = '0'.repeat(64);

/** One line of the audit trail: the entry, its sequence number and the hash chain. */
export interface AuditLine<T = unknown> {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly entry: T;
}

/**
 * The hash of one audit line: sha256 over the previous hash, the sequence number and the entry's
 * canonical JSON line (the same serialisation as journals: bigint as decimal strings, secrets
 * redacted), so recomputing it from the parsed file gives the same bytes.
 */
export function auditHash(prevHash: string, seq: number, entry: unknown): string {
  return createHash('sha256')
    .update(`${prevHash}\n${seq}\n${toJsonLine(entry)}`)
    .digest('hex');
}

/**
 * The specification's DecisionAuditTrail: every decision with its inputs (feature vector,
 * probabilities, regime, fib block) as JSONL, each line carrying the hash of the previous line,
 * so that an edited, reordered or deleted line is detected by {@link verifyAuditTrail}.
 *
 * Open with {@link DecisionAuditTrail.open}, which resumes the chain of an existing file.
 *
 * @example
 * const audit = await DecisionAuditTrail.open('runs/1/decisions.jsonl');
 * audit.append({ decision, regimeKey, features });
 * audit.close();
 * (await verifyAuditTrail('runs/1/decisions.jsonl')).ok; // true
 */
export class DecisionAuditTrail<T = unknown> {
  readonly path: string;
  readonly #writer: JournalWriter<AuditLine<T>>;
  #prevHash: string;
  #seq: number;

  private constructor(path: string, prevHash: string, seq: number, options: JournalWriterOptions) {
    this.path = path;
    this.#prevHash = prevHash;
    this.#seq = seq;
    // One file, never rotated: the chain must be verifiable end to end.
    this.#writer = new JournalWriter<AuditLine<T>>(path, { ...options, maxBytes: Number.MAX_SAFE_INTEGER });
  }

  /** Opens (or creates) a trail; an existing file is verified and its chain continued. */
  static async open<T = unknown>(
    path: string,
    options: JournalWriterOptions = {},
  ): Promise<DecisionAuditTrail<T>> {
    let prevHash = GENESIS_HASH;
    let seq = 0;
    if (existsSync(path)) {
      const result = await verifyAuditTrail(path);
      if (!result.ok) {
        throw new JournalError(
          'JOURNAL_CORRUPT_LINE',
          `the audit trail is broken (${result.problem}); refusing to extend it — move it aside to start a new one`,
          { file: path, line: result.line },
        );
      }
      if (result.tornLastLine) dropTornTail(path);
      prevHash = result.lastHash;
      seq = result.lines;
    }
    return new DecisionAuditTrail<T>(path, prevHash, seq, options);
  }

  /** Lines written (including those from before this process). */
  get length(): number {
    return this.#seq;
  }

  /** The hash of the last line (the chain's head). */
  get headHash(): string {
    return this.#prevHash;
  }

  /** Appends one entry and returns its hash. */
  append(entry: T): string {
    const seq = this.#seq + 1;
    const hash = auditHash(this.#prevHash, seq, entry);
    this.#writer.append({ seq, prevHash: this.#prevHash, hash, entry });
    this.#prevHash = hash;
    this.#seq = seq;
    return hash;
  }

  flush(): void {
    this.#writer.flush();
  }

  close(): void {
    this.#writer.close();
  }
}

/** Cuts a torn last line (crash mid-write) so that new lines start on a clean line. */
function dropTornTail(path: string): void {
  const bytes = readFileSync(path);
  const lastNewline = bytes.lastIndexOf(0x0a);
  truncateSync(path, lastNewline + 1);
}

/** The result of {@link verifyAuditTrail}. */
export type AuditVerification =
  | { readonly ok: true; readonly lines: number; readonly lastHash: string; readonly tornLastLine: boolean }
  | { readonly ok: false; readonly line: number; readonly problem: string; readonly lines: number };

/**
 * Re-computes the hash chain of an audit trail. Reports the first line whose sequence number,
 * previous-hash link or own hash does not match. A torn last line (crash mid-write) is reported
 * as `tornLastLine`, not as tampering.
 */
export async function verifyAuditTrail(path: string): Promise<AuditVerification> {
  let prevHash = GENESIS_HASH;
  let n = 0;
  let torn = false;
  try {
    for await (const raw of streamJournal<AuditLine>(path, { onTorn: () => (torn = true) })) {
      n++;
      const line = raw as Partial<AuditLine>;
      if (line.seq !== n)
        return { ok: false, line: n, problem: `expected seq ${n}, found ${String(line.seq)}`, lines: n - 1 };
      if (line.prevHash !== prevHash) {
        return {
          ok: false,
          line: n,
          problem: 'previous-hash link does not match the line before',
          lines: n - 1,
        };
      }
      const expected = auditHash(prevHash, n, line.entry);
      if (line.hash !== expected)
        return { ok: false, line: n, problem: 'line content does not match its hash', lines: n - 1 };
      prevHash = expected;
    }
  } catch (err) {
    if (err instanceof JournalError && err.code === 'JOURNAL_CORRUPT_LINE') {
      return {
        ok: false,
        line: Number(err.context['line'] ?? n + 1),
        problem: 'line is not valid JSON',
        lines: n,
      };
    }
    throw err;
  }
  return { ok: true, lines: n, lastHash: prevHash, tornLastLine: torn };
}
