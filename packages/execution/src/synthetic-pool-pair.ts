import { ExecutionError, Rng, type Tick } from '@omni/core';
import type { FlashSwapRoute, PoolStateSource } from './pool-state-source.js';
import type { PoolReserves } from './uniswap-v2.js';

/** Options of a {@link SyntheticPoolPair}. */
export interface SyntheticPoolPairOptions {
  /** Seed of the dislocation process (an `Rng` fork `execution/synthetic-pool-pair/<name>` of it is used). */
  readonly seed: number | string;
  /** Route id prefix. Default `synthetic`. */
  readonly name?: string;
  /** Only ticks of this symbol move the pools. Default: every tick. */
  readonly symbol?: string;
  /** token1 (quote) reserve of each pool, in USD. Default 1,000,000. */
  readonly depthUsd?: number;
  /** AR(1) persistence φ of the dislocation per tick, in [0, 1). Default 0.9. */
  readonly persistence?: number;
  /** Standard deviation σ of the dislocation's innovation per tick, in basis points. Default 20. */
  readonly sigmaBps?: number;
  /** USD per whole token1. Default 1 (a USD stablecoin). */
  readonly token1Usd?: number;
}

const WEI = 10n ** 18n;
const PRICE_SCALE = 1e12;

/**
 * SYNTHETIC two-pool market for arbitrage on a feed that has no pools. Labelled synthetic in
 * every route (`synthetic: true`, `source: synthetic:pool-pair/...`) and in trade rules.
 *
 * Model: with tick mid price p, pool A prices token0 at p·(1 + d/2) and pool B at p·(1 − d/2);
 * each holds `depthUsd` of token1 and the matching token0. The relative dislocation d follows a
 * seeded AR(1) per tick: d ← φ·d + σ·ε, ε ~ N(0, 1) (stationary sd σ/√(1 − φ²)); an executed
 * flash swap resets d to the post-trade price gap (its price impact persists). Routes:
 * `<name>:A->B` borrows token0 from A and sells it in B (profitable when A is cheaper), and
 * `<name>:B->A` the reverse. O(1) per tick, no allocation.
 *
 * @example
 * const pools = new SyntheticPoolPair({ seed: 42, symbol: 'EURUSD' });
 * pools.onTick(tick);
 * const route = pools.route('synthetic:A->B');
 */
export class SyntheticPoolPair implements PoolStateSource {
  readonly name: string;
  readonly source: string;
  readonly #rng: Rng;
  readonly #symbol: string | undefined;
  readonly #depthUsd: number;
  readonly #phi: number;
  readonly #sigma: number;
  readonly #token1Usd: number;
  readonly #routeIds: readonly string[];
  #lastTs = -1;
  #price = 0;
  #d = 0;

  constructor(options: SyntheticPoolPairOptions) {
    this.name = options.name ?? 'synthetic';
    this.#symbol = options.symbol;
    this.#depthUsd = options.depthUsd ?? 1_000_000;
    this.#phi = options.persistence ?? 0.9;
    this.#sigma = (options.sigmaBps ?? 20) * 1e-4;
    this.#token1Usd = options.token1Usd ?? 1;
    if (!(this.#phi >= 0 && this.#phi < 1) || !(this.#sigma >= 0) || !(this.#depthUsd > 0)) {
      throw new ExecutionError('EXECUTION_REJECTED', 'invalid synthetic pool options', {
        persistence: this.#phi,
        sigmaBps: options.sigmaBps,
        depthUsd: this.#depthUsd,
      });
    }
    this.#rng = new Rng(options.seed).fork(`execution/synthetic-pool-pair/${this.name}`);
    this.source = `synthetic:pool-pair/${this.name}/seed=${String(options.seed)}`;
    this.#routeIds = Object.freeze([`${this.name}:A->B`, `${this.name}:B->A`]);
  }

  /** The current relative dislocation d (pool A price / mid − pool B price / mid). */
  get dislocation(): number {
    return this.#d;
  }

  routeIds(): readonly string[] {
    return this.#routeIds;
  }

  /** token1 reserve of both pools (a constant of the depth): computed once. */
  #reserve1: bigint | undefined;

  onTick(tick: Tick): void {
    if (this.#symbol !== undefined && tick.symbol !== this.#symbol) return;
    if (tick.tsMs <= this.#lastTs) return;
    this.#lastTs = tick.tsMs;
    this.#price = tick.price;
    this.#d = this.#phi * this.#d + this.#sigma * this.#rng.normal();
  }

  route(routeId: string): FlashSwapRoute | undefined {
    if (this.#price <= 0) return undefined;
    const a = this.#pool(this.#price * (1 + this.#d / 2));
    const b = this.#pool(this.#price * (1 - this.#d / 2));
    const base = { routeId, token1Usd: this.#token1Usd, source: this.source, synthetic: true } as const;
    if (routeId === this.#routeIds[0]) return { ...base, borrowPool: a, sellPool: b };
    if (routeId === this.#routeIds[1]) return { ...base, borrowPool: b, sellPool: a };
    return undefined;
  }

  applyFlashSwap(routeId: string, amount0: bigint, repay1: bigint, out1: bigint): void {
    const r = this.route(routeId);
    if (r === undefined || this.#price <= 0) return;
    const borrow = { reserve0: r.borrowPool.reserve0 - amount0, reserve1: r.borrowPool.reserve1 + repay1 };
    const sell = { reserve0: r.sellPool.reserve0 + amount0, reserve1: r.sellPool.reserve1 - out1 };
    const priceBorrow = Number(borrow.reserve1) / Number(borrow.reserve0);
    const priceSell = Number(sell.reserve1) / Number(sell.reserve0);
    const gap = (priceBorrow - priceSell) / this.#price;
    this.#d = routeId === this.#routeIds[0] ? gap : -gap;
  }

  #pool(price: number): PoolReserves {
    this.#reserve1 ??= BigInt(Math.round((this.#depthUsd / this.#token1Usd) * 1e6)) * 10n ** 12n;
    const reserve1 = this.#reserve1;
    const reserve0 = (reserve1 * BigInt(PRICE_SCALE)) / BigInt(Math.round(price * PRICE_SCALE));
    return { reserve0: reserve0 > 0n ? reserve0 : 1n, reserve1: reserve1 > 0n ? reserve1 : WEI };
  }
}
