import { type OmniConfig, quoteUsdRate, type TradeDecision } from '@omni/core';

/** The arbitrage gas settings used to price an atomic flash swap's worst case. */
export type ArbitrageCostSettings = Pick<
  OmniConfig['engines']['arbitrage'],
  'gasPriceGwei' | 'gasLimit' | 'ethUsd'
>;

/**
 * Gas cost of one transaction in USD.
 * Formula: gasPriceGwei × 1e-9 ETH/gwei × gasLimit × ethUsd (gas price × gas used, priced in USD).
 */
export function gasCostUsd(settings: ArbitrageCostSettings): number {
  return settings.gasPriceGwei * 1e-9 * settings.gasLimit * settings.ethUsd;
}

/**
 * USD loss per unit of a spot position stopped out: |entry − stop| plus the round-trip trading
 * cost (`spotCostBps` basis points of the entry: commission and slippage on both fills and the
 * spread), converted from the quote currency to USD (`quoteUsdRate`).
 */
export function spotLossPerUnit(
  decision: { readonly symbol: string; readonly entryPrice: number; readonly stopPrice: number },
  spotCostBps = 0,
): number {
  const quote =
    Math.abs(decision.entryPrice - decision.stopPrice) + (decision.entryPrice * spotCostBps) / 10_000;
  return quote * quoteUsdRate(decision.symbol, decision.entryPrice);
}

/**
 * USD at risk if the trade goes fully wrong: the number every stake and loss cap is applied to.
 * Binary: the stake. Spot: size × (|entryPrice − stopPrice| + round-trip costs) (the loss at the
 * stop, quote currency taken as USD; gaps through the stop can lose more). Arbitrage: the gas of
 * the transaction (a flash swap that is not profitable reverts, so gas is all it can lose).
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
      return decision.size * spotLossPerUnit(decision, spotCostBps);
    case 'arbitrage':
      return gasCostUsd(arbitrage);
  }
}
