import type { Clock } from '@omni/core';
import type { SafetyManager } from './safety-manager.js';
import type { OperatorAction } from './safety-state.js';
import type { OperatorRequest, SafetyAlertSink } from './safety-types.js';

/**
 * What the controller cancels through: every execution hub implements it
 * (`ExecutionHub.cancelAll()` from @omni/execution resolves to the number of orders cancelled).
 */
export interface CancelPort {
  cancelAll(): Promise<number>;
  /**
   * What is still pending (an ExecutionHub has it): with it, the orders a freeze cancelled are closed
   * in the position ledger, so they no longer count as open. Optional.
   */
  pending?(): readonly { readonly decisionId: string }[];
}

/** Options of an {@link EmergencyShutdownController}. */
export interface EmergencyShutdownOptions {
  readonly safety: SafetyManager;
  /** Where pending work is cancelled (the execution hub). */
  readonly cancelPort?: CancelPort;
  readonly clock: Clock;
  readonly onAlert?: SafetyAlertSink;
  /**
   * Freeze automatically when a SafetyManager cap trips (the specification's risk interruption
   * flow). Default false: a tripped cap alone puts trading in reduce-only.
   */
  readonly freezeOnCapTrip?: boolean;
}

/** Result of {@link EmergencyShutdownController.freeze}. */
export interface FreezeReport {
  /** False when trading was already frozen (the first freeze reason is kept). */
  readonly newlyFrozen: boolean;
  /** Orders cancelled by the cancel port; 0 without a port. */
  readonly cancelled: number;
  /** Set when the cancel port failed: the freeze itself still holds. */
  readonly cancelError?: string;
}

const SOURCE = 'EmergencyShutdownController';

/**
 * The specification's EmergencyShutdownController: halts the SafetyManager (persisted at once so
 * a restart stays frozen), then cancels pending orders through the hub, and journals both.
 * Only {@link EmergencyShutdownController.unfreeze} with a reason and an operator lifts it.
 *
 * @example
 * const shutdown = new EmergencyShutdownController({ safety, cancelPort: hub, clock, onAlert: logger.logAlert.bind(logger) });
 * process.on('SIGUSR2', () => void shutdown.freeze('operator panic button'));
 */
export class EmergencyShutdownController {
  readonly #safety: SafetyManager;
  readonly #cancelPort: CancelPort | undefined;
  readonly #clock: Clock;
  readonly #onAlert: SafetyAlertSink | undefined;
  #inFlight: Promise<FreezeReport> | undefined;

  constructor(options: EmergencyShutdownOptions) {
    this.#safety = options.safety;
    this.#cancelPort = options.cancelPort;
    this.#clock = options.clock;
    this.#onAlert = options.onAlert;
    if (options.freezeOnCapTrip) {
      this.#safety.onTrip((cooldown) => {
        void this.freeze(`cap tripped: ${cooldown.reason}`, 'SafetyManager');
      });
    }
  }

  /** True while the SafetyManager is frozen. */
  get isFrozen(): boolean {
    return this.#safety.mode === 'halted';
  }

  /**
   * Freezes trading, then cancels pending work. The freeze is persisted before any cancel is
   * attempted; a failing cancel port is reported (alert + `cancelError`), never thrown.
   */
  freeze(reason: string, by = 'operator'): Promise<FreezeReport> {
    const newlyFrozen = this.#safety.freeze(reason, by);
    const run = async (): Promise<FreezeReport> => {
      if (this.#cancelPort === undefined) return { newlyFrozen, cancelled: 0 };
      try {
        const port = this.#cancelPort;
        const before = port.pending?.().map((p) => p.decisionId);
        const cancelled = await port.cancelAll();
        if (before !== undefined) {
          const still = new Set((port.pending?.() ?? []).map((p) => p.decisionId));
          for (const id of before) if (!still.has(id)) this.#safety.releaseOpen(id);
        }
        this.#alert('warn', 'SAFETY_PENDING_CANCELLED', `cancelled ${cancelled} pending order(s) on freeze`, {
          cancelled,
        });
        return { newlyFrozen, cancelled };
      } catch (err) {
        const cancelError = err instanceof Error ? err.message : String(err);
        this.#alert(
          'critical',
          'SAFETY_CANCEL_FAILED',
          'trading is frozen but cancelling pending orders failed',
          {
            error: cancelError,
          },
        );
        return { newlyFrozen, cancelled: 0, cancelError };
      }
    };
    // Freezes are serialised: each cancel round starts after the previous one finished.
    const previous = this.#inFlight;
    const next = (previous ?? Promise.resolve()).then(run);
    this.#inFlight = next;
    return next;
  }

  /** Lifts the freeze (journaled with reason and operator). Cooldowns, if any, stay. */
  unfreeze(request: OperatorRequest): OperatorAction {
    return this.#safety.unfreeze(request);
  }

  #alert(level: 'warn' | 'critical', code: string, message: string, context: Record<string, unknown>): void {
    this.#onAlert?.({
      tsMs: Math.max(0, Math.floor(this.#clock.nowMs())),
      level,
      code,
      message,
      source: SOURCE,
      context,
    });
  }
}
