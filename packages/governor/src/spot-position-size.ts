import { spotLossPerUnitUsd } from '@omni/core';
import { requireNumberInRange } from './numeric-input.js';

/** The limits a spot position is sized within (from `engines.spot` and `risk` of OmniConfig). */
export interface SpotSizingLimits {
  /** Fraction of the balance risked per trade (`engines.spot.riskPerTradeFraction`). */
  readonly riskPerTradeFraction: number;
  /** Hard cap on the USD at risk of one trade (`risk.maxStakeUsd`). */
  readonly maxStakeUsd: number;
  /** Hard cap on the USD at risk as a fraction of the balance (`risk.maxBalanceFractionPerTrade`). */
  readonly maxBalanceFraction: number;
  /** Hard cap on the USD at risk in one market (`risk.maxExposurePerMarketUsd`). */
  readonly maxExposureUsd: number;
  /**
   * Round-trip trading cost in basis points of the entry price (`spotRoundTripCostBps` of
   * @omni/core: `2·commissionBps + 2·slippageBps + spreadBps`). Counted in the risk, so that a
   * stop-out costs the budget, not the budget plus fees. Default 0.
   */
  readonly roundTripCostBps?: number;
}

/** Which limit bound the risk of a spot position. */
export type SpotSizeCap = 'max-stake' | 'balance-fraction' | 'exposure';

/** What {@link spotPositionSize} decided: a size, or why there is none. */
export type SpotPositionSize =
  | {
      readonly kind: 'size';
      /** Position size in base units. */
      readonly size: number;
      /** USD lost at the stop, costs included: `spotRiskUsd` of @omni/core for this size. */
      readonly riskUsd: number;
      /** riskPerTradeFraction × balance, before the caps. */
      readonly targetRiskUsd: number;
      readonly cappedBy: SpotSizeCap | null;
    }
  | { readonly kind: 'no-size'; readonly reason: string };

/**
 * Sizes a spot position by fixed-fraction risk: size = riskUsd / spotLossPerUnitUsd (of @omni/core:
 * (|entry − stop| + entry · costBps / 10⁴) · quoteUsdRate(symbol, entry)) with
 * riskUsd = min(riskPerTradeFraction · balance, maxStakeUsd, maxBalanceFraction · balance, maxExposureUsd).
 * Why: the loss at the stop is then a known fraction of the balance (fixed-fractional position
 * sizing, Van Tharp, "Trade Your Way to Financial Freedom", ch. 14), and it stays inside the same
 * caps SafetyManager applies (`positionRiskUsd` of @omni/core), so safety never has to clip it.
 *
 * @example
 * spotPositionSize({ symbol: 'EURUSD', balanceUsd: 10_000, entryPrice: 1.1, stopPrice: 1.095 }, limits);
 * // riskUsd = min(0.01·10 000, 25, 0.02·10 000, 500) = 25 → size = 25 / 0.005 = 5 000
 */
export function spotPositionSize(
  input: {
    /** The traded symbol: its quote currency decides the USD conversion (`quoteUsdRate` of @omni/core). */
    readonly symbol: string;
    readonly balanceUsd: number;
    readonly entryPrice: number;
    readonly stopPrice: number;
  },
  limits: SpotSizingLimits,
): SpotPositionSize {
  const balance = requireNumberInRange(input.balanceUsd, 'balanceUsd');
  const entry = requireNumberInRange(input.entryPrice, 'entryPrice', Number.MIN_VALUE);
  const stop = requireNumberInRange(input.stopPrice, 'stopPrice', Number.MIN_VALUE);
  if (!(balance > 0)) return { kind: 'no-size', reason: 'the balance is not positive' };
  const distance = Math.abs(entry - stop);
  if (!(distance > 0)) return { kind: 'no-size', reason: 'the stop equals the entry: risk per unit is zero' };
  const targetRiskUsd = limits.riskPerTradeFraction * balance;
  let riskUsd = targetRiskUsd;
  let cappedBy: SpotSizeCap | null = null;
  if (riskUsd > limits.maxStakeUsd) {
    riskUsd = limits.maxStakeUsd;
    cappedBy = 'max-stake';
  }
  if (riskUsd > limits.maxBalanceFraction * balance) {
    riskUsd = limits.maxBalanceFraction * balance;
    cappedBy = 'balance-fraction';
  }
  if (riskUsd > limits.maxExposureUsd) {
    riskUsd = limits.maxExposureUsd;
    cappedBy = 'exposure';
  }
  const lossPerUnit = spotLossPerUnitUsd(
    { symbol: input.symbol, entryPrice: entry, stopPrice: stop },
    limits.roundTripCostBps ?? 0,
  );
  const size = riskUsd / lossPerUnit;
  if (!(size > 0) || !Number.isFinite(size)) {
    return { kind: 'no-size', reason: `no positive finite size for risk ${riskUsd} USD over ${lossPerUnit}` };
  }
  return { kind: 'size', size, riskUsd: size * lossPerUnit, targetRiskUsd, cappedBy };
}
