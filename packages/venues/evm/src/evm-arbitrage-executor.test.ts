import { inspect } from 'node:util';
import { ExecutionError, Secret } from '@omni/core';
import { Contract } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { EvmArbitrageExecutor } from './evm-arbitrage-executor.js';
import type { SubmittedSwap } from './evm-attempt.js';
import { PoolReader } from './pool-reader.js';
import { quoteRoute, routePairs, sizeRoute } from './route-quote.js';
import { ArbMarket, arbDecision, arbTick } from './testing.js';

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

  it('sends nothing when the gap sits inside the 0.6 % fee band: rejected, nonce unchanged, no block', async () => {
    market = await ArbMarket.start();
    await market.injectGap(50);
    const executor = new EvmArbitrageExecutor({ ...market.executorOptions(), ethUsd: 3000 });
    await executor.start();
    const nonce = await market.chain.provider.getTransactionCount(market.trader.address);
    const block = await market.chain.blockNumber();
    const report = await executor.execute(arbDecision('d-1', market.route.routeId), arbTick());
    expect(report).toMatchObject({ status: 'rejected', code: 'EXECUTION_REJECTED' });
    if (report.status === 'rejected') expect(report.reason).toContain('no borrow size pays');
    expect(await market.chain.provider.getTransactionCount(market.trader.address)).toBe(nonce);
    expect(executor.nextNonce).toBe(nonce);
    expect(await market.chain.blockNumber()).toBe(block);
    expect(executor.lastAttempt).toMatchObject({ sent: false, predictedProfitWei: 0n });
  });

  it('sends nothing when the profit does not pay the gas, or the staticCall simulation reverts', async () => {
    market = await ArbMarket.start();
    await market.injectGap(200);
    const expected = await predicted(market);
    const nonce = await market.chain.provider.getTransactionCount(market.trader.address);
    // A tip of 100 000 gwei: ~215k gas cost ~21.5 ETH ≈ $64 500, far above the ≈ $71 the gap pays.
    const dear = new EvmArbitrageExecutor({
      ...market.executorOptions(),
      ethUsd: 3000,
      priorityFeeWei: 100_000n * 10n ** 9n,
    });
    const report = await dear.execute(arbDecision('d-1', market.route.routeId), arbTick());
    expect(report.status).toBe('rejected');
    if (report.status === 'rejected') expect(report.reason).toMatch(/does not pay gas/);
    expect(dear.lastAttempt).toMatchObject({ sent: false, predictedProfitWei: expected.profit });
    // A minimum above the gap's profit: the contract's own check reverts in the simulation.
    const strict = new EvmArbitrageExecutor({ ...market.executorOptions(), ethUsd: 3000 });
    const refused = await strict.execute(
      arbDecision('d-2', market.route.routeId, { minProfitWei: expected.profit + 1n }),
      arbTick(),
    );
    expect(refused.status).toBe('rejected');
    if (refused.status === 'rejected') expect(refused.reason).toContain('ProfitBelowMinimum');
    expect(await market.chain.provider.getTransactionCount(market.trader.address)).toBe(nonce);
  });

  it('a rival swap first in the same block removes the gap: the contract reverts on chain and only gas is lost', async () => {
    market = await ArbMarket.start();
    await market.injectGap(200);
    const expected = await predicted(market);
    const m = market;
    // The rival's WETH is in pool B already (a transfer does not move reserves); its swap comes later.
    const rivalIn = 2n * expected.amount;
    await m.dex.mint(m.weth, m.pairB, rivalIn);
    await m.chain.setAutomine(false);
    let submitted: (sent: SubmittedSwap) => void = () => {};
    const sent = new Promise<SubmittedSwap>((resolve) => {
      submitted = resolve;
    });
    const executor = new EvmArbitrageExecutor({
      ...m.executorOptions(),
      ethUsd: 3000,
      onSubmitted: (s) => submitted(s),
    });
    await executor.start();
    const ethBefore = await m.chain.provider.getBalance(m.trader.address);
    const usdBefore = await usdBalance(m, m.trader.address);
    const pending = executor.execute(arbDecision('d-1', m.route.routeId), arbTick());
    const ours = await sent;
    expect(executor.pending()).toHaveLength(1);
    // The rival sees our transaction and outbids its tip: it is mined first in the next block.
    const rivalHash = await m.dex.swap(m.pairB, m.weth, rivalIn, {
      from: m.rival,
      funded: true,
      wait: false,
      priorityFeeWei: 50n * 10n ** 9n,
      gasLimit: 200_000n,
    });
    await m.chain.mine();
    const report = await pending;
    expect(report.status).toBe('settled');
    if (report.status !== 'settled') return;
    expect(report.outcome.exit).toEqual({ kind: 'atomic', result: 'reverted-min-profit' });
    const attempt = executor.lastAttempt;
    if (attempt?.sent !== true) throw new Error('expected a sent attempt');
    expect(attempt.status).toBe('reverted');
    expect(attempt.reason).toContain('ProfitBelowMinimum');
    expect(attempt.realisedProfitWei).toBe(0n);
    const block = await m.chain.provider.getBlock(attempt.blockNumber);
    expect(block?.transactions).toEqual([rivalHash, ours.txHash]);
    const gasWei = attempt.gasUsed * attempt.effectiveGasPrice;
    expect(await m.chain.provider.getBalance(m.trader.address)).toBe(ethBefore - gasWei);
    expect(await usdBalance(m, m.trader.address)).toBe(usdBefore);
    expect(report.outcome.pnl).toBeCloseTo(-(Number(gasWei) / 1e18) * 3000, 9);
    expect(executor.pending()).toHaveLength(0);
    expect(executor.nextNonce).toBe(ours.nonce + 1);
  });

  it('a receipt that never comes is EXECUTION_TIMEOUT (the nonce is spent), and an unknown route is rejected', async () => {
    market = await ArbMarket.start();
    await market.injectGap(200);
    await market.chain.setAutomine(false); // nobody mines: the receipt never comes
    const executor = new EvmArbitrageExecutor({
      ...market.executorOptions(),
      ethUsd: 3000,
      receiptTimeoutMs: 300,
    });
    await executor.start();
    const nonce = executor.nextNonce ?? -1;
    const err = await executor
      .execute(arbDecision('d-1', market.route.routeId), arbTick())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecutionError);
    expect(err).toMatchObject({ code: 'EXECUTION_TIMEOUT', context: { decisionId: 'd-1', timeoutMs: 300 } });
    expect(executor.nextNonce).toBe(nonce + 1);
    expect(executor.pending()).toEqual([]);
    const unknown = await executor.execute(arbDecision('d-2', 'no-such-route'), arbTick());
    expect(unknown).toMatchObject({ status: 'rejected', code: 'EXECUTION_REJECTED' });
  });

  it('never shows DEX_PRIVKEY: not in the executor, its errors or its attempts', async () => {
    market = await ArbMarket.start();
    const key = market.trader.privateKey;
    const executor = new EvmArbitrageExecutor({ ...market.executorOptions(), ethUsd: 3000 });
    await executor.execute(arbDecision('d-1', market.route.routeId), arbTick());
    const shown = [
      inspect(executor, { depth: 5 }),
      JSON.stringify(executor),
      inspect(executor.lastAttempt),
    ].join('\n');
    expect(shown).not.toContain(key.slice(2));
    const bad = `${key.slice(0, -1)}z`; // not hex
    const err = (() => {
      try {
        return new EvmArbitrageExecutor({
          ...market.executorOptions(),
          privateKey: new Secret(bad),
          ethUsd: 3000,
        });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toMatchObject({ code: 'EVM_BAD_OPTION' });
    expect(`${(err as Error).message} ${inspect(err)}`).not.toContain(bad.slice(2));
  });
});
