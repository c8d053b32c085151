import {
  type Alert,
  type AlertLevel,
  type BinaryDecision,
  type Clock,
  isOmniError,
  type OpenPosition,
  type Tick,
  type TradeOutcome,
} from '@omni/core';
import type {
  BinaryBrokerPort,
  BinaryContract,
  BinaryOrderRequest,
  Unsubscribe,
} from './binary-broker-port.js';
import {
  type BinaryOrderRecord,
  binaryRecord,
  brokerOutcome,
  cancelledOutcome,
  cents,
  durationOf,
  matchUnanswered,
} from './broker-contracts.js';
import { type BrokerOrder, BrokerOrderBook } from './broker-order-book.js';
import {
  type BinaryExecutor,
  type BrokerHealthListener,
  type ExecutionReport,
  NO_OUTCOMES,
  type PendingPosition,
  type PositionStateSink,
  rejectedReport,
} from './executor.js';
import { SettlementComparator } from './settlement-comparator.js';
import { ShadowBinaryExecutor, type ShadowBinarySettings } from './shadow-binary-executor.js';

/** Options of a {@link BrokerBinaryExecutor}. */
export interface BrokerBinaryExecutorOptions {
  readonly port: BinaryBrokerPort;
  readonly clock: Clock;
  readonly onAlert: (alert: Alert) => void;
  /** Payout and tie rule of the shadow settlement run beside the broker's (config.engines.binary). */
  readonly shadow: ShadowBinarySettings;
  /** The persisted decision → contract map. Default: in memory (tests only: a restart would forget it). */
  readonly book?: BrokerOrderBook;
  /** Records fills and contract ids in the position ledger. */
  readonly onPositionState?: PositionStateSink;
  /** The broker's symbol for an engine symbol. Default: the same. */
  readonly symbolFor?: (symbol: string) => string;
  /** The stake to buy for a decision (micro-live: the venue minimum). Default: the decision's stake, to the cent. */
  readonly stakeFor?: (decision: BinaryDecision) => number;
  /** An unanswered buy the account still does not show after this long was not bought. Default 60 s. */
  readonly unansweredGraceMs?: number;
  /** Between two lookups of unanswered buys while the link is up. Default 5 s. */
  readonly resolveEveryMs?: number;
}

/**
 * The specification's BinaryExecutor for a real broker: any {@link BinaryBrokerPort} (Deriv, a
 * configured JSON-over-WebSocket platform) becomes the engine's binary executor, with what touches
 * money handled once for every broker:
 * - `execute` never waits for the broker: it writes the order to the book, sends the buy in the
 *   background and answers `accepted`; the broker's answers arrive later (a refused buy settles as a
 *   `cancelled` outcome that never opened, a bought contract is followed to its final result);
 * - never a second buy for one decision: the book is written before each buy and after its answer;
 *   a buy whose answer never came (timeout, lost connection, crash) is resolved from the account's
 *   contracts — never by buying again — and declared not bought only after `unansweredGraceMs`;
 * - after a reconnect or a restart nothing new is sent until every open contract is followed again
 *   and every unanswered buy is looked up (health reports `ok: false` meanwhile);
 * - a live binary's outcome is the broker's final contract (profit, sell price, exit tick), while the
 *   shadow rules settle the same decision from our own ticks in parallel: any difference is
 *   journaled as `SETTLEMENT_DIVERGENCE`.
 */
export class BrokerBinaryExecutor implements BinaryExecutor {
  readonly engine = 'binary' as const;
  readonly venue: string;
  readonly book: BrokerOrderBook;
  readonly #o: BrokerBinaryExecutorOptions;
  readonly #port: BinaryBrokerPort;
  readonly #shadow: ShadowBinaryExecutor;
  readonly #compare: SettlementComparator;
  readonly #health = new Set<BrokerHealthListener>();
  readonly #follows = new Map<string, Unsubscribe>();
  readonly #entryNoted = new Set<string>();
  readonly #lastPrice = new Map<string, number>();
  #queue: TradeOutcome[] = [];
  #ready = false;
  #why = 'not started';
  #currency = 'USD';
  #linkOff: Unsubscribe | undefined;
  #resolving = false;
  #nextResolveMs = 0;
  #reconciles = 0;

  constructor(options: BrokerBinaryExecutorOptions) {
    this.#o = options;
    this.#port = options.port;
    this.venue = options.port.venue;
    this.book = options.book ?? new BrokerOrderBook(this.venue);
    this.#shadow = new ShadowBinaryExecutor(options.shadow);
    this.#compare = new SettlementComparator(this.venue, (alert) =>
      this.#alert(alert.level, alert.code, alert.message, alert.context),
    );
  }

  /** True once connected and reconciled: only then are buys sent. */
  get ready(): boolean {
    return this.#ready;
  }

  /** Settlements where the broker and the shadow rules disagreed, so far. */
  get divergences(): number {
    return this.#compare.divergences;
  }

  /** Connects, authorizes and reconciles the book with the account before the first order. */
  async start(): Promise<void> {
    this.#linkOff ??= this.#port.onLinkState((state) => {
      if (state.up) void this.#reconcile('reconnected');
      else this.#setReady(false, state.reason);
    });
    const account = await this.#port.connect();
    this.#currency = account.currency;
    this.#alert(
      'info',
      'VENUE_CONNECTED',
      `${this.venue}: connected (${account.currency}, balance ${account.balance})`,
      {
        currency: account.currency,
        balance: account.balance,
        ...(account.accountId ? { account: account.accountId } : {}),
      },
    );
    await this.#reconcile('started');
  }

  async stop(): Promise<void> {
    this.#setReady(false, 'stopped');
    this.#linkOff?.();
    this.#linkOff = undefined;
    for (const off of this.#follows.values()) off();
    this.#follows.clear();
    await this.#port.close();
  }

  async execute(decision: BinaryDecision, tick: Tick): Promise<ExecutionReport> {
    const now = this.#o.clock.nowMs();
    if (this.book.get(decision.id) !== undefined) {
      return rejectedReport(
        decision,
        this.venue,
        tick.tsMs,
        'EXECUTION_DUPLICATE_ORDER',
        `decision ${decision.id} already has an order at ${this.venue}`,
      );
    }
    if (!this.#ready) {
      return rejectedReport(
        decision,
        this.venue,
        tick.tsMs,
        'EXECUTION_VENUE_UNAVAILABLE',
        `${this.venue} is not ready: ${this.#why}`,
      );
    }
    const stake = cents(this.#o.stakeFor?.(decision) ?? decision.stakeUsd);
    if (stake < this.#port.minStake) {
      return rejectedReport(
        decision,
        this.venue,
        tick.tsMs,
        'EXECUTION_REJECTED',
        `stake ${stake} is below ${this.venue}'s minimum ${this.#port.minStake}`,
      );
    }
    const { duration, unit } = durationOf(decision.expirySec);
    const request: BinaryOrderRequest = {
      clientId: decision.id,
      symbol: this.#o.symbolFor?.(decision.symbol) ?? decision.symbol,
      direction: decision.direction,
      stake,
      currency: this.#currency,
      duration,
      durationUnit: unit,
      maxPrice: stake,
    };
    const record: BinaryOrderRecord = {
      request,
      symbol: decision.symbol,
      expirySec: decision.expirySec,
      tickTs: tick.tsMs,
      tickPrice: tick.price,
    };
    if (!this.book.begin(decision.id, now, record)) {
      return rejectedReport(
        decision,
        this.venue,
        tick.tsMs,
        'EXECUTION_DUPLICATE_ORDER',
        `decision ${decision.id} already has an order at ${this.venue}`,
      );
    }
    await this.#shadow.execute(decision, tick);
    void this.#buy(decision.id, record);
    return {
      status: 'accepted',
      decisionId: decision.id,
      engine: 'binary',
      venue: this.venue,
      tsMs: tick.tsMs,
    };
  }

  onTick(tick: Tick): readonly TradeOutcome[] {
    this.#lastPrice.set(tick.symbol, tick.price);
    const shadowSettled = this.#shadow.onTick(tick);
    for (let i = 0; i < shadowSettled.length; i++) this.#compare.shadow(shadowSettled[i] as TradeOutcome);
    if (
      this.#ready &&
      !this.#resolving &&
      tick.tsMs >= this.#nextResolveMs &&
      this.book.list('unanswered').length > 0
    ) {
      void this.#resolveUnanswered();
    }
    if (this.#queue.length === 0) return NO_OUTCOMES;
    const out = this.#queue;
    this.#queue = [];
    return out;
  }

  pending(): readonly PendingPosition[] {
    return this.book.list('sending', 'unanswered', 'open').map((order) => {
      const record = binaryRecord(order);
      return {
        decisionId: order.decisionId,
        engine: 'binary' as const,
        symbol: record?.symbol ?? String(order.request['symbol'] ?? ''),
        venue: this.venue,
        state: order.state === 'open' ? ('open' as const) : ('awaiting-fill' as const),
      };
    });
  }

  /** Bought contracts run to expiry (selling early is not offered); nothing is cancelled. */
  async cancelAll(): Promise<number> {
    return 0;
  }

  /**
   * Takes back a position of this venue an earlier session left open: known to the book, or with a
   * contract id in the ledger (followed again at start), or — without either — looked up in the
   * account as an unanswered buy.
   */
  adopt(position: OpenPosition): boolean {
    const decision = position.decision;
    if (position.venue !== this.venue || decision?.engine !== 'binary') return false;
    if (position.entryTs !== undefined && position.entryPrice !== undefined) this.#shadow.adopt(position);
    if (this.book.get(decision.id) !== undefined) return true;
    const { duration, unit } = durationOf(decision.expirySec);
    const stake = cents(this.#o.stakeFor?.(decision) ?? decision.stakeUsd);
    const request: BinaryOrderRequest = {
      clientId: decision.id,
      symbol: this.#o.symbolFor?.(decision.symbol) ?? decision.symbol,
      direction: decision.direction,
      stake,
      currency: this.#currency,
      duration,
      durationUnit: unit,
      maxPrice: stake,
    };
    const tickTs = position.entryTs ?? position.openedTs;
    // Unknown (0) when the ledger has no fill yet: the symbol's latest price stands in at settlement.
    const tickPrice = position.entryPrice ?? 0;
    const record: BinaryOrderRecord = {
      request,
      symbol: decision.symbol,
      expirySec: decision.expirySec,
      tickTs,
      tickPrice,
    };
    this.book.adopt({
      decisionId: decision.id,
      venue: this.venue,
      state: position.brokerRef ? 'open' : 'unanswered',
      sentAtMs: position.openedTs,
      request: record,
      ...(position.brokerRef ? { brokerRef: position.brokerRef } : {}),
    });
    return true;
  }

  onHealth(listener: BrokerHealthListener): () => void {
    this.#health.add(listener);
    return () => this.#health.delete(listener);
  }

  async #buy(decisionId: string, record: BinaryOrderRecord): Promise<void> {
    let contract: BinaryContract;
    try {
      contract = await this.#port.buy(record.request);
    } catch (err) {
      if (isOmniError(err, 'EXECUTION_REJECTED')) {
        this.book.mark(decisionId, 'closed', { note: `refused: ${errorText(err)}` });
        this.#queue.push(
          cancelledOutcome(
            decisionId,
            this.#priced(record),
            `refused by ${this.venue}: ${errorText(err)}`,
            this.#o.clock.nowMs(),
          ),
        );
        this.#alert(
          'warn',
          'VENUE_ORDER_REFUSED',
          `${this.venue} refused the buy of ${decisionId}: ${errorText(err)}`,
          { decisionId },
        );
        return;
      }
      // No answer, a lost connection or an unclear error: it may have been bought. Look it up; never buy again.
      this.book.mark(decisionId, 'unanswered', { note: errorText(err) });
      this.#nextResolveMs = 0;
      this.#alert(
        'warn',
        'VENUE_ORDER_UNANSWERED',
        `${this.venue} did not answer the buy of ${decisionId} (${errorText(err)}); it will be looked up in the account, never sent again`,
        { decisionId },
      );
      return;
    }
    await this.#opened(decisionId, contract);
  }

  async #opened(decisionId: string, contract: BinaryContract): Promise<void> {
    this.book.mark(decisionId, 'open', { brokerRef: contract.contractId });
    this.#o.onPositionState?.(decisionId, {
      ...(contract.entrySpot !== undefined
        ? { entryPrice: contract.entrySpot, entryTs: Math.floor(contract.entryTsMs ?? contract.purchaseTsMs) }
        : {}),
      executorState: {
        contractId: contract.contractId,
        buyPrice: contract.buyPrice,
        payout: contract.payout,
      },
    });
    if (contract.status !== 'open') {
      this.#settled(decisionId, contract);
      return;
    }
    await this.#follow(decisionId, contract.contractId);
  }

  async #follow(decisionId: string, contractId: string): Promise<void> {
    this.#follows.get(contractId)?.();
    try {
      const off = await this.#port.follow(contractId, (update) => this.#update(decisionId, update));
      if (this.book.get(decisionId)?.state === 'closed') off();
      else this.#follows.set(contractId, off);
    } catch (err) {
      // Followed again after the next reconnect (the book still says open).
      this.#alert(
        'warn',
        'VENUE_FOLLOW_FAILED',
        `${this.venue}: cannot follow contract of ${decisionId} yet (${errorText(err)})`,
        { decisionId, contractId },
      );
    }
  }

  #update(decisionId: string, contract: BinaryContract): void {
    const order = this.book.get(decisionId);
    if (order === undefined || order.state === 'closed') return;
    if (contract.entrySpot !== undefined && !this.#entryNoted.has(decisionId)) {
      this.#entryNoted.add(decisionId);
      this.#o.onPositionState?.(decisionId, {
        entryPrice: contract.entrySpot,
        entryTs: Math.floor(contract.entryTsMs ?? contract.purchaseTsMs),
      });
    }
    if (contract.status !== 'open') this.#settled(decisionId, contract);
  }

  #settled(decisionId: string, contract: BinaryContract): void {
    const order = this.book.get(decisionId);
    const record = order && binaryRecord(order);
    if (order === undefined || record === undefined || order.state === 'closed') return;
    this.book.mark(decisionId, 'closed', { note: contract.status });
    this.#follows.get(contract.contractId)?.();
    this.#follows.delete(contract.contractId);
    this.#entryNoted.delete(decisionId);
    const outcome = brokerOutcome(
      decisionId,
      this.#priced(record),
      contract,
      this.venue,
      this.#o.clock.nowMs(),
    );
    this.#queue.push(outcome);
    this.#compare.broker(outcome);
  }

  /** After a start or a reconnect: follow every open contract again and resolve unanswered buys, then take orders. */
  async #reconcile(why: 'started' | 'reconnected'): Promise<void> {
    const round = ++this.#reconciles;
    this.#setReady(false, `reconciling after ${why === 'started' ? 'the start' : 'a reconnect'}`);
    try {
      for (const order of this.book.list('sending'))
        this.book.mark(order.decisionId, 'unanswered', { note: 'maybe sent before a restart' });
      for (const order of this.book.list('open'))
        if (order.brokerRef) await this.#follow(order.decisionId, order.brokerRef);
      await this.#resolveUnanswered();
    } catch (err) {
      this.#setReady(false, `reconciliation failed: ${errorText(err)}`);
      return;
    }
    if (round === this.#reconciles) this.#setReady(true);
  }

  /** Looks every unanswered buy up in the account: found → followed; still absent after the grace period → not bought. */
  async #resolveUnanswered(): Promise<void> {
    const waiting = this.book.list('unanswered');
    if (waiting.length === 0 || this.#resolving) return;
    this.#resolving = true;
    try {
      const since = Math.min(...waiting.map((o) => o.sentAtMs));
      const contracts = await this.#port.contractsSince(since - 60_000);
      const now = this.#o.clock.nowMs();
      for (const order of waiting) await this.#resolveOne(order, contracts, now);
    } finally {
      this.#resolving = false;
      this.#nextResolveMs = this.#o.clock.nowMs() + (this.#o.resolveEveryMs ?? 5_000);
    }
  }

  async #resolveOne(order: BrokerOrder, contracts: readonly BinaryContract[], now: number): Promise<void> {
    const record = binaryRecord(order);
    if (record === undefined) return;
    const found = matchUnanswered(
      record,
      order.sentAtMs,
      order.decisionId,
      contracts,
      (id) => this.book.byRef(id) !== undefined,
    );
    if (found !== undefined) {
      this.#alert(
        'info',
        'VENUE_ORDER_FOUND',
        `${this.venue}: the unanswered buy of ${order.decisionId} was bought (contract ${found.contractId})`,
        { decisionId: order.decisionId, contractId: found.contractId },
      );
      await this.#opened(order.decisionId, found);
    } else if (now - order.sentAtMs >= (this.#o.unansweredGraceMs ?? 60_000)) {
      this.book.mark(order.decisionId, 'closed', { note: 'not bought: absent from the account' });
      this.#queue.push(
        cancelledOutcome(
          order.decisionId,
          this.#priced(record),
          `not bought: ${this.venue}'s account has no such contract`,
          now,
        ),
      );
      this.#alert(
        'warn',
        'VENUE_ORDER_NOT_FOUND',
        `${this.venue}: the unanswered buy of ${order.decisionId} is not in the account; it was not bought`,
        { decisionId: order.decisionId },
      );
    }
  }

  #setReady(ready: boolean, why = ''): void {
    const changed = ready !== this.#ready;
    this.#ready = ready;
    this.#why = ready ? '' : why;
    if (!changed) return;
    for (const listener of this.#health)
      listener({ market: 'binary', venue: this.venue, ok: ready, ...(ready ? {} : { reason: why }) });
  }

  /** The record with a price to settle at: its decision tick's, else the symbol's latest (a position adopted before its fill). */
  #priced(record: BinaryOrderRecord): BinaryOrderRecord {
    if (record.tickPrice > 0) return record;
    return { ...record, tickPrice: this.#lastPrice.get(record.symbol) ?? Number.MIN_VALUE };
  }

  #alert(level: AlertLevel, code: string, message: string, context?: Record<string, unknown>): void {
    this.#o.onAlert({
      tsMs: Math.max(0, Math.floor(this.#o.clock.nowMs())),
      level,
      code,
      message,
      source: 'BrokerBinaryExecutor',
      ...(context ? { context: { venue: this.venue, ...context } } : {}),
    });
  }
}

function errorText(err: unknown): string {
  if (isOmniError(err)) return `${err.code}: ${err.shortMessage}`;
  return err instanceof Error ? err.message : String(err);
}
