import { Secret } from '@omni/core';
import type { BrokerHealthReport } from '@omni/execution';
import { JsonRpcProvider, Network } from 'ethers';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EvmError } from '../evm-error.js';
import { ManualTimers } from './manual-timers.fixture.js';
import type { MevError } from './mev-error.js';
import { RpcHealth } from './rpc-health.js';
import { ScriptedRpcNode } from './scripted-rpc.fixture.js';

const API_KEY = 'rpc-key-7f3a9c2e41d8';
let node: ScriptedRpcNode;
let provider: JsonRpcProvider;
let timers: ManualTimers;
let reports: BrokerHealthReport[];

function health(options: { maxConsecutiveFailures?: number } = {}): RpcHealth {
  const watched = new RpcHealth({
    rpc: provider,
    expectedChainId: 31337,
    timeoutMs: 2_000,
    scheduler: timers,
    ...options,
  });
  watched.onChange((report) => reports.push(report));
  return watched;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

beforeEach(async () => {
  node = await ScriptedRpcNode.start(31337, API_KEY);
  new Secret(node.url); // the URL is a Secret in the config: registered for scrubbing
  provider = new JsonRpcProvider(node.url, Network.from(31337), { staticNetwork: true, batchMaxCount: 1 });
  timers = new ManualTimers();
  reports = [];
});
afterEach(async () => {
  provider.destroy();
  await node.close();
});

describe('RpcHealth', () => {
  it('stays healthy and silent while the node answers', async () => {
    const watched = health();
    expect(await watched.send('eth_blockNumber')).toBe('0x64');
    expect(await watched.call('getBlockNumber', () => provider.getBlockNumber())).toBe(100);
    expect(await watched.checkChainId()).toBe(31337);
    expect(reports).toEqual([]);
    expect(watched.report).toEqual({ market: 'arbitrage', venue: 'uniswap-v2', ok: true });
  });

  it('turns unhealthy after 3 errors in a row and healthy again on the next answer', async () => {
    const watched = health();
    node.script(
      { kind: 'error', code: -32603, message: 'internal error' },
      { kind: 'http', status: 500, body: 'upstream down' },
      { kind: 'error', code: -32005, message: 'limit exceeded' },
    );
    const errors = [];
    for (let i = 0; i < 3; i++) errors.push(await failure(watched.send('eth_blockNumber')));
    expect(errors.map((e) => (e as MevError).code)).toEqual([
      'MEV_RPC_ERROR',
      'MEV_RPC_ERROR',
      'MEV_RPC_ERROR',
    ]);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ market: 'arbitrage', venue: 'uniswap-v2', ok: false });
    expect(reports[0]?.reason).toMatch(/^3 RPC failures in a row; last: eth_blockNumber failed \(/);
    expect(reports[0]?.reason).toContain('limit exceeded');
    await watched.send('eth_blockNumber');
    expect(reports.map((r) => r.ok)).toEqual([false, true]);
    expect(reports[1]?.reason).toBe('the chain node answers again on the expected chain');
  });

  it('turns unhealthy after 3 timeouts (driven by the injected timers)', async () => {
    const watched = health();
    node.script({ kind: 'stall' }, { kind: 'stall' }, { kind: 'stall' });
    for (let i = 1; i <= 3; i++) {
      const pending = failure(watched.send('eth_blockNumber'));
      expect(timers.pending).toBe(1);
      timers.advance(2_000);
      const err = (await pending) as EvmError;
      expect(err).toBeInstanceOf(EvmError);
      expect(err.code).toBe('EVM_RPC_TIMEOUT');
      expect(watched.consecutiveFailures).toBe(i);
    }
    expect(reports).toEqual([
      {
        market: 'arbitrage',
        venue: 'uniswap-v2',
        ok: false,
        reason: '3 RPC failures in a row; last: eth_blockNumber timed out after 2000 ms',
      },
    ]);
  });

  it('does not count a revert (the node answered) as a failure', async () => {
    const watched = health({ maxConsecutiveFailures: 1 });
    node.script({ kind: 'error', code: 3, message: 'execution reverted', data: '0x' });
    const err = await failure(
      watched.call('eth_call', () =>
        provider.call({ to: '0x00000000000000000000000000000000000E0E0E', data: '0x' }),
      ),
    );
    expect((err as { code?: string }).code).toBe('CALL_EXCEPTION');
    expect(watched.consecutiveFailures).toBe(0);
    expect(reports).toEqual([]);
  });

  it('turns unhealthy at once on a chain id mismatch, and only a matching chain id clears it', async () => {
    const watched = health();
    node.chainId = 1;
    const err = (await failure(watched.checkChainId())) as EvmError;
    expect(err.code).toBe('EVM_CHAIN_ID_MISMATCH');
    expect(err.context).toEqual({ expected: 31337, actual: 1 });
    expect(reports).toEqual([
      {
        market: 'arbitrage',
        venue: 'uniswap-v2',
        ok: false,
        reason: 'chain id mismatch: the node is chain 1, expected 31337',
      },
    ]);
    await watched.send('eth_blockNumber'); // answers, but on the wrong chain
    expect(watched.report.ok).toBe(false);
    node.chainId = 31337;
    expect(await watched.checkChainId()).toBe(31337);
    expect(reports.map((r) => r.ok)).toEqual([false, true]);
  });

  it('keeps the RPC URL (and its key) out of errors and reports', async () => {
    const watched = health({ maxConsecutiveFailures: 2 });
    node.script({ kind: 'http', status: 500, body: `no route to ${node.url}` }, { kind: 'stall' });
    const httpError = await failure(watched.send('eth_blockNumber'));
    const pending = failure(watched.send('eth_blockNumber'));
    timers.advance(2_000);
    const timeout = await pending;
    const texts = [httpError, timeout].flatMap((e) => [String(e), JSON.stringify(e), (e as Error).message]);
    texts.push(JSON.stringify(reports));
    expect(reports).toHaveLength(1);
    for (const text of texts) expect(text).not.toContain(API_KEY);
    expect((httpError as MevError).cause).toBeUndefined();
  });
});

describe('RpcHealth state machine (property)', () => {
  it('reports only changes, and is unhealthy exactly after a streak of failures', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        async (outcomes, max) => {
          const heard: BrokerHealthReport[] = [];
          const watched = new RpcHealth({
            rpc: {
              send: (method) =>
                outcomes[Number(method)] ? Promise.resolve('0x1') : Promise.reject(new Error('down')),
            },
            expectedChainId: 1,
            maxConsecutiveFailures: max,
            scheduler: new ManualTimers(),
          });
          watched.onChange((report) => heard.push(report));
          let streak = 0;
          for (let i = 0; i < outcomes.length; i++) {
            await watched.send(String(i)).catch(() => undefined);
            streak = outcomes[i] ? 0 : streak + 1;
            expect(watched.report.ok).toBe(streak < max);
          }
          expect(heard.map((report) => report.ok)).toEqual(heard.map((_, i) => i % 2 === 1)); // false, true, false...
        },
      ),
      { numRuns: 60, seed: 16 },
    );
  });
});
