import {
  type Alert,
  type ArbitrageCostSettings,
  type Clock,
  EngineSettingsSchema,
  MARKETS,
  type Market,
  type OmniConfig,
  type OpenPosition,
  positionRiskUsd,
  SafetyError,
  saveStateFile,
  type Tick,
  type TradeDecision,
  type TradeOutcome,
} from '@omni/core';
import { PositionLedger } from '@omni/execution';
import { applyReduceOnly, applyReset, applyUnfreeze, nonEmpty } from './operator-actions.js';
import { checkOrderCaps, fmt } from './order-caps.js';
import {
  type Cooldown,
  DAY_MS,
  initialSafetyState,
  type OperatorAction,
  readSafetyStateFile,
  type SafetyState,
  sessionOffsetMs,
  type TripLimit,
} from './safety-state.js';
import type {
  Approval,
  OperatorRequest,
  SafetyAlertSink,
  SafetyManagerOptions,
  SafetyMode,
  SafetyStatus,
  SafetyVerdict,
  TripListener,
} from './safety-types.js';
import { ALLOWED, blocked } from './safety-types.js';

const SOURCE = 'SafetyManager';

/**
 * The specification's SafetyManager: every order passes {@link SafetyManager.approve}.
 *
 * Caps that trip a cooldown: max daily loss, max daily trades, max loss streak. A cooldown puts
 * the manager in `reduce-only` and never lifts by itself, not even on a new UTC day: only
 * {@link SafetyManager.reset} with a reason and an operator lifts it, and that is journaled.
 * Per-order caps (stake, balance fraction, open positions, exposure per market, daily loss
 * budget) refuse or clip one order without tripping anything. Guards (stale data, broker
 * health) block while their condition lasts and clear themselves.
 *
 * @example
 * const safety = SafetyManager.open({ limits: config.risk, clock, statePath: 'state/safety.json', onAlert });
 * safety.noteTick(tick);
 * if (safety.canTrade().ok) {
 *   const approval = safety.approve(decision, { balanceUsd });
 *   if (approval.approved) { await hub.execute(approval.decision, tick); safety.registerOpen(approval.decision); }
 * }
 * for (const outcome of hub.onTick(tick)) safety.registerOutcome(outcome);
 */
export class SafetyManager {
  readonly limits: OmniConfig['risk'];
  readonly statePath: string | undefined;
  /** The one record of open positions (see PositionLedger); registerOpen writes new ones into it. */
  readonly ledger: PositionLedger;
  readonly #clock: Clock;
  readonly #sessionOffsetMs: number;
  readonly #arbitrageCost: ArbitrageCostSettings;
  readonly #spotCostBps: number;
  readonly #autoSave: boolean;
  readonly #saving: SafetyManagerOptions;
  readonly #onAlert: SafetyAlertSink | undefined;
  readonly #tripListeners = new Set<TripListener>();
  #state: SafetyState;
  #lastTickMs = -1;
  #staleAlerted = false;
  readonly #unhealthy = new Set<Market>();

  constructor(options: SafetyManagerOptions) {
    this.limits = options.limits;
    this.#clock = options.clock;
    this.#arbitrageCost = options.arbitrageCost ?? EngineSettingsSchema.parse({}).arbitrage;
    this.#spotCostBps = options.spotCostBps ?? 0;
    this.statePath = options.statePath;
    this.#autoSave = options.autoSave ?? true;
    this.#saving = options;
    this.#onAlert = options.onAlert;
    this.ledger = options.ledger ?? new PositionLedger();
    this.#sessionOffsetMs = sessionOffsetMs(options.limits.sessionStartUtc);
    this.#state = initialSafetyState(this.#clock.nowMs());
    this.#state.utcDay = this.sessionOf(this.#clock.nowMs());
  }

  /** A manager with its state loaded from `options.statePath` when that file exists. */
  static open(options: SafetyManagerOptions): SafetyManager {
    const manager = new SafetyManager(options);
    manager.load(options.initialStatePath);
    return manager;
  }

  /**
   * The trading session a time belongs to: whole days since the epoch, each starting at
   * `limits.sessionStartUtc` (default 00:00 UTC). Caps named daily and the loss streak count within
   * one session.
   */
  sessionOf(tsMs: number): number {
    return Math.floor((tsMs - this.#sessionOffsetMs) / DAY_MS);
  }

  /** The current graded state: frozen → `halted`; cooldown or reduce-only flag → `reduce-only`. */
  get mode(): SafetyMode {
    if (this.#state.frozen) return 'halted';
    if (this.#state.cooldown || this.#state.reduceOnly) return 'reduce-only';
    return 'active';
  }

  /** Whether anything may trade now (state flags and the stale-data guard; O(1), no allocation when ok). */
  canTrade(): SafetyVerdict {
    this.#rollDay();
    const s = this.#state;
    if (s.frozen) return blocked('halted', 'SAFETY_FROZEN', `trading is frozen: ${s.frozen.reason}`);
    if (s.cooldown) return blocked('reduce-only', 'SAFETY_COOLDOWN', `cooldown: ${s.cooldown.reason}`);
    if (s.reduceOnly) {
      return blocked('reduce-only', 'SAFETY_REDUCE_ONLY', `reduce-only: ${s.reduceOnly.reason}`);
    }
    const stale = this.#staleReason();
    if (stale !== undefined) return blocked('active', 'SAFETY_STALE_DATA', stale);
    return ALLOWED;
  }

  /**
   * Checks one order against every rule; returns it approved (maybe clipped) or refused.
   * Clips (never raises) the stake: binary `stakeUsd`, spot `size` are scaled down so the USD at
   * risk is at most min(maxStakeUsd, maxBalanceFractionPerTrade × balance). Refuses: while
   * halted/cooldown/reduce-only/stale, when the market's broker is unhealthy, an arbitrage whose
   * gas exceeds that cap, a full book (max open positions), a market whose open risk would exceed
   * maxExposurePerMarketUsd, and any order while the day's realised loss plus the open positions'
   * risk already reaches maxDailyLossUsd (so the day's loss can exceed its cap by at most one
   * trade's maximum loss). Does not change state: call {@link registerOpen} once it is placed.
   */
  approve<D extends TradeDecision>(decision: D, ctx: { readonly balanceUsd: number }): Approval<D> {
    const verdict = this.canTrade();
    if (!verdict.ok) return { approved: false, code: verdict.code, reason: verdict.reason };
    const market = decision.engine;
    if (this.#unhealthy.has(market)) {
      return {
        approved: false,
        code: 'SAFETY_BROKER_UNHEALTHY',
        reason: `the ${market} broker is reported unhealthy`,
      };
    }
    return checkOrderCaps(decision, ctx, {
      state: this.#state,
      book: this.ledger,
      limits: this.limits,
      arbitrageCost: this.#arbitrageCost,
      spotCostBps: this.#spotCostBps,
    });
  }

  /**
   * Records a placed order as an open position in the ledger and counts a trade of the day; trips
   * the cooldown when the day's trade count reaches maxDailyTrades. `placed` says where and at what
   * fill it was placed. Returns false (and counts nothing) when the decision is already open: never
   * a second position for one decision.
   */
  registerOpen(
    decision: TradeDecision,
    placed: Partial<Pick<OpenPosition, 'venue' | 'entryTs' | 'entryPrice' | 'brokerRef'>> = {},
  ): boolean {
    this.#rollDay();
    const s = this.#state;
    if (this.ledger.get(decision.id) !== undefined) return false;
    this.ledger.record({
      decisionId: decision.id,
      market: decision.engine,
      symbol: decision.engine === 'arbitrage' ? decision.routeId : decision.symbol,
      venue: placed.venue ?? 'unknown',
      riskUsd: positionRiskUsd(decision, this.#arbitrageCost, this.#spotCostBps),
      openedTs: Math.max(0, Math.floor(this.#clock.nowMs())),
      decision,
      ...(placed.entryTs !== undefined ? { entryTs: placed.entryTs } : {}),
      ...(placed.entryPrice !== undefined ? { entryPrice: placed.entryPrice } : {}),
      ...(placed.brokerRef !== undefined ? { brokerRef: placed.brokerRef } : {}),
    });
    s.dailyTrades++;
    if (s.dailyTrades >= this.limits.maxDailyTrades) {
      this.#trip('maxDailyTrades', s.dailyTrades, this.limits.maxDailyTrades);
    }
    this.#changed();
    return true;
  }

  /**
   * Books a settled trade: closes its open position, adds its PnL to the day, updates the loss
   * streak (a loss adds one, a win resets it, a zero-PnL refund leaves it) and trips the cooldown
   * when the day's net loss reaches maxDailyLossUsd or the streak reaches maxLossStreak.
   */
  registerOutcome(outcome: TradeOutcome): void {
    this.#rollDay();
    const s = this.#state;
    if (this.ledger.close(outcome.decisionId, 'settled') === undefined) {
      this.#alert(
        'warn',
        'SAFETY_UNKNOWN_OUTCOME',
        'a settled trade was never registered as open; counted anyway',
        { decisionId: outcome.decisionId },
      );
    }
    s.dailyPnlUsd += outcome.pnl;
    if (outcome.pnl < 0) s.lossStreak++;
    else if (outcome.pnl > 0) s.lossStreak = 0;
    const loss = -s.dailyPnlUsd;
    if (loss >= this.limits.maxDailyLossUsd) this.#trip('maxDailyLossUsd', loss, this.limits.maxDailyLossUsd);
    if (s.lossStreak >= this.limits.maxLossStreak) {
      this.#trip('maxLossStreak', s.lossStreak, this.limits.maxLossStreak);
    }
    this.#changed();
  }

  /** Forgets an open position that was cancelled or never filled (no PnL; the day's trade count stays). */
  releaseOpen(decisionId: string): boolean {
    return this.ledger.close(decisionId, 'released') !== undefined;
  }

  /** Feeds the stale-data guard with the newest tick time. O(1), allocation-free. */
  noteTick(tick: Tick): void {
    if (tick.tsMs > this.#lastTickMs) this.#lastTickMs = tick.tsMs;
  }

  /** Broker-health guard: an unhealthy market refuses new orders until reported healthy again. */
  noteBrokerHealth(market: Market, ok: boolean): void {
    const was = !this.#unhealthy.has(market);
    if (ok === was) return;
    if (ok) {
      this.#unhealthy.delete(market);
      this.#alert('info', 'SAFETY_BROKER_HEALTHY', `the ${market} broker is healthy again`, { market });
    } else {
      this.#unhealthy.add(market);
      this.#alert('warn', 'SAFETY_BROKER_UNHEALTHY', `the ${market} broker is unhealthy; no new orders`, {
        market,
      });
    }
  }

  /** Puts the manager in reduce-only by operator choice (lifted only by {@link reset}); journaled. */
  enterReduceOnly(request: OperatorRequest): void {
    const action = applyReduceOnly(this.#state, request, this.#nowTs());
    this.#alert('warn', 'SAFETY_REDUCE_ONLY', `reduce-only set by ${action.operator}: ${action.reason}`, {
      operator: action.operator,
    });
    this.#changed();
  }

  /**
   * The operator action that lifts a cooldown and a reduce-only flag. It also zeroes the day's
   * PnL, trade count and the loss streak (otherwise the next check would trip again at once).
   * Open positions stay counted. Refused while frozen (unfreeze first) or without a reason and
   * an operator. Journaled as an alert and in the state file's `history`.
   */
  reset(request: OperatorRequest): OperatorAction {
    const action = applyReset(this.#state, request, this.#nowTs());
    this.#alert('warn', 'SAFETY_RESET', `safety reset by ${action.operator}: ${action.reason}`, {
      operator: action.operator,
      cleared: action.cleared,
    });
    this.#changed();
    return action;
  }

  /**
   * Halts everything (used by EmergencyShutdownController). Persisted at once so that a restart
   * stays frozen. Returns false when it was already frozen (the first reason is kept).
   */
  freeze(reason: string, by = 'system'): boolean {
    if (this.#state.frozen) return false;
    this.#state.frozen = { tsMs: this.#nowTs(), reason: nonEmpty(reason, 'freeze reason'), by };
    this.#alert('critical', 'SAFETY_FROZEN', `trading frozen by ${by}: ${reason}`, { by });
    this.#changed();
    return true;
  }

  /** Lifts a freeze (cooldowns stay). Needs a reason and an operator; journaled. */
  unfreeze(request: OperatorRequest): OperatorAction {
    const action = applyUnfreeze(this.#state, request, this.#nowTs());
    this.#alert('warn', 'SAFETY_UNFROZEN', `trading unfrozen by ${action.operator}: ${action.reason}`, {
      operator: action.operator,
    });
    this.#changed();
    return action;
  }

  /** Subscribes to cap trips; returns the unsubscribe function. */
  onTrip(listener: TripListener): () => void {
    this.#tripListeners.add(listener);
    return () => this.#tripListeners.delete(listener);
  }

  /** A snapshot of the state, counters, guards and limits. */
  status(): SafetyStatus {
    this.#rollDay();
    const { version: _version, history: _history, ...s } = this.#state;
    const exposureUsd = Object.fromEntries(MARKETS.map((m) => [m, this.ledger.riskUsd(m)]));
    return {
      mode: this.mode,
      ...s,
      exposureUsd: exposureUsd as Record<Market, number>,
      openPositions: this.ledger.positions(),
      lastTickMs: this.#lastTickMs < 0 ? undefined : this.#lastTickMs,
      staleData: this.#staleReason() !== undefined,
      unhealthyMarkets: MARKETS.filter((m) => this.#unhealthy.has(m)),
      limits: this.limits,
    };
  }

  /** A deep copy of the persisted part of the state. */
  toState(): SafetyState {
    return structuredClone(this.#state);
  }

  /** Writes the state atomically to `statePath`; false when it failed and `onSaveFailure` heard of it. */
  save(): boolean {
    if (this.statePath === undefined) {
      throw new SafetyError('SAFETY_STATE_INVALID', 'this SafetyManager has no statePath to save to');
    }
    return saveStateFile(this.statePath, this.#state, this.#saving);
  }

  /**
   * Replaces the state with the one in `statePath` (or `from`). Returns false when the file does not exist
   * (fresh start). A file that is unreadable, invalid or from a newer version is a SafetyError
   * `SAFETY_STATE_INVALID` (the engine must not trade on a state it cannot read).
   */
  load(from?: string): boolean {
    const path = from ?? this.statePath;
    if (path === undefined) return false;
    const loaded = readSafetyStateFile(path, this.ledger);
    if (loaded === undefined) return false;
    this.#state = loaded;
    return true;
  }

  #trip(limit: TripLimit, value: number, threshold: number): void {
    if (this.#state.cooldown) return;
    const reason = `${limit} reached: ${fmt(value)} >= ${fmt(threshold)}`;
    const cooldown: Cooldown = { tsMs: this.#nowTs(), limit, value, threshold, reason };
    this.#state.cooldown = cooldown;
    this.#alert('critical', 'SAFETY_LIMIT_BREACHED', `${reason}; cooldown until an operator reset`, {
      limit,
      value,
      threshold,
    });
    for (const listener of this.#tripListeners) listener(cooldown);
  }

  /** A new session resets the daily counters and the loss streak; a cooldown stays (it needs an operator). */
  #rollDay(): void {
    const day = this.sessionOf(this.#clock.nowMs());
    const s = this.#state;
    if (day > s.utcDay) {
      s.utcDay = day;
      s.dailyPnlUsd = 0;
      s.dailyTrades = 0;
      s.lossStreak = 0;
    }
  }

  #staleReason(): string | undefined {
    let reason: string | undefined;
    if (this.#lastTickMs < 0) reason = 'no tick received yet';
    else {
      const age = this.#clock.nowMs() - this.#lastTickMs;
      if (age > this.limits.staleDataMs) {
        reason = `newest tick is ${age} ms old (limit ${this.limits.staleDataMs} ms)`;
      } else if (-age > this.limits.staleDataMs) {
        // Clock jumped back (or the venue's runs ahead): staleness cannot be measured, so no new orders.
        reason = `the clock reads ${-age} ms before the newest tick (limit ${this.limits.staleDataMs} ms): clock jumped back?`;
      }
    }
    if (reason !== undefined && !this.#staleAlerted && this.#lastTickMs >= 0) {
      this.#staleAlerted = true;
      this.#alert('warn', 'SAFETY_STALE_DATA', reason, { lastTickMs: this.#lastTickMs });
    } else if (reason === undefined) this.#staleAlerted = false;
    return reason;
  }

  #nowTs(): number {
    return Math.max(0, Math.floor(this.#clock.nowMs()));
  }

  #changed(): void {
    if (this.#autoSave && this.statePath !== undefined) this.save();
  }

  #alert(level: Alert['level'], code: string, message: string, context: Record<string, unknown>): void {
    this.#onAlert?.({ tsMs: this.#nowTs(), level, code, message, source: SOURCE, context });
  }
}
