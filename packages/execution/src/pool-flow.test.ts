import { Rng } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { afterFlashSwap, applyPoolFlow } from './pool-flow.js';
import { simulateFlashSwap } from './uniswap-v2.js';
import { exactOptimalFlashSwapAmount } from './uniswap-v2-cycle-sizing.js';

const E18 = 10n ** 18n;
/** token0 at 1.10 token1 in A and 1.12 in B: borrowing from A and selling in B pays. */
const A = { reserve0: 1_000_000n * E18, reserve1: 1_100_000n * E18 };
const B = { reserve0: 1_000_000n * E18, reserve1: 1_120_000n * E18 };

describe('applyPoolFlow', () => {
  it('leaves the pools alone when there is no noise and no rival', () => {
    const flow = applyPoolFlow(A, B, new Rng(1), { noiseTradesMax: 0, rivalProbability: 0 });
    expect(flow).toEqual({ a: A, b: B, noiseTrades: 0, rivalAmount0: 0n, rivalBorrowed: 'none' });
  });

  it('a whole rival takes the exact optimal amount and leaves no profitable amount', () => {
    const flow = applyPoolFlow(A, B, new Rng(1), {
      noiseTradesMax: 0,
      rivalProbability: 1,
      rivalFullShare: 1,
    });
    const optimal = exactOptimalFlashSwapAmount(A, B).amountIn;
    expect(flow.rivalBorrowed).toBe('a');
    expect(flow.rivalAmount0).toBe(optimal);
    const sim = simulateFlashSwap(A, B, optimal);
    if (!sim.ok) throw new Error('simulates');
    const after = afterFlashSwap(A, B, optimal, sim.repay1, sim.out1);
    expect(flow.a).toEqual(after.borrow);
    expect(flow.b).toEqual(after.sell);
    expect(exactOptimalFlashSwapAmount(flow.a, flow.b).amountIn).toBe(0n);
    expect(exactOptimalFlashSwapAmount(flow.b, flow.a).amountIn).toBe(0n);
  });

  it('a partial rival takes 10–100 % of the optimal amount; what is left still pays', () => {
    const flow = applyPoolFlow(A, B, new Rng(2), {
      noiseTradesMax: 0,
      rivalProbability: 1,
      rivalFullShare: 0,
    });
    const optimal = exactOptimalFlashSwapAmount(A, B).amountIn;
    expect(flow.rivalAmount0 * 10n).toBeGreaterThanOrEqual(optimal);
    expect(flow.rivalAmount0).toBeLessThan(optimal);
    expect(exactOptimalFlashSwapAmount(flow.a, flow.b).profit).toBeGreaterThan(0n);
  });

  it('noise swaps keep the constant product from falling (the 0.3 % fee stays in the pool)', () => {
    for (let seed = 0; seed < 50; seed++) {
      const flow = applyPoolFlow(A, B, new Rng(seed), {
        noiseTradesMax: 3,
        noiseSizeBps: 20,
        rivalProbability: 0,
      });
      expect(flow.a.reserve0 * flow.a.reserve1).toBeGreaterThanOrEqual(A.reserve0 * A.reserve1);
      expect(flow.b.reserve0 * flow.b.reserve1).toBeGreaterThanOrEqual(B.reserve0 * B.reserve1);
    }
  });

  it('is a pure function of its Rng', () => {
    const run = () => applyPoolFlow(A, B, new Rng(9).fork('block/7'));
    expect(run()).toEqual(run());
  });
});
