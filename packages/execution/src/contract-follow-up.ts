import { type Alert, type AlertLevel, type Clock, isOmniError, type TradeOutcome } from '@omni/core';
import type { BinaryBrokerPort, BinaryContract, Unsubscribe } from './binary-broker-port.js';
import {
  type BinaryOrderRecord,
  binaryRecord,
  brokerOutcome,
  cancelledOutcome,
  matchUnanswered,
} from './broker-contracts.js';
import type { BrokerOrder, BrokerOrderBook } from './broker-order-book.js';
import type { PositionStateSink } from './executor.js';
import { SettlementComparator } from './settlement-comparator.js';

/** What a {@link ContractFollowUp} needs from its executor. */
export interface ContractFollowUpOptions {
  readonly port: BinaryBrokerPort;
  readonly book: BrokerOrderBook;
  readonly clock: Clock;
  readonly onAlert: (alert: Alert) => void;
  readonly onPositionState?: PositionStateSink;
  /** An unanswered buy the account still does not show after this long was not bought. */
  readonly unansweredGraceMs: number;
  /** Told of each request that failed without an answer (timeouts, transport) and of each that succeeded. */
  readonly onRequest: (ok: boolean) => void;
}

/**
 * Everything after a buy leaves: its answer (bought → followed; refused → settles as never
 * opened; no answer → looked up in the account, never bought again), following contracts until
 * the broker settles them, the settled outcomes waiting for the next tick, and the comparison with
 * the shadow settlement. One per {@link BrokerBinaryExecutor}; every state change goes through the
 * book first.
 */
export class ContractFollowUp {
  readonly #o: ContractFollowUpOptions;
  readonly #follows = new Map<string, Unsubscribe>();
  readonly #entryNoted = new Set<string>();
  readonly #lastPrice = new Map<string, number>();
  readonly compare: SettlementComparator;
  #queue: TradeOutcome[] = [];
  #resolving = false;

  constructor(options: ContractFollowUpOptions) {
    this.#o = options;
    this.compare = new SettlementComparator(options.port.venue, (alert) =>
      this.alert(alert.level, alert.code, alert.message, alert.context),
    );
  }

  get venue(): string {
    return this.#o.port.venue;
  }

  /** Notes the latest price of a symbol (a position adopted before its fill settles at it). */
  notePrice(symbol: string, price: number): void {
    this.#lastPrice.set(symbol, price);
  }

  /** The outcomes settled since the last call (delivered once). */
  take(): TradeOutcome[] | undefined {
    if (this.#queue.length === 0) return undefined;
    const out = this.#queue;
    this.#queue = [];
    return out;
  }

  /** Sends the buy the book holds for `decisionId` and handles its answer. */
  async buy(decisionId: string, record: BinaryOrderRecord): Promise<void> {
    let contract: BinaryContract;
    try {
      contract = await this.#o.port.buy(record.request);
    } catch (err) {
      if (isOmniError(err, 'EXECUTION_REJECTED')) {
        this.#o.onRequest(true);
        this.#o.book.mark(decisionId, 'closed', { note: `refused: ${errorText(err)}` });
        const reason = `refused by ${this.venue}: ${errorText(err)}`;
        this.#queue.push(cancelledOutcome(decisionId, this.#priced(record), reason, this.#o.clock.nowMs()));
        this.alert(
          'warn',
          'VENUE_ORDER_REFUSED',
          `${this.venue} refused the buy of ${decisionId}: ${errorText(err)}`,
          {
            decisionId,
          },
        );
        return;
      }
      // No answer, a lost connection or an unclear error: it may have been bought. Look it up; never buy again.
      this.#o.onRequest(false);
      this.#o.book.mark(decisionId, 'unanswered', { note: errorText(err) });
      this.alert(
        'warn',
        'VENUE_ORDER_UNANSWERED',
        `${this.venue} did not answer the buy of ${decisionId} (${errorText(err)}); it will be looked up in the account, never sent again`,
        { decisionId },
      );
      return;
    }
    this.#o.onRequest(true);
    await this.#opened(decisionId, contract);
  }

  /** Follows the contract of an open order again (after a start or a reconnect). */
  async refollow(order: BrokerOrder): Promise<void> {
    if (order.brokerRef !== undefined) await this.#follow(order.decisionId, order.brokerRef);
  }

  /** Looks every unanswered buy up in the account: found → followed; still absent after the grace period → not bought. */
  async resolveUnanswered(): Promise<void> {
    const waiting = this.#o.book.list('unanswered');
    if (waiting.length === 0 || this.#resolving) return;
    this.#resolving = true;
    try {
      const since = Math.min(...waiting.map((o) => o.sentAtMs));
      const contracts = await this.#o.port.contractsSince(since - 60_000);
      this.#o.onRequest(true);
      const now = this.#o.clock.nowMs();
      for (const order of waiting) await this.#resolveOne(order, contracts, now);
    } catch (err) {
      this.#o.onRequest(false);
      throw err;
    } finally {
      this.#resolving = false;
    }
  }

  /**
   * Delivers again the outcome of an order the book closed but the engine never got (after a
   * restart, the ledger still holds its position): a bought contract is reopened in the book and
   * followed again at the reconciliation, so it settles with the broker's final numbers; an order
   * that never opened (refused, not bought) settles as cancelled again. Nothing is sent to buy.
   */
  redeliver(order: BrokerOrder): void {
    const record = binaryRecord(order);
    if (record === undefined || order.state !== 'closed') return;
    this.alert(
      'info',
      'VENUE_OUTCOME_REDELIVERED',
      `${this.venue}: the outcome of ${order.decisionId} (${order.note ?? 'closed'}) never reached the engine before the restart; delivered again`,
      { decisionId: order.decisionId, ...(order.brokerRef ? { contractId: order.brokerRef } : {}) },
    );
    if (order.brokerRef !== undefined) {
      this.#o.book.mark(order.decisionId, 'open', {
        note: `${order.note ?? 'closed'}; followed again after a restart`,
      });
      return;
    }
    const reason = order.note ?? `not bought at ${this.venue}`;
    this.#queue.push(cancelledOutcome(order.decisionId, this.#priced(record), reason, this.#o.clock.nowMs()));
  }

  /** Stops following every contract (they stay open at the broker and in the book). */
  stopAll(): void {
    for (const off of this.#follows.values()) off();
    this.#follows.clear();
  }

  alert(level: AlertLevel, code: string, message: string, context?: Record<string, unknown>): void {
    this.#o.onAlert({
      tsMs: Math.max(0, Math.floor(this.#o.clock.nowMs())),
      level,
      code,
      message,
      source: 'BrokerBinaryExecutor',
      context: { venue: this.venue, ...context },
    });
  }

  async #resolveOne(order: BrokerOrder, contracts: readonly BinaryContract[], now: number): Promise<void> {
    const record = binaryRecord(order);
    if (record === undefined) return;
    const book = this.#o.book;
    const found = matchUnanswered(
      record,
      order.sentAtMs,
      order.decisionId,
      contracts,
      (id) => book.byRef(id) !== undefined,
    );
    if (found !== undefined) {
      this.alert(
        'info',
        'VENUE_ORDER_FOUND',
        `${this.venue}: the unanswered buy of ${order.decisionId} was bought (contract ${found.contractId})`,
        { decisionId: order.decisionId, contractId: found.contractId },
      );
      await this.#opened(order.decisionId, found);
    } else if (now - order.sentAtMs >= this.#o.unansweredGraceMs) {
      book.mark(order.decisionId, 'closed', { note: 'not bought: absent from the account' });
      const reason = `not bought: ${this.venue}'s account has no such contract`;
      this.#queue.push(cancelledOutcome(order.decisionId, this.#priced(record), reason, now));
      this.alert(
        'warn',
        'VENUE_ORDER_NOT_FOUND',
        `${this.venue}: the unanswered buy of ${order.decisionId} is not in the account; it was not bought`,
        { decisionId: order.decisionId },
      );
    }
  }

  async #opened(decisionId: string, contract: BinaryContract): Promise<void> {
    this.#o.book.mark(decisionId, 'open', { brokerRef: contract.contractId });
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
      const off = await this.#o.port.follow(contractId, (update) => this.#update(decisionId, update));
      this.#o.onRequest(true);
      if (this.#o.book.get(decisionId)?.state === 'closed') off();
      else this.#follows.set(contractId, off);
    } catch (err) {
      // Followed again after the next reconnect (the book still says open).
      this.#o.onRequest(false);
      this.alert(
        'warn',
        'VENUE_FOLLOW_FAILED',
        `${this.venue}: cannot follow contract of ${decisionId} yet (${errorText(err)})`,
        {
          decisionId,
          contractId,
        },
      );
    }
  }

  #update(decisionId: string, contract: BinaryContract): void {
    const order = this.#o.book.get(decisionId);
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
    const order = this.#o.book.get(decisionId);
    const record = order && binaryRecord(order);
    if (order === undefined || record === undefined || order.state === 'closed') return;
    this.#o.book.mark(decisionId, 'closed', { note: contract.status });
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
    this.compare.broker(outcome);
  }

  /** The record with a price to settle at: its decision tick's, else the symbol's latest (a position adopted before its fill). */
  #priced(record: BinaryOrderRecord): BinaryOrderRecord {
    if (record.tickPrice > 0) return record;
    return { ...record, tickPrice: this.#lastPrice.get(record.symbol) ?? Number.MIN_VALUE };
  }
}

/** An error as one line for a journal: its code and message (never a secret: OmniError messages are scrubbed). */
export function errorText(err: unknown): string {
  if (isOmniError(err)) return `${err.code}: ${err.shortMessage}`;
  return err instanceof Error ? err.message : String(err);
}
