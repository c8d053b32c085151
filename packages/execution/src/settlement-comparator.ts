import type { Alert, TradeOutcome } from '@omni/core';

/** The part of an alert the comparator fills in (the executor stamps time and source). */
export type ComparatorAlert = Pick<Alert, 'level' | 'code' | 'message' | 'context'>;

/** How a settlement is summed up for the comparison and the journal. */
function summary(o: TradeOutcome): Record<string, unknown> {
  return {
    result: o.exit?.kind === 'expiry' ? o.exit.result : (o.exit?.kind ?? o.rule),
    pnl: o.pnl,
    entryPrice: o.entryPrice,
    settlePrice: o.settlePrice,
    settleTs: o.settleTs,
  };
}

/** win / loss / tie, from an expiry result. */
function side(o: TradeOutcome): string {
  if (o.exit?.kind !== 'expiry') return 'none';
  return o.exit.result === 'win'
    ? 'win'
    : o.exit.result === 'loss' || o.exit.result === 'tie-loss'
      ? 'loss'
      : 'tie';
}

/**
 * Compares a live binary's settlement by the broker with the shadow rules' settlement of the same
 * decision from our own ticks (whichever comes first waits for the other). A different result (won
 * against lost) or a PnL more than 1 % of the stake apart is a `SETTLEMENT_DIVERGENCE` alert with both
 * sides — how a user learns whether shadow runs tell the truth about this broker. A decision the
 * broker never bought (a cancelled outcome) has nothing to compare.
 */
export class SettlementComparator {
  readonly #venue: string;
  readonly #alert: (alert: ComparatorAlert) => void;
  readonly #broker = new Map<string, TradeOutcome>();
  readonly #shadow = new Map<string, TradeOutcome>();
  #divergences = 0;
  #agreed = 0;

  constructor(venue: string, alert: (alert: ComparatorAlert) => void) {
    this.#venue = venue;
    this.#alert = alert;
  }

  get divergences(): number {
    return this.#divergences;
  }

  get agreed(): number {
    return this.#agreed;
  }

  /** The broker's settlement of a decision. */
  broker(outcome: TradeOutcome): void {
    if (outcome.exit?.kind === 'cancelled') {
      this.#shadow.delete(outcome.decisionId);
      return;
    }
    const shadow = this.#shadow.get(outcome.decisionId);
    if (shadow === undefined) this.#broker.set(outcome.decisionId, outcome);
    else this.#compare(outcome, shadow);
  }

  /** The shadow rules' settlement of a decision. */
  shadow(outcome: TradeOutcome): void {
    const broker = this.#broker.get(outcome.decisionId);
    if (broker === undefined) this.#shadow.set(outcome.decisionId, outcome);
    else this.#compare(broker, outcome);
  }

  #compare(broker: TradeOutcome, shadow: TradeOutcome): void {
    this.#broker.delete(broker.decisionId);
    this.#shadow.delete(broker.decisionId);
    const tolerance = 0.01 * Math.max(broker.stake ?? 0, shadow.stake ?? 0);
    const sameSide = side(broker) === side(shadow);
    if (sameSide && Math.abs(broker.pnl - shadow.pnl) <= tolerance) {
      this.#agreed++;
      return;
    }
    this.#divergences++;
    this.#alert({
      level: 'warn',
      code: 'SETTLEMENT_DIVERGENCE',
      message: sameSide
        ? `${this.#venue} settled ${broker.decisionId} at ${broker.pnl} but the shadow rules at ${shadow.pnl}`
        : `${this.#venue} settled ${broker.decisionId} as ${side(broker)} but the shadow rules as ${side(shadow)}`,
      context: { decisionId: broker.decisionId, broker: summary(broker), shadow: summary(shadow) },
    });
  }
}
