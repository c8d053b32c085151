import { Secret } from '@omni/core';
import { Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvmArbitrageExecutor } from './evm-arbitrage-executor.js';
import { BundleSigner } from './mev/bundle-signer.js';
import { RelayClient } from './mev/relay-client.js';
import type { TimerScheduler } from './mev/timer-scheduler.js';
import { PoolReader } from './pool-reader.js';
import { quoteRoute, routePairs, sizeRoute } from './route-quote.js';
import { ArbMarket, arbDecision, arbTick, FakeRelay } from './testing.js';

// One chain and one relay for the file; the tests run in order on them.
const AUTH_KEY = `0x${'11'.repeat(32)}`; // the relay identity (MEV_AUTH_KEY): holds nothing
let market: ArbMarket;
let relay: FakeRelay;
let executor: EvmArbitrageExecutor;

beforeAll(async () => {
  market = await ArbMarket.start();
  relay = await FakeRelay.start({ chain: market.chain });
  const signer = new BundleSigner(new Secret(AUTH_KEY), { tradingAddress: market.trader.address });
  // While the executor waits for inclusion, "time" passes as one mined block per wait: no sleep.
  const blocks: TimerScheduler = {
    after: (_ms, callback) => {
      void market.chain.mine().then(callback);
      return { cancel: () => undefined };
    },
  };
  executor = new EvmArbitrageExecutor({
    ...market.executorOptions(),
    ethUsd: 3000,
    relay: {
      client: new RelayClient({ relayUrl: new Secret(relay.url), signer }),
      targetBlocks: 3,
      scheduler: blocks,
    },
  });
  await executor.start();
});

afterAll(async () => {
  await relay?.close();
  await market?.close();
});

async function usdBalance(who: string): Promise<bigint> {
  const erc20 = new Contract(
    await market.usd.getAddress(),
    ['function balanceOf(address) view returns (uint256)'],
    market.chain.provider,
  );
  return (await erc20.getFunction('balanceOf')(who)) as bigint;
}

async function predictedProfit(): Promise<bigint> {
  const states = new Map(
    (await new PoolReader(market.chain.provider).read(routePairs(market.route))).map((s) => [s.pair, s]),
  );
  const quote = quoteRoute(market.route, states, sizeRoute(market.route, states));
  if (!quote.ok) throw new Error(quote.reason);
  return quote.profit;
}

describe('EvmArbitrageExecutor through a relay (FakeRelay in front of a local chain)', () => {
  it('simulates with eth_callBundle, sends for the next 3 blocks, and the bundle mined in block n+1 realises the prediction to the wei', async () => {
    await market.injectGap(200);
    const head = await market.chain.blockNumber();
    const expected = await predictedProfit();
    const before = await usdBalance(market.trader.address);
    const report = await executor.execute(arbDecision('r-1', market.route.routeId), arbTick());
    expect(report.status).toBe('settled');
    const attempt = executor.lastAttempt;
    if (attempt?.sent !== true) throw new Error(`not sent: ${JSON.stringify(attempt?.reason)}`);
    expect(attempt.status).toBe('filled');
    expect(attempt.blockNumber).toBe(head + 1);
    expect(attempt.predictedProfitWei).toBe(expected);
    expect(attempt.realisedProfitWei).toBe(expected);
    expect((await usdBalance(market.trader.address)) - before).toBe(expected);
    expect(relay.received.map((r) => r.method)).toEqual([
      'eth_callBundle',
      'eth_sendBundle',
      'eth_sendBundle',
      'eth_sendBundle',
    ]);
    expect(relay.bundles.map((b) => b.blockNumber)).toEqual([
      BigInt(head + 1),
      BigInt(head + 2),
      BigInt(head + 3),
    ]);
    // Every request was signed by the relay identity, never by the trading key.
    const signer = new BundleSigner(new Secret(AUTH_KEY)).address;
    expect(relay.received.every((r) => r.signature.ok && r.signature.address === signer)).toBe(true);
    expect(relay.received.every((r) => !r.body.includes(market.trader.privateKey.slice(2)))).toBe(true);
  });

  it('settles a bundle that was not included as rejected — nothing mined, no gas paid — and never sends that decision again', async () => {
    await market.injectGap(200);
    relay.withholdBundles = true;
    const received = relay.received.length;
    const nonce = await market.chain.provider.getTransactionCount(market.trader.address);
    const eth = await market.chain.provider.getBalance(market.trader.address);
    const head = await market.chain.blockNumber();
    const report = await executor.execute(arbDecision('r-2', market.route.routeId), arbTick());
    expect(report).toMatchObject({ status: 'rejected', code: 'EXECUTION_REJECTED' });
    if (report.status === 'rejected') {
      expect(report.reason).toBe(
        `the bundle was not included in blocks ${head + 1}–${head + 3}: nothing was mined, no gas paid`,
      );
    }
    expect(await market.chain.blockNumber()).toBe(head + 3); // watched up to the last target block
    expect(await market.chain.provider.getTransactionCount(market.trader.address)).toBe(nonce);
    expect(await market.chain.provider.getBalance(market.trader.address)).toBe(eth);
    expect(relay.received.slice(received).map((r) => r.method)).toEqual([
      'eth_callBundle',
      'eth_sendBundle',
      'eth_sendBundle',
      'eth_sendBundle',
    ]);
    // The same decision again: refused before anything leaves.
    const again = await executor.execute(arbDecision('r-2', market.route.routeId), arbTick());
    expect(again).toMatchObject({ status: 'rejected', reason: 'decision r-2 was sent once already' });
    expect(relay.received.length).toBe(received + 4);
    // A new decision trades the gap that is still there, with the nonce the withheld bundle did not use.
    relay.withholdBundles = false;
    const next = await executor.execute(arbDecision('r-3', market.route.routeId), arbTick());
    expect(next.status).toBe('settled');
    expect(await market.chain.provider.getTransactionCount(market.trader.address)).toBe(nonce + 1);
  });

  it('sends nothing when the relay simulation reverts', async () => {
    // No gap left after r-3: the staticCall already refuses; force the relay's own refusal instead.
    await market.injectGap(200);
    relay.revertNextSimulation = 'ProfitBelowMinimum';
    const received = relay.bundles.length;
    const report = await executor.execute(arbDecision('r-4', market.route.routeId), arbTick());
    expect(report).toMatchObject({ status: 'rejected' });
    if (report.status === 'rejected') expect(report.reason).toContain('the relay simulation reverts');
    expect(relay.bundles.length).toBe(received);
  });
});
