import { gasCostUsd, parseConfig, type Tick } from '@omni/core';
import {
  type FlashSwapRoute,
  getAmountIn,
  getAmountOut,
  optimalFlashSwapAmount,
  type PoolReserves,
  type PoolStateSource,
  ShadowArbitrageExecutor,
  SyntheticPoolPair,
  simulateFlashSwap,
} from '@omni/execution';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PoolRouteCandidates } from './route-candidates.js';

const WEI = 10n ** 18n;
const settings = parseConfig({}).engines.arbitrage; // 20 gwei, 250k gas, 3000 USD/ETH, min profit 1 USD

function pool(token0: number, token1: number): PoolReserves {
  return { reserve0: BigInt(token0) * WEI, reserve1: BigInt(token1) * WEI };
}

function route(
  routeId: string,
  borrowPool: PoolReserves,
  sellPool: PoolReserves,
  token1Usd = 1,
): FlashSwapRoute {
  return { routeId, borrowPool, sellPool, token1Usd, source: 'test:constructed', synthetic: true };
}

/** A fixed pool state: routes by id, plus a record of the ticks it was advanced with. */
class ConstructedPools implements PoolStateSource {
  readonly ticks: Tick[] = [];
  readonly #routes: Map<string, FlashSwapRoute>;
  readonly #ids: readonly string[];

  constructor(routes: readonly FlashSwapRoute[], extraIds: readonly string[] = []) {
    this.#routes = new Map(routes.map((r) => [r.routeId, r]));
    this.#ids = [...routes.map((r) => r.routeId), ...extraIds];
  }

  routeIds(): readonly string[] {
    return this.#ids;
  }

  route(routeId: string): FlashSwapRoute | undefined {
    return this.#routes.get(routeId);
  }

  onTick(tick: Tick): void {
    this.ticks.push(tick);
  }
}

/**
 * Float reference for the profit-maximising borrow, independent of the closed form: the root of
 * the derivative of the continuous profit
 * f(dx) = 997·dx·yS / (1000·xS + 997·dx) − 1000·yB·dx / (997·(xB − dx))
 * (sell-pool output minus the borrow pool's repayment), found by bisection:
 * f'(dx) = 997·1000·xS·yS / (1000·xS + 997·dx)² − 1000·yB·xB / (997·(xB − dx)²), decreasing in dx.
 */
function continuousOptimum(borrow: PoolReserves, sell: PoolReserves): number {
  const xB = Number(borrow.reserve0);
  const yB = Number(borrow.reserve1);
  const xS = Number(sell.reserve0);
  const yS = Number(sell.reserve1);
  const slope = (dx: number): number =>
    (997 * 1000 * xS * yS) / (1000 * xS + 997 * dx) ** 2 - (1000 * yB * xB) / (997 * (xB - dx) ** 2);
  let lo = 0;
  let hi = xB * 0.999;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (slope(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const tick: Tick = { symbol: 'ETHUSD', tsMs: 1_704_153_600_000, price: 1150, source: 'test' };

describe('PoolRouteCandidates', () => {
  // Borrow token0 at 1100 in A, sell at 1200 in B: a 9% dislocation on 1000-token pools.
  const profitable = route('A->B', pool(1000, 1_100_000), pool(1000, 1_200_000));
  // The reverse direction loses money at any size.
  const reverse = route('B->A', pool(1000, 1_200_000), pool(1000, 1_100_000));
  // 0.7% dislocation on 1000-token pools: profitable before gas (the fee is 0.6% round trip),
  // but only by cents, so gas makes it a loser.
  const thin = route('thin', pool(1000, 1_000_000), pool(1000, 1_007_000));

  it('prices a route at the closed-form optimum and reports its exact simulated profit, net of gas', () => {
    const pools = new ConstructedPools([profitable]);
    const [c, ...rest] = new PoolRouteCandidates(pools, settings).candidates(tick);
    expect(rest).toHaveLength(0);
    if (!c) throw new Error('expected one candidate');
    expect(c.routeId).toBe('A->B');

    // The amount is the continuous optimum up to integer rounding (relative 1e-12).
    const reference = continuousOptimum(profitable.borrowPool, profitable.sellPool);
    expect(Math.abs(Number(c.amountInWei) - reference) / reference).toBeLessThan(1e-12);
    // ...and no neighbouring integer amount does better in the exact simulation.
    const profitAt = (dx: bigint): bigint => {
      const sim = simulateFlashSwap(profitable.borrowPool, profitable.sellPool, dx);
      if (!sim.ok) throw new Error(sim.reason);
      return sim.profit1;
    };
    for (const d of [-1000n, -1n, 1n, 1000n])
      expect(profitAt(c.amountInWei + d)).toBeLessThanOrEqual(profitAt(c.amountInWei));

    // Profit by hand with the Uniswap V2 integer formulas: sell-pool output − borrow repayment.
    const repay = getAmountIn(c.amountInWei, profitable.borrowPool.reserve1, profitable.borrowPool.reserve0);
    const out = getAmountOut(c.amountInWei, profitable.sellPool.reserve0, profitable.sellPool.reserve1);
    expect(c.expectedProfitWei).toBe(out - repay);
    expect(c.expectedProfitWei).toBe(profitAt(c.amountInWei));
    // USD: profit in token1 × token1Usd − 15 USD of gas.
    expect(c.expectedProfitUsd).toBeCloseTo((Number(out - repay) / 1e18) * 1 - 15, 9);
    expect(c.expectedProfitUsd).toBeGreaterThan(0);
  });

  it('values token1 at its USD price before subtracting gas', () => {
    const priced = route('A->B', profitable.borrowPool, profitable.sellPool, 0.5);
    const [c] = new PoolRouteCandidates(new ConstructedPools([priced]), settings).candidates(tick);
    expect(c?.expectedProfitUsd).toBeCloseTo((Number(c?.expectedProfitWei) / 1e18) * 0.5 - 15, 9);
  });

  it('drops routes that lose money, routes whose profit does not cover gas, and unknown route ids', () => {
    const pools = new ConstructedPools([reverse, thin, profitable], ['unknown-route']);
    const candidates = new PoolRouteCandidates(pools, settings).candidates(tick);
    expect(candidates.map((c) => c.routeId)).toEqual(['A->B']);

    // The thin route is profitable before gas, so gas alone is what excludes it.
    const reference = BigInt(Math.round(continuousOptimum(thin.borrowPool, thin.sellPool)));
    const sim = simulateFlashSwap(thin.borrowPool, thin.sellPool, reference);
    expect(sim.ok && sim.profit1 > 0n).toBe(true);
    expect(sim.ok && Number(sim.profit1) / 1e18 < 15).toBe(true);
    // With free gas it becomes a candidate.
    const freeGas = { ...settings, gasPriceGwei: 0 };
    expect(
      new PoolRouteCandidates(new ConstructedPools([thin]), freeGas).candidates(tick).map((c) => c.routeId),
    ).toEqual(['thin']);
  });

  it('advances the pool source with the tick before pricing', () => {
    const pools = new ConstructedPools([profitable]);
    new PoolRouteCandidates(pools, settings).candidates(tick);
    expect(pools.ticks).toEqual([tick]);
  });

  it('prices gas at any source’s nextBaseFeeGwei (a chain: the next base fee plus the tip)', () => {
    const pools = Object.assign(new ConstructedPools([profitable]), { nextBaseFeeGwei: () => 33 });
    const [c] = new PoolRouteCandidates(pools, settings).candidates(tick);
    // 33 gwei × 250,000 gas × 3000 USD/ETH = 24.75 USD
    expect(c?.gasCostUsd).toBeCloseTo(24.75, 12);
    const [plain] = new PoolRouteCandidates(new ConstructedPools([profitable]), settings).candidates(tick);
    expect(plain?.gasCostUsd).toBeCloseTo(15, 12); // the configured 20 gwei
    expect((c?.expectedProfitUsd ?? 0) - (plain?.expectedProfitUsd ?? 0)).toBeCloseTo(-9.75, 9);
  });

  it('prices gas at the next block’s base fee on a block source, which is what the shadow executor charges', async () => {
    // Deep pools and a wide gap so that routes pay at any base fee; gas priced at 20 gwei on average.
    const pools = new SyntheticPoolPair({ seed: 11, symbol: 'ETHUSD', depthUsd: 50_000_000, sigmaBps: 60 });
    const candidates = new PoolRouteCandidates(pools, settings);
    const executor = new ShadowArbitrageExecutor(settings, pools);
    let checked = 0;
    for (let i = 1; i <= 200 && checked < 3; i++) {
      const t: Tick = { ...tick, tsMs: tick.tsMs + i * 12_000 };
      candidates.observe(t);
      const fee = pools.nextBaseFeeGwei(settings.gasPriceGwei);
      const expectedGas = gasCostUsd({ ...settings, gasPriceGwei: fee });
      expect(candidates.gasUsdNow()).toBe(expectedGas);
      const best = candidates.candidates(t)[0];
      if (best === undefined || fee === settings.gasPriceGwei) continue;
      expect(best.gasCostUsd).toBe(expectedGas);
      const report = await executor.execute(
        {
          engine: 'arbitrage',
          id: `d-${i}`,
          tsMs: t.tsMs,
          confidence: 0.6,
          reasons: ['test'],
          routeId: best.routeId,
          amountInWei: best.amountInWei,
          minProfitWei: 0n,
          gasCostUsd: expectedGas,
        },
        t,
      );
      // The executor paid exactly the gas the candidate (and so the governor and SafetyManager) priced.
      expect(report.status === 'settled' && report.outcome.stake).toBe(expectedGas);
      checked++;
    }
    expect(checked).toBe(3);
  });

  it('keeps exactly the routes the integer search keeps, whatever the gas (the profit bound only skips losers)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 10n ** 20n, max: 10n ** 26n }),
        fc.integer({ min: 500, max: 4000 }),
        fc.integer({ min: -20_000, max: 30_000 }),
        fc.double({ min: 0, max: 200, noNaN: true }),
        (reserve0, price, gapPpm, gasUsd) => {
          const a = { reserve0, reserve1: reserve0 * BigInt(price) };
          const b = {
            reserve0,
            reserve1: (reserve0 * BigInt(price) * BigInt(1_000_000 + gapPpm)) / 1_000_000n,
          };
          const pools = new ConstructedPools([route('A->B', a, b), route('B->A', b, a)]);
          // ethUsd scales the gas cost to gasUsd: 20 gwei × 250k gas = 0.005 ETH.
          const costly = { ...settings, ethUsd: gasUsd / 0.005 };
          const got = new PoolRouteCandidates(pools, costly).candidates(tick);
          const expected = [];
          for (const r of [route('A->B', a, b), route('B->A', b, a)]) {
            const amount = optimalFlashSwapAmount(r.borrowPool, r.sellPool);
            if (amount <= 0n) continue;
            const sim = simulateFlashSwap(r.borrowPool, r.sellPool, amount);
            if (!sim.ok || sim.profit1 <= 0n) continue;
            const profitUsd = (Number(sim.profit1) / 1e18) * r.token1Usd - gasCostUsd(costly);
            if (profitUsd > 0) expected.push(r.routeId);
          }
          expect(got.map((c) => c.routeId)).toEqual(expected);
        },
      ),
      { numRuns: 400, seed: 3 },
    );
  });
});

describe('PoolRouteCandidates skipping on float prices', () => {
  it('proposes the same candidates as a source without poolPrice/sellPoolPrice, building far fewer routes', () => {
    const free = { ...settings, gasPriceGwei: 0 };
    const withPrices = new SyntheticPoolPair({ seed: 3, symbol: 'EURUSD', sigmaBps: 30 });
    const plain = new SyntheticPoolPair({ seed: 3, symbol: 'EURUSD', sigmaBps: 30 });
    let built = 0;
    // The same pools seen only through routeIds/route/onTick: every route is built and searched.
    const reservesOnly: PoolStateSource = {
      routeIds: () => plain.routeIds(),
      route: (id) => plain.route(id),
      onTick: (t) => plain.onTick(t),
    };
    const counting: PoolStateSource = {
      routeIds: () => withPrices.routeIds(),
      poolPrice: (id) => withPrices.poolPrice(id),
      sellPoolPrice: (id) => withPrices.sellPoolPrice(id),
      route: (id) => {
        built++;
        return withPrices.route(id);
      },
      onTick: (t) => withPrices.onTick(t),
    };
    const a = new PoolRouteCandidates(counting, free);
    const b = new PoolRouteCandidates(reservesOnly, free);
    const fast: unknown[] = [];
    const searched: unknown[] = [];
    for (let i = 1; i <= 2000; i++) {
      const tick: Tick = {
        symbol: 'EURUSD',
        tsMs: i * 86_400_000,
        price: 1.1 + 0.0001 * (i % 50),
        source: 'test',
      };
      fast.push(...a.candidates(tick));
      searched.push(...b.candidates(tick));
    }
    expect(fast).toEqual(searched);
    const proposed = fast.length;
    // sigma 30 bps, persistence 0.9: |d| clears the 0.6% round-trip fee on a minority of blocks.
    expect(proposed).toBe(718);
    expect(built).toBe(744); // of 4,000 route quotes
  });
});
