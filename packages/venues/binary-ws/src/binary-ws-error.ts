import { defineErrorArea } from '@omni/core';

/** Codes of {@link BinaryWsError}: what the generic adapter raises outside ExecutionError's codes. */
export const BinaryWsErrorCodes = [
  'BINARY_WS_AUTH_FAILED',
  'BINARY_WS_NO_FEED',
  'BINARY_WS_PROTOCOL',
  'BINARY_WS_RATE_LIMITED',
  'BINARY_WS_RECONNECTED',
] as const;
/** A code of {@link BinaryWsError}. */
export type BinaryWsErrorCode = (typeof BinaryWsErrorCodes)[number];

/**
 * Errors of `@omni/venue-binary-ws`: a login the platform refused (`BINARY_WS_AUTH_FAILED`, with the
 * platform's code in `context.brokerCode`), a platform that gives no price feed (`BINARY_WS_NO_FEED`),
 * and the alert codes of skipped frames (`BINARY_WS_PROTOCOL`), rate-limit pauses
 * (`BINARY_WS_RATE_LIMITED`) and a login again after a reconnect (`BINARY_WS_RECONNECTED`). Orders fail with
 * ExecutionError, as the `BinaryBrokerPort` rules say.
 *
 * @example
 * throw new BinaryWsError('BINARY_WS_AUTH_FAILED', 'acme refused the login: api key not recognised', { brokerCode: 'BAD_KEY' });
 */
export class BinaryWsError extends defineErrorArea('BinaryWsError', BinaryWsErrorCodes) {}
