import { basename } from 'node:path';
import type { Alert, Clock, JournalError, StateError } from '@omni/core';
import type { SafetyManager } from '@omni/safety';

/** What could not be written: a journal (JSONL) or a state file (atomic JSON). */
type WriteTarget = 'journal' | 'state';

const CODES = { journal: 'JOURNAL_WRITE_FAILED', state: 'STATE_WRITE_FAILED' } as const;
const VERBS = { journal: 'write', state: 'save' } as const;

/**
 * What a shadow or live engine does when it cannot write what it must keep (disk full, read-only,
 * gone): it stops trading rather than trade without its record. Two kinds of files reach it:
 * - a **journal** (decisions, trades, alerts, ticks) through `JournalWriterOptions.onWriteFailure`:
 *   the failed journal writes nothing more, so what is on disk stays readable;
 * - a **state file** (`safety.json`, `ledger.json`, `governor.json`, `checkpoint.json`) through
 *   `StateSaveOptions.onSaveFailure`: the write is atomic, so the previous file stays whole; the
 *   state in memory goes on, and the next save tries again.
 *
 * The first failure of either kind puts SafetyManager in reduce-only (no new orders; open positions
 * still settle and close) — lifted only by an operator's `omni safety reset` after the disk is fixed
 * and the engine restarted. Each file that fails raises one `critical` alert, `JOURNAL_WRITE_FAILED`
 * or `STATE_WRITE_FAILED`, naming the file and the system's `errno`; it reaches the operator through
 * the engine's `onAlert` even when `alerts.jsonl` itself cannot be written. SafetyManager's own
 * `safety.json` failing while it enters reduce-only comes back here and stops: the engine is already
 * in reduce-only in memory.
 *
 * @example
 * const guard = new WriteFaultGuard(clock, onAlert);
 * const logger = new OmniLogger(dir, { onWriteFailure: guard.onWriteFailure });
 * const safety = SafetyManager.open({ ..., statePath, onSaveFailure: guard.onSaveFailure });
 * guard.attach(safety);
 */
export class WriteFaultGuard {
  readonly #clock: Clock;
  readonly #onAlert: (alert: Alert) => void;
  /** Files already alerted: a state file that keeps failing at every save alerts once. */
  readonly #alerted = new Set<string>();
  #safety: SafetyManager | undefined;
  #reason: string | undefined;
  #failures = 0;

  constructor(clock: Clock, onAlert: (alert: Alert) => void) {
    this.#clock = clock;
    this.#onAlert = onAlert;
  }

  /** Writes that failed so far (journals and state saves; a file failing at each save counts each time). */
  get failures(): number {
    return this.#failures;
  }

  /** Gives the guard the SafetyManager to put in reduce-only (a failure before this waits for it). */
  attach(safety: SafetyManager): void {
    this.#safety = safety;
    if (this.#reason !== undefined) this.#stopTrading(this.#reason);
  }

  /** The `onWriteFailure` of every journal writer of the engine. */
  readonly onWriteFailure = (error: JournalError): void => {
    this.#fail('journal', error.context);
  };

  /** The `onSaveFailure` of every state file the engine saves. */
  readonly onSaveFailure = (error: StateError): void => {
    this.#fail('state', error.context);
  };

  #fail(target: WriteTarget, context: Readonly<Record<string, unknown>>): void {
    this.#failures++;
    const file = String(context['file'] ?? '');
    const name = basename(file) || target;
    const errno = typeof context['errno'] === 'string' ? context['errno'] : undefined;
    if (!this.#alerted.has(file)) {
      this.#alerted.add(file);
      this.#onAlert({
        tsMs: Math.max(0, Math.floor(this.#clock.nowMs())),
        level: 'critical',
        code: CODES[target],
        message: `cannot ${VERBS[target]} ${name}${errno !== undefined ? ` (${errno})` : ''}: trading stops (reduce-only: no new orders, open positions still settle); free the disk or fix the folder, restart, then omni safety reset`,
        source: target,
        context: { file, ...(errno !== undefined ? { errno } : {}) },
      });
    }
    if (this.#reason !== undefined) return;
    this.#reason = `${target} write failed: ${name}${errno !== undefined ? ` (${errno})` : ''}`;
    if (this.#safety !== undefined) this.#stopTrading(this.#reason);
  }

  #stopTrading(reason: string): void {
    const safety = this.#safety as SafetyManager;
    if (safety.toState().reduceOnly !== null) return;
    try {
      safety.enterReduceOnly({ operator: 'system', reason });
    } catch {
      // The flag is set in memory before the state file is saved; a SafetyManager without an
      // `onSaveFailure` throws when safety.json cannot be written. Reduce-only holds either way.
    }
  }
}
