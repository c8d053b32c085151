import { Transaction } from 'ethers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleSigner } from './bundle-signer.js';
import { arbitrageBundle, relayKey } from './bundle-txs.fixture.js';
import { FakeRelay } from './fake-relay.fixture.js';

let relay: FakeRelay;
const signer = new BundleSigner(relayKey());

beforeEach(async () => {
  relay = await FakeRelay.start();
});
afterEach(async () => {
  await relay.close();
});

/** Posts `payload` as JSON, signed unless `sign` is false; returns HTTP status and parsed answer. */
async function post(
  payload: unknown,
  sign = true,
): Promise<{ status: number; answer: Record<string, unknown> }> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (sign) headers['X-Flashbots-Signature'] = signer.sign(body);
  const response = await fetch(relay.url, { method: 'POST', body, headers });
  return { status: response.status, answer: (await response.json()) as Record<string, unknown> };
}

function sendBundle(params: unknown): unknown {
  return { jsonrpc: '2.0', id: 1, method: 'eth_sendBundle', params: [params] };
}

describe('FakeRelay', () => {
  it('answers a request without a signature as the relay does', async () => {
    const { raws } = await arbitrageBundle();
    const { status, answer } = await post(sendBundle({ txs: raws, blockNumber: '0x65' }), false);
    expect(status).toBe(403);
    expect(answer['error']).toEqual({ code: -32600, message: 'signature is required' });
    expect(relay.bundles).toHaveLength(0);
  });

  it('refuses params that are not a bundle', async () => {
    const { raws } = await arbitrageBundle();
    const cases: [unknown, string][] = [
      [{ txs: raws, blockNumber: '101' }, 'blockNumber'],
      [{ txs: raws, blockNumber: '0x0065' }, 'blockNumber'],
      [{ txs: [], blockNumber: '0x65' }, 'txs'],
      [{ txs: ['0xdeadbeef'], blockNumber: '0x65' }, 'txs.0: not an RLP-encoded transaction'],
      [{ txs: raws, blockNumber: '0x65', minTimestamp: '0' }, 'minTimestamp'],
      [{ txs: raws, blockNumber: '0x65', extra: true }, 'Unrecognized key'],
    ];
    for (const [params, reason] of cases) {
      const { answer } = await post(sendBundle(params));
      const error = answer['error'] as { code: number; message: string };
      expect(error.code).toBe(-32602);
      expect(error.message).toContain(reason);
    }
    expect(relay.bundles).toHaveLength(0);
  });

  it('refuses an unsigned transaction', async () => {
    const tx = Transaction.from({
      type: 2,
      chainId: 1n,
      nonce: 0,
      gasLimit: 21_000n,
      maxFeePerGas: 2n,
      maxPriorityFeePerGas: 1n,
      to: signer.address,
    });
    const { answer } = await post(sendBundle({ txs: [tx.unsignedSerialized], blockNumber: '0x65' }));
    expect(answer['error']).toEqual({ code: -32602, message: 'invalid params: txs.0: not signed' });
  });

  it('answers an unknown method and a tx that cannot pay the base fee with JSON-RPC errors', async () => {
    const { raws } = await arbitrageBundle();
    const unknown = await post({
      jsonrpc: '2.0',
      id: 2,
      method: 'eth_sendRawTransaction',
      params: [raws[0]],
    });
    expect((unknown.answer['error'] as { code: number }).code).toBe(-32601);
    await relay.close();
    relay = await FakeRelay.start({ baseFeePerGasWei: 2_000_000_000n });
    const call = await post({
      jsonrpc: '2.0',
      id: 3,
      method: 'eth_callBundle',
      params: [{ txs: raws, blockNumber: '0x65', stateBlockNumber: 'latest' }],
    });
    const error = call.answer['error'] as { code: number; message: string };
    expect(error.code).toBe(-32000);
    expect(error.message).toContain('max fee per gas less than block base fee');
  });
});
