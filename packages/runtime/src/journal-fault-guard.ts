import { basename } from 'node:path';
import type { Alert, Clock, JournalError } from '@omni/core';
import type { SafetyManager } from '@omni/safety';

/**
 * What a shadow or live engine does when a journal cannot be written (disk full, read-only, gone):
 * it stops trading rather than trade without its record. The first failure puts SafetyManager in
 * reduce-only (no new orders; open positions still settle and close) — lifted only by an operator's
 * `omni safety reset` after the disk is fixed and the engine restarted — and raises a `critical`
 * `JOURNAL_WRITE_FAILED` alert, which reaches the operator through the engine's `onAlert` even when
 * `alerts.jsonl` itself cannot be written. The failed journal writes nothing more (see
 * `JournalWriterOptions.onWriteFailure`), so what is on disk stays readable.
 *
 * @example
 * const guard = new JournalFaultGuard(clock, onAlert);
 * const logger = new OmniLogger(dir, { onWriteFailure: guard.onWriteFailure });
 * guard.attach(safety);
 */
export class JournalFaultGuard {
  readonly #clock: Clock;
  readonly #onAlert: (alert: Alert) => void;
  #safety: SafetyManager | undefined;
  #first: JournalError | undefined;
  #failures = 0;

  constructor(clock: Clock, onAlert: (alert: Alert) => void) {
    this.#clock = clock;
    this.#onAlert = onAlert;
  }

  /** Journals that failed so far. */
  get failures(): number {
    return this.#failures;
  }

  /** Gives the guard the SafetyManager to put in reduce-only (a failure before this waits for it). */
  attach(safety: SafetyManager): void {
    this.#safety = safety;
    if (this.#first !== undefined) this.#stopTrading(this.#first);
  }

  /** The `onWriteFailure` of every journal writer of the engine. */
  readonly onWriteFailure = (error: JournalError): void => {
    this.#failures++;
    const file = String(error.context['file'] ?? '');
    this.#onAlert({
      tsMs: Math.max(0, Math.floor(this.#clock.nowMs())),
      level: 'critical',
      code: 'JOURNAL_WRITE_FAILED',
      message: `cannot write ${basename(file)}: trading stops (reduce-only: no new orders, open positions still settle); free the disk or fix the folder, restart, then omni safety reset`,
      source: 'journal',
      context: { file, ...(error.context['errno'] !== undefined ? { errno: error.context['errno'] } : {}) },
    });
    if (this.#first !== undefined) return;
    this.#first = error;
    if (this.#safety !== undefined) this.#stopTrading(error);
  };

  #stopTrading(error: JournalError): void {
    const safety = this.#safety as SafetyManager;
    if (safety.toState().reduceOnly !== null) return;
    try {
      safety.enterReduceOnly({
        operator: 'system',
        reason: `journal write failed: ${basename(String(error.context['file'] ?? 'journal'))}`,
      });
    } catch {
      // The flag is set in memory before the state file is saved; a disk that refuses the journal
      // may refuse safety.json too. The engine stays in reduce-only for this session either way.
    }
  }
}
