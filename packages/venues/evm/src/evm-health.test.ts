import type { BrokerHealthReport } from '@omni/execution';
import { afterEach, describe, expect, it } from 'vitest';
import { ArbMarket } from './arb-market.js';
import { EvmArbitrageExecutor } from './evm-arbitrage-executor.js';
import { RpcHealth } from './mev/rpc-health.js';

let market: ArbMarket | undefined;
afterEach(async () => {
  await market?.close();
  market = undefined;
});

describe('EvmArbitrageExecutor with RpcHealth (runbook 5.2)', () => {
  it('refuses a node on another chain and reports the arbitrage venue unhealthy (what SafetyManager hears)', async () => {
    market = await ArbMarket.start();
    const health = new RpcHealth({ rpc: market.chain.provider, expectedChainId: 1 });
    const executor = new EvmArbitrageExecutor({ ...market.executorOptions(), ethUsd: 3000, health });
    const reports: BrokerHealthReport[] = [];
    executor.onHealth((r) => reports.push(r));
    await expect(executor.start()).rejects.toMatchObject({ code: 'EVM_CHAIN_ID_MISMATCH' });
    expect(reports.map((r) => [r.market, r.venue, r.ok])).toEqual([['arbitrage', 'uniswap-v2', false]]);
  });

  it('reads through the watcher on the right chain: healthy, and the executor starts', async () => {
    market = await ArbMarket.start();
    const health = new RpcHealth({ rpc: market.chain.provider, expectedChainId: market.chain.chainId });
    const executor = new EvmArbitrageExecutor({ ...market.executorOptions(), ethUsd: 3000, health });
    await executor.start();
    // The trader deployed the contract: its next nonce is 1.
    expect([health.report.ok, health.consecutiveFailures, executor.nextNonce]).toEqual([true, 0, 1]);
  });
});
