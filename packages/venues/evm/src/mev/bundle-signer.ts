import type { Secret } from '@omni/core';
import { getAddress, id, verifyMessage, Wallet } from 'ethers';
import { MevError } from './mev-error.js';

/** The HTTP header a Flashbots-style relay reads the searcher's identity from. */
export const FLASHBOTS_SIGNATURE_HEADER = 'X-Flashbots-Signature';

const inspectCustom = Symbol.for('nodejs.util.inspect.custom');
const PRIVATE_KEY_RE = /^0x[0-9a-fA-F]{64}$/;

/**
 * Signs JSON-RPC bodies for a Flashbots-style relay with the relay identity key — a key of its
 * own that holds no funds, never the trading key (`DEX_PRIVKEY`).
 *
 * The header value is `address:signature`, where the signature is an EIP-191 personal-sign of
 * the keccak256 hash of the body, the hash written as a `0x` hex string (Flashbots' "Authentication"
 * section). The body signed must be the exact bytes sent.
 *
 * @example
 * const signer = new BundleSigner(new Secret(process.env.MEV_AUTH_KEY ?? ''), { tradingAddress });
 * fetch(url, { method: 'POST', body, headers: { [FLASHBOTS_SIGNATURE_HEADER]: signer.sign(body) } });
 */
export class BundleSigner {
  /** The relay identity: the checksummed address of the signing key (public). */
  readonly address: string;
  readonly #wallet: Wallet;

  /**
   * @param key the relay identity key (32 bytes of hex, optional `0x`), as a Secret.
   * @param options.tradingAddress the address of the trading key: a signer whose address equals it is refused.
   * @throws MevError `MEV_BAD_OPTION` when the key is malformed or is the trading key.
   */
  constructor(key: Secret, options: { readonly tradingAddress?: string } = {}) {
    const raw = key.reveal();
    const hex = raw.startsWith('0x') ? raw : `0x${raw}`;
    if (!PRIVATE_KEY_RE.test(hex)) {
      throw new MevError('MEV_BAD_OPTION', 'the relay signing key must be 32 bytes of hex (64 hex digits)', {
        option: 'relaySigningKey',
      });
    }
    let wallet: Wallet;
    try {
      wallet = new Wallet(hex);
    } catch {
      // ethers says why (e.g. the key is zero or above the curve order); its text is not kept.
      throw new MevError('MEV_BAD_OPTION', 'the relay signing key is not a valid secp256k1 private key', {
        option: 'relaySigningKey',
      });
    }
    this.#wallet = wallet;
    this.address = wallet.address;
    const trading = options.tradingAddress === undefined ? undefined : checksumOf(options.tradingAddress);
    if (trading === this.address) {
      throw new MevError(
        'MEV_BAD_OPTION',
        'the relay signing key is the trading key; give the relay a separate key that holds no funds',
        { option: 'relaySigningKey', address: this.address },
      );
    }
  }

  /**
   * The `X-Flashbots-Signature` value for `body`: `address:signature`.
   *
   * @param body the JSON-RPC request body exactly as it will be sent.
   * @returns `0xAddress:0xSignature` (65-byte signature, hex).
   */
  sign(body: string): string {
    return `${this.address}:${this.#wallet.signMessageSync(id(body))}`;
  }

  toString(): string {
    return `BundleSigner(${this.address})`;
  }

  toJSON(): { address: string } {
    return { address: this.address };
  }

  [inspectCustom](): string {
    return this.toString();
  }
}

/** What {@link recoverBundleSigner} found in a signature header. */
export type SignatureCheck =
  | { readonly ok: true; readonly address: string }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'mismatch'; readonly claimed?: string };

/**
 * Checks an `X-Flashbots-Signature` value against the body it came with, as a relay does: the
 * address recovered from the signature over keccak256(body) must be the address the header claims.
 *
 * @param body the raw request body.
 * @param header the header value (`address:signature`), or undefined when absent.
 */
export function recoverBundleSigner(body: string, header: string | undefined): SignatureCheck {
  if (header === undefined || header === '') return { ok: false, reason: 'missing' };
  const colon = header.indexOf(':');
  const claimed = colon < 0 ? '' : header.slice(0, colon);
  const signature = colon < 0 ? '' : header.slice(colon + 1);
  const claimedAddress = checksumOf(claimed);
  if (claimedAddress === undefined || !/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    return { ok: false, reason: 'malformed' };
  }
  let recovered: string;
  try {
    recovered = verifyMessage(id(body), signature);
  } catch {
    return { ok: false, reason: 'malformed', claimed: claimedAddress };
  }
  return recovered === claimedAddress
    ? { ok: true, address: recovered }
    : { ok: false, reason: 'mismatch', claimed: claimedAddress };
}

/** The checksummed form of a 20-byte hex address, or undefined when it is not one (or has a bad checksum). */
function checksumOf(value: string): string | undefined {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) return undefined;
  try {
    return getAddress(value);
  } catch {
    return undefined;
  }
}
