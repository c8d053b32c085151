import { join } from 'node:path';
import {
  type Alert,
  type BinaryDecision,
  type Clock,
  type OpenPosition,
  parseConfig,
  type Tick,
  type TradeOutcome,
} from '@omni/core';
import type { BinaryBrokerPort, BinaryOrderRequest, Unsubscribe } from './binary-broker-port.js';
import { type BinaryOrderRecord, binaryRecord, cents, durationOf } from './broker-contracts.js';
import { BrokerOrderBook } from './broker-order-book.js';
import { ContractFollowUp, errorText } from './contract-follow-up.js';
import {
  type BinaryExecutor,
  type BrokerHealthListener,
  type ExecutionReport,
  NO_OUTCOMES,
  type PendingPosition,
  type PositionStateSink,
  rejectedReport,
} from './executor.js';
import { ShadowBinaryExecutor, type ShadowBinarySettings } from './shadow-binary-executor.js';
import type { VenueContext } from './venue-definition.js';

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
  /** Between two lookups of unanswered buys (or health probes) while the link is up. Default 5 s. */
  readonly resolveEveryMs?: number;
  /** Requests failing without an answer in a row (timeouts, transport errors) that mark the venue unhealthy. Default 3. */
  readonly maxConsecutiveErrors?: number;
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
  readonly #followUp: ContractFollowUp;
  readonly #health = new Set<BrokerHealthListener>();
  #ready = false;
  #why = 'not started';
  #currency = 'USD';
  #linkOff: Unsubscribe | undefined;
  #linkUp = false;
  #reconciling = false;
  #reconciles = 0;
  #failures = 0;
  /** Unhealthy because requests kept failing while the link stayed up (cleared by the next success). */
  #errorTripped = false;
  #nextResolveMs = 0;

  constructor(options: BrokerBinaryExecutorOptions) {
    this.#o = options;
    this.#port = options.port;
    this.venue = options.port.venue;
    this.book = options.book ?? new BrokerOrderBook(this.venue);
    this.#shadow = new ShadowBinaryExecutor(options.shadow);
    this.#followUp = new ContractFollowUp({
      port: options.port,
      book: this.book,
      clock: options.clock,
      onAlert: options.onAlert,
      ...(options.onPositionState ? { onPositionState: options.onPositionState } : {}),
      unansweredGraceMs: options.unansweredGraceMs ?? 60_000,
      onRequest: (ok) => this.#noteRequest(ok),
    });
  }

  /** True once connected and reconciled (and not failing): only then are buys sent. */
  get ready(): boolean {
    return this.#ready;
  }

  /** Settlements where the broker and the shadow rules disagreed, so far. */
  get divergences(): number {
    return this.#followUp.compare.divergences;
  }

  /** Connects, authorizes and reconciles the book with the account before the first order. */
  async start(): Promise<void> {
    this.#linkOff ??= this.#port.onLinkState((state) => {
      this.#linkUp = state.up;
      if (state.up) void this.#reconcile('reconnected');
      else this.#setReady(false, state.reason);
    });
    const account = await this.#port.connect();
    this.#linkUp = true;
    this.#currency = account.currency;
    this.#followUp.alert(
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
    this.#followUp.stopAll();
    await this.#port.close();
  }

  async execute(decision: BinaryDecision, tick: Tick): Promise<ExecutionReport> {
    if (this.book.get(decision.id) !== undefined) return this.#duplicate(decision, tick);
    if (!this.#ready) {
      const why = `${this.venue} is not ready: ${this.#why}`;
      return rejectedReport(decision, this.venue, tick.tsMs, 'EXECUTION_VENUE_UNAVAILABLE', why);
    }
    const request = this.#request(decision);
    if (request.stake < this.#port.minStake) {
      const why = `stake ${request.stake} is below ${this.venue}'s minimum ${this.#port.minStake}`;
      return rejectedReport(decision, this.venue, tick.tsMs, 'EXECUTION_REJECTED', why);
    }
    const record: BinaryOrderRecord = {
      request,
      symbol: decision.symbol,
      expirySec: decision.expirySec,
      tickTs: tick.tsMs,
      tickPrice: tick.price,
    };
    if (!this.book.begin(decision.id, this.#o.clock.nowMs(), record)) return this.#duplicate(decision, tick);
    // The shadow rules settle what was really bought (micro-live buys the minimum stake).
    await this.#shadow.execute(
      request.stake === decision.stakeUsd ? decision : { ...decision, stakeUsd: request.stake },
      tick,
    );
    void this.#followUp.buy(decision.id, record);
    return {
      status: 'accepted',
      decisionId: decision.id,
      engine: 'binary',
      venue: this.venue,
      tsMs: tick.tsMs,
    };
  }

  onTick(tick: Tick): readonly TradeOutcome[] {
    this.#followUp.notePrice(tick.symbol, tick.price);
    const shadowSettled = this.#shadow.onTick(tick);
    for (let i = 0; i < shadowSettled.length; i++)
      this.#followUp.compare.shadow(shadowSettled[i] as TradeOutcome);
    if (tick.tsMs >= this.#nextResolveMs && this.#linkUp && !this.#reconciling) this.#housekeeping(tick.tsMs);
    return this.#followUp.take() ?? NO_OUTCOMES;
  }

  pending(): readonly PendingPosition[] {
    return this.book.list('sending', 'unanswered', 'open').map((order) => ({
      decisionId: order.decisionId,
      engine: 'binary' as const,
      symbol: binaryRecord(order)?.symbol ?? String(order.request['symbol'] ?? ''),
      venue: this.venue,
      state: order.state === 'open' ? ('open' as const) : ('awaiting-fill' as const),
    }));
  }

  /** Bought contracts run to expiry (selling early is not offered); nothing is cancelled. */
  async cancelAll(): Promise<number> {
    return 0;
  }

  /**
   * Takes back a position of this venue an earlier session left open: known to the book, or with a
   * contract id in the ledger (followed again at start), or — without either — looked up in the
   * account as an unanswered buy. One the book already closed (settled or refused, the session
   * killed before a tick delivered the outcome) has its outcome delivered again.
   */
  adopt(position: OpenPosition): boolean {
    const decision = position.decision;
    if (position.venue !== this.venue || decision?.engine !== 'binary') return false;
    if (position.entryTs !== undefined && position.entryPrice !== undefined) this.#shadow.adopt(position);
    const known = this.book.get(decision.id);
    if (known !== undefined) {
      // Closed in the book but still in the ledger: its outcome never reached the engine (a crash
      // between the broker's answer and the next tick). Delivered again, never bought again.
      if (known.state === 'closed') this.#followUp.redeliver(known);
      return true;
    }
    const record: BinaryOrderRecord = {
      request: this.#request(decision),
      symbol: decision.symbol,
      expirySec: decision.expirySec,
      tickTs: position.entryTs ?? position.openedTs,
      // Unknown (0) when the ledger has no fill yet: the symbol's latest price stands in at settlement.
      tickPrice: position.entryPrice ?? 0,
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

  #request(decision: BinaryDecision): BinaryOrderRequest {
    const { duration, unit } = durationOf(decision.expirySec);
    const stake = cents(this.#o.stakeFor?.(decision) ?? decision.stakeUsd);
    return {
      clientId: decision.id,
      symbol: this.#o.symbolFor?.(decision.symbol) ?? decision.symbol,
      direction: decision.direction,
      stake,
      currency: this.#currency,
      duration,
      durationUnit: unit,
      maxPrice: stake,
    };
  }

  #duplicate(decision: BinaryDecision, tick: Tick): ExecutionReport {
    const why = `decision ${decision.id} already has an order at ${this.venue}`;
    return rejectedReport(decision, this.venue, tick.tsMs, 'EXECUTION_DUPLICATE_ORDER', why);
  }

  /** Every `resolveEveryMs`: look unanswered buys up, or probe a venue whose requests kept failing. */
  #housekeeping(nowMs: number): void {
    this.#nextResolveMs = nowMs + (this.#o.resolveEveryMs ?? 5_000);
    if (this.book.list('unanswered').length > 0) {
      void this.#followUp.resolveUnanswered().catch(() => undefined);
    } else if (this.#errorTripped) {
      this.#port.contractsSince(Math.floor(this.#o.clock.nowMs())).then(
        () => this.#noteRequest(true),
        () => this.#noteRequest(false),
      );
    }
  }

  /** Repeated failures without an answer mark the venue unhealthy; the next success clears it. */
  #noteRequest(ok: boolean): void {
    if (ok) {
      this.#failures = 0;
      if (this.#errorTripped) {
        this.#errorTripped = false;
        if (this.#linkUp && !this.#reconciling) this.#setReady(true);
      }
      return;
    }
    this.#failures++;
    if (!this.#errorTripped && this.#failures >= (this.#o.maxConsecutiveErrors ?? 3)) {
      this.#errorTripped = true;
      this.#setReady(false, `${this.#failures} requests failed in a row`);
    }
  }

  /** After a start or a reconnect: follow every open contract again and resolve unanswered buys, then take orders. */
  async #reconcile(why: 'started' | 'reconnected'): Promise<void> {
    const round = ++this.#reconciles;
    this.#reconciling = true;
    this.#setReady(false, `reconciling after ${why === 'started' ? 'the start' : 'a reconnect'}`);
    try {
      for (const order of this.book.list('sending')) {
        this.book.mark(order.decisionId, 'unanswered', { note: 'maybe sent before a restart' });
      }
      for (const order of this.book.list('open')) await this.#followUp.refollow(order);
      await this.#followUp.resolveUnanswered();
    } catch (err) {
      if (round === this.#reconciles) this.#reconciling = false;
      this.#setReady(false, `reconciliation failed: ${errorText(err)}`);
      return;
    }
    if (round !== this.#reconciles) return;
    this.#reconciling = false;
    if (this.#linkUp && !this.#errorTripped) this.#setReady(true);
  }

  #setReady(ready: boolean, why = ''): void {
    const changed = ready !== this.#ready;
    this.#ready = ready;
    this.#why = ready ? '' : why;
    if (!changed) return;
    for (const listener of this.#health) {
      listener({ market: 'binary', venue: this.venue, ok: ready, ...(ready ? {} : { reason: why }) });
    }
  }
}

/**
 * A venue's `createExecutors` for a binary broker: `port` as the binary executor of a run, with the
 * order book at `<stateDir>/orders-<venue>.json` (in memory without a state dir), the run's
 * settlement rules for the parallel shadow settlement, the ledger sink, and micro-live's minimum
 * stake when `context.minimumSizes` is set.
 *
 * @example
 * createExecutors: (config, context) => brokerBinaryExecutors(createDerivBroker(config, context), context),
 */
export function brokerBinaryExecutors(
  port: BinaryBrokerPort,
  context: VenueContext,
  options: Pick<BrokerBinaryExecutorOptions, 'symbolFor'> = {},
): { readonly binary: BrokerBinaryExecutor } {
  const path =
    context.stateDir === undefined ? undefined : join(context.stateDir, `orders-${port.venue}.json`);
  return {
    binary: new BrokerBinaryExecutor({
      port,
      clock: context.clock,
      onAlert: context.onAlert,
      // The run's rules; without them the configuration's defaults (one home: the config schema).
      shadow: context.engines?.binary ?? parseConfig({}).engines.binary,
      book: BrokerOrderBook.open(path, port.venue),
      ...(context.onPositionState ? { onPositionState: context.onPositionState } : {}),
      ...(context.minimumSizes ? { stakeFor: () => port.minStake } : {}),
      ...options,
    }),
  };
}
