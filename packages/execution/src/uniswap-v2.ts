import { ExecutionError } from '@omni/core';
/** Reserves of a Uniswap V2 pair in wei: token0 (the traded asset) and token1 (the quote). */
export interface PoolReserves {
  readonly reserve0: bigint;
  readonly reserve1: bigint;
}

/**
 * Uniswap V2 `getAmountOut` with the 0.3% fee, in integers exactly as UniswapV2Library does:
 * inWithFee = in × 997; out = inWithFee × reserveOut / (reserveIn × 1000 + inWithFee) (floor).
 */
export function getAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  if (amountIn <= 0n)
    throw new ExecutionError(
      'EXECUTION_BAD_INPUT',
      'getAmountOut: INSUFFICIENT_INPUT_AMOUNT (the input must be > 0 wei)',
      { amountIn },
    );
  if (reserveIn <= 0n || reserveOut <= 0n)
    throw new ExecutionError(
      'EXECUTION_BAD_INPUT',
      'getAmountOut: INSUFFICIENT_LIQUIDITY (both reserves must be > 0)',
      { reserveIn, reserveOut },
    );
  const inWithFee = amountIn * 997n;
  return (inWithFee * reserveOut) / (reserveIn * 1000n + inWithFee);
}

/**
 * Uniswap V2 `getAmountIn`: the input needed for `amountOut`, rounded up as UniswapV2Library does:
 * in = reserveIn × out × 1000 / ((reserveOut − out) × 997) + 1.
 */
export function getAmountIn(amountOut: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  if (amountOut <= 0n)
    throw new ExecutionError(
      'EXECUTION_BAD_INPUT',
      'getAmountIn: INSUFFICIENT_OUTPUT_AMOUNT (the output must be > 0 wei)',
      { amountOut },
    );
  if (reserveIn <= 0n || reserveOut <= amountOut)
    throw new ExecutionError(
      'EXECUTION_BAD_INPUT',
      'getAmountIn: INSUFFICIENT_LIQUIDITY (the output reserve must exceed the output)',
      { reserveIn, reserveOut, amountOut },
    );
  return (reserveIn * amountOut * 1000n) / ((reserveOut - amountOut) * 997n) + 1n;
}

/** Floor square root of a non-negative bigint (Newton's method). */
export function sqrtBigInt(n: bigint): bigint {
  if (n < 0n) throw new ExecutionError('EXECUTION_BAD_INPUT', 'sqrtBigInt of a negative number', { n });
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  // Newton from the float estimate, then correct to the exact floor.
  for (let i = 0; i < 64; i++) {
    const next = (x + n / x) >> 1n;
    if (next === x || next === x + 1n) break;
    x = next;
  }
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/** A simulated two-pool flash swap: borrow token0 from one pool, sell it in the other, repay in token1. */
export type FlashSwapSimulation =
  | {
      readonly ok: true;
      /** token0 borrowed from the borrow pool and sold in the sell pool. */
      readonly amount0: bigint;
      /** token1 repaid to the borrow pool (getAmountIn). */
      readonly repay1: bigint;
      /** token1 received from the sell pool (getAmountOut). */
      readonly out1: bigint;
      /** out1 − repay1 (negative when the route loses). */
      readonly profit1: bigint;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Simulates the Uniswap V2 flash swap `borrow.swap(amount0, 0, ...)` → sell amount0 in `sell`
 * → repay the borrow pool in token1, in exact integers.
 * Formula: repay1 = getAmountIn(amount0, borrow.reserve1, borrow.reserve0);
 * out1 = getAmountOut(amount0, sell.reserve0, sell.reserve1); profit1 = out1 − repay1.
 */
export function simulateFlashSwap(
  borrow: PoolReserves,
  sell: PoolReserves,
  amount0: bigint,
): FlashSwapSimulation {
  if (amount0 <= 0n) return { ok: false, reason: 'the borrowed amount must be positive' };
  if (amount0 >= borrow.reserve0) return { ok: false, reason: 'INSUFFICIENT_LIQUIDITY in the borrow pool' };
  const repay1 = getAmountIn(amount0, borrow.reserve1, borrow.reserve0);
  const out1 = getAmountOut(amount0, sell.reserve0, sell.reserve1);
  return { ok: true, amount0, repay1, out1, profit1: out1 - repay1 };
}

/**
 * Whether the closed form's numerator (997·√kB·xA − 1000·√kA·xB) is surely ≤ 0, judged in floating
 * point with a margin of 1e-6 — far above double rounding (1e-16) and the integer square roots'
 * flooring — so that only routes that might pay go through the exact integer arithmetic. Most ticks
 * of a pool pair sit inside the fee band; this makes them cost a few multiplications.
 */
function clearlyUnprofitable(borrow: PoolReserves, sell: PoolReserves): boolean {
  const xA = Number(borrow.reserve0);
  const xB = Number(sell.reserve0);
  const rootKA = Math.sqrt(xA) * Math.sqrt(Number(borrow.reserve1));
  const rootKB = Math.sqrt(xB) * Math.sqrt(Number(sell.reserve1));
  return 997 * rootKB * xA < (1 - 1e-6) * 1000 * rootKA * xB;
}

/**
 * Whether a flash swap `borrow` → `sell` surely pays nothing, judged from the two pools' float prices
 * (token1 per token0) alone, before any reserves are built: the first unit of token0 already costs
 * more in `borrow` (price / 0.997) than it fetches in `sell` (price · 0.997), and the profit is
 * concave. The test is {@link optimalFlashSwapAmount}'s own first check on prices, with a margin of
 * 1e-4 so that prices within 1e-4 of the reserves' ratio never skip a route the reserves would pay.
 */
export function flashSwapUnprofitableAtPrices(borrowPrice: number, sellPrice: number): boolean {
  return 997 * Math.sqrt(sellPrice / borrowPrice) < (1 - 1e-4) * 1000;
}

/**
 * An upper bound of the profit (token1 wei, as a float) of any flash swap `borrow` → `sell`: the
 * maximum of the continuous profit out(x) − in(x), reached at the closed form's x* (the profit is
 * concave in x). Integer amounts and the library's rounding (out floored, in rounded up) only lower
 * it, so a route whose bound cannot pay its gas needs no integer search. 0 when nothing pays; the
 * float evaluation carries a slack of 1e-12 of the token1 reserves, so it never falls below.
 */
export function flashSwapProfitBound(borrow: PoolReserves, sell: PoolReserves): number {
  const xA = Number(borrow.reserve0);
  const yA = Number(borrow.reserve1);
  const xB = Number(sell.reserve0);
  const yB = Number(sell.reserve1);
  const rootKA = Math.sqrt(xA) * Math.sqrt(yA);
  const rootKB = Math.sqrt(xB) * Math.sqrt(yB);
  const x = (997 * rootKB * xA - 1000 * rootKA * xB) / (997 * (rootKA + rootKB));
  if (!(x > 0 && x < xA)) return 0;
  const out = (997 * x * yB) / (1000 * xB + 997 * x);
  const repay = (1000 * yA * x) / (997 * (xA - x));
  // A slack far above the rounding of these few float operations on reserves (relative 1e-15).
  return Math.max(0, out - repay + 1e-12 * (yA + yB));
}

/**
 * Profit-maximising token0 amount to borrow from `borrow` (where token0 is cheaper) and sell in
 * `sell`, or 0n when no amount is profitable. Closed form (TOOLCHAIN.md, A = borrow, B = sell,
 * x = token0 reserves, k = reserve0 × reserve1):
 * dx* = (997·√kB·xA − 1000·√kA·xB) / (997·(√kA + √kB)), computed with integer square roots, then
 * refined by searching ±16 wei with the exact integer simulation for the largest profit.
 */
export function optimalFlashSwapAmount(borrow: PoolReserves, sell: PoolReserves): bigint {
  if (clearlyUnprofitable(borrow, sell)) return 0n;
  const rootA = sqrtBigInt(borrow.reserve0 * borrow.reserve1);
  const rootB = sqrtBigInt(sell.reserve0 * sell.reserve1);
  const numerator = 997n * rootB * borrow.reserve0 - 1000n * rootA * sell.reserve0;
  if (numerator <= 0n) return 0n;
  const center = numerator / (997n * (rootA + rootB));
  let best = 0n;
  let bestProfit = 0n;
  for (let d = -16n; d <= 16n; d++) {
    const sim = simulateFlashSwap(borrow, sell, center + d);
    if (sim.ok && sim.profit1 > bestProfit) {
      best = center + d;
      bestProfit = sim.profit1;
    }
  }
  return best;
}
