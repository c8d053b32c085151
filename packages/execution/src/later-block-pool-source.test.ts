import { describe, expect, it } from 'vitest';
import { decision, gas, T0, tick } from './arbitrage.fixture.js';
import type { BrokerHealthListener } from './executor.js';
import type { LaterBlockPoolSource, MinedBlockRoute } from './later-block-pool-source.js';
import type { FlashSwapRoute } from './pool-state-source.js';
import { ShadowArbitrageExecutor } from './shadow-arbitrage-executor.js';
import { optimalFlashSwapAmount, type PoolReserves, simulateFlashSwap } from './uniswap-v2.js';

const E18 = 10n ** 18n;
const BORROW: PoolReserves = { reserve0: 1000n * E18, reserve1: 2000n * E18 };
const SELL: PoolReserves = { reserve0: 1000n * E18, reserve1: 2200n * E18 };

function routeOf(sellPool: PoolReserves): FlashSwapRoute {
  return {
    routeId: 'A->B',
    borrowPool: BORROW,
    sellPool,
    token1Usd: 1,
    source: 'test:chain',
    synthetic: false,
  };
}

/** A chain by hand: block 10 is the head; the test "mines" later blocks with `mine`. */
class ScriptedChain implements LaterBlockPoolSource {
  block = 10;
  readonly watched: number[] = [];
  readonly released: number[] = [];
  readonly #mined = new Map<number, MinedBlockRoute>();
  health: BrokerHealthListener | undefined;
  routeIds = () => ['A->B'];
  route = (id: string) => (id === 'A->B' ? routeOf(SELL) : undefined);
  watchBlock(n: number): void {
    this.watched.push(n);
  }
  minedRoute(routeId: string, n: number): MinedBlockRoute | undefined {
    return routeId === 'A->B' ? this.#mined.get(n) : undefined;
  }
  releaseBlock(n: number): void {
    this.released.push(n);
  }
  onHealth(listener: BrokerHealthListener): () => void {
    this.health = listener;
    return () => undefined;
  }
  mine(n: number, sellPool: PoolReserves, baseFeeGwei: number): void {
    this.block = n;
    this.#mined.set(n, { route: routeOf(sellPool), blockNumber: n, baseFeeGwei, tsMs: T0 + n * 12_000 });
  }
}

describe('ShadowArbitrageExecutor on a LaterBlockPoolSource (a real chain)', () => {
  it('accepts a decision on block n and settles it when block n+1 is read: its reserves, its base fee', async () => {
    const chain = new ScriptedChain();
    const ex = new ShadowArbitrageExecutor(gas, chain);
    const dx = optimalFlashSwapAmount(BORROW, SELL);
    const report = await ex.execute(decision('c1', 'A->B', dx), tick(0));
    expect(report).toEqual({
      status: 'accepted',
      decisionId: 'c1',
      engine: 'arbitrage',
      venue: 'shadow-uniswap-v2',
      tsMs: T0,
    });
    expect(chain.watched).toEqual([11]);
    expect(ex.pending().map((p) => [p.decisionId, p.state])).toEqual([['c1', 'open']]);
    expect(ex.onTick(tick(1))).toEqual([]); // block 11 not read yet

    // Block 11: a rival bought token0 in B first (2.15 token1 a token0 instead of 2.2); base fee 30 gwei.
    const sellAfter: PoolReserves = { reserve0: 1000n * E18, reserve1: 2150n * E18 };
    chain.mine(11, sellAfter, 30);
    const [outcome, ...rest] = ex.onTick(tick(200)); // the first tick after block 11 was read
    expect(rest).toEqual([]);
    const sim = simulateFlashSwap(BORROW, sellAfter, dx);
    const predicted = simulateFlashSwap(BORROW, SELL, dx);
    if (!sim.ok || !predicted.ok) throw new Error('no simulation');
    expect(sim.profit1).toBeLessThan(predicted.profit1);
    const gasUsd = 250_000 * 30e-9 * 3000; // 22.5 USD at block 11's base fee
    expect(outcome).toMatchObject({
      decisionId: 'c1',
      rule: 'arbitrage-filled',
      exit: { kind: 'atomic', result: 'filled' },
      entryTs: T0,
      settleTs: T0 + 11 * 12_000, // block 11's time (before the tick that saw it)
    });
    expect(outcome?.fees).toBeCloseTo(gasUsd, 12);
    expect(outcome?.pnl).toBeCloseTo(Number(sim.profit1) / 1e18 - gasUsd, 9);
    expect(chain.released).toEqual([11]);
    expect(ex.pending()).toEqual([]);
  });

  it('reverts at block n+1 when a rival took the gap: only gas is lost', async () => {
    const chain = new ScriptedChain();
    const ex = new ShadowArbitrageExecutor(gas, chain);
    const dx = optimalFlashSwapAmount(BORROW, SELL);
    await ex.execute(decision('c2', 'A->B', dx, 1n), tick(0));
    chain.mine(11, BORROW, 10); // pool B now at pool A's price: nothing to gain
    const [outcome] = ex.onTick(tick(30));
    expect(outcome).toMatchObject({
      rule: 'arbitrage-reverted-min-profit',
      exit: { result: 'reverted-min-profit' },
    });
    expect(outcome?.pnl).toBeCloseTo(-(250_000 * 10e-9 * 3000), 12);
  });

  it('passes on the chain node health (SafetyManager turns arbitrage off in shadow too)', () => {
    const chain = new ScriptedChain();
    const ex = new ShadowArbitrageExecutor(gas, chain);
    const heard: boolean[] = [];
    ex.onHealth((report) => heard.push(report.ok));
    chain.health?.({
      market: 'arbitrage',
      venue: 'uniswap-v2',
      ok: false,
      reason: '3 RPC failures in a row',
    });
    expect(heard).toEqual([false]);
  });
});
