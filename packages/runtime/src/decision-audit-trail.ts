import { existsSync, readFileSync, truncateSync } from 'node:fs';
import {
  JournalError,
  JournalWriter,
  type JournalWriterOptions,
  streamJournal,
  toJsonLine,
} from '@omni/core';
import { checkpointShapeProblem, DecisionContinuity } from './audit-completeness.js';
import {
  type AuditCheckpoint,
  type AuditCheckpointLine,
  type AuditLine,
  type AuditRecord,
  type AuditSeal,
  type AuditSealLine,
  auditCheckpointHash,
  auditHash,
  auditHashOfLine,
  auditSealHash,
  GENESIS_HASH,
  isAuditCheckpoint,
  isAuditSeal,
} from './audit-record.js';

export {
  type AuditCheckpoint,
  type AuditCheckpointLine,
  type AuditLine,
  type AuditRecord,
  type AuditSeal,
  type AuditSealLine,
  auditCheckpointHash,
  auditHash,
  auditSealHash,
  GENESIS_HASH,
  isAuditCheckpoint,
  isAuditEntry,
  isAuditSeal,
} from './audit-record.js';

/**
 * The specification's DecisionAuditTrail: every decision with its inputs (feature vector,
 * probabilities, regime, fib block) as JSONL, each line carrying the hash of the previous line,
 * so that an edited, reordered or deleted line is detected by {@link verifyAuditTrail}. A clean
 * {@link DecisionAuditTrail.close} appends a seal (record count and head hash, itself chained), so
 * that a file cut after its last complete line is detected too: its last line is then not a seal.
 * A third kind of record, the checkpoint ({@link DecisionAuditTrail.appendCheckpoint}), counts
 * decisions that were taken but not recorded one by one (a {@link DecisionJournal} at level
 * `actions` writes them), so that the file still accounts for every decision.
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

  /** Lines written (including those from before this process, seals and checkpoints included). */
  get length(): number {
    return this.#seq;
  }

  /** Entries (recorded decisions) written, including those from before this process; seals and checkpoints are not counted. */
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
    const entryLine = toJsonLine(entry);
    const hash = auditHashOfLine(this.#prevHash, seq, entryLine);
    // The line `toJsonLine({ seq, prevHash, hash, entry })` gives, with the entry serialised once.
    this.#writer.appendLine(
      `{"seq":${seq},"prevHash":${JSON.stringify(this.#prevHash)},"hash":"${hash}","entry":${entryLine}}`,
    );
    this.#prevHash = hash;
    this.#seq = seq;
    this.#records++;
    return hash;
  }

  /**
   * Appends a checkpoint of decisions not recorded one by one and returns its hash. The caller
   * vouches for its numbers (`verifyAuditTrail` checks them against the recorded decisions).
   */
  appendCheckpoint(checkpoint: AuditCheckpoint): string {
    const seq = this.#seq + 1;
    const hash = auditCheckpointHash(this.#prevHash, seq, checkpoint);
    this.#writer.append({ seq, prevHash: this.#prevHash, hash, checkpoint });
    this.#prevHash = hash;
    this.#seq = seq;
    return hash;
  }

  /** Writes the buffered lines to the file. */
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
      /** Lines of the chain, seals and checkpoints included (the `seq` of the last line). */
      readonly lines: number;
      /** Entry lines (recorded decisions); seals and checkpoints are not counted. */
      readonly records: number;
      /** Checkpoint lines. */
      readonly checkpoints: number;
      /** Decisions the checkpoints count (taken, not recorded one by one). */
      readonly skippedDecisions: number;
      /** Every decision the file accounts for: `records + skippedDecisions`. */
      readonly decisions: number;
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
 * previous-hash link or own hash does not match, a seal whose record count or head hash is not
 * the chain's, a checkpoint whose numbers do not add up, or a decision that is missing or counted
 * twice: the numbers of the recorded decisions and the checkpoint ranges must follow each other
 * from 1 without a gap or an overlap (see {@link DecisionContinuity}). A torn last line (crash
 * mid-write) is reported as `tornLastLine`, not as tampering. `ok` is about the chain; whether the
 * trail is complete is `sealed` (only the last line decides it: seals in the middle are left by
 * earlier sessions that reopened the file).
 */
export async function verifyAuditTrail(path: string): Promise<AuditVerification> {
  let prevHash = GENESIS_HASH;
  let n = 0;
  let records = 0;
  let checkpoints = 0;
  let skipped = 0;
  let lastIsSeal = false;
  let torn = false;
  const continuity = new DecisionContinuity();
  const fail = (problem: string): AuditVerification => ({ ok: false, line: n, problem, lines: n - 1 });
  try {
    for await (const raw of streamJournal<AuditRecord>(path, { onTorn: () => (torn = true) })) {
      n++;
      const line = raw as Partial<AuditLine> & Partial<AuditSealLine> & Partial<AuditCheckpointLine>;
      if (line.seq !== n) return fail(`expected seq ${n}, found ${String(line.seq)}`);
      if (line.prevHash !== prevHash) return fail('previous-hash link does not match the line before');
      if (isAuditSeal(line)) {
        const seal = line.seal;
        const expected = auditSealHash(prevHash, n, seal);
        if (line.hash !== expected) return fail('seal content does not match its hash');
        if (seal.records !== records || seal.headHash !== prevHash) {
          return fail(
            `seal says ${String(seal.records)} records ending at head ${String(seal.headHash).slice(0, 16)}…, the chain before it holds ${records} ending at ${prevHash.slice(0, 16)}…`,
          );
        }
        prevHash = expected;
        lastIsSeal = true;
        continue;
      }
      if (isAuditCheckpoint(line)) {
        const checkpoint = line.checkpoint;
        const expected = auditCheckpointHash(prevHash, n, checkpoint);
        if (line.hash !== expected) return fail('checkpoint content does not match its hash');
        const problem = checkpointShapeProblem(checkpoint) ?? continuity.checkpoint(checkpoint);
        if (problem !== undefined) return fail(problem);
        prevHash = expected;
        checkpoints++;
        skipped += checkpoint.skipped;
        lastIsSeal = false;
        continue;
      }
      if (line.entry === undefined) return fail('line has neither an entry, a seal nor a checkpoint');
      const expected = auditHash(prevHash, n, line.entry);
      if (line.hash !== expected) return fail('line content does not match its hash');
      const problem = continuity.entry(line.entry);
      if (problem !== undefined) return fail(problem);
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
  return {
    ok: true,
    lines: n,
    records,
    checkpoints,
    skippedDecisions: skipped,
    decisions: records + skipped,
    sealed: lastIsSeal && !torn,
    lastHash: prevHash,
    tornLastLine: torn,
  };
}
