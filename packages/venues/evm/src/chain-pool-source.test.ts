import { ManualClock, type Tick } from '@omni/core';
import { optimalFlashSwapAmount, ShadowArbitrageExecutor, simulateFlashSwap } from '@omni/execution';
import { JsonRpcProvider, Network } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainPoolSource, nextBaseFeeWei } from './chain-pool-source.js';
import { EvmPoolFeed } from './evm-pool-feed.js';
import type { LocalRpcServer } from './local-rpc-server.js';
import { orientReserves, PoolReader } from './pool-reader.js';
import { ArbMarket, arbDecision, E18, ManualTimers } from './testing.js';

// One chain for the file (Hardhat starts in seconds); the tests run in order on it. Everything is
// read through a JSON-RPC server on 127.0.0.1, as from a real node (DEX_RPC).
let market: ArbMarket;
let server: LocalRpcServer;
let provider: JsonRpcProvider;

beforeAll(async () => {
  market = await ArbMarket.start();
  server = await market.chain.serve();
  provider = new JsonRpcProvider(server.url, Network.from(market.chain.chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
  });
});

afterAll(async () => {
  provider?.destroy();
  await server?.stop();
  await market?.close();
});

/** Resolves `promise`, firing the feed's poll timers whenever it waits (no real sleep). */
async function drive<T>(promise: Promise<T>, timers: ManualTimers, pollMs = 1000): Promise<T> {
  let done = false;
  void promise.finally(() => {
    done = true;
  });
  while (!done) {
    if (timers.pending > 0) timers.advance(pollMs);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return promise;
}

async function reservesAt(pair: string, block: number, base: string) {
  const [state] = await new PoolReader(provider).read([pair], block);
  if (state === undefined) throw new Error('no state');
  return orientReserves(state, base);
}

describe('ChainPoolSource and EvmPoolFeed over a JSON-RPC node', () => {
  it('ticks once per new block at the pool mid price and the block time, reading each block in one batched round', async () => {
    const weth = await market.weth.getAddress();
    const pools = new ChainPoolSource({ provider, routes: [market.route] });
    const timers = new ManualTimers();
    const alerts: string[] = [];
    const feed = new EvmPoolFeed({
      pools,
      symbols: [{ symbol: 'WETHUSD', pair: market.pairA, baseToken: weth, quoteUsd: 1 }],
      scheduler: timers,
      clock: new ManualClock(0),
      onAlert: (a) => alerts.push(a.code),
    });
    await feed.start();
    const ticks = feed[Symbol.asyncIterator]();
    const first = (await drive(ticks.next(), timers)).value as Tick;
    const head = await provider.getBlockNumber();
    const header = await provider.getBlock(head);
    const r = await reservesAt(market.pairA, head, weth);
    expect(first).toEqual({
      symbol: 'WETHUSD',
      tsMs: (header?.timestamp ?? 0) * 1000,
      price: Number(r.reserve1) / Number(r.reserve0),
      source: `evm:${market.pairA}@${head}`,
    });
    expect(first.price).toBe(3000);
    expect(pools.block).toBe(head);

    // No new block: the feed polls (eth_blockNumber only) and emits nothing.
    const next = ticks.next();
    let emitted = false;
    void next.then(() => {
      emitted = true;
    });
    const posts = server.posts;
    for (let i = 0; i < 3; i++) {
      while (timers.pending === 0) await new Promise((resolve) => setImmediate(resolve));
      timers.advance(1000);
    }
    while (timers.pending === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(emitted).toBe(false);
    expect(server.posts - posts).toBe(4); // the first poll and three more: one eth_blockNumber each

    // A new block: one poll, then the header and both pairs' reserves in one JSON-RPC batch.
    await market.chain.mine();
    const before = server.posts;
    const second = (await drive(next, timers)).value as Tick;
    expect(server.posts - before).toBe(2);
    expect(pools.block).toBe(head + 1);
    expect(second.price).toBe(3000);
    expect(second.tsMs).toBeGreaterThan(first.tsMs);
    expect(second.source).toBe(`evm:${market.pairA}@${head + 1}`);
    expect(alerts).toEqual([]);
    await feed.stop();
    expect((await ticks.next()).done).toBe(true);
  });

  it('settles a shadow arbitrage at block n+1: a rival swap mined there shrinks the realised profit, gas at its base fee', async () => {
    const weth = await market.weth.getAddress();
    const rivalWeth = 3n * E18;
    await market.injectGap(200);
    // The rival's input is in pool B before block n (a transfer does not move the reserves).
    await market.dex.mint(market.weth, market.pairB, rivalWeth);
    const pools = new ChainPoolSource({ provider, routes: [market.route] });
    const head = await pools.advance();
    if (head === undefined) throw new Error('no block');
    const n = head.number;
    const settings = { gasPriceGwei: 20, gasLimit: 250_000, ethUsd: 3000 };
    const executor = new ShadowArbitrageExecutor(settings, pools);
    const quoted = pools.route(market.route.routeId);
    if (quoted === undefined) throw new Error('no route');
    const amount = optimalFlashSwapAmount(quoted.borrowPool, quoted.sellPool);
    const predicted = simulateFlashSwap(quoted.borrowPool, quoted.sellPool, amount);
    if (!predicted.ok) throw new Error(predicted.reason);
    const tick: Tick = { symbol: 'WETHUSD', tsMs: head.timestamp * 1000, price: 3000, source: 'test' };
    const report = await executor.execute(
      arbDecision('s-1', market.route.routeId, { amountInWei: amount }),
      tick,
    );
    expect(report.status).toBe('accepted');
    expect(executor.pending().map((p) => p.decisionId)).toEqual(['s-1']);
    expect(executor.onTick(tick)).toEqual([]); // block n+1 is not mined yet

    // Block n+1: the rival sells 3 WETH into pool B (already funded), taking part of the gap.
    await market.dex.swap(market.pairB, market.weth, rivalWeth, { from: market.rival, funded: true });
    expect(await provider.getBlockNumber()).toBe(n + 1);
    await pools.advance();
    const [outcome, ...rest] = executor.onTick({ ...tick, tsMs: tick.tsMs + 1 });
    expect(rest).toEqual([]);
    expect(executor.pending()).toEqual([]);

    // The independent reference: block n+1's reserves and header, read directly.
    const borrow = await reservesAt(market.pairA, n + 1, weth);
    const sell = await reservesAt(market.pairB, n + 1, weth);
    const realised = simulateFlashSwap(borrow, sell, amount);
    if (!realised.ok) throw new Error(realised.reason);
    const baseFee = (await provider.getBlock(n + 1))?.baseFeePerGas ?? 0n;
    const gasUsd = (Number(250_000n * baseFee) / 1e18) * 3000;
    expect(realised.profit1).toBeLessThan(predicted.profit1);
    expect(realised.profit1).toBeGreaterThan(0n);
    expect(outcome?.rule).toBe('arbitrage-filled');
    expect(outcome?.exit).toEqual({ kind: 'atomic', result: 'filled' });
    expect(outcome?.fees).toBeCloseTo(gasUsd, 12);
    expect(outcome?.pnl).toBeCloseTo(Number(realised.profit1) / 1e18 - gasUsd, 9);
    expect(outcome?.settleTs).toBe(tick.tsMs + 1); // the tick that saw block n+1 (its time ≤ the block's)
    console.log(
      `shadow at n+1: predicted ${predicted.profit1} wei, realised ${realised.profit1} wei after the rival, base fee ${baseFee} wei`,
    );
  });
});

describe('the gas price a transaction sent now pays (ChainPoolSource.nextBaseFeeGwei)', () => {
  it('follows EIP-1559 from the head block: ±1/8 at the extremes, +1 wei just above target, unchanged at target', () => {
    const block = (gasUsed: bigint) => ({ baseFeePerGas: 8_000_000_000n, gasUsed, gasLimit: 30_000_000n });
    expect(nextBaseFeeWei(block(30_000_000n))).toBe(9_000_000_000n); // full: +12.5 %
    expect(nextBaseFeeWei(block(0n))).toBe(7_000_000_000n); // empty: −12.5 %
    expect(nextBaseFeeWei(block(15_000_000n))).toBe(8_000_000_000n); // at target
    // 1 gas above target: 8e9 × 1 / 15e6 / 8 = 66 wei (floored); a base fee too small for that still rises by 1 wei.
    expect(nextBaseFeeWei(block(15_000_001n))).toBe(8_000_000_066n);
    expect(nextBaseFeeWei({ baseFeePerGas: 7n, gasUsed: 15_000_001n, gasLimit: 30_000_000n })).toBe(8n);
    // 3/4 full: 8 gwei × (7.5M / 15M) / 8 = +0.5 gwei
    expect(nextBaseFeeWei(block(22_500_000n))).toBe(8_500_000_000n);
  });

  it('prices the next block from the head the node returns, plus the tip; the configured price before any block', async () => {
    const pools = new ChainPoolSource({ provider, routes: [market.route], priorityFeeWei: 2_000_000_000n });
    expect(pools.nextBaseFeeGwei(20)).toBe(20);
    const head = await pools.advance();
    if (head === undefined) throw new Error('no head');
    const header = await provider.getBlock(head.number);
    if (header === null || header.baseFeePerGas === null) throw new Error('no header');
    const expected = nextBaseFeeWei({
      baseFeePerGas: header.baseFeePerGas,
      gasUsed: header.gasUsed,
      gasLimit: header.gasLimit,
    });
    expect(header.baseFeePerGas).toBeGreaterThan(0n);
    expect(pools.nextBaseFeeGwei(20)).toBe(Number(expected + 2_000_000_000n) / 1e9);
  });
});
