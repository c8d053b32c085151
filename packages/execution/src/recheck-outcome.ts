import type { TradeOutcome } from '@omni/core';

/** Result of {@link recheckOutcome}: the PnL re-derived from the record and whether it matches. */
export interface OutcomeRecheck {
  readonly ok: boolean;
  readonly expectedPnl: number;
  readonly reason?: string;
}

/**
 * Re-derives a settled trade's PnL from its own record fields, for audits.
 * Binary: a CALL wins iff settlePrice > entryPrice, a PUT iff settlePrice < entryPrice; win →
 * stake × payout, loss → −stake, tie → 0 when its `exit` says `tie-refund`, else −stake (a record
 * written before `exit` existed: 0 when its rule is `binary-tie-refund`).
 * Spot and arbitrage: sign × (settlePrice − entryPrice) × size × quoteUsd − fees, sign +1 for buy,
 * −1 for sell (quoteUsd, the quote currency's USD rate at settlement, defaults to 1).
 * `tolerance` is absolute USD (float rounding of averaged prices).
 */
export function recheckOutcome(outcome: TradeOutcome, tolerance = 1e-6): OutcomeRecheck {
  let expected: number;
  if (outcome.engine === 'binary') {
    const stake = outcome.stake ?? Number.NaN;
    const payout = outcome.payout ?? Number.NaN;
    const { entryPrice: e, settlePrice: s } = outcome;
    if (s === e) expected = tieRefunded(outcome) ? 0 : -stake;
    else {
      const won = outcome.direction === 'call' ? s > e : outcome.direction === 'put' ? s < e : false;
      expected = won ? stake * payout : -stake;
    }
    expected -= outcome.fees;
  } else {
    const size = outcome.size ?? Number.NaN;
    const sign = outcome.direction === 'sell' ? -1 : 1;
    expected =
      sign * (outcome.settlePrice - outcome.entryPrice) * size * (outcome.quoteUsd ?? 1) - outcome.fees;
  }
  if (!Number.isFinite(expected)) {
    return {
      ok: false,
      expectedPnl: expected,
      reason: 'the record lacks the fields its engine needs (stake/payout or size)',
    };
  }
  const ok = Math.abs(expected - outcome.pnl) <= tolerance;
  return ok
    ? { ok, expectedPnl: expected }
    : { ok, expectedPnl: expected, reason: `pnl ${outcome.pnl} != re-derived ${expected}` };
}

/** Whether a binary tie was refunded: from the structured exit, or from the rule of a record without one. */
function tieRefunded(outcome: TradeOutcome): boolean {
  if (outcome.exit !== undefined)
    return outcome.exit.kind === 'expiry' && outcome.exit.result === 'tie-refund';
  return outcome.rule === 'binary-tie-refund';
}
