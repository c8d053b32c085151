import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { optimalFlashSwapAmount, simulateFlashSwap } from './uniswap-v2.js';
import {
  type CyclePool,
  closedFormCycleAmount,
  composeVirtualPool,
  simulateCycle,
} from './uniswap-v2-cycle.js';
import { exactOptimalFlashSwapAmount, optimalCycleAmount } from './uniswap-v2-cycle-sizing.js';

const E18 = 10n ** 18n;

// Tokens T, X, Y: tx = (T, X) 100,000/200,000 (X = 0.5 T), xy = (X, Y) 200,000/100,000 (Y = 1 T),
// yt = (T, Y) 110,000/100,000 (Y = 1.1 T there). Borrow X from tx, X → Y on xy, Y → T on yt, repay tx in T.
const triangle: CyclePool[] = [
  { reserve0: 100_000n, reserve1: 200_000n, zeroForOne: true }, // T in, X out (the borrow)
  { reserve0: 200_000n, reserve1: 100_000n, zeroForOne: true }, // X in, Y out
  { reserve0: 110_000n, reserve1: 100_000n, zeroForOne: false }, // Y in, T out
];

describe('simulateCycle', () => {
  it('repays with getAmountIn and sells with getAmountOut (worked by hand)', () => {
    // repay = ⌊2000·20·1000 / (980·997)⌋ + 1 = 41; out = ⌊20·997·2200 / (1000·1000 + 20·997)⌋ = 43
    const pools: CyclePool[] = [
      { reserve0: 1000n, reserve1: 2000n, zeroForOne: false },
      { reserve0: 1000n, reserve1: 2200n, zeroForOne: true },
    ];
    expect(simulateCycle(pools, 20n)).toEqual({ ok: true, amountIn: 20n, repay: 41n, out: 43n, profit: 2n });
  });

  it('walks a triangle through each pool in its own token order', () => {
    // repay = ⌊100000·2966·1000 / (197034·997)⌋ + 1 = 1510; Y = ⌊2966·997·100000 / (200000·1000 + 2966·997)⌋ = 1457;
    // T = ⌊1457·997·110000 / (100000·1000 + 1457·997)⌋ = 1575
    expect(simulateCycle(triangle, 2966n)).toEqual({
      ok: true,
      amountIn: 2966n,
      repay: 1510n,
      out: 1575n,
      profit: 65n,
    });
  });

  it('says why the contract would revert', () => {
    expect(simulateCycle(triangle, 0n)).toEqual({
      ok: false,
      reason: 'the borrowed amount must be positive',
    });
    expect(simulateCycle(triangle, 200_000n)).toEqual({
      ok: false,
      reason: 'INSUFFICIENT_LIQUIDITY in the borrow pool',
    });
    expect(simulateCycle(triangle, 1n)).toEqual({
      ok: false,
      reason: 'INSUFFICIENT_OUTPUT_AMOUNT at pool 2 of the cycle',
    });
    expect(() => simulateCycle(triangle.slice(0, 1), 5n)).toThrow(/at least 2 pools/);
  });
});

describe('composeVirtualPool', () => {
  it('composes two hops into the pool form (worked by hand)', () => {
    // (1000, 2000) then (3000, 1500): ea = 1000·1000·3000, eb = 997·2000·1500, den = 1000·3000 + 997·2000
    const pools: CyclePool[] = [
      { reserve0: 1n, reserve1: 1n, zeroForOne: true },
      { reserve0: 1000n, reserve1: 2000n, zeroForOne: true },
      { reserve0: 1500n, reserve1: 3000n, zeroForOne: false },
    ];
    expect(composeVirtualPool(pools)).toEqual({ ea: 3_000_000_000n, eb: 2_991_000_000n, den: 4_994_000n });
  });

  it('gives exactly the chained continuous output of its hops (exact fractions)', () => {
    const hop = fc.record({
      rin: fc.bigInt({ min: 1n, max: 10n ** 24n }),
      rout: fc.bigInt({ min: 1n, max: 10n ** 24n }),
    });
    fc.assert(
      fc.property(
        fc.array(hop, { minLength: 1, maxLength: 4 }),
        fc.bigInt({ min: 1n, max: 10n ** 24n }),
        (hops, x) => {
          const pools: CyclePool[] = [
            { reserve0: 1n, reserve1: 1n, zeroForOne: true },
            ...hops.map((h) => ({ reserve0: h.rin, reserve1: h.rout, zeroForOne: true })),
          ];
          // the chain: o ← 997·o·b / (1000·a + 997·o), as a fraction num/den
          let num = x;
          let den = 1n;
          for (const h of hops) [num, den] = [997n * num * h.rout, 1000n * h.rin * den + 997n * num];
          const v = composeVirtualPool(pools);
          const vNum = 997n * x * v.eb;
          const vDen = 1000n * v.ea + 997n * x * v.den;
          expect(vNum * den).toBe(num * vDen);
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });
});

describe('sizing', () => {
  it('the virtual-pool closed form of two pools is the two-pool continuous optimum (≈ 22,354)', () => {
    const pools: CyclePool[] = [
      { reserve0: 1_000_000n, reserve1: 2_000_000n, zeroForOne: false },
      { reserve0: 1_000_000n, reserve1: 2_200_000n, zeroForOne: true },
    ];
    expect(closedFormCycleAmount(pools)).toBe(22_354n);
  });

  it('sizes the triangle at its brute-force optimum (2,966 X for 65 T, worked by a scan of every amount)', () => {
    expect(optimalCycleAmount(triangle)).toEqual({ amountIn: 2966n, profit: 65n, exact: true });
  });

  it('returns no trade when the cycle cannot pay its fees', () => {
    const flat: CyclePool[] = [
      { reserve0: 100_000n, reserve1: 200_000n, zeroForOne: true },
      { reserve0: 200_000n, reserve1: 100_000n, zeroForOne: true },
      { reserve0: 100_500n, reserve1: 100_000n, zeroForOne: false }, // 0.5% apart: less than three 0.3% fees
    ];
    expect(optimalCycleAmount(flat)).toEqual({ amountIn: 0n, profit: 0n, exact: true });
  });

  it('finds the optimum ± 16 wei misses, and says when its candidate cap stops it short', () => {
    const borrow = { reserve0: 665_046n, reserve1: 457_954n };
    const sell = { reserve0: 187_121n, reserve1: 149_383n };
    expect(optimalFlashSwapAmount(borrow, sell)).toBe(10_570n);
    expect(exactOptimalFlashSwapAmount(borrow, sell)).toEqual({
      amountIn: 10_519n,
      profit: 546n,
      exact: true,
    });
    expect(exactOptimalFlashSwapAmount(borrow, sell, { maxCandidates: 0 })).toEqual({
      amountIn: 10_570n,
      profit: 545n,
      exact: false,
    });
  });

  it('never does worse than optimalFlashSwapAmount on wei-scale pools', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 10n ** 20n, max: 10n ** 25n }),
        fc.integer({ min: 10, max: 500 }),
        (r, gapBps) => {
          const borrow = { reserve0: r, reserve1: r * 2n };
          const sell = { reserve0: r, reserve1: (r * 2n * BigInt(10_000 + gapBps)) / 10_000n };
          const sizing = exactOptimalFlashSwapAmount(borrow, sell, { maxCandidates: 64 });
          const closed = simulateFlashSwap(borrow, sell, optimalFlashSwapAmount(borrow, sell));
          expect(sizing.profit >= (closed.ok ? closed.profit1 : 0n)).toBe(true);
          if (sizing.amountIn === 0n) expect(sizing.profit).toBe(0n);
          else {
            const sim = simulateFlashSwap(borrow, sell, sizing.amountIn);
            expect(sim.ok && sim.profit1).toBe(sizing.profit);
          }
        },
      ),
      { numRuns: 100, seed: 21 },
    );
  });

  it('sizes a 1,000-token pool pair 10% apart exactly (1e18-wei tokens)', () => {
    const sizing = exactOptimalFlashSwapAmount(
      { reserve0: 1000n * E18, reserve1: 2000n * E18 },
      { reserve0: 1000n * E18, reserve1: 2200n * E18 },
    );
    expect(sizing.exact).toBe(true);
    // continuous optimum (float): 22.354365 tokens for 2.0944724 tokens of profit
    expect(Number(sizing.amountIn) / 1e18).toBeCloseTo(22.354365, 5);
    expect(Number(sizing.profit) / 1e18).toBeCloseTo(2.0944724, 6);
  });
});
