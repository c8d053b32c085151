import { ExecutionError, Rng, type Tick } from '@omni/core';
import { BlockBaseFee } from './block-base-fee.js';
import type { BlockFlashSwap, BlockPoolSource } from './block-pool-source.js';
import { afterFlashSwap, applyPoolFlow, type PoolFlowOptions } from './pool-flow.js';
import type { FlashSwapRoute } from './pool-state-source.js';
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
  /** The other flow of each block before our transaction (noise traders, rival arbitrageurs). */
  readonly flow?: PoolFlowOptions;
  /** The base fee stays within [mean / bound, mean × bound] of the configured gas price. Default 4; 1 = constant. */
  readonly baseFeeBound?: number;
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
 * Blocks: one accepted tick of `symbol` is one block. `route()` quotes block n (what a decision
 * sees); a flash swap sent in block n executes in block n+1 (`nextBlockRoute`): block n's reserves
 * after block n+1's other flow — seeded noise traders and rival arbitrageurs ({@link applyPoolFlow},
 * from an Rng keyed by the block, drawn only when a swap is quoted for execution, so a run that
 * sends none consumes no randomness for it) — at block n+1's base fee ({@link BlockBaseFee}, its
 * mean the configured gas price, from its own Rng fork). The price p of block n+1 is not known yet:
 * the execution keeps block n's p; the flow and our swap persist as the new dislocation, on which
 * the next tick's AR(1) step acts.
 *
 * @example
 * const pools = new SyntheticPoolPair({ seed: 42, symbol: 'EURUSD' });
 * pools.onTick(tick);
 * const route = pools.route('synthetic:A->B');
 */
export class SyntheticPoolPair implements BlockPoolSource {
  readonly name: string;
  readonly source: string;
  readonly #rng: Rng;
  readonly #symbol: string | undefined;
  readonly #depthUsd: number;
  readonly #phi: number;
  readonly #sigma: number;
  readonly #token1Usd: number;
  readonly #routeIds: readonly string[];
  readonly #flowRng: Rng;
  readonly #flow: PoolFlowOptions;
  readonly #baseFee: BlockBaseFee;
  #lastTs = -1;
  #price = 0;
  #d = 0;
  /** Block number of the quoted state (accepted ticks so far). */
  #block = 0;
  /** The block whose other flow is already in the state (so a second swap in it meets no new flow). */
  #settledBlock = -1;
  /** Block n+1's pools after its other flow, cached for #nextFor = n + 1. */
  #nextFor = -1;
  #nextA: PoolReserves | undefined;
  #nextB: PoolReserves | undefined;

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
    const root = new Rng(options.seed);
    this.#rng = root.fork(`execution/synthetic-pool-pair/${this.name}`);
    this.#flowRng = root.fork(`execution/synthetic-pool-pair/${this.name}/flow`);
    this.#flow = options.flow ?? {};
    this.#baseFee = new BlockBaseFee(root.fork(`execution/synthetic-pool-pair/${this.name}/base-fee`), {
      meanGwei: 1,
      ...(options.baseFeeBound !== undefined ? { bound: options.baseFeeBound } : {}),
    });
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

  /** Block number of the state `route()` quotes (one per accepted tick). */
  get block(): number {
    return this.#block;
  }

  /** token1 reserve of both pools (a constant of the depth): computed once. */
  #reserve1: bigint | undefined;

  onTick(tick: Tick): void {
    if (this.#symbol !== undefined && tick.symbol !== this.#symbol) return;
    if (tick.tsMs <= this.#lastTs) return;
    this.#lastTs = tick.tsMs;
    this.#price = tick.price;
    this.#d = this.#phi * this.#d + this.#sigma * this.#rng.normal();
    this.#block++;
    this.#baseFee.advance();
  }

  route(routeId: string): FlashSwapRoute | undefined {
    if (this.#price <= 0) return undefined;
    return this.#routeOf(
      routeId,
      this.#pool(this.#price * (1 + this.#d / 2)),
      this.#pool(this.#price * (1 - this.#d / 2)),
    );
  }

  /** Pool A's token0 price p·(1 + d/2) for `<name>:A->B`, pool B's p·(1 − d/2) for `<name>:B->A` (no bigint work). */
  poolPrice(routeId: string): number | undefined {
    if (this.#price <= 0) return undefined;
    if (routeId === this.#routeIds[0]) return this.#price * (1 + this.#d / 2);
    if (routeId === this.#routeIds[1]) return this.#price * (1 - this.#d / 2);
    return undefined;
  }

  /** The other pool's price: pool B's for `<name>:A->B`, pool A's for `<name>:B->A`. */
  sellPoolPrice(routeId: string): number | undefined {
    if (this.#price <= 0) return undefined;
    if (routeId === this.#routeIds[0]) return this.#price * (1 - this.#d / 2);
    if (routeId === this.#routeIds[1]) return this.#price * (1 + this.#d / 2);
    return undefined;
  }

  nextBlockRoute(routeId: string): FlashSwapRoute | undefined {
    if (this.#price <= 0) return undefined;
    if (this.#settledBlock === this.#block + 1) return this.route(routeId);
    this.#flowOfNextBlock();
    return this.#routeOf(routeId, this.#nextA as PoolReserves, this.#nextB as PoolReserves);
  }

  /** The base fee of block n+1: `meanGwei` (the configured gas price) times the seeded EIP-1559-like factor. */
  nextBaseFeeGwei(meanGwei: number): number {
    return meanGwei * this.#baseFee.nextGwei;
  }

  settleNextBlock(routeId: string, swap: BlockFlashSwap | undefined): void {
    const r = this.nextBlockRoute(routeId);
    if (r === undefined) return;
    let borrow = r.borrowPool;
    let sell = r.sellPool;
    if (swap !== undefined) {
      ({ borrow, sell } = afterFlashSwap(borrow, sell, swap.amount0, swap.repay1, swap.out1));
    }
    const gap =
      (Number(borrow.reserve1) / Number(borrow.reserve0) - Number(sell.reserve1) / Number(sell.reserve0)) /
      this.#price;
    this.#d = routeId === this.#routeIds[0] ? gap : -gap;
    this.#settledBlock = this.#block + 1;
  }

  /** Our flash swap executed in block n+1 (after its other flow): {@link settleNextBlock}. */
  applyFlashSwap(routeId: string, amount0: bigint, repay1: bigint, out1: bigint): void {
    this.settleNextBlock(routeId, { amount0, repay1, out1 });
  }

  #routeOf(routeId: string, a: PoolReserves, b: PoolReserves): FlashSwapRoute | undefined {
    const aToB = routeId === this.#routeIds[0];
    if (!aToB && routeId !== this.#routeIds[1]) return undefined;
    return {
      routeId,
      token1Usd: this.#token1Usd,
      source: this.source,
      synthetic: true,
      borrowPool: aToB ? a : b,
      sellPool: aToB ? b : a,
    };
  }

  /** Block n+1's other flow on block n's pools, from the Rng of block n+1 (cached per block). */
  #flowOfNextBlock(): void {
    const next = this.#block + 1;
    if (this.#nextFor === next) return;
    const a = this.#pool(this.#price * (1 + this.#d / 2));
    const b = this.#pool(this.#price * (1 - this.#d / 2));
    const flow = applyPoolFlow(a, b, this.#flowRng.fork(`block/${next}`), this.#flow);
    this.#nextA = flow.a;
    this.#nextB = flow.b;
    this.#nextFor = next;
  }

  #pool(price: number): PoolReserves {
    this.#reserve1 ??= BigInt(Math.round((this.#depthUsd / this.#token1Usd) * 1e6)) * 10n ** 12n;
    const reserve1 = this.#reserve1;
    const reserve0 = (reserve1 * BigInt(PRICE_SCALE)) / BigInt(Math.round(price * PRICE_SCALE));
    return { reserve0: reserve0 > 0n ? reserve0 : 1n, reserve1: reserve1 > 0n ? reserve1 : WEI };
  }
}
