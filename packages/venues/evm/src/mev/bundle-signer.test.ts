import { inspect } from 'node:util';
import { Secret } from '@omni/core';
import { hashMessage, id, recoverAddress, Wallet } from 'ethers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BundleSigner, recoverBundleSigner } from './bundle-signer.js';
import { OTHER_RELAY_KEY_HEX, RELAY_KEY_HEX, relayKey, TRADING_KEY_HEX } from './bundle-txs.fixture.js';
import { MevError } from './mev-error.js';

const BODY =
  '{"jsonrpc":"2.0","id":1,"method":"eth_sendBundle","params":[{"txs":["0x01"],"blockNumber":"0x65"}]}';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('BundleSigner', () => {
  it('writes address:signature, an EIP-191 signature of the hex keccak of the body', () => {
    const signer = new BundleSigner(relayKey());
    expect(signer.address).toBe(new Wallet(RELAY_KEY_HEX).address);
    const [address, signature] = signer.sign(BODY).split(':');
    expect(address).toBe(signer.address);
    expect(signature).toMatch(/^0x[0-9a-f]{130}$/);
    expect(recoverAddress(hashMessage(id(BODY)), signature ?? '')).toBe(signer.address);
  });

  it('takes a key without the 0x prefix', () => {
    expect(new BundleSigner(new Secret(RELAY_KEY_HEX.slice(2))).address).toBe(
      new Wallet(RELAY_KEY_HEX).address,
    );
  });

  it('refuses a malformed key without quoting it', () => {
    const err = thrown(() => new BundleSigner(new Secret('0x1234567890abcdef')));
    expect(err).toBeInstanceOf(MevError);
    expect((err as MevError).code).toBe('MEV_BAD_OPTION');
    expect(JSON.stringify(err) + String(err)).not.toContain('1234567890abcdef');
    const zero = thrown(() => new BundleSigner(new Secret(`0x${'00'.repeat(32)}`)));
    expect((zero as MevError).code).toBe('MEV_BAD_OPTION');
  });

  it('refuses the trading key as the relay identity', () => {
    const trading = new Wallet(TRADING_KEY_HEX).address;
    const err = thrown(
      () => new BundleSigner(new Secret(TRADING_KEY_HEX), { tradingAddress: trading.toLowerCase() }),
    );
    expect((err as MevError).code).toBe('MEV_BAD_OPTION');
    expect(new BundleSigner(relayKey(), { tradingAddress: trading }).address).not.toBe(trading);
  });

  it('never prints its key', () => {
    const signer = new BundleSigner(relayKey());
    const printed = [
      String(signer),
      JSON.stringify(signer),
      inspect(signer),
      inspect(signer, { showHidden: true }),
    ];
    for (const text of printed) expect(text.toLowerCase()).not.toContain('a1a1a1a1');
    expect(JSON.stringify(signer)).toBe(JSON.stringify({ address: signer.address }));
  });
});

describe('recoverBundleSigner', () => {
  const signer = new BundleSigner(relayKey());

  it('accepts the header of the body it signed', () => {
    expect(recoverBundleSigner(BODY, signer.sign(BODY))).toEqual({ ok: true, address: signer.address });
  });

  it('refuses a header of another body, a forged address, a missing or a malformed header', () => {
    const header = signer.sign(BODY);
    expect(recoverBundleSigner(`${BODY} `, header)).toMatchObject({ ok: false, reason: 'mismatch' });
    const other = new Wallet(OTHER_RELAY_KEY_HEX).address;
    expect(recoverBundleSigner(BODY, header.replace(signer.address, other))).toEqual({
      ok: false,
      reason: 'mismatch',
      claimed: other,
    });
    expect(recoverBundleSigner(BODY, undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(recoverBundleSigner(BODY, 'nonsense')).toEqual({ ok: false, reason: 'malformed' });
    expect(recoverBundleSigner(BODY, `${signer.address}:0x1234`)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('recovers the signer of any body (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (body) => {
        expect(recoverBundleSigner(body, signer.sign(body))).toEqual({ ok: true, address: signer.address });
      }),
      { numRuns: 25, seed: 16 },
    );
  });
});
