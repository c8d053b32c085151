import { ExecutionError } from '@omni/core';
import { Contract } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { EvmArbitrageExecutor, type SubmittedSwap } from './evm-arbitrage-executor.js';
import { PoolReader } from './pool-reader.js';
import { quoteRoute, routePairs, sizeRoute } from './route-quote.js';
import { ArbMarket, arbDecision, arbTick, E18 } from './testing.js';

const ERC20 = ['function balanceOf(address) view returns (uint256)'];
let market: ArbMarket | undefined;

afterEach(async () => {
  await market?.close();
  market = undefined;
});

async function usdBalance(m: ArbMarket, who: string): Promise<bigint> {
  return (await new Contract(await m.usd.getAddress(), ERC20, m.chain.provider).getFunction('balanceOf')(
    who,
  )) as bigint;
}

async function predicted(m: ArbMarket): Promise<{ amount: bigint; profit: bigint }> {
  const states = new Map(
    (await new PoolReader(m.chain.provider).read(routePairs(m.route))).map((s) => [s.pair, s]),
  );
  const amount = sizeRoute(m.route, states);
  const quote = quoteRoute(m.route, states, amount);
  if (!quote.ok) throw new Error(quote.reason);
  return { amount, profit: quote.profit };
}

describe('EvmArbitrageExecutor on a local chain with real Uniswap V2 pools', () => {
  it('finds an injected gap, executes it, and the realised profit equals the prediction to the wei', async () => {
    market = await ArbMarket.start();
    await market.injectGap(200);
    const expected = await predicted(market);
    expect(expected.profit).toBeGreaterThan(0n);
    const executor = new EvmArbitrageExecutor({ ...market.executorOptions(), ethUsd: 3000 });
    await executor.start();
    const before = await usdBalance(market, market.trader.address);
    const report = await executor.execute(arbDecision('d-1', market.route.routeId), arbTick());
    const after = await usdBalance(market, market.trader.address);
    expect(report.status).toBe('settled');
    if (report.status !== 'settled') return;
    expect(report.outcome.exit).toEqual({ kind: 'atomic', result: 'filled' });
    const attempt = executor.lastAttempt;
    expect(attempt?.sent).toBe(true);
    if (attempt?.sent !== true) return;
    expect(attempt.amountInWei).toBe(expected.amount);
    expect(attempt.predictedProfitWei).toBe(expected.profit);
    expect(attempt.realisedProfitWei).toBe(expected.profit);
    expect(after - before).toBe(expected.profit);
    const gasUsd = (Number(attempt.gasUsed * attempt.effectiveGasPrice) / 1e18) * 3000;
    expect(report.outcome.fees).toBeCloseTo(gasUsd, 9);
    expect(report.outcome.pnl).toBeCloseTo(Number(expected.profit) / 1e18 - gasUsd, 6);
    console.log(
      `two-pool arbitrage: borrowed ${attempt.amountInWei} wei WETH, profit ${attempt.realisedProfitWei} wei USD, gasUsed ${attempt.gasUsed}`,
    );
    // The gap is gone: a second decision finds nothing that pays and sends nothing.
    const again = await executor.execute(arbDecision('d-2', market.route.routeId), arbTick());
    expect(again.status).toBe('rejected');
  });
});
