import type { TradeExit } from '@omni/core';

/** What a binary tie (settle price equal to entry price) does: refund the stake or lose it. */
export type TieRule = 'refund' | 'loss';

/** Inputs of {@link settleBinary}. */
export interface BinarySettlementInput {
  readonly direction: 'call' | 'put';
  readonly stakeUsd: number;
  readonly entryPrice: number;
  readonly settlePrice: number;
  /** Payout ratio on a win: 0.8 pays 80% of the stake on top of the stake back. */
  readonly payout: number;
  readonly tieRule: TieRule;
}

/** Result of {@link settleBinary}: the PnL and the rule that produced it. */
export interface BinarySettlement {
  /** The `result` of the outcome's `expiry` exit. */
  readonly result: Extract<TradeExit, { kind: 'expiry' }>['result'];
  readonly pnl: number;
  /** `binary-expiry-win` | `binary-expiry-loss` | `binary-tie-refund` | `binary-tie-loss`. */
  readonly rule: string;
}

/**
 * Settles a binary option from its entry and expiry prices.
 * Rule: a CALL wins when settle > entry, a PUT when settle < entry; a win pays stake × payout,
 * a loss loses the stake, a tie follows `tieRule` (refund → 0, loss → −stake).
 */
export function settleBinary(input: BinarySettlementInput): BinarySettlement {
  const { direction, stakeUsd, entryPrice, settlePrice, payout, tieRule } = input;
  if (settlePrice === entryPrice) {
    return tieRule === 'refund'
      ? { result: 'tie-refund', pnl: 0, rule: 'binary-tie-refund' }
      : { result: 'tie-loss', pnl: -stakeUsd, rule: 'binary-tie-loss' };
  }
  const up = settlePrice > entryPrice;
  const won = direction === 'call' ? up : !up;
  return won
    ? { result: 'win', pnl: stakeUsd * payout, rule: 'binary-expiry-win' }
    : { result: 'loss', pnl: -stakeUsd, rule: 'binary-expiry-loss' };
}
