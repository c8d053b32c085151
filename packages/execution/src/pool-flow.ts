import type { Rng } from '@omni/core';
import { getAmountOut, type PoolReserves, simulateFlashSwap } from './uniswap-v2.js';
import { exactOptimalFlashSwapAmount } from './uniswap-v2-cycle-sizing.js';

/** The other flow of a block of two pools, before our transaction (all SYNTHETIC). */
export interface PoolFlowOptions {
  /** Noise swaps per block: a uniform integer in [0, max]. Default 2. */
  readonly noiseTradesMax?: number;
  /** sd of a noise swap's input as a share of its pool's input reserve, in bps (size = |N(0, sd)|). Default 5. */
  readonly noiseSizeBps?: number;
  /** Probability per block that a rival arbitrageur trades the gap before us. Default 0.25. */
  readonly rivalProbability?: number;
  /** Probability that a rival takes the whole gap (its exact optimal amount); else a uniform share in [10 %, 100 %). Default 0.5. */
  readonly rivalFullShare?: number;
}

/** Two pools after a block's other flow, and what that flow was. */
export interface PoolFlowResult {
  readonly a: PoolReserves;
  readonly b: PoolReserves;
  /** Noise swaps applied. */
  readonly noiseTrades: number;
  /** token0 a rival borrowed (0n when none traded) and from which pool. */
  readonly rivalAmount0: bigint;
  readonly rivalBorrowed: 'a' | 'b' | 'none';
}

const SHARE_SCALE = 1_000_000_000n;

function share(amount: bigint, fraction: number): bigint {
  return (amount * BigInt(Math.floor(fraction * 1e9))) / SHARE_SCALE;
}

/** A noise swap in `pool`: sells token0 (or token1) worth `fraction` of that reserve, by getAmountOut. */
function noiseSwap(pool: PoolReserves, sellToken0: boolean, fraction: number): PoolReserves {
  if (sellToken0) {
    const in0 = share(pool.reserve0, fraction);
    if (in0 <= 0n) return pool;
    const out1 = getAmountOut(in0, pool.reserve0, pool.reserve1);
    return { reserve0: pool.reserve0 + in0, reserve1: pool.reserve1 - out1 };
  }
  const in1 = share(pool.reserve1, fraction);
  if (in1 <= 0n) return pool;
  const out0 = getAmountOut(in1, pool.reserve1, pool.reserve0);
  return { reserve0: pool.reserve0 - out0, reserve1: pool.reserve1 + in1 };
}

/** Applies a flash swap borrow → sell of amount0 to both pools (the reserves after it). */
export function afterFlashSwap(
  borrow: PoolReserves,
  sell: PoolReserves,
  amount0: bigint,
  repay1: bigint,
  out1: bigint,
): { readonly borrow: PoolReserves; readonly sell: PoolReserves } {
  return {
    borrow: { reserve0: borrow.reserve0 - amount0, reserve1: borrow.reserve1 + repay1 },
    sell: { reserve0: sell.reserve0 + amount0, reserve1: sell.reserve1 - out1 },
  };
}

/**
 * One block's other flow on pools `a` and `b`, drawn from `rng` (an Rng keyed by the block, so the
 * flow is a pure function of the block): first the noise traders — a uniform number in
 * [0, noiseTradesMax] of swaps, each in a random pool and direction, its input |N(0, noiseSizeBps)|
 * of the input reserve — then, with `rivalProbability`, a rival arbitrageur that flash-swaps the
 * remaining gap in its profitable direction with the exact optimal amount
 * (`exactOptimalFlashSwapAmount`), all of it with `rivalFullShare`, else a uniform share in [10 %, 100 %).
 * Every swap is Uniswap V2's exact integer arithmetic (0.3 % fee kept in the pool).
 */
export function applyPoolFlow(
  a: PoolReserves,
  b: PoolReserves,
  rng: Rng,
  options: PoolFlowOptions = {},
): PoolFlowResult {
  const noiseMax = options.noiseTradesMax ?? 2;
  const noiseSd = (options.noiseSizeBps ?? 5) * 1e-4;
  const noiseTrades = noiseMax > 0 ? rng.int(0, noiseMax + 1) : 0;
  let pa = a;
  let pb = b;
  for (let i = 0; i < noiseTrades; i++) {
    const inA = rng.bernoulli(0.5);
    const sellToken0 = rng.bernoulli(0.5);
    const fraction = Math.min(0.5, Math.abs(rng.normal(0, noiseSd)));
    if (inA) pa = noiseSwap(pa, sellToken0, fraction);
    else pb = noiseSwap(pb, sellToken0, fraction);
  }
  if (!rng.bernoulli(options.rivalProbability ?? 0.25)) {
    return { a: pa, b: pb, noiseTrades, rivalAmount0: 0n, rivalBorrowed: 'none' };
  }
  const whole = rng.bernoulli(options.rivalFullShare ?? 0.5);
  const fraction = whole ? 1 : rng.range(0.1, 1);
  const aToB = exactOptimalFlashSwapAmount(pa, pb).amountIn;
  const borrowA = aToB > 0n;
  const optimal = borrowA ? aToB : exactOptimalFlashSwapAmount(pb, pa).amountIn;
  const amount0 = whole ? optimal : share(optimal, fraction);
  const borrow = borrowA ? pa : pb;
  const sell = borrowA ? pb : pa;
  const sim = simulateFlashSwap(borrow, sell, amount0);
  if (!sim.ok || sim.profit1 <= 0n) {
    return { a: pa, b: pb, noiseTrades, rivalAmount0: 0n, rivalBorrowed: 'none' };
  }
  const after = afterFlashSwap(borrow, sell, sim.amount0, sim.repay1, sim.out1);
  return {
    a: borrowA ? after.borrow : after.sell,
    b: borrowA ? after.sell : after.borrow,
    noiseTrades,
    rivalAmount0: sim.amount0,
    rivalBorrowed: borrowA ? 'a' : 'b',
  };
}
