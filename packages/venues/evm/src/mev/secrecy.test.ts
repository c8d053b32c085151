import { inspect } from 'node:util';
import { Secret } from '@omni/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleSigner } from './bundle-signer.js';
import {
  arbitrageBundle,
  OTHER_RELAY_KEY_HEX,
  RELAY_KEY_HEX,
  TRADING_KEY_HEX,
} from './bundle-txs.fixture.js';
import { FakeRelay } from './fake-relay.fixture.js';
import { ManualTimers } from './manual-timers.fixture.js';
import { RelayClient } from './relay-client.js';

const URL_KEY = 'relay-key-5e2d7c9a13f0';
const SECRETS = [
  URL_KEY,
  RELAY_KEY_HEX.slice(2, 18),
  OTHER_RELAY_KEY_HEX.slice(2, 18),
  TRADING_KEY_HEX.slice(2, 18),
];

let relay: FakeRelay;
beforeEach(async () => {
  relay = await FakeRelay.start({ allowedSigners: [new BundleSigner(new Secret(RELAY_KEY_HEX)).address] });
});
afterEach(async () => {
  await relay.close();
});

function printed(err: unknown): string {
  return [String(err), (err as Error).message, JSON.stringify(err), inspect(err, { depth: 5 })].join('\n');
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('secrets on the MEV path', () => {
  it('no relay error quotes the relay URL key, the relay key or the trading key', async () => {
    const timers = new ManualTimers();
    const relayUrl = new Secret(`${relay.url}${URL_KEY}`);
    const signer = new BundleSigner(new Secret(RELAY_KEY_HEX));
    const client = new RelayClient({ relayUrl, signer, scheduler: timers });
    const { raws } = await arbitrageBundle();
    const errors: unknown[] = [];

    relay.failNext('eth_sendBundle', { code: -32000, message: `bad bundle at ${relay.url}${URL_KEY}` });
    errors.push(await failureOf(client.sendBundle(raws, 101n)));

    const stranger = new RelayClient({ relayUrl, signer: new BundleSigner(new Secret(OTHER_RELAY_KEY_HEX)) });
    errors.push(await failureOf(stranger.callBundle(raws, 101n, 100n)));

    relay.stallNext('eth_sendBundle');
    const arrived = relay.nextRequest();
    const pending = failureOf(client.sendBundle(raws, 101n));
    await arrived;
    timers.advance(5_000);
    errors.push(await pending);

    errors.push(
      await failureOf(
        Promise.resolve().then(() => new BundleSigner(new Secret(`${TRADING_KEY_HEX.slice(0, 64)}zz`))),
      ),
    );
    const url = relay.url;
    await relay.close();
    const gone = new RelayClient({ relayUrl: new Secret(`${url}${URL_KEY}`), signer });
    errors.push(await failureOf(gone.sendBundle(raws, 101n)));
    relay = await FakeRelay.start();

    expect(errors.map((e) => (e as { code?: string }).code)).toEqual([
      'MEV_RELAY_REFUSED',
      'MEV_BAD_SIGNATURE',
      'MEV_RELAY_TIMEOUT',
      'MEV_BAD_OPTION',
      'MEV_RELAY_UNREACHABLE',
    ]);
    for (const err of errors) {
      const text = printed(err);
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
    expect(printed(errors[0])).toContain('[redacted]');
  });

  it('the relay key never reaches the relay; only its address and signature do', async () => {
    const signer = new BundleSigner(new Secret(RELAY_KEY_HEX));
    const client = new RelayClient({ relayUrl: new Secret(relay.url), signer });
    const { raws } = await arbitrageBundle();
    await client.sendBundle(raws, 101n);
    const wire = relay.received.map((r) => `${r.signatureHeader}\n${r.body}`).join('\n');
    expect(wire).toContain(signer.address);
    for (const secret of SECRETS.slice(1)) expect(wire).not.toContain(secret);
  });
});
