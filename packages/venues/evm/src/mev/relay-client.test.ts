import { parseConfig, Secret } from '@omni/core';
import { concat, hashMessage, id, keccak256, recoverAddress, Transaction } from 'ethers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleSigner } from './bundle-signer.js';
import { arbitrageBundle, OTHER_RELAY_KEY_HEX, relayKey } from './bundle-txs.fixture.js';
import { FakeRelay } from './fake-relay.fixture.js';
import { ManualTimers } from './manual-timers.fixture.js';
import { MevError } from './mev-error.js';
import { RelayClient } from './relay-client.js';

let relay: FakeRelay;
let timers: ManualTimers;
let signer: BundleSigner;
let raws: string[];

beforeEach(async () => {
  relay = await FakeRelay.start();
  timers = new ManualTimers();
  signer = new BundleSigner(relayKey());
  raws = (await arbitrageBundle()).raws;
});
afterEach(async () => {
  await relay.close();
});

function client(overrides: Partial<ConstructorParameters<typeof RelayClient>[0]> = {}): RelayClient {
  return new RelayClient({ relayUrl: new Secret(relay.url), signer, scheduler: timers, ...overrides });
}

async function caught(promise: Promise<unknown>): Promise<MevError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof MevError) return err;
    throw err;
  }
  throw new Error('expected a MevError');
}

describe('RelayClient.callBundle', () => {
  it('sends the documented params, signed by the relay key over the exact body', async () => {
    await client().callBundle(raws, 101n, 100n, { timestamp: 1_700_000_000 });
    expect(relay.received).toHaveLength(1);
    const request = relay.received[0];
    expect(request?.method).toBe('eth_callBundle');
    expect(request?.id).toBe(1);
    expect(request?.params).toEqual({
      txs: raws,
      blockNumber: '0x65',
      stateBlockNumber: '0x64',
      timestamp: 1_700_000_000,
    });
    expect(request?.signature).toEqual({ ok: true, address: signer.address });
    // An independent check of the header: EIP-191 over the hex keccak of the body.
    const [address, signature] = (request?.signatureHeader ?? '').split(':');
    expect(address).toBe(signer.address);
    expect(recoverAddress(hashMessage(id(request?.body ?? '')), signature ?? '')).toBe(signer.address);
  });

  it('sends latest as the state block when asked', async () => {
    await client().callBundle(raws, 101n, 'latest');
    expect(relay.received[0]?.params).toEqual({ txs: raws, blockNumber: '0x65', stateBlockNumber: 'latest' });
  });

  it('returns per-tx gas, fees and coinbase diff (the fake relay arithmetic, worked by hand)', async () => {
    const simulation = await client().callBundle(raws, 101n, 100n);
    const hashes = raws.map((raw) => Transaction.from(raw).hash ?? '');
    // arb: 250 000 gas at min(30, 1 + 2) = 3 gwei; the fee recipient keeps the 2 gwei tip.
    // tip: 21 000 gas at 1 gwei (base fee only) and 0.01 ETH sent to the fee recipient.
    expect(
      simulation.results.map((r) => [
        r.txHash,
        r.status,
        r.gasUsed,
        r.gasPriceWei,
        r.gasFeesWei,
        r.coinbaseDiffWei,
      ]),
    ).toEqual([
      [hashes[0], 'success', 250_000n, 3_000_000_000n, 750_000_000_000_000n, 500_000_000_000_000n],
      [hashes[1], 'success', 21_000n, 1_000_000_000n, 21_000_000_000_000n, 10_000_000_000_000_000n],
    ]);
    expect(simulation.totalGasUsed).toBe(271_000n);
    expect(simulation.coinbaseDiffWei).toBe(10_500_000_000_000_000n);
    expect(simulation.ethSentToCoinbaseWei).toBe(10_000_000_000_000_000n);
    expect(simulation.gasFeesWei).toBe(771_000_000_000_000n);
    expect(simulation.bundleGasPriceWei).toBe(38_745_387_453n); // 1.05e16 / 271 000, floored
    expect(simulation.stateBlockNumber).toBe(100n);
    expect(simulation.bundleHash).toBe(keccak256(concat(hashes)));
  });

  it('throws MEV_SIMULATION_REVERTED with the revert reason when a tx reverts', async () => {
    const arbHash = Transaction.from(raws[0] ?? '').hash ?? '';
    relay.revertTx(arbHash, 'profit below minimum');
    const err = await caught(client().callBundle(raws, 101n, 100n));
    expect(err.code).toBe('MEV_SIMULATION_REVERTED');
    expect(err.context).toMatchObject({
      txIndex: 0,
      txHash: arbHash,
      error: 'execution reverted',
      revertReason: 'profit below minimum',
      gasUsed: 250_000n,
    });
  });

  it('returns the reverted results when the caller allows reverts (a reverted payment sends nothing)', async () => {
    relay.revertTx(Transaction.from(raws[1] ?? '').hash ?? '', 'paused');
    const simulation = await client().callBundle(raws, 101n, 100n, { allowReverts: true });
    const tip = simulation.results[1];
    expect(tip?.status === 'reverted' ? [tip.error, tip.revertReason] : []).toEqual([
      'execution reverted',
      'paused',
    ]);
    expect(tip?.gasFeesWei).toBe(21_000_000_000_000n); // gas is still paid
    expect(simulation.ethSentToCoinbaseWei).toBe(0n);
    expect(simulation.coinbaseDiffWei).toBe(500_000_000_000_000n); // the arb's tip only
  });
});

describe('RelayClient.sendBundle', () => {
  it('sends the documented params and returns the relay bundle hash', async () => {
    const sent = await client().sendBundle(raws, 101n, {
      minTimestamp: 0,
      maxTimestamp: 1_700_000_012,
      revertingTxHashes: [],
      replacementUuid: '2b7b7d4e-1f1a-4c1e-9a55-0d3c3a1f5e11',
    });
    expect(relay.received[0]?.method).toBe('eth_sendBundle');
    expect(relay.received[0]?.params).toEqual({
      txs: raws,
      blockNumber: '0x65',
      minTimestamp: 0,
      maxTimestamp: 1_700_000_012,
      revertingTxHashes: [],
      replacementUuid: '2b7b7d4e-1f1a-4c1e-9a55-0d3c3a1f5e11',
    });
    const hashes = raws.map((raw) => Transaction.from(raw).hash ?? '');
    expect(sent).toEqual({ bundleHash: keccak256(concat(hashes)), targetBlock: 101n });
    expect(relay.bundles).toEqual([{ bundleHash: sent.bundleHash, blockNumber: 101n, txs: raws }]);
  });

  it('leaves optional fields out of the params', async () => {
    await client().sendBundle(raws, 102n);
    expect(relay.received[0]?.params).toEqual({ txs: raws, blockNumber: '0x66' });
  });

  it('refuses a second send of one decision for one block unless the caller asks', async () => {
    const relayClient = client();
    await relayClient.sendBundle(raws, 101n, { decisionId: 'arb-1' });
    const err = await caught(relayClient.sendBundle(raws, 101n, { decisionId: 'arb-1' }));
    expect(err.code).toBe('MEV_DUPLICATE_SEND');
    expect(relay.received).toHaveLength(1);
    await relayClient.sendBundle(raws, 102n, { decisionId: 'arb-1' }); // the next block is another send
    await relayClient.sendBundle(raws, 101n, { decisionId: 'arb-1', resend: true });
    expect(relay.bundles.map((b) => b.blockNumber)).toEqual([101n, 102n, 101n]);
  });

  it('times out an unanswered send once, without retrying it', async () => {
    relay.stallNext('eth_sendBundle');
    const arrived = relay.nextRequest();
    const pending = caught(client({ timeoutMs: 4_000 }).sendBundle(raws, 101n, { decisionId: 'arb-2' }));
    await arrived;
    timers.advance(3_999);
    expect(timers.pending).toBe(1);
    timers.advance(1);
    const err = await pending;
    expect(err.code).toBe('MEV_RELAY_TIMEOUT');
    expect(err.context).toMatchObject({ method: 'eth_sendBundle', timeoutMs: 4_000, unanswered: true });
    expect(relay.received).toHaveLength(1);
    expect(timers.pending).toBe(0);
  });

  it('times out a simulation (answered-or-not does not matter for a call)', async () => {
    relay.stallNext('eth_callBundle');
    const arrived = relay.nextRequest();
    const pending = caught(client().callBundle(raws, 101n, 100n));
    await arrived;
    timers.advance(5_000);
    const err = await pending;
    expect(err.code).toBe('MEV_RELAY_TIMEOUT');
    expect(err.context['unanswered']).toBe(false);
  });

  it('reports a request the caller cancelled', async () => {
    relay.stallNext('eth_callBundle');
    const controller = new AbortController();
    const arrived = relay.nextRequest();
    const pending = caught(client().callBundle(raws, 101n, 100n, { signal: controller.signal }));
    await arrived;
    controller.abort();
    const err = await pending;
    expect(err.code).toBe('MEV_RELAY_TIMEOUT');
    expect(err.context['cancelled']).toBe(true);
    expect(timers.pending).toBe(0);
  });
});

describe('RelayClient errors', () => {
  it('maps a relay signature refusal to MEV_BAD_SIGNATURE (a key the relay does not accept)', async () => {
    await relay.close();
    relay = await FakeRelay.start({ allowedSigners: [signer.address] });
    const stranger = new BundleSigner(new Secret(OTHER_RELAY_KEY_HEX));
    const err = await caught(client({ signer: stranger }).sendBundle(raws, 101n));
    expect(err.code).toBe('MEV_BAD_SIGNATURE');
    expect(err.context).toMatchObject({ httpStatus: 403, relayCode: -32025 });
    expect(relay.bundles).toHaveLength(0);
  });

  it('maps a forged header (signed by one key, claiming another address) to MEV_BAD_SIGNATURE', async () => {
    const stranger = new BundleSigner(new Secret(OTHER_RELAY_KEY_HEX));
    const forging: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      const value = headers.get('x-flashbots-signature') ?? '';
      headers.set('x-flashbots-signature', value.replace(stranger.address, signer.address));
      return fetch(input, { ...init, headers });
    };
    const err = await caught(client({ signer: stranger, fetch: forging }).callBundle(raws, 101n, 100n));
    expect(err.code).toBe('MEV_BAD_SIGNATURE');
    expect(relay.received[0]?.signature).toEqual({ ok: false, reason: 'mismatch', claimed: signer.address });
  });

  it('maps another relay error to MEV_RELAY_REFUSED with the relay code and message', async () => {
    relay.failNext('eth_sendBundle', {
      code: -32000,
      message: 'bundle used too little gas, must use at least 42000',
    });
    const err = await caught(client().sendBundle(raws, 101n));
    expect(err.code).toBe('MEV_RELAY_REFUSED');
    expect(err.context).toMatchObject({
      relayCode: -32000,
      relayMessage: 'bundle used too little gas, must use at least 42000',
      httpStatus: 200,
    });
  });

  it('maps an HTTP error page to MEV_RELAY_REFUSED and a non-JSON 200 to MEV_RELAY_PROTOCOL', async () => {
    const page: typeof fetch = async () => new Response('<html>bad gateway</html>', { status: 502 });
    expect((await caught(client({ fetch: page }).sendBundle(raws, 101n))).context).toMatchObject({
      httpStatus: 502,
    });
    const garbage: typeof fetch = async () => new Response('ok', { status: 200 });
    expect((await caught(client({ fetch: garbage }).sendBundle(raws, 101n))).code).toBe('MEV_RELAY_PROTOCOL');
    const wrongId: typeof fetch = async () =>
      new Response(JSON.stringify({ jsonrpc: '2.0', id: 99, result: { bundleHash: `0x${'1'.repeat(64)}` } }));
    expect((await caught(client({ fetch: wrongId }).sendBundle(raws, 101n))).code).toBe('MEV_RELAY_PROTOCOL');
  });

  it('reports an unreachable relay with the system code only', async () => {
    const url = relay.url;
    await relay.close();
    const err = await caught(
      new RelayClient({ relayUrl: new Secret(url), signer, scheduler: timers }).sendBundle(raws, 101n),
    );
    expect(err.code).toBe('MEV_RELAY_UNREACHABLE');
    expect(err.context['detail']).toBe('ECONNREFUSED');
    expect(err.cause).toBeUndefined();
    relay = await FakeRelay.start(); // for afterEach
  });

  it('refuses malformed bundles before sending anything', async () => {
    const relayClient = client();
    expect((await caught(relayClient.sendBundle([], 101n))).code).toBe('MEV_BAD_OPTION');
    expect((await caught(relayClient.sendBundle(['0xabc'], 101n))).context).toEqual({ txIndex: 0 });
    expect((await caught(relayClient.callBundle(raws, -1n, 100n))).code).toBe('MEV_BAD_OPTION');
    expect((await caught(relayClient.sendBundle(Array(101).fill(raws[0]), 101n))).context).toEqual({
      txCount: 101,
    });
    expect(relay.received).toHaveLength(0);
  });

  it('is built from MEV_RELAY_URL of the config, and refuses a config without one', () => {
    const config = parseConfig({ credentials: { mevRelayUrl: relay.url } });
    expect(RelayClient.fromConfig(config, signer).signerAddress).toBe(signer.address);
    const err = (() => {
      try {
        RelayClient.fromConfig(parseConfig({}), signer);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(MevError);
    expect((err as MevError).code).toBe('MEV_BAD_OPTION');
  });
});
