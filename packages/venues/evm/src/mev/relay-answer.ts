import { MevError } from './mev-error.js';

/** A relay's error answer: a JSON-RPC error object, or the bare text some relays send with HTTP 4xx. */
export type RelayErrorAnswer =
  | { readonly code: number; readonly message: string; readonly data?: unknown }
  | string;

/** JSON-RPC code some Flashbots endpoints answer for a signature they refuse. */
const INVALID_SIGNATURE_CODE = -32025;
/** Longest relay message kept in an error's context. */
const MAX_MESSAGE = 200;

/**
 * The {@link MevError} of a relay's error answer: a refused or missing `X-Flashbots-Signature`
 * (code -32025, or a message about the signature) is `MEV_BAD_SIGNATURE`; anything else is
 * `MEV_RELAY_REFUSED`. The relay's code and message stay in the context (scrubbed, truncated).
 */
export function relayAnswerError(method: string, httpStatus: number, error: RelayErrorAnswer): MevError {
  const relayCode = typeof error === 'string' ? undefined : error.code;
  const relayMessage = (typeof error === 'string' ? error : error.message).slice(0, MAX_MESSAGE);
  const context = { method, httpStatus, relayCode, relayMessage };
  if (relayCode === INVALID_SIGNATURE_CODE || /signature/i.test(relayMessage)) {
    return new MevError(
      'MEV_BAD_SIGNATURE',
      `the relay refused the ${method} signature; check the relay signing key`,
      context,
    );
  }
  return new MevError('MEV_RELAY_REFUSED', `the relay refused ${method}: ${relayMessage}`, context);
}
