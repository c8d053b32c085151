/** Test support: how the FakeRelay checks bundle params and the arithmetic of its simulation (tests only). */
import { concat, getAddress, keccak256, Transaction } from 'ethers';
import { z } from 'zod';
import { HASH_RE, HEX_BYTES_RE, QUANTITY_RE } from './relay-protocol.js';

const txs = z.array(z.string().regex(HEX_BYTES_RE, 'must be 0x hex bytes')).min(1).max(100);
const quantity = z.string().regex(QUANTITY_RE, 'must be a hex quantity');
const seconds = z.number().int().nonnegative();

/** eth_callBundle `params[0]` (strict: an unknown field is refused, to catch client typos). */
export const FakeCallBundleParams = z.strictObject({
  txs,
  blockNumber: quantity,
  stateBlockNumber: z.union([quantity, z.literal('latest')]),
  timestamp: seconds.optional(),
});

/** eth_sendBundle `params[0]` (strict). */
export const FakeSendBundleParams = z.strictObject({
  txs,
  blockNumber: quantity,
  minTimestamp: seconds.optional(),
  maxTimestamp: seconds.optional(),
  revertingTxHashes: z.array(z.string().regex(HASH_RE)).optional(),
  replacementUuid: z.string().min(1).optional(),
});

/** A bundle transaction as the fake decoded it with ethers `Transaction.from`. */
export interface DecodedBundleTx {
  readonly raw: string;
  readonly hash: string;
  readonly from: string;
  readonly to: string | undefined;
  readonly nonce: number;
  readonly chainId: bigint;
  readonly type: number;
  readonly gasLimit: bigint;
  readonly value: bigint;
  /** Call data. */
  readonly data: string;
  /** gasPrice (legacy) or maxFeePerGas (EIP-1559). */
  readonly maxFeePerGas: bigint;
  /** gasPrice (legacy) or maxPriorityFeePerGas (EIP-1559). */
  readonly maxPriorityFeePerGas: bigint;
}

/** Decodes signed raw txs; the index and reason of the first that is not a signed transaction otherwise. */
export function decodeBundleTxs(
  raws: readonly string[],
): { ok: true; txs: DecodedBundleTx[] } | { ok: false; index: number; reason: string } {
  const out: DecodedBundleTx[] = [];
  for (let index = 0; index < raws.length; index++) {
    const raw = raws[index] ?? '';
    let tx: Transaction;
    try {
      tx = Transaction.from(raw);
    } catch {
      return { ok: false, index, reason: 'not an RLP-encoded transaction' };
    }
    if (tx.hash === null || tx.from === null) return { ok: false, index, reason: 'not signed' };
    const legacyPrice = tx.gasPrice ?? 0n;
    out.push({
      raw,
      hash: tx.hash,
      from: tx.from,
      to: tx.to ?? undefined,
      nonce: tx.nonce,
      chainId: tx.chainId,
      type: tx.type ?? 0,
      gasLimit: tx.gasLimit,
      value: tx.value,
      data: tx.data,
      maxFeePerGas: tx.maxFeePerGas ?? legacyPrice,
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas ?? legacyPrice,
    });
  }
  return { ok: true, txs: out };
}

/** The fake's block: base fee and fee recipient. */
export interface FakeBlock {
  readonly baseFeePerGasWei: bigint;
  readonly coinbase: string;
}

/** Per-tx wire result of the fake's simulation (decimal-string wei, number gas, as relays write them). */
export type FakeTxResult = Record<string, string | number>;

/**
 * The fake's own simulation arithmetic — NOT an EVM: every tx uses its whole gas limit; its price is
 * min(maxFeePerGas, baseFee + maxPriorityFeePerGas) (legacy: gasPrice); the fee recipient gains
 * gasUsed × (price − baseFee) plus the tx's `value` when the tx pays the coinbase; a tx the test
 * marked as reverting pays its gas, transfers nothing and reports `execution reverted` with the reason.
 * The bundle hash is keccak256 of the concatenated tx hashes. A tx that cannot pay the base fee fails
 * the whole simulation (`ok: false`), as a relay's simulator refuses such a bundle.
 */
export function simulateFakeBundle(
  txsDecoded: readonly DecodedBundleTx[],
  block: FakeBlock,
  reverts: ReadonlyMap<string, string>,
  stateBlockNumber: bigint,
): { ok: true; result: Record<string, unknown> } | { ok: false; message: string } {
  let totalGas = 0n;
  let coinbaseDiff = 0n;
  let sentToCoinbase = 0n;
  let gasFees = 0n;
  const results: FakeTxResult[] = [];
  const coinbase = getAddress(block.coinbase);
  for (const tx of txsDecoded) {
    if (tx.maxFeePerGas < block.baseFeePerGasWei) {
      return {
        ok: false,
        message: `err: max fee per gas less than block base fee: address ${tx.from}, maxFeePerGas: ${tx.maxFeePerGas} baseFee: ${block.baseFeePerGasWei}`,
      };
    }
    const price = minBig(tx.maxFeePerGas, block.baseFeePerGasWei + tx.maxPriorityFeePerGas);
    const gasUsed = tx.gasLimit;
    const revertReason = reverts.get(tx.hash.toLowerCase());
    const paysCoinbase = revertReason === undefined && tx.to !== undefined && getAddress(tx.to) === coinbase;
    const sent = paysCoinbase ? tx.value : 0n;
    const fees = gasUsed * price;
    const diff = gasUsed * (price - block.baseFeePerGasWei) + sent;
    totalGas += gasUsed;
    coinbaseDiff += diff;
    sentToCoinbase += sent;
    gasFees += fees;
    results.push({
      txHash: tx.hash,
      fromAddress: tx.from,
      ...(tx.to === undefined ? {} : { toAddress: tx.to }),
      gasUsed: Number(gasUsed),
      gasPrice: price.toString(),
      gasFees: fees.toString(),
      coinbaseDiff: diff.toString(),
      ethSentToCoinbase: sent.toString(),
      ...(revertReason === undefined
        ? { value: '0x' }
        : { error: 'execution reverted', revert: revertReason }),
    });
  }
  const result = {
    bundleGasPrice: (totalGas === 0n ? 0n : coinbaseDiff / totalGas).toString(),
    bundleHash: fakeBundleHash(txsDecoded),
    coinbaseDiff: coinbaseDiff.toString(),
    ethSentToCoinbase: sentToCoinbase.toString(),
    gasFees: gasFees.toString(),
    results,
    stateBlockNumber: Number(stateBlockNumber),
    totalGasUsed: Number(totalGas),
  };
  return { ok: true, result };
}

/** keccak256 of the concatenated tx hashes (the fake's bundle hash). */
export function fakeBundleHash(txsDecoded: readonly DecodedBundleTx[]): string {
  return keccak256(concat(txsDecoded.map((tx) => tx.hash)));
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
