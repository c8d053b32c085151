import type { AuditCheckpoint } from './audit-record.js';

/** A decision id of the runtime: `<runId>-<n>`, `n` counting from 1 within the run. */
const DECISION_ID = /^(.+)-([1-9]\d*)$/;

/** The run id and number of an entry's `decision.id`, or undefined when it carries none of that form. */
export function decisionNumber(entry: unknown): { readonly run: string; readonly n: number } | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const decision = (entry as { decision?: unknown }).decision;
  if (typeof decision !== 'object' || decision === null) return undefined;
  const id = (decision as { id?: unknown }).id;
  if (typeof id !== 'string') return undefined;
  const match = DECISION_ID.exec(id);
  if (!match) return undefined;
  const n = Number(match[2]);
  return Number.isSafeInteger(n) ? { run: match[1] as string, n } : undefined;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

/** The problem with a checkpoint's own fields, or undefined when they are consistent. */
export function checkpointShapeProblem(
  c: Partial<Record<keyof AuditCheckpoint, unknown>>,
): string | undefined {
  if (!isCount(c.fromDecision) || !isCount(c.toDecision) || c.toDecision < c.fromDecision)
    return `checkpoint range ${String(c.fromDecision)}..${String(c.toDecision)} is not a range of decision numbers`;
  if (c.skipped !== c.toDecision - c.fromDecision + 1)
    return `checkpoint counts ${String(c.skipped)} skipped decisions for the ${c.toDecision - c.fromDecision + 1} of ${c.fromDecision}..${c.toDecision}`;
  if (typeof c.firstTsMs !== 'number' || typeof c.lastTsMs !== 'number')
    return 'checkpoint has no firstTsMs/lastTsMs numbers';
  if (typeof c.digest !== 'string' || !/^[0-9a-f]{16}$/.test(c.digest))
    return 'checkpoint digest is not 16 hex digits';
  return undefined;
}

/**
 * Proves that no decision is missing from an audit trail: the numbers of the recorded decisions
 * (the `<n>` of `<runId>-<n>`) and the ranges of the checkpoints must follow each other without a
 * gap or an overlap, from decision 1, across the whole file (a resumed run continues its numbering
 * in later sessions). A new run (another run id) appended to the same file restarts at 1; when the
 * first decisions of the new run were skipped, its checkpoint starts at 1 and the change of run id
 * is checked at its first recorded decision (a run that recorded none cannot be told apart from the
 * one before it: a checkpoint from 1 is then taken as a new run). Entries without such an id are not numbered and are
 * not checked.
 */
export class DecisionContinuity {
  /** The run whose numbering is being followed; undefined before its first recorded decision. */
  #run: string | undefined;
  /** The run a checkpoint restarting at 1 ended, whose id the next recorded decision must not have. */
  #endedRun: string | undefined;
  #next = 1;

  /** The problem with the next recorded entry, or undefined (then it is counted). */
  entry(entry: unknown): string | undefined {
    const number = decisionNumber(entry);
    if (!number) return undefined;
    const { run, n } = number;
    if (this.#run === undefined) {
      if (this.#endedRun !== undefined && run === this.#endedRun)
        return `decision numbering of run ${run} restarts at 1 (a checkpoint counts decisions from 1 again)`;
      if (n !== this.#next) return this.#mismatch(`decision ${run}-${n}`, n);
      this.#run = run;
      this.#next = n + 1;
      return undefined;
    }
    if (run !== this.#run) {
      if (n !== 1)
        return `run ${run} starts at decision ${n}: decision${n > 2 ? `s 1..${n - 1} are` : ' 1 is'} neither recorded nor counted by a checkpoint`;
      this.#run = run;
      this.#endedRun = undefined;
      this.#next = 2;
      return undefined;
    }
    if (n !== this.#next) return this.#mismatch(`decision ${run}-${n}`, n);
    this.#next = n + 1;
    return undefined;
  }

  /** The problem with the next checkpoint (whose own fields are consistent), or undefined. */
  checkpoint(c: AuditCheckpoint): string | undefined {
    if (c.fromDecision === this.#next) {
      this.#next = c.toDecision + 1;
      return undefined;
    }
    if (c.fromDecision === 1) {
      // A new run appended to the file, whose first decisions were skipped.
      if (this.#run !== undefined) this.#endedRun = this.#run;
      this.#run = undefined;
      this.#next = c.toDecision + 1;
      return undefined;
    }
    return this.#mismatch(`checkpoint of decisions ${c.fromDecision}..${c.toDecision}`, c.fromDecision);
  }

  #mismatch(what: string, n: number): string {
    const run = this.#run === undefined ? '' : ` of run ${this.#run}`;
    if (n > this.#next) {
      const missing =
        n - 1 === this.#next
          ? `decision ${this.#next}${run} is`
          : `decisions ${this.#next}..${n - 1}${run} are`;
      return `${what}: ${missing} neither recorded nor counted by a checkpoint`;
    }
    return `${what}: decision ${n}${run} was already recorded or counted (expected ${this.#next} next)`;
  }
}
