import { describe, expect, it } from 'vitest';
import { EvmError } from './evm-error.js';
import { EvmRouteSchema } from './routes.js';
import { assertChainId, revertDataOf, withTimeout } from './rpc.js';

describe('rpc helpers', () => {
  it('assertChainId refuses another chain with EVM_CHAIN_ID_MISMATCH', async () => {
    const node = { request: async () => '0x1' };
    await expect(assertChainId(node, 31337)).rejects.toMatchObject({
      code: 'EVM_CHAIN_ID_MISMATCH',
      context: { expected: 31337, actual: 1 },
    });
    await expect(assertChainId({ request: async () => '0x7a69' }, 31337)).resolves.toBeUndefined();
  });

  it('withTimeout turns a silent node into EVM_RPC_TIMEOUT', async () => {
    const never = new Promise<never>(() => {});
    const err = await withTimeout(never, 1, 'eth_call').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvmError);
    expect(err).toMatchObject({ code: 'EVM_RPC_TIMEOUT', context: { method: 'eth_call', timeoutMs: 1 } });
    await expect(withTimeout(Promise.resolve(7), 1_000, 'x')).resolves.toBe(7);
  });

  it('revertDataOf finds revert data wherever the provider put it', () => {
    expect(revertDataOf({ data: '0x08c379a0ab' })).toBe('0x08c379a0ab');
    expect(revertDataOf({ info: { error: { data: '0xdeadbeef00' } } })).toBe('0xdeadbeef00');
    expect(revertDataOf({ error: { data: { data: '0x1234567890' } } })).toBe('0x1234567890');
    expect(revertDataOf(new Error('no data'))).toBeUndefined();
  });

  it('EvmRouteSchema checksums addresses and refuses an empty sell path', () => {
    const pair = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
    const route = EvmRouteSchema.parse({
      routeId: 'r',
      borrowPair: pair,
      borrowToken: pair,
      sellPath: [pair],
      repayTokenUsd: 1,
    });
    expect(route.borrowPair).toBe('0x5FbDB2315678afecb367f032d93F642f64180aa3');
    expect(() => EvmRouteSchema.parse({ ...route, sellPath: [] })).toThrow();
    expect(() => EvmRouteSchema.parse({ ...route, borrowPair: '0x12' })).toThrow();
  });
});
