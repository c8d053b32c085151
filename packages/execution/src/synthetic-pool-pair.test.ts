import { type ArbitrageDecision, gasCostUsd, type TradeOutcome } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { decision, gas, tick } from './arbitrage.fixture.js';
import { isBlockPoolSource, readOnlyPoolView } from './block-pool-source.js';
import type { PoolFlowOptions } from './pool-flow.js';
import { ShadowArbitrageExecutor } from './shadow-arbitrage-executor.js';
import { SyntheticPoolPair } from './synthetic-pool-pair.js';
import { optimalFlashSwapAmount, simulateFlashSwap } from './uniswap-v2.js';

const NO_FLOW: PoolFlowOptions = { noiseTradesMax: 0, rivalProbability: 0 };

/** Advances `pools` until one route pays at block n; returns that route and its optimal amount. */
function firstGap(
  pools: SyntheticPoolPair,
  ex: ShadowArbitrageExecutor,
): { routeId: string; amount: bigint; i: number } {
  for (let i = 0; i < 10_000; i++) {
    ex.onTick(tick(i));
    for (const routeId of pools.routeIds()) {
      const r = pools.route(routeId)!;
      const amount = optimalFlashSwapAmount(r.borrowPool, r.sellPool);
      if (amount > 0n) return { routeId, amount, i };
    }
  }
  throw new Error('no gap in 10,000 blocks');
}

/** The outcome's gross profit in token1 wei, re-derived from its record (token1 = 1 USD). */
function grossUsd(o: TradeOutcome): number {
  return o.pnl + o.fees;
}

async function settle(ex: ShadowArbitrageExecutor, d: ArbitrageDecision, i: number): Promise<TradeOutcome> {
  const report = await ex.execute(d, tick(i));
  if (report.status !== 'settled') throw new Error(`not settled: ${report.status}`);
  return report.outcome;
}

describe('SyntheticPoolPair blocks: decide on block n, execute in block n+1', () => {
  it('realises exactly the predicted profit when block n+1 has no other flow', async () => {
    const pools = new SyntheticPoolPair({ seed: 42, sigmaBps: 40, flow: NO_FLOW, baseFeeBound: 1 });
    const ex = new ShadowArbitrageExecutor(gas, pools);
    const { routeId, amount, i } = firstGap(pools, ex);
    const quoted = pools.route(routeId)!;
    const predicted = simulateFlashSwap(quoted.borrowPool, quoted.sellPool, amount);
    if (!predicted.ok) throw new Error('the optimal amount must simulate');
    const o = await settle(ex, decision('a', routeId, amount, predicted.profit1), i);
    expect(o.rule).toBe('arbitrage-filled-synthetic');
    expect(o.fees).toBe(gasCostUsd(gas));
    expect(o.pnl).toBe(Number(predicted.profit1) / 1e18 - gasCostUsd(gas));
  });

  it('reverts and loses only gas when a rival takes the whole gap first', async () => {
    const pools = new SyntheticPoolPair({
      seed: 42,
      sigmaBps: 40,
      flow: { noiseTradesMax: 0, rivalProbability: 1, rivalFullShare: 1 },
    });
    const ex = new ShadowArbitrageExecutor(gas, pools);
    const { routeId, amount, i } = firstGap(pools, ex);
    const quoted = pools.route(routeId)!;
    const predicted = simulateFlashSwap(quoted.borrowPool, quoted.sellPool, amount);
    expect(predicted.ok && predicted.profit1 > 0n).toBe(true);
    // After the rival's exact optimal swap nothing is left: our amount now loses.
    const met = pools.nextBlockRoute(routeId)!;
    const after = simulateFlashSwap(met.borrowPool, met.sellPool, amount);
    expect(after.ok && after.profit1 < 0n).toBe(true);
    const fee = gasCostUsd({ ...gas, gasPriceGwei: pools.nextBaseFeeGwei(gas.gasPriceGwei) });
    const o = await settle(ex, decision('a', routeId, amount, 0n), i);
    expect(o).toMatchObject({
      rule: 'arbitrage-reverted-min-profit-synthetic',
      exit: { kind: 'atomic', result: 'reverted-min-profit' },
      fees: fee,
      pnl: -fee,
    });
  });

  it('shrinks the profit under a partial rival to the exact simulation on the post-flow reserves', async () => {
    const pools = new SyntheticPoolPair({
      seed: 42,
      sigmaBps: 40,
      flow: { noiseTradesMax: 0, rivalProbability: 1, rivalFullShare: 0 },
      baseFeeBound: 1,
    });
    const ex = new ShadowArbitrageExecutor({ ...gas, gasPriceGwei: 0 }, pools);
    let shrunk = 0;
    for (let i = 0; i < 3000; i++) {
      ex.onTick(tick(i));
      for (const routeId of pools.routeIds()) {
        const r = pools.route(routeId)!;
        const amount = optimalFlashSwapAmount(r.borrowPool, r.sellPool);
        if (amount === 0n) continue;
        const predicted = simulateFlashSwap(r.borrowPool, r.sellPool, amount);
        const met = pools.nextBlockRoute(routeId)!;
        const exact = simulateFlashSwap(met.borrowPool, met.sellPool, amount);
        if (!predicted.ok || !exact.ok) throw new Error('both simulate');
        const o = await settle(ex, decision(`a${i}`, routeId, amount, 1n), i);
        if (exact.profit1 >= 1n) {
          expect(o.rule).toBe('arbitrage-filled-synthetic');
          expect(grossUsd(o)).toBe(Number(exact.profit1) / 1e18);
          expect(exact.profit1).toBeLessThan(predicted.profit1);
          shrunk++;
        } else {
          expect(o.rule).toBe('arbitrage-reverted-min-profit-synthetic');
        }
      }
    }
    expect(shrunk).toBeGreaterThan(10);
  });

  it('charges gas at block n+1’s base fee, whose mean is the configured gas price', async () => {
    const pools = new SyntheticPoolPair({ seed: 5, sigmaBps: 40, flow: NO_FLOW });
    const ex = new ShadowArbitrageExecutor(gas, pools);
    const { routeId, amount, i } = firstGap(pools, ex);
    const next = pools.nextBaseFeeGwei(20);
    expect(next).not.toBe(20);
    const o = await settle(ex, decision('a', routeId, amount), i);
    expect(o.fees).toBe(next * 1e-9 * 250_000 * 3000);
  });

  it('quotes each borrow pool’s price as a float (poolPrice) equal to its reserves’ price', () => {
    const pools = new SyntheticPoolPair({ seed: 5, symbol: 'EURUSD' });
    expect(pools.poolPrice('synthetic:A->B')).toBeUndefined(); // no tick yet
    for (let i = 1; i <= 5; i++) pools.onTick(tick(i, 2000 + i));
    expect(pools.block).toBe(5);
    for (const id of pools.routeIds()) {
      const r = pools.route(id);
      const fromReserves = Number(r?.borrowPool.reserve1) / Number(r?.borrowPool.reserve0);
      // The reserves round the price to 12 significant digits (PRICE_SCALE).
      expect(Math.abs((pools.poolPrice(id) as number) / fromReserves - 1)).toBeLessThan(1e-11);
      const sellFromReserves = Number(r?.sellPool.reserve1) / Number(r?.sellPool.reserve0);
      expect(Math.abs((pools.sellPoolPrice(id) as number) / sellFromReserves - 1)).toBeLessThan(1e-11);
    }
    const d = pools.dislocation;
    expect(pools.poolPrice('synthetic:A->B')).toBe(2005 * (1 + d / 2));
    expect(pools.poolPrice('synthetic:B->A')).toBe(2005 * (1 - d / 2));
    expect(pools.poolPrice('unknown')).toBeUndefined();
    expect(pools.sellPoolPrice('synthetic:A->B')).toBe(2005 * (1 - d / 2));
    expect(pools.sellPoolPrice('synthetic:B->A')).toBe(2005 * (1 + d / 2));
    expect(pools.sellPoolPrice('unknown')).toBeUndefined();
  });

  it('gives the same outcomes for the same seed and other ones for another seed', async () => {
    const run = async (seed: number): Promise<string[]> => {
      const pools = new SyntheticPoolPair({ seed, sigmaBps: 40 });
      const ex = new ShadowArbitrageExecutor({ ...gas, gasPriceGwei: 1 }, pools);
      const out: string[] = [];
      for (let i = 0; i < 2000; i++) {
        ex.onTick(tick(i, 1.1 + 1e-4 * Math.sin(i)));
        for (const routeId of pools.routeIds()) {
          const r = pools.route(routeId)!;
          const amount = optimalFlashSwapAmount(r.borrowPool, r.sellPool);
          if (amount === 0n) continue;
          const o = await settle(ex, decision(`a${i}`, routeId, amount, 1n), i);
          out.push(`${i} ${o.rule} ${o.pnl} ${o.fees}`);
        }
      }
      return out;
    };
    const a = await run(42);
    expect(a.length).toBeGreaterThan(50);
    expect(a.some((l) => l.includes('reverted'))).toBe(true);
    expect(a.some((l) => l.includes('filled'))).toBe(true);
    expect(await run(42)).toEqual(a);
    expect(await run(43)).not.toEqual(a);
  });

  it('quotes the next block purely; a read-only view executes there but commits nothing', async () => {
    const pools = new SyntheticPoolPair({ seed: 42, sigmaBps: 40 });
    const ex = new ShadowArbitrageExecutor(gas, pools);
    const { routeId, i } = firstGap(pools, ex);
    const first = pools.nextBlockRoute(routeId);
    expect(pools.nextBlockRoute(routeId)).toEqual(first);
    const view = readOnlyPoolView(pools);
    expect(isBlockPoolSource(view)).toBe(true);
    expect(view.onTick).toBeUndefined();
    expect(view.applyFlashSwap).toBeUndefined();
    const before = pools.dislocation;
    const shadowOfView = new ShadowArbitrageExecutor(gas, view);
    await settle(shadowOfView, decision('cf', routeId, 10n ** 18n), i);
    expect(pools.dislocation).toBe(before);
    expect(pools.nextBlockRoute(routeId)).toEqual(first);
  });

  it('counts one block per accepted tick of its symbol', () => {
    const pools = new SyntheticPoolPair({ seed: 1, symbol: 'EURUSD' });
    pools.onTick(tick(0));
    pools.onTick(tick(0)); // repeated
    pools.onTick({ ...tick(1), symbol: 'GBPUSD' }); // another symbol
    pools.onTick(tick(2));
    expect(pools.block).toBe(2);
  });
});
