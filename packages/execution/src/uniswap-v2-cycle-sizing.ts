import type { PoolReserves } from './uniswap-v2.js';
import {
  type CyclePool,
  closedFormCycleAmount,
  composeVirtualPool,
  reserveInOf,
  reserveOutOf,
  simulateCycle,
  type VirtualPool,
} from './uniswap-v2-cycle.js';

/** The size of a flash-swap cycle found on the exact integer simulation. */
export interface CycleSizing {
  /** Borrowed X in wei; 0n when no amount makes a profit. */
  readonly amountIn: bigint;
  /** Its simulated profit in T wei (0n with amountIn 0n). */
  readonly profit: bigint;
  /**
   * True when no integer amount has a larger profit (proven: see {@link optimalCycleAmount}).
   * False only when the amounts that might still beat it outnumber `maxCandidates`.
   */
  readonly exact: boolean;
}

/** Options of {@link optimalCycleAmount}. */
export interface CycleSizingOptions {
  /** Most amounts the exact search may simulate. Default 2^20 (certain for reserves up to ~1e12 wei). */
  readonly maxCandidates?: number;
}

const NO_TRADE: CycleSizing = Object.freeze({ amountIn: 0n, profit: 0n, exact: true });
const DEFAULT_MAX_CANDIDATES = 1 << 20;

/**
 * The continuous profit S(a) = V(a) − g(a) of borrowing a, as an exact fraction's parts:
 * V(a) = 997·a·eb / (1000·ea + 997·a·den) (the virtual pool), g(a) = 1000·yA·a / (997·(xA − a))
 * (getAmountIn before rounding). The integer profit is below it: every hop's floor lowers the
 * output and getAmountIn = floor(g) + 1 > g, so P(a) < S(a). S is concave (V concave, g convex).
 */
class ContinuousProfit {
  readonly #v: VirtualPool;
  readonly #xA: bigint;
  readonly #yA: bigint;

  constructor(first: CyclePool, v: VirtualPool) {
    this.#v = v;
    this.#xA = reserveOutOf(first);
    this.#yA = reserveInOf(first);
  }

  /** S(a) > p, compared exactly (both denominators are positive for 0 ≤ a < xA). */
  exceeds(a: bigint, p: bigint): boolean {
    const { ea, eb, den } = this.#v;
    const dv = 1000n * ea + 997n * a * den;
    const dg = 997n * (this.#xA - a);
    return 997n * a * eb * dg - 1000n * this.#yA * a * dv > p * dv * dg;
  }

  /** S'(a) > 0 ⇔ V'(a) > g'(a) ⇔ ea·eb·dg² > xA·yA·dv² (both derivatives carry the factor 997 000). */
  rising(a: bigint): boolean {
    const { ea, eb, den } = this.#v;
    const dv = 1000n * ea + 997n * a * den;
    const dg = this.#xA - a;
    return 997n * 997n * ea * eb * dg * dg > this.#xA * this.#yA * dv * dv;
  }
}

/** The integer output of pools 2..n for a borrowed amount (0n where a hop would output nothing). */
function chainOut(pools: readonly CyclePool[], amountIn: bigint): bigint {
  let amount = amountIn;
  for (let i = 1; i < pools.length && amount > 0n; i++) {
    const pool = pools[i]!;
    const rin = reserveInOf(pool);
    amount = (amount * 997n * reserveOutOf(pool)) / (rin * 1000n + amount * 997n);
  }
  return amount;
}

/**
 * The smallest borrowed amount whose chain output (pools 2..n) is at least `out`, or −1n when no
 * amount reaches it. Backwards through the hops: the least input with floor(997·i·b/(1000·a + 997·i)) ≥ o
 * is ⌈1000·o·a / (997·(b − o))⌉ (requires o < b); getAmountOut is non-decreasing, so the least
 * inputs chain.
 */
function leastInputFor(pools: readonly CyclePool[], out: bigint): bigint {
  let need = out;
  for (let i = pools.length - 1; i >= 1; i--) {
    const pool = pools[i]!;
    const a = reserveInOf(pool);
    const b = reserveOutOf(pool);
    if (need >= b) return -1n;
    const num = 1000n * need * a;
    const den = 997n * (b - need);
    need = (num + den - 1n) / den;
    if (need < 1n) need = 1n;
  }
  return need;
}

function profitAt(pools: readonly CyclePool[], a: bigint): bigint | undefined {
  const sim = simulateCycle(pools, a);
  return sim.ok ? sim.profit : undefined;
}

/**
 * The profit-maximising borrowed amount of a flash-swap cycle, exact on the integer simulation.
 *
 * 1. No amount pays when S'(0) ≤ 0 (997²·eb·xA ≤ 1000²·yA·ea): S is concave with S(0) = 0, so S ≤ 0
 *    and every integer profit is < 0.
 * 2. The closed form (virtual pool, {@link closedFormCycleAmount}) starts an exact bisection on the
 *    sign of S' for the last m with S'(m) > 0; S's integer maximum is at m or m + 1. The incumbent
 *    is the best simulated profit P_b on m ± 16.
 * 3. A larger integer profit needs P ≥ P_b + 1, hence S(a) > P_b + 1; S is concave, so those a form
 *    one interval [L, R] around m, found by bisection. Every integer there is a candidate — or,
 *    when fewer, every output level o of the chain between out(L) and out(R): within one output
 *    level the smallest amount repays least, so the argmax is among the least inputs of the levels.
 * 4. The candidates are simulated when they number ≤ `maxCandidates`; the result is then proven
 *    maximal (`exact: true`). Otherwise the incumbent is returned with `exact: false`.
 * The profit is the maximum; when several amounts reach it, which one is returned is fixed by the
 * inputs (deterministic) but not necessarily the smallest.
 *
 * @param pools - the cycle, borrow pool first.
 * @returns the amount, its profit and whether it is proven optimal.
 * @example
 * optimalCycleAmount([{ reserve0: 665_046n, reserve1: 457_954n, zeroForOne: false },
 *   { reserve0: 187_121n, reserve1: 149_383n, zeroForOne: true }]); // { amountIn: 10_519n, profit: 546n, exact: true }
 */
export function optimalCycleAmount(
  pools: readonly CyclePool[],
  options: CycleSizingOptions = {},
): CycleSizing {
  const first = pools[0]!;
  const v = composeVirtualPool(pools);
  const xA = reserveOutOf(first);
  const yA = reserveInOf(first);
  if (997n * 997n * v.eb * xA <= 1_000_000n * yA * v.ea || xA < 2n) return NO_TRADE;
  const s = new ContinuousProfit(first, v);
  // S rises up to lastRising + 1 and falls after it: its integer maximum is at one of those two.
  const lastRising = lastRisingAmount(s, closedFormCycleAmount(pools, v), xA);
  const top = xA - 1n;
  const peakLow = lastRising < 1n ? 1n : lastRising;
  const peakHigh = lastRising + 1n <= top ? lastRising + 1n : top;
  const peak = peakLow;

  let best = 0n;
  let bestProfit = 0n;
  const lo = peak > 16n ? peak - 16n : 1n;
  const hi = peak + 16n < top ? peak + 16n : top;
  for (let a = lo; a <= hi; a++) {
    const p = profitAt(pools, a);
    if (p !== undefined && p > bestProfit) {
      best = a;
      bestProfit = p;
    }
  }
  const bar = bestProfit + 1n;
  const inside = s.exceeds(peakLow, bar) ? peakLow : s.exceeds(peakHigh, bar) ? peakHigh : 0n;
  if (inside === 0n) return result(best, bestProfit, true);
  // [left, right]: every integer with S > P_b + 1 (an interval around the peak, S concave).
  const left = firstTrue(1n, inside, (a) => s.exceeds(a, bar));
  const right = lastTrue(inside, top, (a) => s.exceeds(a, bar));
  const maxCandidates = BigInt(options.maxCandidates ?? DEFAULT_MAX_CANDIDATES);
  const outLeft = chainOut(pools, left);
  const outRight = chainOut(pools, right);
  const byLevel = outRight - outLeft + 1n < right - left + 1n;
  const count = byLevel ? outRight - outLeft + 1n : right - left + 1n;
  if (count > maxCandidates) return result(best, bestProfit, false);
  const consider = (a: bigint): void => {
    const p = profitAt(pools, a);
    if (p !== undefined && p > bestProfit) {
      best = a;
      bestProfit = p;
    }
  };
  if (byLevel) {
    for (let o = outLeft; o <= outRight; o++) {
      const a = leastInputFor(pools, o);
      // a ≤ right (o ≤ out(right)); a < left means out(left) = o already, and left repays no more.
      if (a >= left) consider(a);
      else if (a >= 0n) consider(left);
    }
  } else {
    for (let a = left; a <= right; a++) consider(a);
  }
  return result(best, bestProfit, true);
}

function result(amountIn: bigint, profit: bigint, exact: boolean): CycleSizing {
  return profit > 0n ? { amountIn, profit, exact } : exact ? NO_TRADE : { amountIn: 0n, profit: 0n, exact };
}

/** The last a in [0, xA − 1] with S'(a) > 0 (S'(0) > 0 is known), galloping from the closed-form guess, then bisecting. */
function lastRisingAmount(s: ContinuousProfit, guess: bigint, xA: bigint): bigint {
  const top = xA - 1n;
  const start = guess < 0n ? 0n : guess > top ? top : guess;
  // Invariant after bracketing: rising(lo), lo < hi, and hi = top + 1 or !rising(hi).
  let lo: bigint;
  let hi: bigint;
  let step = 1n;
  if (s.rising(start)) {
    lo = start;
    hi = start + step;
    while (hi <= top && s.rising(hi)) {
      lo = hi;
      step *= 2n;
      hi = start + step;
    }
    if (hi > top + 1n) hi = top + 1n;
  } else {
    hi = start;
    lo = start - step;
    while (lo > 0n && !s.rising(lo)) {
      hi = lo;
      step *= 2n;
      lo = start - step;
    }
    if (lo < 0n) lo = 0n;
  }
  while (hi - lo > 1n) {
    const mid = (lo + hi) >> 1n;
    if (s.rising(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Smallest a in [lo, hi] with pred(a), given pred is monotone false → true and pred(hi). */
function firstTrue(lo: bigint, hi: bigint, pred: (a: bigint) => boolean): bigint {
  let l = lo;
  let h = hi;
  while (l < h) {
    const mid = (l + h) >> 1n;
    if (pred(mid)) h = mid;
    else l = mid + 1n;
  }
  return h;
}

/** Largest a in [lo, hi] with pred(a), given pred is monotone true → false and pred(lo). */
function lastTrue(lo: bigint, hi: bigint, pred: (a: bigint) => boolean): bigint {
  let l = lo;
  let h = hi;
  while (l < h) {
    const mid = (l + h + 1n) >> 1n;
    if (pred(mid)) l = mid;
    else h = mid - 1n;
  }
  return l;
}

/**
 * The exact profit-maximising token0 amount of a two-pool flash swap (borrow token0 from `borrow`,
 * sell it in `sell`, repay in token1): {@link optimalCycleAmount} on that two-pool cycle.
 * Beside `optimalFlashSwapAmount` (closed form ± 16 wei), which is not always the integer
 * optimum: near the top the integer profit is flat up to its ±1-wei rounding steps over a width
 * of ~√(reserve) wei, so the best integer can lie outside ± 16 (e.g. borrow 665,046/457,954, sell
 * 187,121/149,383: ± 16 finds 10,570 → 545 wei, the optimum is 10,519 → 546 wei).
 */
export function exactOptimalFlashSwapAmount(
  borrow: PoolReserves,
  sell: PoolReserves,
  options: CycleSizingOptions = {},
): CycleSizing {
  return optimalCycleAmount(
    [
      { reserve0: borrow.reserve0, reserve1: borrow.reserve1, zeroForOne: false },
      { reserve0: sell.reserve0, reserve1: sell.reserve1, zeroForOne: true },
    ],
    options,
  );
}
