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
 * decision from our own ticks (whichever comes first waits for the other) — how a user learns whether
 * shadow runs tell the truth about this broker. A decision the broker never bought (a cancelled
 * outcome) has nothing to compare.
 * - A different result (won against lost, or a tie one side and not the other), or the same result
 *   with a PnL more than 1 % of the stake apart that the payout does not explain, is a
 *   `SETTLEMENT_DIVERGENCE` alert with both sides.
 * - Both won, and the broker paid a different ratio of the stake than the configured payout
 *   (`engines.binary.payout`): the settlement agreed, the configuration does not. That is one
 *   `PAYOUT_MISMATCH` alert naming both ratios (again only when the broker's ratio moves by more than
 *   a percentage point), not a divergence on every winning trade.
 */
export class SettlementComparator {
  readonly #venue: string;
  readonly #alert: (alert: ComparatorAlert) => void;
  readonly #broker = new Map<string, TradeOutcome>();
  readonly #shadow = new Map<string, TradeOutcome>();
  #divergences = 0;
  #agreed = 0;
  #payoutMismatches = 0;
  /** The broker's payout ratio last reported in a PAYOUT_MISMATCH alert. */
  #reportedRatio: number | undefined;

  constructor(venue: string, alert: (alert: ComparatorAlert) => void) {
    this.#venue = venue;
    this.#alert = alert;
  }

  get divergences(): number {
    return this.#divergences;
  }

  /** Settlements where both sides agreed on the result (and on the PnL, but for the payout ratio). */
  get agreed(): number {
    return this.#agreed;
  }

  /** Of the agreed settlements, the wins the broker paid at another ratio than the configured payout. */
  get payoutMismatches(): number {
    return this.#payoutMismatches;
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
    const stake = Math.max(broker.stake ?? 0, shadow.stake ?? 0);
    const tolerance = 0.01 * stake;
    const sameSide = side(broker) === side(shadow);
    if (sameSide && Math.abs(broker.pnl - shadow.pnl) <= tolerance) {
      this.#agreed++;
      return;
    }
    if (sameSide && side(broker) === 'win' && stake > 0) {
      this.#agreed++;
      this.#payoutMismatches++;
      this.#payoutMismatch(broker, shadow, stake);
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

  /** Both won at different ratios: alerts once per ratio of the broker's (moves under a point are the same). */
  #payoutMismatch(broker: TradeOutcome, shadow: TradeOutcome, stake: number): void {
    const brokerRatio = Math.round((broker.pnl / stake) * 10_000) / 10_000;
    const shadowRatio = Math.round((shadow.pnl / stake) * 10_000) / 10_000;
    if (this.#reportedRatio !== undefined && Math.abs(brokerRatio - this.#reportedRatio) <= 0.01) return;
    this.#reportedRatio = brokerRatio;
    this.#alert({
      level: 'warn',
      code: 'PAYOUT_MISMATCH',
      message: `${this.#venue} pays ${brokerRatio} of the stake on a win but engines.binary.payout is ${shadowRatio}: set it to ${brokerRatio} so shadow runs and sizing see this broker's payout`,
      context: {
        decisionId: broker.decisionId,
        brokerRatio,
        configuredRatio: shadowRatio,
        broker: summary(broker),
        shadow: summary(shadow),
      },
    });
  }
}
