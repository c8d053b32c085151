import type { OmniConfig, TradeDecision } from '@omni/core';

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
 * USD at risk if the trade goes fully wrong: the number every stake and loss cap is applied to.
 * Binary: the stake. Spot: size × |entryPrice − stopPrice| (the loss at the stop, quote currency
 * taken as USD; gaps through the stop can lose more). Arbitrage: the gas of the transaction
 * (a flash swap that is not profitable reverts, so gas is all it can lose).
 */
export function positionRiskUsd(decision: TradeDecision, arbitrage: ArbitrageCostSettings): number {
  switch (decision.engine) {
    case 'binary':
      return decision.stakeUsd;
    case 'spot':
      return decision.size * Math.abs(decision.entryPrice - decision.stopPrice);
    case 'arbitrage':
      return gasCostUsd(arbitrage);
  }
}
