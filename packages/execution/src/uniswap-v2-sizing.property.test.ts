import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { optimalFlashSwapAmount, type PoolReserves, simulateFlashSwap } from './uniswap-v2.js';
import { type CyclePool, simulateCycle } from './uniswap-v2-cycle.js';
import { exactOptimalFlashSwapAmount, optimalCycleAmount } from './uniswap-v2-cycle-sizing.js';

// An independent reference: UniswapV2Library's integer formulas in float64 integers. Exact for
// reserves ≤ 1e6 (every product stays below 2^53), and floor(a / b) = (a − a mod b) / b is exact.
const floorDiv = (a: number, b: number): number => (a - (a % b)) / b;
const amountOut = (x: number, rin: number, rout: number): number =>
  floorDiv(x * 997 * rout, rin * 1000 + x * 997);
const amountIn = (out: number, rin: number, rout: number): number =>
  floorDiv(rin * out * 1000, (rout - out) * 997) + 1;

interface NumberHop {
  readonly rin: number;
  readonly rout: number;
}

/** The best profit over every integer borrowed amount 1..xA−1 (0 when none pays). */
function bruteForceBest(hops: readonly NumberHop[]): number {
  const first = hops[0]!;
  let best = 0;
  for (let a = 1; a < first.rout; a++) {
    let x = a;
    for (let i = 1; i < hops.length && x > 0; i++) x = amountOut(x, hops[i]!.rin, hops[i]!.rout);
    if (x <= 0) continue;
    const profit = x - amountIn(a, first.rin, first.rout);
    if (profit > best) best = profit;
  }
  return best;
}

const hopsOf = (pools: readonly CyclePool[]): NumberHop[] =>
  pools.map((p) => ({
    rin: Number(p.zeroForOne ? p.reserve0 : p.reserve1),
    rout: Number(p.zeroForOne ? p.reserve1 : p.reserve0),
  }));

const reserve = fc.integer({ min: 1_000, max: 1_000_000 });
/** A pool pair whose sell pool prices token0 between 5% below and 30% above the borrow pool. */
const poolPair = fc
  .record({ xA: reserve, yA: reserve, xB: reserve, gapBp: fc.integer({ min: -500, max: 3_000 }) })
  .map(({ xA, yA, xB, gapBp }) => {
    const ideal = ((yA / xA) * xB * (10_000 + gapBp)) / 10_000;
    const scale = ideal > 1_000_000 ? 1_000_000 / ideal : 1; // both scaled: the sell pool keeps its price
    const borrow: PoolReserves = { reserve0: BigInt(xA), reserve1: BigInt(yA) };
    const sell: PoolReserves = {
      reserve0: BigInt(Math.max(1, Math.floor(xB * scale))),
      reserve1: BigInt(Math.max(1, Math.floor(ideal * scale))),
    };
    return { borrow, sell };
  });

/** An n-pool cycle T → X1 → … → T with random token orders and a mispricing on the way back. */
const cycle = (n: number) =>
  fc
    .record({
      prices: fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: n, maxLength: n }),
      depths: fc.array(reserve, { minLength: n, maxLength: n }),
      orders: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      gapBp: fc.integer({ min: -500, max: 3_000 }),
    })
    .map(({ prices, depths, orders, gapBp }) => {
      // Token i is worth prices[i] of T (token 0 is T itself, price 1). Pool i swaps token i → token i+1 (mod n).
      const price = (i: number): number => (i % n === 0 ? 1 : prices[i]!);
      return depths.map((depth, i): CyclePool => {
        const gap = i === n - 1 ? (10_000 + gapBp) / 10_000 : 1;
        // Scaled down together when the output reserve would pass 1e6, so the pool keeps its price.
        const ideal = ((depth * price(i)) / price(i + 1)) * gap;
        const scale = ideal > 1_000_000 ? 1_000_000 / ideal : 1;
        const rin = Math.max(1, Math.floor(depth * scale));
        const rout = Math.max(2, Math.floor(ideal * scale));
        const zeroForOne = orders[i]!;
        return zeroForOne
          ? { reserve0: BigInt(rin), reserve1: BigInt(rout), zeroForOne }
          : { reserve0: BigInt(rout), reserve1: BigInt(rin), zeroForOne };
      });
    });

const asCycle = (borrow: PoolReserves, sell: PoolReserves): CyclePool[] => [
  { ...borrow, zeroForOne: false },
  { ...sell, zeroForOne: true },
];

// Each brute-force property scans up to 1e6 amounts per case (a few seconds per property).
describe('exact sizing against brute force over every integer amount (reserves ≤ 1e6 wei)', {
  timeout: 60_000,
}, () => {
  it('the closed form ± 16 wei (optimalFlashSwapAmount) is not always the integer optimum', () => {
    const borrow = { reserve0: 665_046n, reserve1: 457_954n };
    const sell = { reserve0: 187_121n, reserve1: 149_383n };
    const closed = simulateFlashSwap(borrow, sell, optimalFlashSwapAmount(borrow, sell));
    expect(closed.ok && [closed.amount0, closed.profit1]).toEqual([10_570n, 545n]);
    expect(bruteForceBest(hopsOf(asCycle(borrow, sell)))).toBe(546);
    expect(exactOptimalFlashSwapAmount(borrow, sell)).toEqual({
      amountIn: 10_519n,
      profit: 546n,
      exact: true,
    });
  });

  it('the closed form ± 16 wei falls short of the integer optimum by at most 1 wei', () => {
    fc.assert(
      fc.property(poolPair, ({ borrow, sell }) => {
        const amount = optimalFlashSwapAmount(borrow, sell);
        const sim = amount > 0n ? simulateFlashSwap(borrow, sell, amount) : undefined;
        const profit = sim?.ok ? Number(sim.profit1) : 0;
        const best = bruteForceBest(hopsOf(asCycle(borrow, sell)));
        expect(best - profit).toBeGreaterThanOrEqual(0);
        expect(best - profit).toBeLessThanOrEqual(1);
      }),
      { numRuns: 150, seed: 16 },
    );
  });

  it('exactOptimalFlashSwapAmount reaches the brute-force maximum profit of every two-pool flash swap', () => {
    fc.assert(
      fc.property(poolPair, ({ borrow, sell }) => {
        const sizing = exactOptimalFlashSwapAmount(borrow, sell);
        expect(sizing.exact).toBe(true);
        const sim = sizing.amountIn > 0n ? simulateFlashSwap(borrow, sell, sizing.amountIn) : undefined;
        expect(sim === undefined ? 0n : sim.ok && sim.profit1).toBe(sizing.profit);
        expect(Number(sizing.profit)).toBe(bruteForceBest(hopsOf(asCycle(borrow, sell))));
      }),
      { numRuns: 200, seed: 1616 },
    );
  });

  it('a two-pool cycle simulates exactly as simulateFlashSwap', () => {
    fc.assert(
      fc.property(poolPair, fc.double({ min: 0, max: 1, noNaN: true }), ({ borrow, sell }, f) => {
        const amount = BigInt(Math.max(1, Math.floor(Number(borrow.reserve0 - 1n) * f)));
        const flash = simulateFlashSwap(borrow, sell, amount);
        const cyc = simulateCycle(asCycle(borrow, sell), amount);
        if (flash.ok && flash.out1 > 0n) {
          expect(cyc.ok && [cyc.repay, cyc.out, cyc.profit]).toEqual([
            flash.repay1,
            flash.out1,
            flash.profit1,
          ]);
        } else {
          // A zero output reverts in UniswapV2Pair.swap (INSUFFICIENT_OUTPUT_AMOUNT); the cycle says so.
          expect(cyc.ok).toBe(false);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it.each([3, 4])('optimalCycleAmount reaches the brute-force maximum profit of %i-pool cycles', (n) => {
    fc.assert(
      fc.property(cycle(n), (pools) => {
        const sizing = optimalCycleAmount(pools);
        expect(sizing.exact).toBe(true);
        const sim = sizing.amountIn > 0n ? simulateCycle(pools, sizing.amountIn) : undefined;
        expect(sim === undefined ? 0n : sim.ok && sim.profit).toBe(sizing.profit);
        expect(Number(sizing.profit)).toBe(bruteForceBest(hopsOf(pools)));
      }),
      // Each case brute-forces up to 1e6 amounts through n pools: few cases, the 4-pool ones the dearest.
      { numRuns: n === 3 ? 80 : 30, seed: 300 + n },
    );
  });

  it('profitable cases are common in these generators (the properties are not vacuous)', () => {
    const pairs = fc.sample(poolPair, { numRuns: 200, seed: 1616 });
    const triangles = fc.sample(cycle(3), { numRuns: 200, seed: 303 });
    const paying = pairs.filter(({ borrow, sell }) => exactOptimalFlashSwapAmount(borrow, sell).profit > 0n);
    const payingTriangles = triangles.filter((pools) => optimalCycleAmount(pools).profit > 0n);
    expect(paying.length).toBeGreaterThan(120);
    expect(payingTriangles.length).toBeGreaterThan(80);
  });
});
