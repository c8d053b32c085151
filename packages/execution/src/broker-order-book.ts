import { ExecutionError, readJsonFile, writeJsonAtomic } from '@omni/core';
import { z } from 'zod';

/**
 * Where one live order stands at its venue:
 * - `sending`: written *before* the request leaves; after a crash it means "maybe sent";
 * - `unanswered`: sent, but the answer never came (timeout, lost connection) — resolved from the
 *   account, never by sending again;
 * - `open`: the venue has it (`brokerRef` is its id);
 * - `closed`: settled, refused or cancelled (kept until `prune` so a late answer finds it).
 */
export const BrokerOrderStateSchema = z.enum(['sending', 'unanswered', 'open', 'closed']);
export type BrokerOrderState = z.infer<typeof BrokerOrderStateSchema>;

/** One decision's order at a venue. */
export const BrokerOrderSchema = z.object({
  decisionId: z.string().min(1),
  venue: z.string().min(1),
  state: BrokerOrderStateSchema,
  /** When the request was written (epoch ms, the injected clock). */
  sentAtMs: z.number().int().nonnegative(),
  /** The venue's id of the order, position or contract. */
  brokerRef: z.string().min(1).optional(),
  /** What was asked (no secret): enough to match the order in the account after a crash. */
  request: z.record(z.string(), z.unknown()),
  /** How a closed order ended, for people. */
  note: z.string().optional(),
});
/** See {@link BrokerOrderSchema}. */
export type BrokerOrder = Readonly<z.infer<typeof BrokerOrderSchema>>;

const BookStateSchema = z.object({
  kind: z.literal('omni-broker-orders'),
  version: z.literal(1),
  orders: z.array(BrokerOrderSchema),
});

/**
 * The persisted decision → venue order map of a live executor: the write-ahead record that makes
 * "never a second order for one decision" hold across crashes, reconnects and restarts. Every change
 * is written atomically before the caller goes on (`sending` before the request is sent). Changes
 * happen per order, never per tick.
 *
 * @example
 * const book = BrokerOrderBook.open('state/orders-deriv.json', 'deriv');
 * if (!book.begin('d1', nowMs, { symbol: 'R_100', stake: 1 })) return; // already sent once
 * ... send ...
 * book.mark('d1', 'open', { brokerRef: '12345' });
 */
export class BrokerOrderBook {
  readonly path: string | undefined;
  readonly venue: string;
  readonly #orders = new Map<string, BrokerOrder>();

  constructor(venue: string, path?: string) {
    this.venue = venue;
    this.path = path;
  }

  /** The book persisted at `path` (empty when the file does not exist); StateError when it is unreadable. */
  static open(path: string | undefined, venue: string): BrokerOrderBook {
    const book = new BrokerOrderBook(venue, path);
    if (path === undefined) return book;
    const state = readJsonFile(path, BookStateSchema);
    for (const order of state?.orders ?? []) book.#orders.set(order.decisionId, order);
    return book;
  }

  get(decisionId: string): BrokerOrder | undefined {
    return this.#orders.get(decisionId);
  }

  /** Orders in the given states (all when none given), oldest first. */
  list(...states: BrokerOrderState[]): BrokerOrder[] {
    const all = [...this.#orders.values()];
    return states.length === 0 ? all : all.filter((o) => states.includes(o.state));
  }

  /** The decision whose order has `brokerRef`, if any. */
  byRef(brokerRef: string): BrokerOrder | undefined {
    for (const order of this.#orders.values()) if (order.brokerRef === brokerRef) return order;
    return undefined;
  }

  /**
   * Records that `decisionId`'s request is about to be sent, and persists it. False — send nothing —
   * when the decision has an order already, in any state: one decision, one order, ever.
   */
  begin(decisionId: string, sentAtMs: number, request: Record<string, unknown>): boolean {
    if (this.#orders.has(decisionId)) return false;
    this.#orders.set(decisionId, {
      decisionId,
      venue: this.venue,
      state: 'sending',
      sentAtMs: Math.max(0, Math.floor(sentAtMs)),
      request,
    });
    this.#save();
    return true;
  }

  /** Moves an order to `state` (with its venue id or a note) and persists it. */
  mark(
    decisionId: string,
    state: BrokerOrderState,
    patch: { readonly brokerRef?: string; readonly note?: string } = {},
  ): BrokerOrder {
    const order = this.#orders.get(decisionId);
    if (order === undefined) {
      throw new ExecutionError('EXECUTION_BAD_INPUT', 'no order is recorded for this decision', {
        decisionId,
        venue: this.venue,
      });
    }
    const next: BrokerOrder = { ...order, state, ...patch };
    this.#orders.set(decisionId, next);
    this.#save();
    return next;
  }

  /** Adds an order the venue holds that the book did not know (a position adopted from the ledger). */
  adopt(order: BrokerOrder): void {
    if (this.#orders.has(order.decisionId)) return;
    this.#orders.set(order.decisionId, order);
    this.#save();
  }

  /** Forgets closed orders older than `beforeMs`; returns how many. */
  prune(beforeMs: number): number {
    let removed = 0;
    for (const [id, order] of this.#orders) {
      if (order.state === 'closed' && order.sentAtMs < beforeMs) {
        this.#orders.delete(id);
        removed++;
      }
    }
    if (removed > 0) this.#save();
    return removed;
  }

  #save(): void {
    if (this.path === undefined) return;
    writeJsonAtomic(this.path, {
      kind: 'omni-broker-orders',
      version: 1,
      orders: [...this.#orders.values()],
    });
  }
}
