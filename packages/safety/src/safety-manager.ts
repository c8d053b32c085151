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
  readJsonFile,
  SafetyError,
  StateError,
  spotLossPerUnitUsd,
  type Tick,
  type TradeDecision,
  type TradeOutcome,
  writeJsonAtomic,
} from '@omni/core';
import { PositionLedger } from '@omni/execution';
import { z } from 'zod';
import {
  type Cooldown,
  DAY_MS,
  initialSafetyState,
  type OperatorAction,
  SAFETY_STATE_VERSION,
  type SafetyFlag,
  type SafetyState,
  SafetyStateSchema,
  type SafetyStateV1,
  SafetyStateV1Schema,
  type TripLimit,
} from './safety-state.js';

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

/** Options of a {@link SafetyManager}. */
export interface SafetyManagerOptions {
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

const SOURCE = 'SafetyManager';
const VersionProbeSchema = z.looseObject({ version: z.number().int() });

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
  readonly #arbitrageCost: ArbitrageCostSettings;
  readonly #spotCostBps: number;
  readonly #autoSave: boolean;
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
    this.#onAlert = options.onAlert;
    this.ledger = options.ledger ?? new PositionLedger();
    this.#state = initialSafetyState(this.#clock.nowMs());
  }

  /** A manager with its state loaded from `options.statePath` when that file exists. */
  static open(options: SafetyManagerOptions): SafetyManager {
    const manager = new SafetyManager(options);
    manager.load(options.initialStatePath);
    return manager;
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
    return OK;
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
    const s = this.#state;
    const L = this.limits;
    const book = this.ledger;
    if (!Number.isFinite(ctx.balanceUsd) || ctx.balanceUsd <= 0) {
      return reject('balance', `balance must be a positive number of USD, got ${ctx.balanceUsd}`);
    }
    if (book.get(decision.id) !== undefined) {
      return reject('duplicateDecision', `decision ${decision.id} is already open`);
    }
    if (s.dailyTrades >= L.maxDailyTrades) {
      return reject('maxDailyTrades', `${s.dailyTrades} trades today reach the cap of ${L.maxDailyTrades}`);
    }
    if (book.size >= L.maxOpenPositions) {
      return reject('maxOpenPositions', `${book.size} open positions reach the cap of ${L.maxOpenPositions}`);
    }
    const realisedLoss = Math.max(0, -s.dailyPnlUsd);
    const openRisk = book.riskUsd();
    if (realisedLoss + openRisk >= L.maxDailyLossUsd) {
      return reject(
        'dailyLossBudget',
        `today's loss ${fmt(realisedLoss)} USD plus open risk ${fmt(openRisk)} USD reach the daily loss cap of ${fmt(L.maxDailyLossUsd)} USD`,
      );
    }
    const cap = Math.min(L.maxStakeUsd, L.maxBalanceFractionPerTrade * ctx.balanceUsd);
    const sized = clipToCap(
      decision,
      positionRiskUsd(decision, this.#arbitrageCost, this.#spotCostBps),
      cap,
      this.#spotCostBps,
    );
    if ('limit' in sized) return sized;
    const marketRisk = book.riskUsd(market);
    if (marketRisk + sized.riskUsd > L.maxExposurePerMarketUsd) {
      return reject(
        'maxExposurePerMarketUsd',
        `${market} exposure would be ${fmt(marketRisk + sized.riskUsd)} USD, above the cap of ${fmt(L.maxExposurePerMarketUsd)} USD`,
      );
    }
    return { approved: true, ...sized };
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
        {
          decisionId: outcome.decisionId,
        },
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
      this.#alert(
        'warn',
        'SAFETY_BROKER_UNHEALTHY',
        `the ${market} broker is unhealthy; no new ${market} orders`,
        {
          market,
        },
      );
    }
  }

  /** Puts the manager in reduce-only by operator choice (lifted only by {@link reset}); journaled. */
  enterReduceOnly(request: OperatorRequest): void {
    const { reason, operator } = checkRequest(request, 'reduce-only');
    const tsMs = this.#nowTs();
    this.#state.reduceOnly = { tsMs, reason, by: operator };
    this.#state.history.push({ tsMs, action: 'reduce-only', reason, operator, cleared: [] });
    this.#alert('warn', 'SAFETY_REDUCE_ONLY', `reduce-only set by ${operator}: ${reason}`, { operator });
    this.#changed();
  }

  /**
   * The operator action that lifts a cooldown and a reduce-only flag. It also zeroes the day's
   * PnL, trade count and the loss streak (otherwise the next check would trip again at once).
   * Open positions stay counted. Refused while frozen (unfreeze first) or without a reason and
   * an operator. Journaled as an alert and in the state file's `history`.
   */
  reset(request: OperatorRequest): OperatorAction {
    const { reason, operator } = checkRequest(request, 'reset');
    const s = this.#state;
    if (s.frozen) {
      throw new SafetyError(
        'SAFETY_RESET_REFUSED',
        'trading is frozen by the emergency controller; unfreeze it explicitly first',
        { frozenReason: s.frozen.reason },
      );
    }
    const cleared: string[] = [];
    if (s.cooldown) cleared.push(`cooldown:${s.cooldown.limit}`);
    if (s.reduceOnly) cleared.push('reduce-only');
    cleared.push('counters');
    const action: OperatorAction = { tsMs: this.#nowTs(), action: 'reset', reason, operator, cleared };
    s.cooldown = null;
    s.reduceOnly = null;
    s.dailyPnlUsd = 0;
    s.dailyTrades = 0;
    s.lossStreak = 0;
    s.history.push(action);
    this.#alert('warn', 'SAFETY_RESET', `safety reset by ${operator}: ${reason}`, { operator, cleared });
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
    const { reason, operator } = checkRequest(request, 'unfreeze');
    if (!this.#state.frozen) {
      throw new SafetyError('SAFETY_RESET_REFUSED', 'trading is not frozen; nothing to unfreeze', {
        operator,
      });
    }
    const action: OperatorAction = {
      tsMs: this.#nowTs(),
      action: 'unfreeze',
      reason,
      operator,
      cleared: ['frozen'],
    };
    this.#state.frozen = null;
    this.#state.history.push(action);
    this.#alert('warn', 'SAFETY_UNFROZEN', `trading unfrozen by ${operator}: ${reason}`, { operator });
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
    const s = this.#state;
    const exposureUsd = Object.fromEntries(MARKETS.map((m) => [m, this.ledger.riskUsd(m)])) as Record<
      Market,
      number
    >;
    return {
      mode: this.mode,
      cooldown: s.cooldown,
      reduceOnly: s.reduceOnly,
      frozen: s.frozen,
      utcDay: s.utcDay,
      dailyPnlUsd: s.dailyPnlUsd,
      dailyTrades: s.dailyTrades,
      lossStreak: s.lossStreak,
      openPositions: this.ledger.positions(),
      exposureUsd,
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

  /** Writes the state atomically to `statePath`. */
  save(): void {
    if (this.statePath === undefined) {
      throw new SafetyError('SAFETY_STATE_INVALID', 'this SafetyManager has no statePath to save to');
    }
    writeJsonAtomic(this.statePath, this.#state);
  }

  /**
   * Replaces the state with the one in `statePath` (or `from`). Returns false when the file does not exist
   * (fresh start). A file that is unreadable, invalid or from a newer version is a SafetyError
   * `SAFETY_STATE_INVALID` (the engine must not trade on a state it cannot read).
   */
  load(from?: string): boolean {
    const path = from ?? this.statePath;
    if (path === undefined) return false;
    let loaded: SafetyState | undefined;
    try {
      const probe = readJsonFile(path, VersionProbeSchema);
      if (probe === undefined) return false;
      if (probe.version > SAFETY_STATE_VERSION) {
        throw new StateError('STATE_NEWER_VERSION', 'the safety state was written by a newer version', {
          file: path,
          version: probe.version,
          supported: SAFETY_STATE_VERSION,
        });
      }
      if (probe.version === 1) {
        const v1 = readJsonFile(path, SafetyStateV1Schema);
        if (v1 !== undefined) loaded = this.#migrateV1(v1);
      } else {
        loaded = readJsonFile(path, SafetyStateSchema);
      }
    } catch (err) {
      throw new SafetyError(
        'SAFETY_STATE_INVALID',
        'the persisted safety state cannot be used; restore it from a backup (the engine will not trade without it)',
        { file: path },
        { cause: err, details: err instanceof StateError ? err.details : [] },
      );
    }
    if (loaded === undefined) return false;
    this.#state = loaded;
    return true;
  }

  /** Version 1 kept open positions in the state: they move to the ledger (venue and symbol unknown). */
  #migrateV1(v1: SafetyStateV1): SafetyState {
    const { open, version: _version, ...rest } = v1;
    for (const p of open) {
      if (this.ledger.get(p.decisionId) === undefined) {
        this.ledger.record({ ...p, symbol: 'unknown', venue: 'unknown' });
      }
    }
    return { version: SAFETY_STATE_VERSION, ...rest };
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

  #rollDay(): void {
    const day = Math.floor(this.#clock.nowMs() / DAY_MS);
    const s = this.#state;
    if (day > s.utcDay) {
      s.utcDay = day;
      s.dailyPnlUsd = 0;
      s.dailyTrades = 0;
    }
  }

  #staleReason(): string | undefined {
    let reason: string | undefined;
    if (this.#lastTickMs < 0) reason = 'no tick received yet';
    else {
      const age = this.#clock.nowMs() - this.#lastTickMs;
      if (age > this.limits.staleDataMs) {
        reason = `newest tick is ${age} ms old (limit ${this.limits.staleDataMs} ms)`;
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

const OK: SafetyVerdict = Object.freeze({ ok: true, mode: 'active' });

function blocked(mode: SafetyMode, code: SafetyBlockCode, reason: string): SafetyVerdict {
  return { ok: false, mode, code, reason };
}

function reject(limit: OrderLimit, reason: string): Approval<never> {
  return { approved: false, code: 'SAFETY_LIMIT_BREACHED', limit, reason };
}

type Sized<D extends TradeDecision> = { decision: D; riskUsd: number; clipped: boolean };

function clipToCap<D extends TradeDecision>(
  decision: D,
  riskUsd: number,
  cap: number,
  spotCostBps: number,
): Sized<D> | { approved: false; code: 'SAFETY_LIMIT_BREACHED'; limit: OrderLimit; reason: string } {
  if (decision.engine === 'spot' && !(Math.abs(decision.entryPrice - decision.stopPrice) > 0)) {
    return {
      approved: false,
      code: 'SAFETY_LIMIT_BREACHED',
      limit: 'stopDistance',
      reason: 'a spot order needs a stop price different from its entry price',
    };
  }
  if (riskUsd <= cap) return { decision, riskUsd, clipped: false };
  const note = `safety: risk clipped from ${fmt(riskUsd)} to ${fmt(cap)} USD (maxStakeUsd / maxBalanceFractionPerTrade)`;
  switch (decision.engine) {
    case 'binary':
      return {
        decision: { ...decision, stakeUsd: cap, reasons: [...decision.reasons, note] },
        riskUsd: cap,
        clipped: true,
      };
    case 'spot': {
      const lossPerUnit = spotLossPerUnitUsd(decision, spotCostBps);
      // The factor keeps size × loss per unit strictly at or under the cap despite rounding.
      const size = (cap / lossPerUnit) * (1 - 1e-12);
      return {
        decision: { ...decision, size, reasons: [...decision.reasons, note] },
        riskUsd: size * lossPerUnit,
        clipped: true,
      };
    }
    case 'arbitrage':
      return {
        approved: false,
        code: 'SAFETY_LIMIT_BREACHED',
        limit: 'maxStakeUsd',
        reason: `the arbitrage gas cost ${fmt(riskUsd)} USD is above the per-trade cap of ${fmt(cap)} USD`,
      };
  }
}

function checkRequest(request: OperatorRequest, action: string): OperatorRequest {
  const reason = typeof request.reason === 'string' ? request.reason.trim() : '';
  const operator = typeof request.operator === 'string' ? request.operator.trim() : '';
  if (reason === '' || operator === '') {
    throw new SafetyError('SAFETY_RESET_REFUSED', `a ${action} needs a non-empty reason and operator`, {
      action,
      hasReason: reason !== '',
      hasOperator: operator !== '',
    });
  }
  return { reason, operator };
}

function nonEmpty(text: string, what: string): string {
  const t = text.trim();
  if (t === '') throw new SafetyError('SAFETY_RESET_REFUSED', `${what} must not be empty`);
  return t;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}
