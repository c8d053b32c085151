import type { OmniConfig } from './config.js';
import type { TradeDecision } from './decision.js';
import { quoteUsdRate } from './quote-currency.js';
import type { TradeOutcome } from './trade-outcome.js';

/** The arbitrage settings that price one transaction's gas (from `config.engines.arbitrage`). */
export type ArbitrageCostSettings = Pick<
  OmniConfig['engines']['arbitrage'],
  'gasPriceGwei' | 'gasLimit' | 'ethUsd'
>;

/** The spot settings that price a round trip (from `config.engines.spot`). */
export type SpotCostSettings = Pick<OmniConfig['engines']['spot'], 'commissionBps' | 'slippageBps'>;

/**
 * The bid–ask spread assumed for prices that carry only a mid (no bid/ask), in basis points.
 * Why: shadow spot fills (`ShadowSpotExecutor` of @omni/execution) buy at mid + half of it and
 * sell at mid − half of it, and the same spread must be counted in sizing and safety caps.
 */
export const MID_ONLY_SPREAD_BPS = 1;

/**
 * R-multiples are clipped to ±this many R by default before a learner sees them, so that one
 * freak fill (a gap far through the stop) cannot swamp every other outcome.
 */
export const DEFAULT_REWARD_CLIP_R = 5;

/**
 * Gas cost of one transaction in USD.
 * Formula: gasPriceGwei × 1e-9 ETH/gwei × gasLimit × ethUsd (gas price × gas used, priced in USD).
 *
 * @param settings - `config.engines.arbitrage` (gas price in gwei, gas limit in gas units, ETH price in USD).
 * @returns USD.
 * @example
 * gasCostUsd({ gasPriceGwei: 20, gasLimit: 250_000, ethUsd: 3000 }); // 20e-9 × 250 000 × 3000 = 15
 */
export function gasCostUsd(settings: ArbitrageCostSettings): number {
  return settings.gasPriceGwei * 1e-9 * settings.gasLimit * settings.ethUsd;
}

/**
 * Round-trip cost of a spot trade in basis points of the entry price: commission and slippage on
 * both fills plus the spread once (half of it paid on each fill).
 * Formula: 2·commissionBps + 2·slippageBps + spreadBps.
 *
 * @param config - a configuration with `engines.spot` (commission and slippage in bp per fill).
 * @param spreadBps - the spread in bp; default {@link MID_ONLY_SPREAD_BPS}, what shadow fills assume for mid-only data.
 * @returns basis points of the entry price (1 bp = 1e-4).
 * @example
 * spotRoundTripCostBps({ engines: { spot: { commissionBps: 1, slippageBps: 0.5 } } }); // 2 + 1 + 1 = 4
 */
export function spotRoundTripCostBps(
  config: { readonly engines: { readonly spot: SpotCostSettings } },
  spreadBps: number = MID_ONLY_SPREAD_BPS,
): number {
  const { commissionBps, slippageBps } = config.engines.spot;
  return 2 * commissionBps + 2 * slippageBps + spreadBps;
}

/**
 * USD lost per unit (of the base currency) when a spot position is stopped out: the stop distance
 * plus the round-trip cost, both in the quote currency, converted to USD at the entry rate.
 * Formula: (|entryPrice − stopPrice| + entryPrice · roundTripCostBps / 10⁴) · quoteUsdRate(symbol, entryPrice).
 *
 * @param order - symbol (e.g. `EURUSD`, `USDJPY`), entry and stop prices in the quote currency.
 * @param roundTripCostBps - round-trip cost in bp of the entry ({@link spotRoundTripCostBps}); default 0.
 * @returns USD per unit of size.
 * @example
 * spotLossPerUnitUsd({ symbol: 'USDJPY', entryPrice: 150, stopPrice: 149 }, 4); // (1 + 0.06) / 150 ≈ 0.0070667
 */
export function spotLossPerUnitUsd(
  order: { readonly symbol: string; readonly entryPrice: number; readonly stopPrice: number },
  roundTripCostBps = 0,
): number {
  const quote = Math.abs(order.entryPrice - order.stopPrice) + (order.entryPrice * roundTripCostBps) / 10_000;
  return quote * quoteUsdRate(order.symbol, order.entryPrice);
}

/**
 * USD at risk of a spot order: what it loses if stopped out at its stop (gaps through the stop can
 * lose more). Formula: size · {@link spotLossPerUnitUsd}(order, roundTripCostBps).
 *
 * @param order - symbol, size in base units, entry and stop prices in the quote currency.
 * @param roundTripCostBps - round-trip cost in bp of the entry; default 0.
 * @returns USD.
 * @example
 * spotRiskUsd({ symbol: 'EURUSD', size: 10_000, entryPrice: 1.1, stopPrice: 1.095 }, 4); // 10 000 · 0.00544 = 54.4
 */
export function spotRiskUsd(
  order: {
    readonly symbol: string;
    readonly size: number;
    readonly entryPrice: number;
    readonly stopPrice: number;
  },
  roundTripCostBps = 0,
): number {
  return order.size * spotLossPerUnitUsd(order, roundTripCostBps);
}

/**
 * USD at risk if a trade decision goes fully wrong: the number every stake and loss cap is applied
 * to, and the 1 R of its reward. Binary: the stake. Spot: {@link spotRiskUsd} (loss at the stop,
 * round-trip costs included, in USD). Arbitrage: the decision's `gasCostUsd` (gas at the fee the
 * transaction will pay), else {@link gasCostUsd} of the settings (a flash swap that is not
 * profitable reverts, so gas is all it can lose).
 *
 * @param decision - the trade decision as it will be executed.
 * @param arbitrage - gas settings (`config.engines.arbitrage`).
 * @param spotCostBps - spot round-trip cost in bp ({@link spotRoundTripCostBps}); default 0.
 * @returns USD.
 */
export function positionRiskUsd(
  decision: TradeDecision,
  arbitrage: ArbitrageCostSettings,
  spotCostBps = 0,
): number {
  switch (decision.engine) {
    case 'binary':
      return decision.stakeUsd;
    case 'spot':
      return spotRiskUsd(decision, spotCostBps);
    case 'arbitrage':
      return decision.gasCostUsd ?? gasCostUsd(arbitrage);
  }
}

/**
 * USD that was at risk in a settled trade, from what was executed: {@link positionRiskUsd} of the
 * decision with the outcome's stake (binary, arbitrage) or size (spot) when the outcome records one.
 * Why: when the approved risk was not kept (an old journal), this recomputes it the way
 * SafetyManager did.
 *
 * @param outcome - the settled trade (`stake` of binary/arbitrage, `size` of spot, both optional).
 * @param decision - the decision it settles.
 * @param arbitrage - gas settings, used when an arbitrage outcome has no stake.
 * @param spotCostBps - spot round-trip cost in bp; default 0.
 * @returns USD.
 */
export function settledRiskUsd(
  outcome: Pick<TradeOutcome, 'stake' | 'size'>,
  decision: TradeDecision,
  arbitrage: ArbitrageCostSettings,
  spotCostBps = 0,
): number {
  switch (decision.engine) {
    case 'binary':
      return outcome.stake ?? decision.stakeUsd;
    case 'spot':
      return spotRiskUsd(
        outcome.size === undefined ? decision : { ...decision, size: outcome.size },
        spotCostBps,
      );
    case 'arbitrage':
      return outcome.stake ?? decision.gasCostUsd ?? gasCostUsd(arbitrage);
  }
}

/**
 * The reward of a settled trade: its R-multiple in USD, clipped. One definition for every learner
 * (the governor's online learning and TrainingOrchestrator's replay), so all three engines are
 * compared on one scale and a stop-out is −1 R whatever the quote currency.
 * Formula: clamp(pnlUsd / riskUsd, −clip, +clip).
 *
 * @param pnlUsd - realised PnL in USD, net of fees (`TradeOutcome.pnl`).
 * @param riskUsd - USD at risk when the trade was approved (1 R), e.g. SafetyManager's `riskUsd`.
 * @param clip - largest |R| returned (≥ 0); default no clipping. Learners use {@link DEFAULT_REWARD_CLIP_R}.
 * @returns the R-multiple, or `null` when `riskUsd` is not a positive finite number (no R is defined).
 * @example
 * rewardR(-25, 25, 5); // -1: a stop-out
 * rewardR(300, 25, 5); // 5: 12 R clipped
 */
export function rewardR(pnlUsd: number, riskUsd: number, clip = Number.POSITIVE_INFINITY): number | null {
  if (!(riskUsd > 0) || !Number.isFinite(riskUsd)) return null;
  const r = pnlUsd / riskUsd;
  return r > clip ? clip : r < -clip ? -clip : r;
}
