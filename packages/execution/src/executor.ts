import type {
  ArbitrageDecision,
  BinaryDecision,
  ErrorCodeOf,
  Fill,
  Market,
  OpenPosition,
  SpotDecision,
  Tick,
  TradeDecision,
  TradeOutcome,
} from '@omni/core';

/**
 * What happened to one order. `accepted`: placed, settles later (its outcome comes from a later
 * `onTick`); `settled`: settled at once (atomic trades such as a flash swap), the outcome is here
 * and is never delivered again by `onTick`; `rejected`: nothing was placed.
 */
export type ExecutionReport =
  | {
      readonly status: 'accepted';
      readonly decisionId: string;
      readonly engine: Market;
      readonly venue: string;
      readonly tsMs: number;
      /** The fill, when it happened at placement (binary); spot fills on a later tick. */
      readonly fill?: Fill;
    }
  | {
      readonly status: 'settled';
      readonly decisionId: string;
      readonly engine: Market;
      readonly venue: string;
      readonly tsMs: number;
      readonly outcome: TradeOutcome;
    }
  | {
      readonly status: 'rejected';
      readonly decisionId: string;
      readonly engine: Market;
      readonly venue: string;
      readonly tsMs: number;
      readonly code: ErrorCodeOf<'execution'>;
      readonly reason: string;
    };

/** An order or position an executor still holds. */
export interface PendingPosition {
  readonly decisionId: string;
  readonly engine: Market;
  readonly symbol: string;
  readonly venue: string;
  /** `awaiting-fill`: a spot order waiting for the next tick; `open`: filled, waiting to settle. */
  readonly state: 'awaiting-fill' | 'open';
  readonly entryTs?: number;
  readonly entryPrice?: number;
}

/** What a venue says about its own health: an unhealthy one takes no new orders of its market. */
export interface BrokerHealthReport {
  readonly market: Market;
  readonly venue: string;
  readonly ok: boolean;
  /** Why, for the journal (never a secret), e.g. `heartbeat missed 3 times`. */
  readonly reason?: string;
}

/** Receives {@link BrokerHealthReport}s (the engine wires it to `SafetyManager.noteBrokerHealth`). */
export type BrokerHealthListener = (report: BrokerHealthReport) => void;

/**
 * The executor port: the extension point for custom executors (a broker, a paper venue, a
 * chain). One executor serves one engine. Outcomes settle from market data: the hub calls
 * `onTick` on every tick and the executor returns the trades that settled (an empty array
 * otherwise; returning a shared frozen empty array keeps the hot path allocation-free).
 */
export interface Executor<D extends TradeDecision> {
  /** The engine this executor serves. */
  readonly engine: D['engine'];
  /** Venue name stamped on fills and reports, e.g. `shadow`, `deriv`, `mt5`, `uniswap-v2`. */
  readonly venue: string;
  /**
   * Every venue whose positions `adopt` can take back, when more than `venue` (a failover executor
   * holds live and shadow positions). Default `[venue]`.
   */
  readonly venues?: readonly string[];
  /** Places the order for `decision` at `tick` (the decision tick). Business refusals are `rejected` reports; transport failures throw ExecutionError. */
  execute(decision: D, tick: Tick): Promise<ExecutionReport>;
  /** Advances with a new tick; returns the trades that settled because of it. */
  onTick(tick: Tick): readonly TradeOutcome[];
  /** Orders and positions not settled yet. */
  pending(): readonly PendingPosition[];
  /** Cancels whatever can still be cancelled; resolves to how many were cancelled. */
  cancelAll(): Promise<number>;
  /**
   * Takes back a position the ledger kept from an earlier session, so it settles from later prices
   * (shadow executors) or is followed at the broker (live ones). False when it cannot (then the
   * engine releases it with an alert). Optional.
   */
  adopt?(position: OpenPosition): boolean;
  /**
   * Subscribes to the venue's health (a live executor reports a lost connection, a refused login or
   * a recovery); returns the unsubscribe function. Optional: shadow executors are always healthy.
   */
  onHealth?(listener: BrokerHealthListener): () => void;
  /**
   * Connects a live executor and reconciles what it holds with the venue before any order (optional;
   * the runner awaits it before the first tick). Shadow executors have nothing to start.
   */
  start?(): Promise<void>;
  /** Closes a live executor's connection (optional). Open positions stay at the venue and in the ledger. */
  stop?(): Promise<void>;
}

/**
 * Where an executor records what it needs to resume an open position exactly (its fill, exits so
 * far): the hub wires it to `PositionLedger.update`. Called on fills and exits, never per tick.
 */
export type PositionStateSink = (
  decisionId: string,
  patch: Pick<OpenPosition, 'entryTs' | 'entryPrice' | 'executorState'>,
) => void;

/** Executor of binary options (CALL/PUT with an expiry). */
export type BinaryExecutor = Executor<BinaryDecision>;
/** Executor of spot orders (BUY/SELL with a stop and a take-profit ladder). */
export type SpotExecutor = Executor<SpotDecision>;
/** Executor of arbitrage routes (e.g. a two-pool flash swap). */
export type ArbitrageExecutor = Executor<ArbitrageDecision>;
/** Any of the three executors. */
export type AnyExecutor = BinaryExecutor | SpotExecutor | ArbitrageExecutor;

/** The empty, frozen outcome list executors return when nothing settled (no allocation per tick). */
export const NO_OUTCOMES: readonly TradeOutcome[] = Object.freeze([]);

/** A `rejected` report for `decision`. */
export function rejectedReport(
  decision: TradeDecision,
  venue: string,
  tsMs: number,
  code: ErrorCodeOf<'execution'>,
  reason: string,
): ExecutionReport {
  return { status: 'rejected', decisionId: decision.id, engine: decision.engine, venue, tsMs, code, reason };
}
