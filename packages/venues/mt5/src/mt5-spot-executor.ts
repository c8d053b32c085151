import { type Scheduler, systemScheduler } from '@omni/connection';
import {
  type Alert,
  type Clock,
  type ErrorCodeOf,
  type OpenPosition,
  type SpotDecision,
  SystemClock,
  type Tick,
  type TradeOutcome,
} from '@omni/core';
import {
  type BrokerHealthListener,
  BrokerOrderBook,
  type ExecutionReport,
  NO_OUTCOMES,
  type PendingPosition,
  type PositionStateSink,
  rejectedReport,
  type SpotExecutor,
} from '@omni/execution';
import { HealthSignal } from './health-signal.js';
import type { Mt5Bridge } from './mt5-bridge.js';
import type { Mt5BridgeEvent } from './mt5-bridge-types.js';
import {
  addExitDeal,
  brokerOutcome,
  checkLotSettings,
  crossRungs,
  DEFAULT_LOT_SETTINGS,
  finalLegs,
  lotsForSize,
  type Mt5LotSettings,
  type Mt5Order,
  neverOpenedOutcome,
  newOrder,
  pendingOf,
  resumeState,
} from './mt5-order.js';
import {
  adoptedOrder,
  GONE_MESSAGE,
  GONE_REASON,
  NEVER_OPENED_MESSAGE,
  NEVER_OPENED_REASON,
  reconcileBook,
  snapshotVerdicts,
} from './mt5-reconcile.js';
import type { EaClosed, EaFill, EaPositions, EaReject, EaTick } from './protocol.js';

/** Options of an {@link Mt5SpotExecutor}. */
export interface Mt5SpotExecutorOptions {
  readonly bridge: Mt5Bridge;
  /** The persisted decision → order map (`orders-mt5.json`); in memory when omitted. */
  readonly book?: BrokerOrderBook;
  readonly clock?: Clock;
  /** Where order timeouts are armed. Default: the process timers. */
  readonly scheduler?: Scheduler;
  readonly lots?: Partial<Mt5LotSettings>;
  /** Lots for a decision. Default {@link lotsForSize}; micro-live passes one that returns the minimum. */
  readonly volumeFor?: (decision: SpotDecision) => number;
  /** An order with no fill or reject after this long is `unanswered`. Default 10 000 ms. */
  readonly orderTimeoutMs?: number;
  /** Where fills and exits are recorded (the position ledger). */
  readonly onPositionState?: PositionStateSink;
  readonly onAlert?: (alert: Alert) => void;
}

const VENUE = 'mt5';

/**
 * Spot orders at an MT5 broker through the OmniBridge EA. `execute` never waits for the broker: it
 * writes the order to the book (`sending`), sends a market `order` with client_id = decision id, SL =
 * the decision's stop and TP = the last take-profit rung (so the position is protected at the broker
 * even if the bridge dies), and returns `accepted`. The EA's lines drive the rest: `fill` → open;
 * `reject` → a `cancelled` outcome; each bridge tick that crosses an intermediate rung k sends a
 * partial `close` of its fraction, and after rung 1 a `modify` of the SL to the entry (break-even);
 * the final `closed` → a TradeOutcome from the broker's own numbers. Outcomes are returned by the
 * next `onTick`. An order unanswered after `orderTimeoutMs` is resolved from the next `positions`
 * snapshot, never sent again. On every new EA session it asks for the positions and reconciles the
 * book before it takes new orders (until then, and without a session: EXECUTION_VENUE_UNAVAILABLE).
 *
 * @example
 * const spot = new Mt5SpotExecutor({ bridge, book: BrokerOrderBook.open('state/orders-mt5.json', 'mt5') });
 * await spot.start();
 * await spot.execute(decision, tick); // accepted; the outcome comes from a later onTick
 */
export class Mt5SpotExecutor implements SpotExecutor {
  readonly engine = 'spot' as const;
  readonly venue = VENUE;
  readonly #bridge: Mt5Bridge;
  readonly #book: BrokerOrderBook;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #lots: Mt5LotSettings;
  readonly #volumeFor: (decision: SpotDecision) => number;
  readonly #orderTimeoutMs: number;
  readonly #onState: PositionStateSink | undefined;
  readonly #onAlert: ((alert: Alert) => void) | undefined;
  readonly #orders = new Map<string, Mt5Order>();
  readonly #health = new HealthSignal('spot', VENUE);
  #settled: TradeOutcome[] = [];
  #detach: (() => void) | undefined;
  #session: string | undefined;
  #reconciled = false;
  #req = 0;
  /** Symbols subscribed in this session for the rung checks (the EA streams their ticks). */
  readonly #subscribed = new Set<string>();

  constructor(options: Mt5SpotExecutorOptions) {
    this.#bridge = options.bridge;
    this.#book = options.book ?? new BrokerOrderBook(VENUE);
    this.#clock = options.clock ?? new SystemClock();
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#lots = { ...DEFAULT_LOT_SETTINGS, ...options.lots };
    checkLotSettings(this.#lots);
    this.#volumeFor = options.volumeFor ?? ((d) => lotsForSize(d.size, this.#lots));
    this.#orderTimeoutMs = options.orderTimeoutMs ?? 10_000;
    this.#onState = options.onPositionState;
    this.#onAlert = options.onAlert;
  }

  /** Listens (through the shared bridge) and, when an EA is already connected, reconciles with it. */
  async start(): Promise<void> {
    if (this.#detach !== undefined) return;
    this.#detach = this.#bridge.on((event) => this.#onBridge(event));
    await this.#bridge.start();
    const session = this.#bridge.session;
    if (session !== undefined && this.#session === undefined) this.#onBridge({ kind: 'up', session });
  }

  /** Stops following the EA; positions stay at the broker (protected by their SL/TP) and in the book. */
  async stop(): Promise<void> {
    if (this.#detach === undefined) return;
    this.#detach();
    this.#detach = undefined;
    for (const o of this.#orders.values()) o.timer?.cancel();
    this.#health.set(false, 'executor stopped');
    this.#session = undefined;
    this.#reconciled = false;
    await this.#bridge.stop();
  }

  onHealth(listener: BrokerHealthListener): () => void {
    return this.#health.on(listener);
  }

  async execute(decision: SpotDecision, tick: Tick): Promise<ExecutionReport> {
    const now = this.#clock.nowMs();
    const refuse = (code: ErrorCodeOf<'execution'>, why: string) =>
      rejectedReport(decision, VENUE, tick.tsMs, code, why);
    if (this.#book.get(decision.id) !== undefined || this.#orders.has(decision.id)) {
      return refuse('EXECUTION_DUPLICATE_ORDER', 'this decision already has an MT5 order');
    }
    if (this.#session === undefined)
      return refuse('EXECUTION_VENUE_UNAVAILABLE', 'no EA session on the bridge');
    if (!this.#reconciled) return refuse('EXECUTION_VENUE_UNAVAILABLE', 'reconciling with a new EA session');
    const lots = this.#volumeFor(decision);
    if (!(lots > 0)) return refuse('EXECUTION_BAD_INPUT', `volume ${lots} lots`);
    if (decision.id.length > 31)
      return refuse('EXECUTION_BAD_INPUT', 'decision id over 31 characters (MT5 comment)');
    const o = newOrder(decision, lots);
    const tp = (o.ladder[o.ladder.length - 1] as { price: number }).price;
    const order = { symbol: decision.symbol, side: decision.side, volume: lots, sl: decision.stopPrice, tp };
    this.#book.begin(decision.id, now, order);
    o.session = this.#session;
    o.reqBefore = this.#req;
    this.#orders.set(decision.id, o);
    this.#subscribe([decision.symbol]);
    this.#bridge.send({ type: 'order', client_id: decision.id, ...order });
    o.timer = this.#scheduler.after(this.#orderTimeoutMs, () => this.#unanswered(o));
    return { status: 'accepted', decisionId: decision.id, engine: 'spot', venue: VENUE, tsMs: tick.tsMs };
  }

  onTick(_tick: Tick): readonly TradeOutcome[] {
    if (this.#settled.length === 0) return NO_OUTCOMES;
    const out = this.#settled;
    this.#settled = [];
    return out;
  }

  pending(): readonly PendingPosition[] {
    return [...this.#orders.values()].map((o) => pendingOf(o, VENUE));
  }

  /** Sends a full `close` for every open position; resolves to how many (their outcomes come from the EA's `closed`). */
  async cancelAll(): Promise<number> {
    let sent = 0;
    for (const o of this.#orders.values()) {
      if (o.state !== 'open' || o.closeReason !== undefined) continue;
      if (!this.#bridge.send({ type: 'close', client_id: o.decision.id })) break;
      o.closeReason = 'closed at market by cancelAll';
      sent++;
    }
    return sent;
  }

  /** Follows a position an earlier run opened at MT5 (from the ledger: its decision, brokerRef, executor state). */
  adopt(position: OpenPosition): boolean {
    const decision = position.decision;
    if (decision?.engine !== 'spot' || position.venue !== VENUE) return false;
    if (this.#orders.has(decision.id)) return true;
    const o = adoptedOrder(position, decision, this.#book);
    if (o === undefined) return false;
    this.#orders.set(decision.id, o);
    return true;
  }

  #onBridge(event: Mt5BridgeEvent): void {
    if (event.kind === 'up') {
      this.#session = event.session.id;
      this.#reconciled = false;
      this.#subscribed.clear();
      this.#subscribe([...this.#orders.values()].map((o) => o.decision.symbol));
      this.#bridge.send({ type: 'positions?', req: ++this.#req });
      return;
    }
    if (event.kind === 'down') {
      if (event.session.id !== this.#session) return;
      this.#session = undefined;
      this.#reconciled = false;
      this.#health.set(false, `EA session down: ${event.reason}`);
      return;
    }
    const m = event.message;
    if (m.type === 'tick') this.#onPrice(m);
    else if (m.type === 'fill') this.#onFill(m);
    else if (m.type === 'reject') this.#onReject(m);
    else if (m.type === 'closed') this.#onClosed(m);
    else if (m.type === 'positions') this.#onPositions(m);
  }

  #onFill(m: EaFill): void {
    const o = this.#orders.get(m.client_id);
    if (o === undefined || o.state === 'open' || o.state === 'closed') {
      if (o === undefined)
        this.#alert('warn', 'MT5_UNKNOWN_ORDER', 'a fill for no order of this run', {
          clientId: m.client_id,
        });
      return;
    }
    o.timer?.cancel();
    this.#opened(o, m.ticket, m.volume, m.price, m.time_msc, m.commission);
  }

  #opened(o: Mt5Order, ticket: string, lots: number, price: number, tsMs: number, commission: number): void {
    o.state = 'open';
    o.ticket = ticket;
    o.filledLots = lots;
    o.remainingLots = lots;
    o.entryPrice = price;
    o.entryTs = tsMs;
    o.entryCommission = commission;
    this.#book.mark(o.decision.id, 'open', { brokerRef: ticket });
    this.#record(o);
  }

  #onReject(m: EaReject): void {
    const o = this.#orders.get(m.client_id);
    const why = `refused by MT5 (retcode ${m.retcode}): ${m.message}`;
    if (o === undefined || m.op !== 'order' || o.state === 'open' || o.state === 'closed') {
      this.#alert('warn', 'MT5_REJECTED', `${m.op} ${why}`, { clientId: m.client_id, retcode: m.retcode });
      return;
    }
    this.#neverOpened(o, why);
  }

  #onClosed(m: EaClosed): void {
    const o = this.#orders.get(m.client_id);
    if (o === undefined) {
      this.#alert('warn', 'MT5_UNKNOWN_ORDER', 'a closing deal for no order of this run', {
        clientId: m.client_id,
      });
      return;
    }
    if (o.state !== 'open') {
      // The fill line was lost (the EA restarted): the entry is known only as the decision's.
      this.#alert(
        'warn',
        'MT5_FILL_MISSING',
        'a closing deal for an order whose fill never arrived; entry taken from the decision',
        {
          clientId: m.client_id,
        },
      );
      o.timer?.cancel();
      this.#opened(o, m.ticket, m.volume + m.remaining, o.decision.entryPrice, m.time_msc, 0);
    }
    addExitDeal(o, m);
    if (m.remaining > 1e-9) {
      if (m.reason === 'close' && o.rungCloses.length > 0) {
        o.legs.push({ kind: 'take-profit', level: o.rungCloses.shift() as number, of: o.ladder.length });
      }
      this.#record(o);
      return;
    }
    const legs = finalLegs(o, m);
    this.#settle(o, brokerOutcome(o, legs, m.time_msc, this.#lots.contractSize), `closed: ${m.reason}`);
  }

  /** Intermediate rungs crossed by a bridge tick: partial closes and the break-even modify (see `crossRungs`). */
  #onPrice(m: EaTick): void {
    for (const o of this.#orders.values()) {
      if (o.state !== 'open' || o.decision.symbol !== m.symbol || o.closeReason !== undefined) continue;
      const requests = crossRungs(o, o.decision.side === 'buy' ? m.bid : m.ask, this.#lots.lotStep);
      if (requests.length === 0) continue;
      for (const request of requests) this.#bridge.send(request);
      this.#record(o);
    }
  }

  #unanswered(o: Mt5Order): void {
    o.timer = undefined;
    if (o.state !== 'sending') return;
    o.state = 'unanswered';
    this.#book.mark(o.decision.id, 'unanswered', { note: `no answer within ${this.#orderTimeoutMs} ms` });
    this.#alert(
      'warn',
      'MT5_ORDER_UNANSWERED',
      `no fill or reject within ${this.#orderTimeoutMs} ms; resolving from the positions, never resending`,
      {
        clientId: o.decision.id,
      },
    );
    this.#bridge.send({ type: 'positions?', req: ++this.#req });
  }

  /** A positions snapshot: applies {@link snapshotVerdicts}; the first of a session also reconciles the book, then orders are taken. */
  #onPositions(m: EaPositions): void {
    const first = !this.#reconciled;
    for (const v of snapshotVerdicts(this.#orders.values(), m, this.#session, first)) {
      const o = v.order;
      if (v.kind === 'opened') {
        o.timer?.cancel();
        this.#opened(o, v.item.ticket, v.item.volume, v.item.open_price, v.item.time_msc || o.entryTs, 0);
      } else if (v.kind === 'shrunk') {
        o.remainingLots = v.item.volume;
        this.#record(o);
      } else if (v.kind === 'gone') {
        this.#alert('critical', 'MT5_ORDER_NOT_FOUND', GONE_MESSAGE, {
          clientId: o.decision.id,
          ticket: o.ticket,
        });
        const legs = [...o.legs, { kind: 'cancelled' as const, reason: GONE_REASON }];
        const outcome = brokerOutcome(o, legs, this.#clock.nowMs(), this.#lots.contractSize);
        this.#settle(o, outcome, 'not found at the broker');
      } else {
        this.#alert('warn', 'MT5_ORDER_NOT_FOUND', NEVER_OPENED_MESSAGE, { clientId: o.decision.id });
        this.#neverOpened(o, NEVER_OPENED_REASON);
      }
    }
    if (!first) return;
    const followed = (id: string): boolean => this.#orders.has(id);
    reconcileBook(this.#book, followed, m, (level, code, message, context) =>
      this.#alert(level, code, message, context),
    );
    this.#reconciled = true;
    this.#health.set(true);
  }

  /** Asks the EA for the ticks of `symbols` not asked for yet in this session (the rungs are checked on them). */
  #subscribe(symbols: readonly string[]): void {
    const fresh = [...new Set(symbols)].filter((symbol) => !this.#subscribed.has(symbol));
    if (fresh.length === 0 || !this.#bridge.send({ type: 'subscribe', symbols: fresh })) return;
    for (const symbol of fresh) this.#subscribed.add(symbol);
  }

  #neverOpened(o: Mt5Order, reason: string): void {
    o.timer?.cancel();
    this.#settle(o, neverOpenedOutcome(o, this.#clock.nowMs(), reason), reason);
  }

  #settle(o: Mt5Order, outcome: TradeOutcome, note: string): void {
    o.state = 'closed';
    this.#book.mark(o.decision.id, 'closed', { note });
    this.#orders.delete(o.decision.id);
    this.#settled.push(outcome);
  }

  #record(o: Mt5Order): void {
    this.#onState?.(o.decision.id, {
      entryTs: Math.max(0, Math.floor(o.entryTs)),
      entryPrice: o.entryPrice,
      executorState: { ...resumeState(o) },
    });
  }

  #alert(level: Alert['level'], code: string, message: string, context: Record<string, unknown>): void {
    this.#onAlert?.({
      tsMs: Math.max(0, Math.floor(this.#clock.nowMs())),
      level,
      code,
      message,
      source: 'mt5-spot',
      context,
    });
  }
}
