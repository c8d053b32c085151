import type { Tick } from '@omni/core';
import { type FlashSwapRoute, type PoolStateSource, SyntheticPoolPair } from '@omni/execution';
import { describe, expect, it } from 'vitest';
import { PoolPriceVolatility } from './pool-volatility.js';

const WEI = 10n ** 18n;

/** One pool whose token1/token0 price the test sets; `block` optional. */
class PricedPool implements PoolStateSource {
  price = 1;
  block: number | undefined;
  constructor(withBlocks: boolean) {
    this.block = withBlocks ? 0 : undefined;
  }
  routeIds(): readonly string[] {
    return ['r'];
  }
  route(routeId: string): FlashSwapRoute | undefined {
    if (routeId !== 'r') return undefined;
    const reserve0 = 1000n * WEI;
    const reserve1 = BigInt(Math.round(this.price * 1e6)) * 1000n * 10n ** 12n;
    const pool = { reserve0, reserve1 };
    return { routeId, borrowPool: pool, sellPool: pool, token1Usd: 1, source: 'test', synthetic: true };
  }
}

/** Sample std (n − 1) of log returns of `prices`. */
function referenceStd(prices: readonly number[]): number {
  const r = prices.slice(1).map((p, i) => Math.log(p / (prices[i] as number)));
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  return Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
}

describe('PoolPriceVolatility', () => {
  it('is the sample std of the reference pool’s per-block log returns over the window', () => {
    const pools = new PricedPool(true);
    const vol = new PoolPriceVolatility(pools, { window: 4 });
    const prices = [2, 2.02, 1.99, 2.03, 2.01, 2.05];
    const seen: (number | null)[] = [];
    for (const p of prices) {
      pools.price = p;
      pools.block = (pools.block ?? 0) + 1;
      seen.push(vol.observe());
    }
    // Four returns are needed: null for the first four prices.
    expect(seen.slice(0, 4)).toEqual([null, null, null, null]);
    expect(seen[4]).toBeCloseTo(referenceStd(prices.slice(0, 5)), 12);
    expect(seen[5]).toBeCloseTo(referenceStd(prices.slice(1, 6)), 12);
  });

  it('samples once per block: a repeated read in the same block changes nothing', () => {
    const pools = new PricedPool(true);
    const vol = new PoolPriceVolatility(pools, { window: 2 });
    for (const p of [1, 1.1, 1.21]) {
      pools.price = p;
      pools.block = (pools.block ?? 0) + 1;
      vol.observe();
    }
    const value = vol.value;
    pools.price = 5; // read again without a new block: ignored
    expect(vol.observe()).toBe(value);
    // Two equal log returns of ln 1.1: std 0 (as the price moved by the same factor twice).
    expect(value).toBeCloseTo(0, 12);
  });

  it('without block numbers, samples when the price moves', () => {
    const pools = new PricedPool(false);
    const vol = new PoolPriceVolatility(pools, { window: 2 });
    for (const p of [1, 1, 1.1, 1.1, 1.155]) {
      pools.price = p;
      vol.observe();
    }
    expect(vol.value).toBeCloseTo(referenceStd([1, 1.1, 1.155]), 12);
  });

  it('follows the synthetic pools’ own price, not the feed’s: a flat feed still has DEX volatility', () => {
    const pools = new SyntheticPoolPair({ seed: 7, symbol: 'X' });
    const vol = new PoolPriceVolatility(pools);
    for (let i = 1; i <= 40; i++) {
      const tick: Tick = { symbol: 'X', tsMs: i * 1000, price: 2000, source: 'test' };
      pools.onTick(tick);
      vol.observe();
    }
    // The feed never moved; the pool's price did (its dislocation is an AR(1) with σ 20 bp per block).
    // Pool A's price is 2000·(1 + d/2): its log return ≈ Δd/2, sd ≈ 20 bp · √(1 + 0.1²/0.19) / 2 ≈ 10 bp.
    expect(vol.value).toBeCloseTo(0.0008384634049200054, 15);
  });

  it('refuses a window below 2', () => {
    expect(() => new PoolPriceVolatility(new PricedPool(true), { window: 1 })).toThrow(/window/);
  });
});
