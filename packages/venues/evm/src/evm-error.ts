import { defineErrorArea } from '@omni/core';

/** The codes an {@link EvmError} may carry. */
export const EvmErrorCodes = [
  /** The local chain (in-process Hardhat) did not start; the cause is chained. */
  'EVM_CHAIN_START_FAILED',
  /** `hardhat` is not installed (it is loaded lazily, only when a local chain is started). */
  'EVM_HARDHAT_MISSING',
  /** The node answered with another chain id than the configured one (`context.expected`, `context.actual`). */
  'EVM_CHAIN_ID_MISMATCH',
  /** A JSON-RPC call or a receipt did not come back in time (`context.method`, `context.timeoutMs`). */
  'EVM_RPC_TIMEOUT',
  /** A contract artifact is missing or malformed (`context.contract`). */
  'EVM_ARTIFACT_INVALID',
  /** A pool of a route is not a Uniswap V2 pair of the route's tokens, or a route is malformed. */
  'EVM_BAD_ROUTE',
  /** Bad settings or arguments (a gas price of zero, a missing route, a malformed key). */
  'EVM_BAD_OPTION',
] as const;

/** One code of {@link EvmErrorCodes}. */
export type EvmErrorCode = (typeof EvmErrorCodes)[number];

/**
 * Errors of the EVM venue. No error ever carries a private key.
 *
 * @example
 * throw new EvmError('EVM_CHAIN_ID_MISMATCH', 'the node is another chain', { expected: 31337, actual: 1 });
 */
export class EvmError extends defineErrorArea('EvmError', EvmErrorCodes) {}

/** True when `err` says a module (a lazily loaded optional dependency) is not installed. */
export function isMissingModule(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
