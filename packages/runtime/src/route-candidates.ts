import { gasCostUsd, type OmniConfig, type RouteCandidate, type Tick } from '@omni/core';
import {
  flashSwapProfitBound,
  flashSwapUnprofitableAtPrices,
  optimalFlashSwapAmount,
  type PoolStateSource,
  simulateFlashSwap,
} from '@omni/execution';
import { PoolPriceVolatility, type PoolPriceVolatilityOptions } from './pool-volatility.js';
import type { RouteCandidateSource } from './ports.js';

const WEI_PER_TOKEN = 1e18;

/** Options of {@link PoolRouteCandidates}. */
export interface PoolRouteCandidatesOptions {
  /** The pools' price volatility tracker (the DEX volatility channel). */
  readonly volatility?: PoolPriceVolatilityOptions;
}

/**
 * Prices every route of a {@link PoolStateSource} at its profit-maximising size (Uniswap V2
 * closed form refined on the integer simulation) and keeps those whose profit net of gas is
 * positive. The same pool source must back the arbitrage executor, so that what is chosen is
 * what settles.
 *
 * Gas is priced at the fee the transaction will pay: the source's `nextBaseFeeGwei` (the next
 * block's base fee, known from the current block under EIP-1559, plus a chain's tip; a synthetic
 * source's mean is `gasPriceGwei`), else `gasPriceGwei`. The candidate carries it (`gasCostUsd`), so the governor's
 * minimum profit and SafetyManager's approved risk are the gas the executor will really pay.
 *
 * It also follows the pools' own price series ({@link PoolPriceVolatility}): `observe` every tick,
 * `dexVolatility` after it.
 */
export class PoolRouteCandidates implements RouteCandidateSource {
  readonly #pools: PoolStateSource;
  readonly #settings: OmniConfig['engines']['arbitrage'];
  readonly #gasUsd: number;
  readonly #volatility: PoolPriceVolatility;

  constructor(
    pools: PoolStateSource,
    settings: OmniConfig['engines']['arbitrage'],
    options: PoolRouteCandidatesOptions = {},
  ) {
    this.#pools = pools;
    this.#settings = settings;
    this.#gasUsd = gasCostUsd(settings);
    this.#volatility = new PoolPriceVolatility(pools, options.volatility);
  }

  observe(tick: Tick): void {
    this.#pools.onTick?.(tick);
    this.#volatility.observe();
  }

  get dexVolatility(): number | null {
    return this.#volatility.value;
  }

  /** Gas of one transaction sent now, in USD (at the source's `nextBaseFeeGwei` when it has one). */
  gasUsdNow(): number {
    const pools = this.#pools;
    if (pools.nextBaseFeeGwei === undefined) return this.#gasUsd;
    const s = this.#settings;
    return gasCostUsd({ ...s, gasPriceGwei: pools.nextBaseFeeGwei(s.gasPriceGwei) });
  }

  candidates(tick: Tick): readonly RouteCandidate[] {
    this.#pools.onTick?.(tick);
    let out: RouteCandidate[] | undefined;
    let gasUsd = Number.NaN;
    const pools = this.#pools;
    for (const routeId of pools.routeIds()) {
      // Most ticks no route clears the pools' fees: skip those on float prices, before any reserves are built.
      const borrowPrice = pools.poolPrice?.(routeId);
      const sellPrice = pools.sellPoolPrice?.(routeId);
      if (
        borrowPrice !== undefined &&
        sellPrice !== undefined &&
        flashSwapUnprofitableAtPrices(borrowPrice, sellPrice)
      ) {
        continue;
      }
      const route = pools.route(routeId);
      if (!route) continue;
      if (Number.isNaN(gasUsd)) gasUsd = this.gasUsdNow();
      // No integer search for a route whose best continuous profit cannot pay its gas: its exact profit is lower still.
      const boundUsd =
        (flashSwapProfitBound(route.borrowPool, route.sellPool) / WEI_PER_TOKEN) * route.token1Usd;
      if (boundUsd <= gasUsd) continue;
      const amount = optimalFlashSwapAmount(route.borrowPool, route.sellPool);
      if (amount <= 0n) continue;
      const sim = simulateFlashSwap(route.borrowPool, route.sellPool, amount);
      if (!sim.ok || sim.profit1 <= 0n) continue;
      const profitUsd = (Number(sim.profit1) / WEI_PER_TOKEN) * route.token1Usd - gasUsd;
      if (profitUsd <= 0) continue;
      if (out === undefined) out = [];
      out.push({
        routeId,
        amountInWei: amount,
        expectedProfitWei: sim.profit1,
        expectedProfitUsd: profitUsd,
        gasCostUsd: gasUsd,
      });
    }
    return out ?? NO_CANDIDATES;
  }
}

const NO_CANDIDATES: readonly RouteCandidate[] = Object.freeze([]);
