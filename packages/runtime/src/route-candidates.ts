import { gasCostUsd, type OmniConfig, type RouteCandidate, type Tick } from '@omni/core';
import {
  flashSwapProfitBound,
  optimalFlashSwapAmount,
  type PoolStateSource,
  simulateFlashSwap,
} from '@omni/execution';
import type { RouteCandidateSource } from './ports.js';

const WEI_PER_TOKEN = 1e18;

/**
 * Prices every route of a {@link PoolStateSource} at its profit-maximising size (Uniswap V2
 * closed form refined on the integer simulation) and keeps those whose profit net of gas is
 * positive. The same pool source must back the arbitrage executor, so that what is chosen is
 * what settles.
 */
export class PoolRouteCandidates implements RouteCandidateSource {
  readonly #pools: PoolStateSource;
  readonly #gasUsd: number;

  constructor(pools: PoolStateSource, settings: OmniConfig['engines']['arbitrage']) {
    this.#pools = pools;
    this.#gasUsd = gasCostUsd(settings);
  }

  candidates(tick: Tick): readonly RouteCandidate[] {
    this.#pools.onTick?.(tick);
    const out: RouteCandidate[] = [];
    for (const routeId of this.#pools.routeIds()) {
      const route = this.#pools.route(routeId);
      if (!route) continue;
      // No integer search for a route whose best continuous profit cannot pay its gas: its exact profit is lower still.
      const boundUsd =
        (flashSwapProfitBound(route.borrowPool, route.sellPool) / WEI_PER_TOKEN) * route.token1Usd;
      if (boundUsd <= this.#gasUsd) continue;
      const amount = optimalFlashSwapAmount(route.borrowPool, route.sellPool);
      if (amount <= 0n) continue;
      const sim = simulateFlashSwap(route.borrowPool, route.sellPool, amount);
      if (!sim.ok || sim.profit1 <= 0n) continue;
      const profitUsd = (Number(sim.profit1) / WEI_PER_TOKEN) * route.token1Usd - this.#gasUsd;
      if (profitUsd <= 0) continue;
      out.push({
        routeId,
        amountInWei: amount,
        expectedProfitWei: sim.profit1,
        expectedProfitUsd: profitUsd,
      });
    }
    return out;
  }
}
