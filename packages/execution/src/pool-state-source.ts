import type { Tick } from '@omni/core';
import type { PoolReserves } from './uniswap-v2.js';

/**
 * A two-pool flash-swap route: borrow token0 from `borrowPool`, sell it in `sellPool` for
 * token1, repay `borrowPool` in token1, keep the difference. Both tokens have 18 decimals.
 */
export interface FlashSwapRoute {
  readonly routeId: string;
  readonly borrowPool: PoolReserves;
  readonly sellPool: PoolReserves;
  /** USD per whole token1 (1 for a USD stablecoin quote). */
  readonly token1Usd: number;
  /** Where these reserves come from, e.g. `synthetic:pool-pair/...` or `uniswap-v2:<pair address>`. */
  readonly source: string;
  /** True when the reserves are simulated, not read from a chain. */
  readonly synthetic: boolean;
}

/**
 * Where arbitrage pool states come from: the port between the price feed (which has no pools)
 * and the arbitrage engine. A chain reader implements it with on-chain `getReserves()`;
 * {@link SyntheticPoolPair} derives two pools from the tick price plus a seeded dislocation.
 * The governor (to choose and size a route) and the executor (to settle it) must share one
 * instance so that they see the same state at the same tick.
 */
export interface PoolStateSource {
  /** Every route id this source can price. */
  routeIds(): readonly string[];
  /**
   * Number of the block `route()` quotes, when the source has blocks (a chain, SyntheticPoolPair:
   * one per accepted tick). Trackers of the pools' price series sample once per block by it.
   */
  readonly block?: number;
  /**
   * The price (token1 per token0) of the route's borrow pool as a float, without building its
   * reserves: what a per-tick reader of the pools' price series calls. Optional; absent, readers
   * derive it from `route()`.
   */
  poolPrice?(routeId: string): number | undefined;
  /**
   * The price of the route's sell pool as a float, like {@link poolPrice}. With both, a reader
   * skips a route whose prices cannot pay the pools' fees without building its reserves
   * (`flashSwapUnprofitableAtPrices`); they must then be the reserves' ratios within 1e-4.
   */
  sellPoolPrice?(routeId: string): number | undefined;
  /**
   * What a transaction sent now pays per unit of gas, in gwei: the next block's base fee (known from
   * the current block under EIP-1559), plus the tip for a chain source. `meanGwei` is the configured
   * gas price (a synthetic source scales its seeded process by it; a chain ignores it). Optional;
   * absent, gas is priced at the configured price.
   */
  nextBaseFeeGwei?(meanGwei: number): number;
  /** The route's current reserves, or undefined for an unknown route. */
  route(routeId: string): FlashSwapRoute | undefined;
  /** Advances with a tick (synthetic sources); must be idempotent for a repeated tick. */
  onTick?(tick: Tick): void;
  /** Applies an executed flash swap to the reserves (so the next quote sees its price impact). */
  applyFlashSwap?(routeId: string, amount0: bigint, repay1: bigint, out1: bigint): void;
}
