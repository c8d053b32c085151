import { type JournalWriterOptions, RuntimeError } from '@omni/core';
import { DecisionAuditTrail } from './decision-audit-trail.js';
import { SkipDigest } from './skip-digest.js';

/**
 * How much of the decisions decisions.jsonl records: `all`, every decision with its inputs (shadow
 * and live); `actions`, the decisions the runtime chooses to record, every other one only counted in
 * hash-chained checkpoint lines (backtests).
 */
export type DecisionJournalLevel = 'actions' | 'all';

/** The skipped decisions a checkpoint line is written for by itself. */
export const DEFAULT_CHECKPOINT_EVERY = 10_000;

/** Options of {@link DecisionJournal}. */
export interface DecisionJournalOptions {
  /** Default `all`. */
  readonly level?: DecisionJournalLevel;
  /** Skipped decisions after which a checkpoint line is written without waiting for an entry. Default 10,000. */
  readonly checkpointEvery?: number;
}

/**
 * The decision journal of a run: a {@link DecisionAuditTrail} that records, at level `all`, every
 * decision, and at level `actions` only the decisions handed to {@link DecisionJournal.append}; the
 * runtime hands the others to {@link DecisionJournal.skip}, which counts them (O(1), no allocation,
 * no JSON, no hashing of strings) and writes them as one hash-chained checkpoint line
 * (`{ fromDecision, toDecision, skipped, firstTsMs, lastTsMs, digest }`) before the next recorded
 * decision, every `checkpointEvery` skips and before the seal — and nowhere else (not on flush),
 * so the file depends on the decisions only, never on when it was flushed. `verifyAuditTrail`
 * then proves that every decision number is either recorded or counted.
 *
 * While muted (a resumed run replaying what an earlier session journaled), nothing is written, but
 * the counting of skipped decisions goes on exactly as if it were: after the replay the pending
 * count is that of a run never stopped, and the file (rewound to the session checkpoint) continues
 * byte for byte as that run's would.
 *
 * @example
 * const journal = await DecisionJournal.open('runs/1/decisions.jsonl', { level: 'actions' });
 * journal.skip(1, tsMs, price, stage); // a decision that placed nothing
 * journal.append({ decision, regimeKey, features }); // writes a checkpoint for decision 1, then this one
 * journal.close(); // pending checkpoint, then the seal
 */
export class DecisionJournal<T = unknown> {
  readonly level: DecisionJournalLevel;
  readonly checkpointEvery: number;
  readonly #trail: DecisionAuditTrail<T>;
  readonly #digest = new SkipDigest();
  #muted = false;
  #closed = false;
  #pending = 0;
  #fromDecision = 0;
  #toDecision = 0;
  #firstTsMs = 0;
  #lastTsMs = 0;

  constructor(trail: DecisionAuditTrail<T>, options: DecisionJournalOptions = {}) {
    this.#trail = trail;
    this.level = options.level ?? 'all';
    this.checkpointEvery = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    if (!Number.isSafeInteger(this.checkpointEvery) || this.checkpointEvery < 1) {
      throw new RuntimeError('RUNTIME_BAD_INPUT', 'checkpointEvery must be a whole number ≥ 1', {
        file: trail.path,
        checkpointEvery: this.checkpointEvery,
      });
    }
  }

  /** Opens (or continues, see {@link DecisionAuditTrail.open}) the trail at `path`. */
  static async open<T = unknown>(
    path: string,
    options: DecisionJournalOptions & JournalWriterOptions = {},
  ): Promise<DecisionJournal<T>> {
    const { level, checkpointEvery, ...writer } = options;
    const trail = await DecisionAuditTrail.open<T>(path, writer);
    return new DecisionJournal<T>(trail, {
      ...(level !== undefined ? { level } : {}),
      ...(checkpointEvery !== undefined ? { checkpointEvery } : {}),
    });
  }

  /** The file. */
  get path(): string {
    return this.#trail.path;
  }

  /** Lines of the chain, earlier sessions included (entries, checkpoints and seals). */
  get length(): number {
    return this.#trail.length;
  }

  /** Recorded decisions (entry lines), earlier sessions included. */
  get records(): number {
    return this.#trail.records;
  }

  /** The hash of the last line written. */
  get headHash(): string {
    return this.#trail.headHash;
  }

  /** Skipped decisions not yet in a checkpoint line. */
  get pendingSkips(): number {
    return this.#pending;
  }

  /** Whether writing is muted (see the class comment). */
  get muted(): boolean {
    return this.#muted;
  }

  /** Records one decision; at level `actions`, the checkpoint of the decisions skipped before it comes first. */
  append(entry: T): void {
    if (this.#pending > 0) this.#checkpoint();
    if (!this.#muted) this.#trail.append(entry);
  }

  /**
   * Counts decision `decisionNo` (the `<n>` of its `<runId>-<n>` id) as taken and not recorded:
   * its tick time, price and funnel stage code (an integer 0–255) go into the running digest.
   * Decisions are numbered without gaps: a skip follows the decision before it.
   * Throws RuntimeError `RUNTIME_BAD_INPUT` at level `all` (every decision is recorded there).
   */
  skip(decisionNo: number, tsMs: number, price: number, stage: number): void {
    if (this.level === 'all') {
      throw new RuntimeError(
        'RUNTIME_BAD_INPUT',
        'a decision journal at level all records every decision: append it instead of skipping it',
        { file: this.#trail.path, decisionNo },
      );
    }
    if (!(stage >= 0 && stage <= 255 && (stage | 0) === stage)) {
      throw new RuntimeError('RUNTIME_BAD_INPUT', 'a stage code is a whole number from 0 to 255', {
        file: this.#trail.path,
        decisionNo,
        stage,
      });
    }
    if (this.#pending === 0) {
      this.#fromDecision = decisionNo;
      this.#firstTsMs = tsMs;
      this.#digest.reset();
    } else if (decisionNo !== this.#toDecision + 1) {
      throw new RuntimeError(
        'RUNTIME_BAD_INPUT',
        'skipped decisions must be numbered one after the other; record or skip every decision in order',
        { file: this.#trail.path, decisionNo, expected: this.#toDecision + 1 },
      );
    }
    this.#toDecision = decisionNo;
    this.#lastTsMs = tsMs;
    this.#digest.add(tsMs, price, stage);
    if (++this.#pending >= this.checkpointEvery) this.#checkpoint();
  }

  /** Mutes (or unmutes) writing; the counting of skipped decisions goes on (see the class comment). */
  mute(on: boolean): void {
    this.#muted = on;
  }

  /** Writes buffered lines to the file; never writes a checkpoint (see the class comment). */
  flush(): void {
    this.#trail.flush();
  }

  /**
   * Writes the pending checkpoint, then the seal, and closes the file. With `{ seal: false }`
   * (a session that stops to be resumed) or while muted, nothing more is written: the pending
   * count is rebuilt by the next session's replay. Idempotent.
   */
  close(options: { readonly seal?: boolean } = {}): void {
    if (this.#closed) return;
    this.#closed = true;
    const seal = options.seal !== false && !this.#muted;
    if (seal && this.#pending > 0) this.#checkpoint();
    this.#trail.close({ seal });
  }

  /** Ends the pending run of skipped decisions: a checkpoint line, unless muted. */
  #checkpoint(): void {
    if (!this.#muted) {
      this.#trail.appendCheckpoint({
        fromDecision: this.#fromDecision,
        toDecision: this.#toDecision,
        skipped: this.#pending,
        firstTsMs: this.#firstTsMs,
        lastTsMs: this.#lastTsMs,
        digest: this.#digest.hex(),
      });
    }
    this.#pending = 0;
  }
}
