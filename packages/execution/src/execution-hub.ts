import type { OpenPosition, Tick, TradeDecision, TradeOutcome } from '@omni/core';
import type { BrokerHealthListener, ExecutionReport, PendingPosition } from './executor.js';

/**
 * The one interface the runtime talks to, live or shadow. Call `onTick` once per tick before
 * deciding (it settles pending positions from that tick), then `execute` the approved decision
 * with the same tick. Every TradeOutcome is delivered exactly once: in a `settled` report from
 * `execute`, or from a later `onTick`.
 */
export interface ExecutionHub {
  readonly name: string;
  /** Sends `decision` to the executor of its engine. Throws ExecutionError `EXECUTION_NO_EXECUTOR` when none is registered. */
  execute(decision: TradeDecision, tick: Tick): Promise<ExecutionReport>;
  /** Settles what this tick settles, across every executor. */
  onTick(tick: Tick): readonly TradeOutcome[];
  /** Everything not settled yet. */
  pending(): readonly PendingPosition[];
  /** Cancels what can be cancelled everywhere (EmergencyShutdownController's cancel port). */
  cancelAll(): Promise<number>;
  /** Takes back a position the ledger kept from an earlier session; false when no executor can. Optional. */
  adopt?(position: OpenPosition): boolean;
  /**
   * Subscribes to the health reports of every executor that gives them (see `Executor.onHealth`);
   * returns the unsubscribe function. Optional.
   */
  onHealth?(listener: BrokerHealthListener): () => void;
  /** Starts live executors (connect, reconcile) before the first tick. Optional. */
  start?(): Promise<void>;
  /** Stops live executors. Optional. */
  stop?(): Promise<void>;
}
