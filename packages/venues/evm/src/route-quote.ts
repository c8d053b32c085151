import {
  getAmountIn,
  getAmountOut,
  optimalFlashSwapAmount,
  type PoolReserves,
  simulateFlashSwap,
} from '@omni/execution';
import { getAddress } from 'ethers';
import { orientReserves, otherToken, type PairState } from './pool-reader.js';
import { type EvmRoute, isTwoPool } from './routes.js';

/** The exact integer outcome of one flash swap along a route, as the contract computes it. */
export type RouteQuote =
  | {
      readonly ok: true;
      /** Borrowed amount of `borrowToken`. */
      readonly amountIn: bigint;
      /** Repaid to the borrow pair, in the repaid token (getAmountIn). */
      readonly repay: bigint;
      /** Received at the end of the sell path, in the repaid token. */
      readonly received: bigint;
      /** received − repay (negative when the route loses). */
      readonly profit: bigint;
    }
  | { readonly ok: false; readonly reason: string };

/** The pair states a route needs, keyed by checksummed pair address. */
export type PairStates = ReadonlyMap<string, PairState>;

/** Every pair a route touches: the borrow pair then the sell path. */
export function routePairs(route: EvmRoute): string[] {
  return [route.borrowPair, ...route.sellPath];
}

function stateOf(states: PairStates, pair: string): PairState {
  const state = states.get(getAddress(pair));
  if (state === undefined) throw new RangeError(`no state for pair ${pair}`);
  return state;
}

/** A cycle resolved once: the borrow pool and each hop's reserves oriented input → output. */
interface Cycle {
  readonly borrow: PoolReserves;
  readonly hops: readonly PoolReserves[];
}

/** Orients the borrow pair and every hop of a cycle; a reason when the path does not close. */
function resolveCycle(route: EvmRoute, states: PairStates): Cycle | string {
  const borrowState = stateOf(states, route.borrowPair);
  const repayToken = otherToken(borrowState, route.borrowToken);
  let token = getAddress(route.borrowToken);
  const hops: PoolReserves[] = [];
  for (const pair of route.sellPath) {
    const state = stateOf(states, pair);
    hops.push(orientReserves(state, token));
    token = otherToken(state, token);
  }
  if (token !== repayToken) return 'the sell path does not end in the repaid token';
  return { borrow: orientReserves(borrowState, route.borrowToken), hops };
}

/** The exact quote of borrowing `amountIn` along a resolved cycle. */
function quoteCycle(cycle: Cycle, amountIn: bigint): RouteQuote {
  if (amountIn <= 0n) return { ok: false, reason: 'the borrowed amount must be positive' };
  if (amountIn >= cycle.borrow.reserve0)
    return { ok: false, reason: 'INSUFFICIENT_LIQUIDITY in the borrow pool' };
  let amount = amountIn;
  for (const hop of cycle.hops) {
    amount = getAmountOut(amount, hop.reserve0, hop.reserve1);
    if (amount <= 0n) return { ok: false, reason: 'nothing comes out of a pair of the sell path' };
  }
  const repay = getAmountIn(amountIn, cycle.borrow.reserve1, cycle.borrow.reserve0);
  return { ok: true, amountIn, repay, received: amount, profit: amount - repay };
}

/**
 * Quotes borrowing `amountIn` along `route` on `states`. Two-pool routes use
 * `simulateFlashSwap` of @omni/execution; a cycle chains its `getAmountOut` hop by hop, each pair's
 * output feeding the next (as FlashArbExecutor does), and repays with `getAmountIn` on the borrow pair.
 */
export function quoteRoute(route: EvmRoute, states: PairStates, amountIn: bigint): RouteQuote {
  if (isTwoPool(route)) {
    const borrow = orientReserves(stateOf(states, route.borrowPair), route.borrowToken);
    const sell = orientReserves(stateOf(states, route.sellPath[0] ?? ''), route.borrowToken);
    const sim = simulateFlashSwap(borrow, sell, amountIn);
    if (!sim.ok) return sim;
    return { ok: true, amountIn, repay: sim.repay1, received: sim.out1, profit: sim.profit1 };
  }
  const cycle = resolveCycle(route, states);
  if (typeof cycle === 'string') return { ok: false, reason: cycle };
  return quoteCycle(cycle, amountIn);
}

/** Amounts scanned one by one around the ternary search's result (integer rounding makes the profit jitter). */
const SCAN_WINDOW = 1024n;

/**
 * The profit-maximising amount to borrow along `route`, 0n when nothing pays. Two-pool routes:
 * `optimalFlashSwapAmount` of @omni/execution (the closed form, refined by the exact simulation).
 * Cycles: the profit is concave in the amount up to integer rounding, so an integer ternary search
 * over the exact quote narrows it to {@link SCAN_WINDOW} amounts, which are all quoted.
 */
export function sizeRoute(route: EvmRoute, states: PairStates): bigint {
  if (isTwoPool(route)) {
    const borrow = orientReserves(stateOf(states, route.borrowPair), route.borrowToken);
    const sell = orientReserves(stateOf(states, route.sellPath[0] ?? ''), route.borrowToken);
    return optimalFlashSwapAmount(borrow, sell);
  }
  const cycle = resolveCycle(route, states);
  if (typeof cycle === 'string') return 0n;
  const profit = (x: bigint): bigint => {
    const q = quoteCycle(cycle, x);
    return q.ok ? q.profit : -(1n << 255n);
  };
  let lo = 1n;
  let hi = cycle.borrow.reserve0 - 1n;
  while (hi - lo > SCAN_WINDOW) {
    const third = (hi - lo) / 3n;
    const m1 = lo + third;
    const m2 = hi - third;
    if (profit(m1) < profit(m2)) lo = m1 + 1n;
    else hi = m2;
  }
  let best = 0n;
  let bestProfit = 0n;
  for (let x = lo; x <= hi; x++) {
    const p = profit(x);
    if (p > bestProfit) {
      best = x;
      bestProfit = p;
    }
  }
  return best;
}
