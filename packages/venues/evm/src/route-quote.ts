import {
  type CyclePool,
  optimalCycleAmount,
  optimalFlashSwapAmount,
  type PoolReserves,
  simulateCycle,
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

/**
 * The route as a cycle of @omni/execution (`CyclePool`s: each pair's own reserves and the side it is
 * traded on), or the reason it does not close. The borrow pair comes first with the direction of the
 * equivalent swap (repaid token in, borrowed token out).
 */
export function cyclePools(route: EvmRoute, states: PairStates): CyclePool[] | string {
  const borrowState = stateOf(states, route.borrowPair);
  const borrowToken = getAddress(route.borrowToken);
  const repayToken = otherToken(borrowState, borrowToken);
  const pools: CyclePool[] = [{ ...reservesOf(borrowState), zeroForOne: borrowState.token0 === repayToken }];
  let token = borrowToken;
  for (const pair of route.sellPath) {
    const state = stateOf(states, pair);
    const out = otherToken(state, token);
    pools.push({ ...reservesOf(state), zeroForOne: state.token0 === token });
    token = out;
  }
  if (token !== repayToken) return 'the sell path does not end in the repaid token';
  return pools;
}

function reservesOf(state: PairState): PoolReserves {
  return { reserve0: state.reserve0, reserve1: state.reserve1 };
}

/**
 * Quotes borrowing `amountIn` along `route` on `states`, in exact integers as FlashArbExecutor
 * computes it: two-pool routes with `simulateFlashSwap` of @omni/execution, cycles with its
 * `simulateCycle` (`getAmountOut` hop by hop, each pair's output feeding the next; `getAmountIn`
 * repays the borrow pair).
 */
export function quoteRoute(route: EvmRoute, states: PairStates, amountIn: bigint): RouteQuote {
  if (isTwoPool(route)) {
    const borrow = orientReserves(stateOf(states, route.borrowPair), route.borrowToken);
    const sell = orientReserves(stateOf(states, route.sellPath[0] ?? ''), route.borrowToken);
    const sim = simulateFlashSwap(borrow, sell, amountIn);
    if (!sim.ok) return sim;
    return { ok: true, amountIn, repay: sim.repay1, received: sim.out1, profit: sim.profit1 };
  }
  const pools = cyclePools(route, states);
  if (typeof pools === 'string') return { ok: false, reason: pools };
  const sim = simulateCycle(pools, amountIn);
  if (!sim.ok) return sim;
  return { ok: true, amountIn, repay: sim.repay, received: sim.out, profit: sim.profit };
}

/**
 * The profit-maximising amount to borrow along `route`, 0n when nothing pays. Two-pool routes:
 * `optimalFlashSwapAmount` of @omni/execution (the closed form refined ± 16 wei on the exact
 * simulation). Cycles: `optimalCycleAmount` of @omni/execution (virtual-pool closed form, then an
 * exact search on the integer simulation).
 */
export function sizeRoute(route: EvmRoute, states: PairStates): bigint {
  if (isTwoPool(route)) {
    const borrow = orientReserves(stateOf(states, route.borrowPair), route.borrowToken);
    const sell = orientReserves(stateOf(states, route.sellPath[0] ?? ''), route.borrowToken);
    return optimalFlashSwapAmount(borrow, sell);
  }
  const pools = cyclePools(route, states);
  return typeof pools === 'string' ? 0n : optimalCycleAmount(pools).amountIn;
}
