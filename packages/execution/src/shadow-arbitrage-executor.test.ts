import type { TradeOutcome } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { decision, gas, tick } from './arbitrage.fixture.js';
import type { PoolStateSource } from './pool-state-source.js';
import { ShadowArbitrageExecutor } from './shadow-arbitrage-executor.js';
import { SyntheticPoolPair } from './synthetic-pool-pair.js';
import { optimalFlashSwapAmount } from './uniswap-v2.js';

const E18 = 10n ** 18n;

/** Fixed pools: token0 at 2 token1 in A and 2.2 in B; token1 is a USD stablecoin. */
const fixedPools: PoolStateSource = {
  routeIds: () => ['A->B'],
  route: (id) =>
    id === 'A->B'
      ? {
          routeId: id,
          borrowPool: { reserve0: 1000n * E18, reserve1: 2000n * E18 },
          sellPool: { reserve0: 1000n * E18, reserve1: 2200n * E18 },
          token1Usd: 1,
          source: 'test:fixed',
          synthetic: false,
        }
      : undefined,
};

/** Independent re-derivation from the record: (sell − buy average price) × size − gas. */
function rederive(o: TradeOutcome): number {
  return (o.settlePrice - o.entryPrice) * (o.size as number) - o.fees;
}

describe('ShadowArbitrageExecutor', () => {
  it('settles a profitable flash swap at once, net of gas', async () => {
    const ex = new ShadowArbitrageExecutor(gas, fixedPools);
    const dx = optimalFlashSwapAmount(
      fixedPools.route('A->B')!.borrowPool,
      fixedPools.route('A->B')!.sellPool,
    );
    const report = await ex.execute(decision('a1', 'A->B', dx), tick(0));
    expect(report.status).toBe('settled');
    if (report.status !== 'settled') return;
    const o = report.outcome;
    // the float optimum of this route profits ≈ 2.0944724 token1 (derived independently by grid search)
    expect(o.pnl + 15).toBeCloseTo(2.0944724, 5);
    expect(o).toMatchObject({
      engine: 'arbitrage',
      direction: 'buy',
      stake: 15,
      fees: 15,
      rule: 'arbitrage-filled',
      exit: { kind: 'atomic', result: 'filled' },
    });
    expect(o.size).toBeCloseTo(22.354, 2);
    expect(rederive(o)).toBeCloseTo(o.pnl, 6);
  });

  it('reverts below the minimum profit and loses only the gas', async () => {
    const ex = new ShadowArbitrageExecutor(gas, fixedPools);
    const report = await ex.execute(decision('a1', 'A->B', 22n * E18, 10n * E18), tick(0));
    expect(report).toMatchObject({
      status: 'settled',
      outcome: {
        pnl: -15,
        rule: 'arbitrage-reverted-min-profit',
        exit: { kind: 'atomic', result: 'reverted-min-profit' },
      },
    });
    if (report.status === 'settled') expect(rederive(report.outcome)).toBeCloseTo(-15, 9);
  });

  it('reverts when the borrow pool lacks liquidity', async () => {
    const ex = new ShadowArbitrageExecutor(gas, fixedPools);
    const report = await ex.execute(decision('a1', 'A->B', 2000n * E18), tick(0));
    expect(report).toMatchObject({
      status: 'settled',
      outcome: {
        pnl: -15,
        rule: 'arbitrage-reverted-liquidity',
        exit: { kind: 'atomic', result: 'reverted-liquidity' },
      },
    });
  });

  it('rejects an unknown route', async () => {
    const ex = new ShadowArbitrageExecutor(gas, fixedPools);
    expect(await ex.execute(decision('a1', 'nope', E18), tick(0))).toMatchObject({
      status: 'rejected',
      code: 'EXECUTION_REJECTED',
    });
  });
});

describe('SyntheticPoolPair', () => {
  it('is labelled synthetic and reproducible from its seed', () => {
    const path = (seed: number) => {
      const pools = new SyntheticPoolPair({ seed, symbol: 'EURUSD' });
      const out: number[] = [];
      for (let i = 0; i < 50; i++) {
        pools.onTick(tick(i, 1.1 + i * 1e-4));
        pools.onTick(tick(i, 1.1 + i * 1e-4)); // a repeated tick does not advance the process
        out.push(pools.dislocation);
      }
      return { out, route: pools.route('synthetic:A->B') };
    };
    const a = path(42);
    expect(path(42).out).toEqual(a.out);
    expect(path(43).out).not.toEqual(a.out);
    expect(a.route).toMatchObject({ synthetic: true, source: 'synthetic:pool-pair/synthetic/seed=42' });
  });

  it('has the documented stationary dislocation sd σ/√(1 − φ²)', () => {
    const pools = new SyntheticPoolPair({ seed: 7, persistence: 0.9, sigmaBps: 20 });
    let sum = 0;
    let sumSq = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      pools.onTick(tick(i));
      sum += pools.dislocation;
      sumSq += pools.dislocation ** 2;
    }
    const sd = Math.sqrt(sumSq / n - (sum / n) ** 2);
    expect(sd).toBeGreaterThan((0.002 / Math.sqrt(1 - 0.81)) * 0.9);
    expect(sd).toBeLessThan((0.002 / Math.sqrt(1 - 0.81)) * 1.1);
  });

  it('prices pool A at p(1 + d/2) and B at p(1 − d/2)', () => {
    const pools = new SyntheticPoolPair({ seed: 1 });
    pools.onTick(tick(0, 1.25));
    const r = pools.route('synthetic:A->B')!;
    const d = pools.dislocation;
    expect(Number(r.borrowPool.reserve1) / Number(r.borrowPool.reserve0)).toBeCloseTo(1.25 * (1 + d / 2), 9);
    expect(Number(r.sellPool.reserve1) / Number(r.sellPool.reserve0)).toBeCloseTo(1.25 * (1 - d / 2), 9);
  });

  it('every settled synthetic arbitrage re-derives its pnl, and a trade closes the gap (no other flow)', async () => {
    const pools = new SyntheticPoolPair({
      seed: 42,
      sigmaBps: 40,
      flow: { noiseTradesMax: 0, rivalProbability: 0 },
      baseFeeBound: 1,
    });
    const ex = new ShadowArbitrageExecutor(gas, pools);
    const settled: TradeOutcome[] = [];
    let closedGap = 0;
    for (let i = 0; i < 2000; i++) {
      ex.onTick(tick(i, 1.1));
      for (const id of pools.routeIds()) {
        const r = pools.route(id)!;
        const dx = optimalFlashSwapAmount(r.borrowPool, r.sellPool);
        if (dx === 0n) continue;
        const before = Math.abs(pools.dislocation);
        const report = await ex.execute(decision(`a${i}`, id, dx), tick(i, 1.1));
        if (report.status === 'settled') settled.push(report.outcome);
        if (Math.abs(pools.dislocation) < before) closedGap++;
      }
    }
    expect(settled.length).toBeGreaterThan(50);
    expect(closedGap).toBe(settled.length);
    for (const o of settled) {
      expect(o.rule).toBe('arbitrage-filled-synthetic');
      expect(rederive(o)).toBeCloseTo(o.pnl, 6);
    }
    expect(settled.some((o) => o.pnl > 0)).toBe(true);
    expect(settled.some((o) => o.pnl < 0)).toBe(true);
  });
});
