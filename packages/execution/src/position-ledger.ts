import {
  ExecutionError,
  type Market,
  type OpenPosition,
  OpenPositionSchema,
  type PositionBook,
  type PositionLedgerState,
  PositionLedgerStateSchema,
  readJsonFile,
  StateError,
  type StateSaveOptions,
  StateVersionProbeSchema,
  saveStateFile,
} from '@omni/core';

/** How a position left the ledger. */
export type PositionClose = 'settled' | 'cancelled' | 'released';

/**
 * Options of a {@link PositionLedger}. `writeState` and `onSaveFailure` (of `StateSaveOptions`) say
 * how the file is written and who hears of a save that failed (an engine stops trading on it).
 */
export interface PositionLedgerOptions extends StateSaveOptions {
  /** JSON file the ledger is persisted to (atomically); none = in memory. */
  readonly path?: string;
  /** Persist after every change when `path` is set. Default true. */
  readonly autoSave?: boolean;
}

/**
 * The one owner of every open position, contract and order of an engine. SafetyManager reads it
 * for its caps (and is the only writer of new positions, through `registerOpen`); settlements and
 * cancellations close positions in it; executors record what they need to resume a position
 * (`update`). It is written atomically to `path`, after every change by default. After a restart
 * it is reconciled before anything new is sent: shadow positions are handed back to the shadow
 * executors, which settle them from later prices; live ones are checked against the broker.
 *
 * @example
 * const ledger = PositionLedger.open({ path: 'state/ledger.json' });
 * ledger.record({ decisionId: 'd1', market: 'binary', symbol: 'EURUSD', venue: 'shadow', riskUsd: 10, openedTs });
 * ledger.close('d1', 'settled');
 */
export class PositionLedger implements PositionBook {
  readonly path: string | undefined;
  readonly #autoSave: boolean;
  readonly #saving: StateSaveOptions;
  readonly #open = new Map<string, OpenPosition>();

  constructor(options: PositionLedgerOptions = {}) {
    this.path = options.path;
    this.#autoSave = options.autoSave ?? true;
    this.#saving = options;
  }

  /** A ledger loaded from `options.path` (or `from`) when that file exists. */
  static open(options: PositionLedgerOptions & { readonly from?: string } = {}): PositionLedger {
    const ledger = new PositionLedger(options);
    ledger.load(options.from);
    return ledger;
  }

  get size(): number {
    return this.#open.size;
  }

  positions(): readonly OpenPosition[] {
    return [...this.#open.values()];
  }

  get(decisionId: string): OpenPosition | undefined {
    return this.#open.get(decisionId);
  }

  riskUsd(market?: Market): number {
    let sum = 0;
    for (const p of this.#open.values()) if (market === undefined || p.market === market) sum += p.riskUsd;
    return sum;
  }

  /** Records a new open position; false when one is already open for this decision (never a second). */
  record(position: OpenPosition): boolean {
    if (this.#open.has(position.decisionId)) return false;
    const parsed = OpenPositionSchema.safeParse(position);
    if (!parsed.success) {
      throw new ExecutionError('EXECUTION_REJECTED', 'a position to record is not valid', {
        decisionId: position.decisionId,
        problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
    }
    this.#open.set(position.decisionId, position);
    this.#changed();
    return true;
  }

  /** Updates the fill, broker reference or executor state of an open position; false when it is not open. */
  update(
    decisionId: string,
    patch: Partial<Pick<OpenPosition, 'entryTs' | 'entryPrice' | 'brokerRef' | 'executorState'>>,
  ): boolean {
    const current = this.#open.get(decisionId);
    if (current === undefined) return false;
    this.#open.set(decisionId, { ...current, ...patch });
    this.#changed();
    return true;
  }

  /** Removes a position that settled, was cancelled or was released; returns it, or undefined when it was not open. */
  close(decisionId: string, _how: PositionClose): OpenPosition | undefined {
    const position = this.#open.get(decisionId);
    if (position === undefined) return undefined;
    this.#open.delete(decisionId);
    this.#changed();
    return position;
  }

  toState(): PositionLedgerState {
    return {
      kind: 'omni-position-ledger',
      version: 1,
      open: structuredClone(this.positions()) as OpenPosition[],
    };
  }

  /** Replaces the content with `state` (e.g. a checkpoint's). */
  restore(state: PositionLedgerState): void {
    this.#open.clear();
    for (const p of state.open) this.#open.set(p.decisionId, p);
  }

  /**
   * Writes the ledger atomically to `path`. Returns false when it could not be written and the
   * `STATE_WRITE_FAILED` went to `onSaveFailure` (without one it is thrown); the ledger in memory stands.
   */
  save(): boolean {
    if (this.path === undefined) {
      throw new StateError('STATE_WRITE_FAILED', 'this position ledger has no path to save to');
    }
    return saveStateFile(this.path, this.toState(), this.#saving);
  }

  /**
   * Loads the ledger from `from` or `path`. Returns false when the file does not exist. A file that
   * is unreadable, invalid or from a newer version is a StateError: an engine must not trade on a
   * ledger it cannot read.
   */
  load(from?: string): boolean {
    const file = from ?? this.path;
    if (file === undefined) return false;
    const probe = readJsonFile(file, StateVersionProbeSchema);
    if (probe === undefined) return false;
    if (probe.version > 1) {
      throw new StateError('STATE_NEWER_VERSION', 'the position ledger was written by a newer version', {
        file,
        version: probe.version,
        supported: 1,
      });
    }
    const state = readJsonFile(file, PositionLedgerStateSchema);
    if (state === undefined) return false;
    this.restore(state);
    return true;
  }

  #changed(): void {
    if (this.#autoSave && this.path !== undefined) this.save();
  }
}
