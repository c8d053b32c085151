import { defineErrorArea } from '@omni/core';

/** The codes a {@link MevError} may carry. */
export const MevErrorCodes = [
  /** The relay answered the request with an error (`context.relayCode`, `context.relayMessage`, `context.httpStatus`). */
  'MEV_RELAY_REFUSED',
  /** No answer within the request timeout. `context.unanswered` is true for a send: the bundle may have arrived. */
  'MEV_RELAY_TIMEOUT',
  /** The relay could not be reached (connection refused, DNS, TLS); `context.detail` is the system error code. */
  'MEV_RELAY_UNREACHABLE',
  /** The relay refused the `X-Flashbots-Signature` header (missing, malformed, or not by the claimed address). */
  'MEV_BAD_SIGNATURE',
  /** The simulation of the bundle reverted (`context.txIndex`, `context.txHash`, `context.error`, `context.revertReason`). */
  'MEV_SIMULATION_REVERTED',
  /** The relay's answer is not the documented shape (not JSON, no result, wrong fields). */
  'MEV_RELAY_PROTOCOL',
  /** A second send of one decision's bundle for one target block without `resend: true`. Nothing was sent. */
  'MEV_DUPLICATE_SEND',
  /** A JSON-RPC call to the chain node failed (RpcHealth; `context.method`, `context.rpcCode`, `context.rpcMessage`). */
  'MEV_RPC_ERROR',
  /** Bad settings or arguments (no relay URL, a malformed key, an empty bundle, a non-hex transaction). */
  'MEV_BAD_OPTION',
] as const;

/** One code of {@link MevErrorCodes}. */
export type MevErrorCode = (typeof MevErrorCodes)[number];

/**
 * Errors of the MEV relay path (bundles to a Flashbots-style relay). No error ever carries the
 * relay URL, the relay signing key or the trading key.
 *
 * @example
 * throw new MevError('MEV_RELAY_TIMEOUT', 'no answer to eth_sendBundle within 5000 ms', { method: 'eth_sendBundle' });
 */
export class MevError extends defineErrorArea('MevError', MevErrorCodes) {}
