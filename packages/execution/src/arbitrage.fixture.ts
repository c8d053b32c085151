import type { ArbitrageDecision, Tick } from '@omni/core';

// Shared by the arbitrage tests (shadow executor, synthetic pools).

export const T0 = 1_700_000_000_000;

/** Gas settings worth 15 USD a flash swap (at the mean base fee of synthetic pools). */
export const gas = { gasPriceGwei: 20, gasLimit: 250_000, ethUsd: 3000 };

/** The i-th EURUSD tick, one second apart. */
export function tick(i: number, price = 1.1): Tick {
  return { symbol: 'EURUSD', tsMs: T0 + i * 1000, price, source: 'test' };
}

/** An arbitrage decision on `routeId`. */
export function decision(
  id: string,
  routeId: string,
  amountInWei: bigint,
  minProfitWei = 0n,
): ArbitrageDecision {
  return {
    engine: 'arbitrage',
    id,
    tsMs: T0,
    confidence: 0.7,
    reasons: [],
    routeId,
    amountInWei,
    minProfitWei,
  };
}
