import type {
  Alert,
  ArbitrageCostSettings,
  Clock,
  Market,
  OmniConfig,
  OpenPosition,
  StateSaveOptions,
  TradeDecision,
} from '@omni/core';
import type { PositionLedger } from '@omni/execution';
import type { Cooldown, SafetyFlag } from './safety-state.js';

/** Where the SafetyManager (and the emergency controller) send alerts: usually `OmniLogger.logAlert`. */
export type SafetyAlertSink = (alert: Alert) => void;

/**
 * Graded trading states. `active`: new trades allowed (subject to per-order caps and guards);
 * `reduce-only`: no new positions, open ones still settle (a tripped cap or an operator flag);
 * `halted`: frozen by the emergency controller, pending work cancelled.
 */
export type SafetyMode = 'active' | 'reduce-only' | 'halted';

/** Why nothing may trade right now. */
export type SafetyBlockCode =
  | 'SAFETY_FROZEN'
  | 'SAFETY_COOLDOWN'
  | 'SAFETY_REDUCE_ONLY'
  | 'SAFETY_STALE_DATA';

/** Answer of {@link SafetyManager.canTrade}: `ok` or the reason nothing may trade. */
export type SafetyVerdict =
  | { readonly ok: true; readonly mode: 'active' }
  | {
      readonly ok: false;
      readonly mode: SafetyMode;
      readonly code: SafetyBlockCode;
      readonly reason: string;
    };

/** The per-order rule that refused an order (with `code: 'SAFETY_LIMIT_BREACHED'`). */
export type OrderLimit =
  | 'maxStakeUsd'
  | 'maxOpenPositions'
  | 'maxExposurePerMarketUsd'
  | 'maxExposurePerSymbolUsd'
  | 'maxPositionsPerSetup'
  | 'maxDailyTrades'
  | 'dailyLossBudget'
  | 'balance'
  | 'stopDistance'
  | 'duplicateDecision';

/** Code of a refused order. */
export type ApprovalRejectCode = SafetyBlockCode | 'SAFETY_BROKER_UNHEALTHY' | 'SAFETY_LIMIT_BREACHED';

/**
 * Answer of {@link SafetyManager.approve}. An approved decision may have a smaller stake/size
 * than asked (`clipped: true`, and a line added to `reasons`); a refused one names the rule.
 */
export type Approval<D extends TradeDecision = TradeDecision> =
  | { readonly approved: true; readonly decision: D; readonly riskUsd: number; readonly clipped: boolean }
  | {
      readonly approved: false;
      readonly code: ApprovalRejectCode;
      readonly limit?: OrderLimit;
      readonly reason: string;
    };

/** A snapshot of everything the SafetyManager tracks, for `omni safety status` and reports. */
export interface SafetyStatus {
  readonly mode: SafetyMode;
  readonly cooldown: Cooldown | null;
  readonly reduceOnly: SafetyFlag | null;
  readonly frozen: SafetyFlag | null;
  readonly utcDay: number;
  readonly dailyPnlUsd: number;
  readonly dailyTrades: number;
  readonly lossStreak: number;
  readonly openPositions: readonly OpenPosition[];
  /** Sum of USD at risk of the open positions, per market. */
  readonly exposureUsd: Readonly<Record<Market, number>>;
  readonly lastTickMs: number | undefined;
  readonly staleData: boolean;
  readonly unhealthyMarkets: readonly Market[];
  readonly limits: OmniConfig['risk'];
}

/** Who asks for a reset or an unfreeze, and why: both are required and journaled. */
export interface OperatorRequest {
  readonly reason: string;
  readonly operator: string;
}

/**
 * Options of a {@link SafetyManager}. `writeState` and `onSaveFailure` (of `StateSaveOptions`) say how
 * `safety.json` is written and who hears of a save that failed (an engine stops trading on it).
 */
export interface SafetyManagerOptions extends StateSaveOptions {
  /** The caps, from `OmniConfig['risk']`. */
  readonly limits: OmniConfig['risk'];
  /** The only source of time (ManualClock in backtests). Daily counters roll at UTC midnight. */
  readonly clock: Clock;
  /** Gas settings used as the worst-case loss of an arbitrage (defaults: core config defaults). */
  readonly arbitrageCost?: ArbitrageCostSettings;
  /**
   * Round-trip cost of a spot trade in basis points of the entry (`spotRoundTripCostBps` of
   * @omni/core: 2·commission + 2·slippage + spread), counted in its risk so caps bound the loss
   * including fees. Default 0.
   */
  readonly spotCostBps?: number;
  /** JSON state file. With it, every state change is persisted atomically (see `autoSave`). */
  readonly statePath?: string;
  /** Persist after every state change when `statePath` is set. Default true. */
  readonly autoSave?: boolean;
  /**
   * Where {@link SafetyManager.open} loads the state from, when not from `statePath`: a resumed run
   * starts from the state its run began with (a missing file means a fresh state). Saves still go
   * to `statePath`.
   */
  readonly initialStatePath?: string;
  /**
   * The position ledger whose open positions the caps count (the engine shares one with its hub).
   * Default: a ledger of its own, in memory.
   */
  readonly ledger?: PositionLedger;
  /** Alert sink: trips, freezes, resets, stale data, broker health. */
  readonly onAlert?: SafetyAlertSink;
}

/** Called once when a cap trips (e.g. to wire `EmergencyShutdownController.freeze`). */
export type TripListener = (cooldown: Cooldown) => void;

/** The verdict when trading is allowed (shared, frozen: no allocation per check). */
export const ALLOWED: SafetyVerdict = Object.freeze({ ok: true, mode: 'active' });

/** A verdict that blocks trading in `mode` for `reason`. */
export function blocked(mode: SafetyMode, code: SafetyBlockCode, reason: string): SafetyVerdict {
  return { ok: false, mode, code, reason };
}
