import type { ArbitrageDecision, Tick } from '@omni/core';

export { ArbMarket, type ArbMarketOptions, E18 } from './arb-market.js';

/** An arbitrage decision on `routeId` (the executor re-sizes it; `minProfitWei` is the net floor). */
export function arbDecision(
  id: string,
  routeId: string,
  options: { readonly amountInWei?: bigint; readonly minProfitWei?: bigint; readonly tsMs?: number } = {},
): ArbitrageDecision {
  return {
    engine: 'arbitrage',
    id,
    tsMs: options.tsMs ?? 1_700_000_000_000,
    confidence: 1,
    reasons: ['test'],
    routeId,
    amountInWei: options.amountInWei ?? 10n ** 18n,
    minProfitWei: options.minProfitWei ?? 0n,
  };
}

/** The tick an arbitrage decision is executed at. */
export function arbTick(tsMs = 1_700_000_000_000): Tick {
  return { symbol: 'WETHUSD', tsMs, price: 3000, source: 'local-chain' };
}
export * from './mev/testing.js';
