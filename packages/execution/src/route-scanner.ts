import { type ArbitrageCostSettings, gasCostUsd, type OmniConfig } from '@omni/core';
import type { PreparedRoute, RouteRegistry } from './route-registry.js';
import type { PoolReserves } from './uniswap-v2.js';
import type { CyclePool } from './uniswap-v2-cycle.js';
import { optimalCycleAmount } from './uniswap-v2-cycle-sizing.js';

/** A pool's reserves as read from the chain, with its tokens (checked against the registry on every scan). */
export interface PoolState extends PoolReserves {
  readonly token0: string;
  readonly token1: string;
}

/** What a scan prices gas and the profit threshold with: `config.engines.arbitrage`. */
export type RouteScanCosts = ArbitrageCostSettings & Pick<OmniConfig['engines']['arbitrage'], 'minProfitUsd'>;

/** Options of {@link scanRoutes}. */
export interface RouteScanOptions {
  /** Most amounts the exact sizing may simulate per route (see `optimalCycleAmount`). Default 4096. */
  readonly maxCandidatesPerRoute?: number;
}

/** One route of a scan: priced at its optimal size, or why it could not be priced. */
export type RouteQuote =
  | {
      readonly status: 'quoted';
      readonly routeId: string;
      readonly kind: 'two-pool' | 'cycle';
      /** Position in the registry (the tie-break of the ranking). */
      readonly index: number;
      /** Borrowed token in wei; 0n when no size makes a profit. */
      readonly amountInWei: bigint;
      /** Simulated profit in wei of the profit token (before gas). */
      readonly profitWei: bigint;
      /** USD per whole profit token used for the conversion. */
      readonly profitTokenUsd: number;
      readonly profitUsd: number;
      /** `gasCostUsd` of @omni/core at this route's gas limit. */
      readonly gasUsd: number;
      /** profitUsd − gasUsd. */
      readonly netProfitUsd: number;
      /** amountInWei > 0, netProfitUsd > 0 and netProfitUsd ≥ minProfitUsd. */
      readonly clearsMinProfit: boolean;
      /** The size is the proven integer optimum (false: the exact search hit its candidate cap). */
      readonly exact: boolean;
    }
  | {
      readonly status: 'unavailable';
      readonly routeId: string;
      readonly kind: 'two-pool' | 'cycle';
      readonly index: number;
      readonly reason: string;
    };

interface ScratchPool {
  reserve0: bigint;
  reserve1: bigint;
  zeroForOne: boolean;
}

/** Reused cycle buffers, one per cycle length: a scan writes reserves into them instead of allocating pools. */
const scratchByLength: ScratchPool[][] = [];
const gasSettings = { gasPriceGwei: 0, gasLimit: 0, ethUsd: 0 };

function scratch(length: number): ScratchPool[] {
  let pools = scratchByLength[length];
  if (pools === undefined) {
    pools = Array.from({ length }, () => ({ reserve0: 0n, reserve1: 0n, zeroForOne: false }));
    scratchByLength[length] = pools;
  }
  return pools;
}

/**
 * Prices every route of a registry at its exact optimal size (`optimalCycleAmount` on the integer
 * simulation of the flash swap), converts the profit to USD, subtracts gas (`gasCostUsd` of
 * @omni/core at the route's gas limit) and says whether it clears `minProfitUsd`.
 * Ranked by net profit (highest first), ties by registry order; routes that cannot be priced
 * (a pool without reserves, an empty reserve, tokens that differ from the registry) come last.
 * O(routes) work plus the sort; it allocates the result (and the sizing's bigints), no per-route
 * pools or maps. Routes whose net profit cannot be positive cost one exact comparison.
 *
 * @param registry - from `parseRouteRegistry`.
 * @param reserves - every pool's current reserves and tokens, by pool id.
 * @param costs - `config.engines.arbitrage` (gas price, gas limit, ETH price, minimum profit).
 * @returns one quote per route, best first.
 */
export function scanRoutes(
  registry: RouteRegistry,
  reserves: ReadonlyMap<string, PoolState>,
  costs: RouteScanCosts,
  options: RouteScanOptions = {},
): RouteQuote[] {
  const maxCandidates = options.maxCandidatesPerRoute ?? 4096;
  const quotes: RouteQuote[] = [];
  gasSettings.gasPriceGwei = costs.gasPriceGwei;
  gasSettings.ethUsd = costs.ethUsd;
  for (const route of registry.routes) quotes.push(quoteRoute(route, reserves, costs, maxCandidates));
  return quotes.sort(byNetProfit);
}

function quoteRoute(
  route: PreparedRoute,
  reserves: ReadonlyMap<string, PoolState>,
  costs: RouteScanCosts,
  maxCandidates: number,
): RouteQuote {
  const { id: routeId, kind } = route.config;
  const pools = scratch(route.hops.length);
  for (let i = 0; i < route.hops.length; i++) {
    const hop = route.hops[i]!;
    const state = reserves.get(hop.poolId);
    const problem = checkPool(hop, state);
    if (problem !== undefined) return unavailable(route, `pool ${hop.poolId}: ${problem}`);
    const pool = pools[i]!;
    pool.reserve0 = state!.reserve0;
    pool.reserve1 = state!.reserve1;
    pool.zeroForOne = hop.zeroForOne;
  }
  const tokenUsd = profitTokenUsd(route, reserves);
  if (typeof tokenUsd === 'string') return unavailable(route, tokenUsd);
  gasSettings.gasLimit = route.config.gasLimit ?? costs.gasLimit;
  const gasUsd = gasCostUsd(gasSettings);
  const sizing = optimalCycleAmount(pools as readonly CyclePool[], { maxCandidates });
  const profitUsd = (Number(sizing.profit) / 10 ** route.profitDecimals) * tokenUsd;
  const netProfitUsd = profitUsd - gasUsd;
  return {
    status: 'quoted',
    routeId,
    kind,
    index: route.index,
    amountInWei: sizing.amountIn,
    profitWei: sizing.profit,
    profitTokenUsd: tokenUsd,
    profitUsd,
    gasUsd,
    netProfitUsd,
    clearsMinProfit: sizing.amountIn > 0n && netProfitUsd > 0 && netProfitUsd >= costs.minProfitUsd,
    exact: sizing.exact,
  };
}

function checkPool(
  expected: { readonly token0: string; readonly token1: string },
  state: PoolState | undefined,
): string | undefined {
  if (state === undefined) return 'no reserves';
  if (state.token0 !== expected.token0 || state.token1 !== expected.token1)
    return `tokens ${state.token0}/${state.token1} differ from the registry's ${expected.token0}/${expected.token1}`;
  if (state.reserve0 <= 0n || state.reserve1 <= 0n) return 'an empty reserve';
  return undefined;
}

/** USD per whole profit token, or why it cannot be priced. */
function profitTokenUsd(route: PreparedRoute, reserves: ReadonlyMap<string, PoolState>): number | string {
  const source = route.config.profitTokenUsd;
  if (source.kind === 'fixed') return source.usd;
  const price = route.usdPool!;
  const state = reserves.get(price.poolId);
  if (state === undefined || state.reserve0 <= 0n || state.reserve1 <= 0n)
    return `no reserves for the USD price pool ${price.poolId}`;
  const profitReserve = price.profitIsToken0 ? state.reserve0 : state.reserve1;
  const quoteReserve = price.profitIsToken0 ? state.reserve1 : state.reserve0;
  const quoteWhole = Number(quoteReserve) / 10 ** price.quoteDecimals;
  const profitWhole = Number(profitReserve) / 10 ** route.profitDecimals;
  return (quoteWhole / profitWhole) * source.quoteUsd;
}

function unavailable(route: PreparedRoute, reason: string): RouteQuote {
  const { id: routeId, kind } = route.config;
  return { status: 'unavailable', routeId, kind, index: route.index, reason };
}

function byNetProfit(a: RouteQuote, b: RouteQuote): number {
  if (a.status === 'quoted' && b.status === 'quoted') {
    if (a.netProfitUsd !== b.netProfitUsd) return b.netProfitUsd - a.netProfitUsd;
  } else if (a.status !== b.status) {
    return a.status === 'quoted' ? -1 : 1;
  }
  return a.index - b.index;
}
