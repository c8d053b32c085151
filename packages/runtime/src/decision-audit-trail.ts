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

/** What a seal vouches for: the trail held this many records, ending at this head, when it was closed. */
export interface AuditSeal {
  /** Entry lines (decisions) in the whole file up to the seal, earlier sessions included; seals are not counted. */
  readonly records: number;
  /** The hash of the line just before the seal ({@link GENESIS_HASH} for an empty trail). */
  readonly headHash: string;
}

/**
 * The line a clean {@link DecisionAuditTrail.close} writes last: a record of the chain like any other
 * (its own `seq`, `prevHash` and `hash`), carrying a {@link AuditSeal} instead of an entry. A file whose
 * last line is not a seal was cut, or its writer has not closed it (still running, or crashed).
 */
export interface AuditSealLine {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly seal: AuditSeal;
}

/** Any line of a decisions.jsonl audit trail: an entry or a seal. */
export type AuditRecord<T = unknown> = AuditLine<T> | AuditSealLine;

/** Whether a parsed audit line is a seal (readers of the entries skip these). */
export function isAuditSeal(line: unknown): line is AuditSealLine {
  if (typeof line !== 'object' || line === null || 'entry' in line || !('seal' in line)) return false;
  const seal = (line as { seal: unknown }).seal;
  return typeof seal === 'object' && seal !== null;
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
 * The hash of a seal line: like {@link auditHash}, over the seal's canonical JSON, with a `seal`
 * prefix so that no entry can ever hash the same as a seal.
 */
export function auditSealHash(prevHash: string, seq: number, seal: AuditSeal): string {
  return createHash('sha256')
    .update(`seal\n${prevHash}\n${seq}\n${toJsonLine(seal)}`)
    .digest('hex');
}

/**
 * The specification's DecisionAuditTrail: every decision with its inputs (feature vector,
 * probabilities, regime, fib block) as JSONL, each line carrying the hash of the previous line,
 * so that an edited, reordered or deleted line is detected by {@link verifyAuditTrail}. A clean
 * {@link DecisionAuditTrail.close} appends a seal (record count and head hash, itself chained), so
 * that a file cut after its last complete line is detected too: its last line is then not a seal.
 *
 * Open with {@link DecisionAuditTrail.open}, which resumes the chain of an existing file (after its
 * seal, if it has one: seals in the middle of a file are ordinary records of the chain).
 *
 * @example
 * const audit = await DecisionAuditTrail.open('runs/1/decisions.jsonl');
 * audit.append({ decision, regimeKey, features });
 * audit.close(); // writes the seal
 * const result = await verifyAuditTrail('runs/1/decisions.jsonl');
 * result.ok && result.sealed; // true
 */
export class DecisionAuditTrail<T = unknown> {
  readonly path: string;
  readonly #writer: JournalWriter<AuditRecord<T>>;
  #prevHash: string;
  #seq: number;
  #records: number;
  /** `seq` of the last seal written or found on open; a close with nothing new does not seal twice. */
  #sealedAtSeq: number | undefined;
  #closed = false;

  private constructor(
    path: string,
    resume: { prevHash: string; seq: number; records: number; sealedAtSeq: number | undefined },
    options: JournalWriterOptions,
  ) {
    this.path = path;
    this.#prevHash = resume.prevHash;
    this.#seq = resume.seq;
    this.#records = resume.records;
    this.#sealedAtSeq = resume.sealedAtSeq;
    // One file, never rotated: the chain must be verifiable end to end.
    this.#writer = new JournalWriter<AuditRecord<T>>(path, { ...options, maxBytes: Number.MAX_SAFE_INTEGER });
  }

  /** Opens (or creates) a trail; an existing file is verified and its chain continued. */
  static async open<T = unknown>(
    path: string,
    options: JournalWriterOptions = {},
  ): Promise<DecisionAuditTrail<T>> {
    const resume = {
      prevHash: GENESIS_HASH,
      seq: 0,
      records: 0,
      sealedAtSeq: undefined as number | undefined,
    };
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
      resume.prevHash = result.lastHash;
      resume.seq = result.lines;
      resume.records = result.records;
      resume.sealedAtSeq = result.sealed ? result.lines : undefined;
    }
    return new DecisionAuditTrail<T>(path, resume, options);
  }

  /** Lines written (including those from before this process, seals included). */
  get length(): number {
    return this.#seq;
  }

  /** Entries (decisions) written, including those from before this process; seals are not counted. */
  get records(): number {
    return this.#records;
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
    this.#records++;
    return hash;
  }

  flush(): void {
    this.#writer.flush();
  }

  /**
   * Seals the trail (unless it is already sealed at this head) and closes the file. Idempotent.
   * Why: only a sealed file proves that nothing was cut from its end. `{ seal: false }` closes
   * without sealing, for a writer that stops without finishing (the next session continues).
   */
  close(options: { readonly seal?: boolean } = {}): void {
    if (this.#closed) return;
    if (options.seal !== false && this.#sealedAtSeq !== this.#seq) {
      const seq = this.#seq + 1;
      const seal: AuditSeal = { records: this.#records, headHash: this.#prevHash };
      const hash = auditSealHash(this.#prevHash, seq, seal);
      this.#writer.append({ seq, prevHash: this.#prevHash, hash, seal });
      this.#prevHash = hash;
      this.#seq = seq;
      this.#sealedAtSeq = seq;
    }
    this.#writer.close();
    this.#closed = true;
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
  | {
      readonly ok: true;
      /** Lines of the chain, seals included (the `seq` of the last line). */
      readonly lines: number;
      /** Entry lines (decisions); seals are not counted. */
      readonly records: number;
      /**
       * Whether the last line is a seal (whose count and head match the chain). `false` means the
       * file was cut after a complete line, or its writer is still running or crashed.
       */
      readonly sealed: boolean;
      readonly lastHash: string;
      readonly tornLastLine: boolean;
    }
  | { readonly ok: false; readonly line: number; readonly problem: string; readonly lines: number };

/**
 * Re-computes the hash chain of an audit trail. Reports the first line whose sequence number,
 * previous-hash link or own hash does not match, or a seal whose record count or head hash is
 * not the chain's. A torn last line (crash mid-write) is reported as `tornLastLine`, not as
 * tampering. `ok` is about the chain; whether the trail is complete is `sealed` (only the last
 * line decides it: seals in the middle are left by earlier sessions that reopened the file).
 */
export async function verifyAuditTrail(path: string): Promise<AuditVerification> {
  let prevHash = GENESIS_HASH;
  let n = 0;
  let records = 0;
  let lastIsSeal = false;
  let torn = false;
  try {
    for await (const raw of streamJournal<AuditRecord>(path, { onTorn: () => (torn = true) })) {
      n++;
      const line = raw as Partial<AuditLine> & Partial<AuditSealLine>;
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
      if (isAuditSeal(line)) {
        const seal = line.seal;
        const expected = auditSealHash(prevHash, n, seal);
        if (line.hash !== expected)
          return { ok: false, line: n, problem: 'seal content does not match its hash', lines: n - 1 };
        if (seal.records !== records || seal.headHash !== prevHash) {
          return {
            ok: false,
            line: n,
            problem: `seal says ${String(seal.records)} records ending at head ${String(seal.headHash).slice(0, 16)}…, the chain before it holds ${records} ending at ${prevHash.slice(0, 16)}…`,
            lines: n - 1,
          };
        }
        prevHash = expected;
        lastIsSeal = true;
        continue;
      }
      if (line.entry === undefined)
        return { ok: false, line: n, problem: 'line has neither an entry nor a seal', lines: n - 1 };
      const expected = auditHash(prevHash, n, line.entry);
      if (line.hash !== expected)
        return { ok: false, line: n, problem: 'line content does not match its hash', lines: n - 1 };
      prevHash = expected;
      records++;
      lastIsSeal = false;
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
  return { ok: true, lines: n, records, sealed: lastIsSeal && !torn, lastHash: prevHash, tornLastLine: torn };
}
