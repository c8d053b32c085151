import { toQuantity } from 'ethers';
import { z } from 'zod';

// The wire format of eth_callBundle / eth_sendBundle (Flashbots "JSON-RPC Endpoints" page): what
// the RelayClient sends and the FakeRelay checks, and the answers the client parses.

/** A `0x`-prefixed hex string of whole bytes (a raw signed transaction). */
export const HEX_BYTES_RE = /^0x(?:[0-9a-fA-F]{2})+$/;
/** A JSON-RPC quantity: `0x` and hex digits without leading zeros (`0x0` for zero). */
export const QUANTITY_RE = /^0x(?:0|[1-9a-fA-F][0-9a-fA-F]*)$/;
/** A 32-byte hash. */
export const HASH_RE = /^0x[0-9a-fA-F]{64}$/;

/** The simulation request: the bundle's raw txs, the block it targets and the state it runs on. */
export interface CallBundleRequest {
  /** Signed raw transactions (`0x…`), executed in order. */
  readonly txs: readonly string[];
  /** The block the bundle would be included in (sent as a hex quantity). */
  readonly blockNumber: bigint;
  /** The block whose state the simulation starts from (hex quantity), or `latest`. */
  readonly stateBlockNumber: bigint | 'latest';
  /** Block timestamp for the simulation, seconds since the epoch (optional). */
  readonly timestamp?: number;
}

/** The submission: the bundle's raw txs for one target block, with the relay's optional fields. */
export interface SendBundleRequest {
  readonly txs: readonly string[];
  /** The one block the bundle is valid for (sent as a hex quantity). */
  readonly blockNumber: bigint;
  /** Earliest block timestamp the bundle may land in, seconds since the epoch. */
  readonly minTimestamp?: number;
  /** Latest block timestamp the bundle may land in, seconds since the epoch. */
  readonly maxTimestamp?: number;
  /** Hashes of txs of the bundle that may revert without dropping the bundle. */
  readonly revertingTxHashes?: readonly string[];
  /** A UUID that later sends may use to replace or cancel this bundle. */
  readonly replacementUuid?: string;
}

/** The `params[0]` object of eth_callBundle as sent on the wire. */
export function callBundleParams(request: CallBundleRequest): Record<string, unknown> {
  return {
    txs: [...request.txs],
    blockNumber: toQuantity(request.blockNumber),
    stateBlockNumber: request.stateBlockNumber === 'latest' ? 'latest' : toQuantity(request.stateBlockNumber),
    ...(request.timestamp === undefined ? {} : { timestamp: request.timestamp }),
  };
}

/** The `params[0]` object of eth_sendBundle as sent on the wire (absent options are left out). */
export function sendBundleParams(request: SendBundleRequest): Record<string, unknown> {
  return {
    txs: [...request.txs],
    blockNumber: toQuantity(request.blockNumber),
    ...(request.minTimestamp === undefined ? {} : { minTimestamp: request.minTimestamp }),
    ...(request.maxTimestamp === undefined ? {} : { maxTimestamp: request.maxTimestamp }),
    ...(request.revertingTxHashes === undefined ? {} : { revertingTxHashes: [...request.revertingTxHashes] }),
    ...(request.replacementUuid === undefined ? {} : { replacementUuid: request.replacementUuid }),
  };
}

/** Wei and gas amounts: relays write them as decimal strings (sometimes numbers or hex). */
const amount = z
  .union([z.string().regex(/^(?:\d+|0x[0-9a-fA-F]+)$/), z.number().int().nonnegative()])
  .transform((value) => BigInt(value));
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

/** One transaction's simulation result, as the relay writes it. */
export const CallBundleTxResultSchema = z.object({
  txHash: z.string().regex(HASH_RE),
  fromAddress: address,
  toAddress: address.optional(),
  gasUsed: amount,
  gasPrice: amount,
  gasFees: amount,
  coinbaseDiff: amount,
  ethSentToCoinbase: amount,
  /** Return data when the tx succeeded. */
  value: z.string().optional(),
  /** Why the tx failed (`execution reverted`, `out of gas`...). */
  error: z.string().optional(),
  /** The decoded revert reason, when the tx reverted with one. */
  revert: z.string().optional(),
});

/** The `result` of eth_callBundle. */
export const CallBundleResultSchema = z.object({
  bundleHash: z.string().regex(HASH_RE),
  bundleGasPrice: amount,
  coinbaseDiff: amount,
  ethSentToCoinbase: amount,
  gasFees: amount,
  stateBlockNumber: amount,
  totalGasUsed: amount,
  results: z.array(CallBundleTxResultSchema),
});

/** The `result` of eth_sendBundle. */
export const SendBundleResultSchema = z.object({ bundleHash: z.string().regex(HASH_RE) });

/** A JSON-RPC error object. */
export const JsonRpcErrorSchema = z.object({
  code: z.number().int(),
  message: z.string(),
  data: z.unknown().optional(),
});

/** A JSON-RPC 2.0 answer: a result or an error (some relays answer a bare `{ "error": "text" }` with HTTP 4xx). */
export const RelayAnswerSchema = z.union([
  z.object({ jsonrpc: z.literal('2.0'), id: z.unknown(), error: JsonRpcErrorSchema }),
  z.object({ jsonrpc: z.literal('2.0'), id: z.unknown(), result: z.unknown() }),
  z.object({ error: z.string() }),
]);
