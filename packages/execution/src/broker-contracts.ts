import type { TradeOutcome } from '@omni/core';
import type { BinaryContract, BinaryDurationUnit, BinaryOrderRequest } from './binary-broker-port.js';
import type { BrokerOrder } from './broker-order-book.js';

/**
 * Pure helpers of `BrokerBinaryExecutor`: what a binary order records in the order book, how a
 * broker's contract becomes a TradeOutcome, and how an unanswered buy is found in the account.
 */

/** What the order book keeps of a binary order: enough to match it in the account and to settle it after a restart. */
export interface BinaryOrderRecord extends Record<string, unknown> {
  readonly request: BinaryOrderRequest;
  /** The engine's symbol (the request holds the broker's). */
  readonly symbol: string;
  readonly expirySec: number;
  /** The decision tick, the entry when the broker does not report one. */
  readonly tickTs: number;
  readonly tickPrice: number;
}

/** A contract duration for an expiry in seconds: whole days, hours or minutes when it divides, else seconds. */
export function durationOf(expirySec: number): { duration: number; unit: BinaryDurationUnit } {
  if (expirySec % 86_400 === 0) return { duration: expirySec / 86_400, unit: 'd' };
  if (expirySec % 3_600 === 0) return { duration: expirySec / 3_600, unit: 'h' };
  if (expirySec % 60 === 0) return { duration: expirySec / 60, unit: 'm' };
  return { duration: expirySec, unit: 's' };
}

/** The record of a book entry, or undefined when it is not a binary order of this executor. */
export function binaryRecord(order: BrokerOrder): BinaryOrderRecord | undefined {
  const r = order.request as Partial<BinaryOrderRecord>;
  if (r.request === undefined || typeof r.symbol !== 'string' || typeof r.tickPrice !== 'number')
    return undefined;
  return r as BinaryOrderRecord;
}

/** Money rounded to cents, as brokers take stakes. */
export function cents(usd: number): number {
  return Math.round(usd * 100) / 100;
}

/** The outcome of a settled broker contract: the broker's numbers, never ours. */
export function brokerOutcome(
  decisionId: string,
  record: BinaryOrderRecord,
  contract: BinaryContract,
  venue: string,
  nowMs: number,
): TradeOutcome {
  const profit =
    contract.profit ?? (contract.status === 'won' ? contract.payout - contract.buyPrice : -contract.buyPrice);
  const result =
    contract.status === 'won'
      ? 'win'
      : contract.status === 'lost'
        ? 'loss'
        : profit > 0
          ? 'win'
          : profit === 0
            ? 'tie-refund'
            : 'loss';
  const entryPrice = contract.entrySpot ?? record.tickPrice;
  const entryTs = contract.entryTsMs ?? contract.purchaseTsMs;
  return {
    decisionId,
    engine: 'binary',
    symbol: record.symbol,
    direction: record.request.direction,
    entryTs: Math.max(0, Math.floor(entryTs)),
    entryPrice,
    settleTs: Math.max(0, Math.floor(contract.exitTsMs ?? nowMs)),
    settlePrice: contract.exitSpot ?? entryPrice,
    stake: contract.buyPrice,
    payout: contract.buyPrice > 0 ? (contract.payout - contract.buyPrice) / contract.buyPrice : 0,
    fees: 0,
    pnl: profit,
    rule: `binary-${venue}-${contract.status}`,
    exit: { kind: 'expiry', result },
  };
}

/** The record of an order the venue refused or never bought: it never opened. */
export function cancelledOutcome(
  decisionId: string,
  record: BinaryOrderRecord,
  reason: string,
  nowMs: number,
): TradeOutcome {
  return {
    decisionId,
    engine: 'binary',
    symbol: record.symbol,
    direction: record.request.direction,
    entryTs: Math.max(0, Math.floor(record.tickTs)),
    entryPrice: record.tickPrice,
    settleTs: Math.max(record.tickTs, Math.floor(nowMs)),
    settlePrice: record.tickPrice,
    stake: 0,
    fees: 0,
    pnl: 0,
    rule: 'binary-not-bought',
    exit: { kind: 'cancelled', reason },
  };
}

/** Seconds of clock difference allowed between our send time and the broker's purchase time. */
export const PURCHASE_SKEW_MS = 5_000;

/**
 * The contract in the account that is `record`'s unanswered buy: the same client id when the broker
 * echoes one; otherwise the same symbol and direction, the stake as buy price (to the cent), bought
 * at or after the send time (less the skew), and not already another decision's. The earliest such
 * contract wins (buys are sent in order).
 */
export function matchUnanswered(
  record: BinaryOrderRecord,
  sentAtMs: number,
  decisionId: string,
  contracts: readonly BinaryContract[],
  isTaken: (contractId: string) => boolean,
): BinaryContract | undefined {
  let best: BinaryContract | undefined;
  for (const c of contracts) {
    if (isTaken(c.contractId)) continue;
    if (c.clientId !== undefined) {
      if (c.clientId === decisionId) return c;
      continue;
    }
    if (c.symbol !== record.request.symbol || c.direction !== record.request.direction) continue;
    if (Math.abs(c.buyPrice - record.request.stake) > 0.005) continue;
    if (c.purchaseTsMs < sentAtMs - PURCHASE_SKEW_MS) continue;
    if (best === undefined || c.purchaseTsMs < best.purchaseTsMs) best = c;
  }
  return best;
}
