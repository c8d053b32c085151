import { ExecutionError } from '@omni/core';
import { getAmountIn, getAmountOut, type PoolReserves, sqrtBigInt } from './uniswap-v2.js';

/**
 * One Uniswap V2 pool of a flash-swap cycle: its reserves and the side the route trades through it.
 * `zeroForOne: true` means token0 goes in and token1 comes out. The first pool of a cycle is the
 * borrow pool; its direction is that of the equivalent swap — the repaid token in, the borrowed
 * token out — so a cycle reads T →(pool 1)→ X →(pool 2)→ Y → … → T.
 */
export interface CyclePool extends PoolReserves {
  readonly zeroForOne: boolean;
}

/** The reserve of the token a pool receives on the route. */
export function reserveInOf(pool: CyclePool): bigint {
  return pool.zeroForOne ? pool.reserve0 : pool.reserve1;
}

/** The reserve of the token a pool pays out on the route. */
export function reserveOutOf(pool: CyclePool): bigint {
  return pool.zeroForOne ? pool.reserve1 : pool.reserve0;
}

/** A simulated flash-swap cycle, in wei (repay, out and profit in the repaid token T). */
export type CycleSimulation =
  | {
      readonly ok: true;
      /** Borrowed token X taken out of pool 1. */
      readonly amountIn: bigint;
      /** T repaid to pool 1: getAmountIn(amountIn) on pool 1 (rounded up, as UniswapV2Library). */
      readonly repay: bigint;
      /** T out of the last pool after getAmountOut along pools 2..n (each floored). */
      readonly out: bigint;
      /** out − repay (negative when the cycle loses). */
      readonly profit: bigint;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Simulates a flash-swap cycle in exact integers, the way the executor contract runs it: borrow
 * `amountIn` of X from pool 1 (`pair.swap` with a callback), swap it along pools 2..n with
 * `getAmountOut` (X → Y → … → T), and repay pool 1 in T with `getAmountIn(amountIn)` — what
 * pool 1's K check requires. Two pools give exactly {@link simulateFlashSwap} of uniswap-v2.ts.
 *
 * @param pools - the cycle, borrow pool first (at least 2 pools, every reserve > 0).
 * @param amountIn - X to borrow, in wei.
 * @returns the repay, the output and the profit in T wei, or why the contract would revert.
 * @example
 * simulateCycle([{ reserve0: 1000n, reserve1: 2000n, zeroForOne: false },
 *   { reserve0: 1000n, reserve1: 2200n, zeroForOne: true }], 20n); // { ok: true, amountIn: 20n, repay: 41n, out: 43n, profit: 2n }
 */
export function simulateCycle(pools: readonly CyclePool[], amountIn: bigint): CycleSimulation {
  const first = pools[0];
  if (first === undefined || pools.length < 2)
    throw new ExecutionError('EXECUTION_BAD_INPUT', 'a flash-swap cycle needs at least 2 pools', {
      pools: pools.length,
    });
  if (amountIn <= 0n) return { ok: false, reason: 'the borrowed amount must be positive' };
  if (amountIn >= reserveOutOf(first))
    return { ok: false, reason: 'INSUFFICIENT_LIQUIDITY in the borrow pool' };
  const repay = getAmountIn(amountIn, reserveInOf(first), reserveOutOf(first));
  let amount = amountIn;
  for (let i = 1; i < pools.length; i++) {
    const pool = pools[i]!;
    amount = getAmountOut(amount, reserveInOf(pool), reserveOutOf(pool));
    if (amount <= 0n)
      return { ok: false, reason: `INSUFFICIENT_OUTPUT_AMOUNT at pool ${i + 1} of the cycle` };
  }
  return { ok: true, amountIn, repay, out: amount, profit: amount - repay };
}

/**
 * A chain of constant-product pools with the 0.3% fee, composed into one virtual pool with
 * reserves Ea = ea/den (in) and Eb = eb/den (out): out(x) = 997·x·Eb / (1000·Ea + 997·x) — before
 * the integer flooring of each hop, which only lowers the real output.
 *
 * Derivation: a hop (a, b) after a virtual pool (Ea, Eb) gives
 * out = 997·b·o / (1000·a + 997·o) with o = 997·x·Eb / (1000·Ea + 997·x); multiplying out,
 * out = 997²·x·Eb·b / (1000²·Ea·a + 997·x·(1000·a + 997·Eb)), which is again the pool form with
 * Ea' = 1000·Ea·a / (1000·a + 997·Eb) and Eb' = 997·Eb·b / (1000·a + 997·Eb).
 * With Ea = ea/den, Eb = eb/den both share one denominator, so in integers:
 * ea' = 1000·ea·a, eb' = 997·eb·b, den' = 1000·a·den + 997·eb (exact rationals, no rounding).
 */
export interface VirtualPool {
  readonly ea: bigint;
  readonly eb: bigint;
  readonly den: bigint;
}

/**
 * Composes pools `from`..n−1 of a cycle (the swaps after the borrow) into one {@link VirtualPool}.
 *
 * @param pools - the cycle.
 * @param from - the first pool to compose; default 1 (skip the borrow pool).
 */
export function composeVirtualPool(pools: readonly CyclePool[], from = 1): VirtualPool {
  const head = pools[from];
  if (head === undefined)
    throw new ExecutionError('EXECUTION_BAD_INPUT', 'no pool to compose into a virtual pool', {
      pools: pools.length,
      from,
    });
  let ea = reserveInOf(head);
  let eb = reserveOutOf(head);
  let den = 1n;
  for (let i = from + 1; i < pools.length; i++) {
    const a = reserveInOf(pools[i]!);
    const b = reserveOutOf(pools[i]!);
    const nextDen = 1000n * a * den + 997n * eb;
    ea = 1000n * ea * a;
    eb = 997n * eb * b;
    den = nextDen;
  }
  return { ea, eb, den };
}

/** Floor square root that also takes numbers beyond float range (an estimate there, exact below 2^1000). */
function rootEstimate(n: bigint): bigint {
  const bits = n.toString(2).length;
  if (bits <= 1000) return sqrtBigInt(n);
  const shift = BigInt(bits - 1000) + (BigInt(bits - 1000) & 1n);
  return sqrtBigInt(n >> shift) << (shift / 2n);
}

/**
 * The continuous optimum of a cycle's borrowed amount: the two-pool closed form of
 * `optimalFlashSwapAmount` with the sell pool replaced by the virtual pool of pools 2..n.
 * Formula (A = borrow pool, xA its borrowed-token reserve, kA = xA·yA; V = (ea, eb, den)):
 * a* = (997·√(ea·eb)·xA − 1000·√kA·ea) / (997·(√kA·den + √(ea·eb))), floor; 0n when no amount pays
 * before rounding. An estimate (integer roots): {@link optimalCycleAmount} refines it exactly.
 *
 * @returns borrowed X in wei, clamped below xA.
 */
export function closedFormCycleAmount(
  pools: readonly CyclePool[],
  virtual = composeVirtualPool(pools),
): bigint {
  const first = pools[0]!;
  const xA = reserveOutOf(first);
  const rootKA = rootEstimate(xA * reserveInOf(first));
  const rootV = rootEstimate(virtual.ea * virtual.eb);
  const numerator = 997n * rootV * xA - 1000n * rootKA * virtual.ea;
  if (numerator <= 0n) return 0n;
  const amount = numerator / (997n * (rootKA * virtual.den + rootV));
  return amount < xA ? amount : xA - 1n;
}
