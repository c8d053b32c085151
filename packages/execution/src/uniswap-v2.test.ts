import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  flashSwapProfitBound,
  flashSwapUnprofitableAtPrices,
  getAmountIn,
  getAmountOut,
  optimalFlashSwapAmount,
  simulateFlashSwap,
  sqrtBigInt,
} from './uniswap-v2.js';

const E18 = 10n ** 18n;

describe('Uniswap V2 integer math', () => {
  it('getAmountOut matches the UniswapV2Library formula worked in Python', () => {
    // 1 token into a 100/200 pool: 997e18 × 200e18 / (100e18 × 1000 + 997e18)
    expect(getAmountOut(E18, 100n * E18, 200n * E18)).toBe(1974316068794122597n);
  });

  it('getAmountIn matches the UniswapV2Library formula (rounded up by one wei)', () => {
    expect(getAmountIn(E18, 100n * E18, 200n * E18)).toBe(504024636724243082n);
  });

  it('getAmountIn is the smallest input whose getAmountOut covers the output', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 10n ** 6n, max: 10n ** 24n }),
        fc.bigInt({ min: 10n ** 6n, max: 10n ** 24n }),
        fc.double({ min: 1e-6, max: 0.5, noNaN: true }),
        (rin, rout, frac) => {
          const out = BigInt(Math.max(1, Math.floor(Number(rout) * frac)));
          const needed = getAmountIn(out, rin, rout);
          expect(getAmountOut(needed, rin, rout) >= out).toBe(true);
        },
      ),
      { numRuns: 300, seed: 3 },
    );
  });

  it('sqrtBigInt is the exact floor square root', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 60n }), (n) => {
        const r = sqrtBigInt(n);
        expect(r * r <= n && (r + 1n) * (r + 1n) > n).toBe(true);
      }),
      { numRuns: 500, seed: 5 },
    );
  });

  it('the closed-form flash-swap size is the exact integer optimum found by brute force', () => {
    const borrow = { reserve0: 1_000_000n, reserve1: 2_000_000n };
    const sell = { reserve0: 1_000_000n, reserve1: 2_200_000n };
    let best = 0n;
    let bestProfit = 0n;
    for (let dx = 1n; dx < 100_000n; dx++) {
      const sim = simulateFlashSwap(borrow, sell, dx);
      if (sim.ok && sim.profit1 > bestProfit) {
        best = dx;
        bestProfit = sim.profit1;
      }
    }
    const dx = optimalFlashSwapAmount(borrow, sell);
    const sim = simulateFlashSwap(borrow, sell, dx);
    expect(sim.ok && sim.profit1).toBe(bestProfit);
    // the float optimum of the same route (derived independently) is ≈ 22,354 units
    expect(Number(dx)).toBeGreaterThan(22_340);
    expect(Number(dx)).toBeLessThan(22_370);
    expect(best).toBeGreaterThan(0n);
  });

  it('no amount near the closed-form size beats it on wei-scale pools', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 10n ** 20n, max: 10n ** 25n }),
        fc.integer({ min: 10, max: 500 }),
        fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }),
        (reserve0, gapBps, shift) => {
          const borrow = { reserve0, reserve1: reserve0 * 2n };
          const sell = { reserve0, reserve1: (reserve0 * 2n * BigInt(10_000 + gapBps)) / 10_000n };
          const dx = optimalFlashSwapAmount(borrow, sell);
          const at = simulateFlashSwap(borrow, sell, dx);
          const other = simulateFlashSwap(borrow, sell, dx + shift);
          if (dx === 0n) {
            // unprofitable gap (below the two 0.3% fees): nothing near zero is profitable either
            expect(!other.ok || other.profit1 <= 0n).toBe(true);
            return;
          }
          expect(at.ok).toBe(true);
          if (at.ok && other.ok) expect(at.profit1 >= other.profit1).toBe(true);
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });

  it('returns 0 when the borrow pool is not the cheaper one', () => {
    const a = { reserve0: 1000n * E18, reserve1: 2000n * E18 };
    const b = { reserve0: 1000n * E18, reserve1: 2200n * E18 };
    expect(optimalFlashSwapAmount(b, a)).toBe(0n);
  });

  it('skips the integer arithmetic only for routes whose exact closed-form numerator is ≤ 0', () => {
    // The closed form without the floating-point pre-check, as a reference.
    const exact = (
      borrow: { reserve0: bigint; reserve1: bigint },
      sell: { reserve0: bigint; reserve1: bigint },
    ) => {
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
    };
    fc.assert(
      fc.property(
        fc.bigInt({ min: 10n ** 6n, max: 10n ** 27n }),
        fc.bigInt({ min: 10n ** 6n, max: 10n ** 27n }),
        // around the fee band (≈ 0.6 %), where the pre-check must not guess
        fc.oneof(fc.integer({ min: -900_000, max: 900_000 }), fc.integer({ min: -200, max: 200 })),
        fc.bigInt({ min: 1n, max: 10n ** 3n }),
        (reserve0, reserve1, gapPpm, scaleB) => {
          const borrow = { reserve0, reserve1 };
          const sell = {
            reserve0: reserve0 * scaleB,
            reserve1: (reserve1 * scaleB * BigInt(1_000_000 + 6_000 + gapPpm)) / 1_000_000n,
          };
          expect(optimalFlashSwapAmount(borrow, sell)).toBe(exact(borrow, sell));
        },
      ),
      { numRuns: 2000, seed: 5 },
    );
  });

  it('flashSwapProfitBound is never below the best integer profit, and close to it', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 10n ** 18n, max: 10n ** 27n }),
        fc.bigInt({ min: 10n ** 18n, max: 10n ** 27n }),
        fc.oneof(fc.integer({ min: -50_000, max: 200_000 }), fc.integer({ min: 5_000, max: 8_000 })),
        (reserve0, reserve1, gapPpm) => {
          const borrow = { reserve0, reserve1 };
          const sell = { reserve0, reserve1: (reserve1 * BigInt(1_000_000 + gapPpm)) / 1_000_000n };
          const bound = flashSwapProfitBound(borrow, sell);
          const dx = optimalFlashSwapAmount(borrow, sell);
          const sim = dx > 0n ? simulateFlashSwap(borrow, sell, dx) : undefined;
          const best = sim?.ok ? Number(sim.profit1) : 0;
          expect(bound).toBeGreaterThanOrEqual(best);
          // The rounding of integer amounts costs a few wei; the bound is the continuous optimum.
          expect(bound - best).toBeLessThanOrEqual(1e-9 * Number(reserve1) + 1e6);
        },
      ),
      { numRuns: 1500, seed: 9 },
    );
  });

  it('flashSwapUnprofitableAtPrices skips only routes the reserves pay nothing on, even with prices off by 5e-5', () => {
    // Breakeven: sell/borrow = (1000/997)² ≈ 1.006027; skipped below it less the margin (≈ 1.005826).
    expect(flashSwapUnprofitableAtPrices(1, 1.0058)).toBe(true);
    expect(flashSwapUnprofitableAtPrices(1, 1.006)).toBe(false);
    expect(flashSwapUnprofitableAtPrices(1, 1.0061)).toBe(false);
    expect(flashSwapUnprofitableAtPrices(150, 150 * 0.99)).toBe(true);
    fc.assert(
      fc.property(
        fc.bigInt({ min: 10n ** 18n, max: 10n ** 27n }),
        fc.bigInt({ min: 10n ** 18n, max: 10n ** 27n }),
        fc.oneof(fc.integer({ min: -50_000, max: 200_000 }), fc.integer({ min: 5_500, max: 6_500 })),
        fc.double({ min: -5e-5, max: 5e-5, noNaN: true }),
        (reserve0, reserve1, gapPpm, error) => {
          const borrow = { reserve0, reserve1 };
          const sell = { reserve0, reserve1: (reserve1 * BigInt(1_000_000 + gapPpm)) / 1_000_000n };
          const price = (r: typeof borrow) => Number(r.reserve1) / Number(r.reserve0);
          if (flashSwapUnprofitableAtPrices(price(borrow), price(sell) * (1 + error))) {
            expect(optimalFlashSwapAmount(borrow, sell)).toBe(0n);
          }
        },
      ),
      { numRuns: 1500, seed: 11 },
    );
  });
});
