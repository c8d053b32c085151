import { RuntimeError } from '@omni/core';
import type { PoolStateSource } from '@omni/execution';
import { RollingStd } from '@omni/features';

/** Options of {@link PoolPriceVolatility}. */
export interface PoolPriceVolatilityOptions {
  /** Blocks in the rolling window of log returns (default 20, FeatureVector.rollingStd's period). */
  readonly window?: number;
  /** The route whose borrow pool is the reference price; default the source's first route. */
  readonly routeId?: string;
}

/**
 * The pools' own volatility: the sample standard deviation of the per-block log returns of a
 * reference pool's price (token1 per token0 of the first route's borrow pool: the source's
 * `poolPrice`, else from its reserves),
 * over the last `window` blocks. This is the DEX channel of the VolatilityScoreMatrix and what
 * ArbitrageFibonacciTiming reads — the pools' price series, not the FX feed's.
 *
 * One sample per block: a source that numbers its blocks (`block`) is sampled when that number
 * moves; one that does not is sampled when the reference price changes. O(1) per call, no
 * allocation with a source that has `poolPrice` (else one `route()` per block).
 *
 * @example
 * const vol = new PoolPriceVolatility(pools);
 * pools.onTick?.(tick);
 * vol.observe(); // the rolling std, or null while fewer than `window` returns are known
 */
export class PoolPriceVolatility {
  readonly #pools: PoolStateSource;
  readonly #std: RollingStd;
  readonly #routeId: string | undefined;
  #lastBlock = Number.NaN;
  #lastLogPrice = Number.NaN;
  #value: number | null = null;

  constructor(pools: PoolStateSource, options: PoolPriceVolatilityOptions = {}) {
    const window = options.window ?? 20;
    if (!Number.isInteger(window) || window < 2) {
      throw new RuntimeError('RUNTIME_BAD_INPUT', 'the pool volatility window must be a whole number >= 2', {
        window,
      });
    }
    this.#pools = pools;
    this.#std = new RollingStd(window, 'sample');
    this.#routeId = options.routeId;
  }

  /** The last rolling std (null while warming up or without pool prices). */
  get value(): number | null {
    return this.#value;
  }

  /** Reads the reference pool once per block and returns the updated value. */
  observe(): number | null {
    const pools = this.#pools;
    const block = pools.block;
    if (block !== undefined && block === this.#lastBlock) return this.#value;
    const routeId = this.#routeId ?? pools.routeIds()[0];
    if (routeId === undefined) return this.#value;
    const price = pools.poolPrice ? pools.poolPrice(routeId) : reservePrice(pools, routeId);
    if (price === undefined || !(price > 0) || !Number.isFinite(price)) return this.#value;
    const logPrice = Math.log(price);
    if (block === undefined && logPrice === this.#lastLogPrice) return this.#value;
    if (block !== undefined) this.#lastBlock = block;
    const previous = this.#lastLogPrice;
    this.#lastLogPrice = logPrice;
    if (Number.isNaN(previous)) return this.#value;
    const std = this.#std.update(logPrice - previous);
    this.#value = std === undefined ? null : std;
    return this.#value;
  }
}

/** token1 per token0 of the route's borrow pool from its reserves (sources without `poolPrice`). */
function reservePrice(pools: PoolStateSource, routeId: string): number | undefined {
  const route = pools.route(routeId);
  if (route === undefined) return undefined;
  const { reserve0, reserve1 } = route.borrowPool;
  if (reserve0 <= 0n || reserve1 <= 0n) return undefined;
  return Number(reserve1) / Number(reserve0);
}
