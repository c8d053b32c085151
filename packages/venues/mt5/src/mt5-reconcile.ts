import type { Alert, OpenPosition, SpotDecision } from '@omni/core';
import type { BrokerOrderBook } from '@omni/execution';
import { type Mt5Order, orderFromLedger } from './mt5-order.js';
import type { EaPositionItem, EaPositions } from './protocol.js';

/** What one positions snapshot says about one followed order. */
export type SnapshotVerdict =
  /** Sent (maybe unanswered) and present at the broker: it opened. */
  | { readonly kind: 'opened'; readonly order: Mt5Order; readonly item: EaPositionItem }
  /** Open, present with less volume than we counted (a partial close we did not hear of). */
  | { readonly kind: 'shrunk'; readonly order: Mt5Order; readonly item: EaPositionItem }
  /** Open in the book, gone at the broker, and its closing deal never reached us. */
  | { readonly kind: 'gone'; readonly order: Mt5Order }
  /** Sent, never answered, and not at the broker: it never opened. */
  | { readonly kind: 'never-opened'; readonly order: Mt5Order };

export const GONE_MESSAGE =
  'an open position is gone from the broker and its closing deal never reached the bridge; its result is not known here (see the terminal history)';
export const GONE_REASON = 'closed at the broker while the bridge was down; result not reported';
export const NEVER_OPENED_MESSAGE = 'an order without answer is not among the positions: it never opened';
export const NEVER_OPENED_REASON = 'never opened: not among the positions at the broker';

/**
 * The verdicts of a positions snapshot. Present → opened (or shrunk). Absent proves something only
 * when the snapshot was taken after the order could have been executed: the first snapshot of a new
 * session settles every order of earlier sessions (the EA replays unsent fills and closes before it,
 * so an open position absent here closed unseen); a later snapshot answering request `req` settles
 * only an `unanswered` order sent before that request (the EA handles lines in order). An open order
 * absent from a later snapshot is left alone: the EA may not have reported its close yet.
 */
export function snapshotVerdicts(
  orders: Iterable<Mt5Order>,
  snapshot: EaPositions,
  session: string | undefined,
  first: boolean,
): SnapshotVerdict[] {
  const present = new Map(snapshot.items.map((item) => [item.client_id, item]));
  const verdicts: SnapshotVerdict[] = [];
  for (const order of orders) {
    const item = present.get(order.decision.id);
    if (item !== undefined) {
      if (order.state === 'sending' || order.state === 'unanswered')
        verdicts.push({ kind: 'opened', order, item });
      else if (order.state === 'open' && item.volume < order.remainingLots - 1e-9) {
        verdicts.push({ kind: 'shrunk', order, item });
      }
      continue;
    }
    const proven = first
      ? order.session !== session
      : order.state === 'unanswered' && snapshot.req !== undefined && order.reqBefore < snapshot.req;
    if (!proven) continue;
    verdicts.push(order.state === 'open' ? { kind: 'gone', order } : { kind: 'never-opened', order });
  }
  return verdicts;
}

/** Alert sink of the reconciliation. */
export type ReconcileAlert = (
  level: Alert['level'],
  code: string,
  message: string,
  context: Record<string, unknown>,
) => void;

/**
 * Book orders no decision of this run follows (a crash before the ledger adopted them): absent at
 * the broker → closed in the book; present → marked open with its ticket and an alert, since
 * nothing here will manage it (its SL/TP at the broker still protect it).
 */
export function reconcileBook(
  book: BrokerOrderBook,
  followed: (decisionId: string) => boolean,
  snapshot: EaPositions,
  alert: ReconcileAlert,
): void {
  const present = new Map(snapshot.items.map((item) => [item.client_id, item]));
  for (const order of book.list('sending', 'unanswered', 'open')) {
    if (followed(order.decisionId)) continue;
    const item = present.get(order.decisionId);
    if (item === undefined) {
      book.mark(order.decisionId, 'closed', { note: 'not at the broker at reconciliation' });
      alert('warn', 'MT5_ORDER_NOT_FOUND', 'a booked order of an earlier run is not at the broker', {
        clientId: order.decisionId,
      });
      continue;
    }
    if (order.state !== 'open') book.mark(order.decisionId, 'open', { brokerRef: item.ticket });
    alert(
      'warn',
      'MT5_ORDER_UNFOLLOWED',
      'a position of an earlier run is open at the broker but no decision was adopted for it; its SL/TP at the broker still protect it (close it in the terminal, or let the ledger adopt it)',
      { clientId: order.decisionId, ticket: item.ticket },
    );
  }
}

/**
 * The order to follow for a ledger position of an earlier run, or undefined when there is none to
 * follow (closed in the book, or neither in the book nor with a broker reference). A position the
 * book does not know but whose ticket the ledger kept is added to the book as `open`; the next
 * session's first snapshot then confirms it or settles it.
 */
export function adoptedOrder(
  position: OpenPosition,
  decision: SpotDecision,
  book: BrokerOrderBook,
): Mt5Order | undefined {
  const booked = book.get(decision.id);
  if (booked?.state === 'closed') return undefined;
  if (booked === undefined) {
    if (position.brokerRef === undefined) return undefined;
    book.adopt({
      decisionId: decision.id,
      venue: book.venue,
      state: 'open',
      sentAtMs: position.openedTs,
      brokerRef: position.brokerRef,
      request: { symbol: decision.symbol, side: decision.side },
    });
  }
  return orderFromLedger(position, decision, booked);
}
