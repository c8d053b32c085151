import type { RequestFailure } from '@omni/connection';
import { defineErrorArea, ExecutionError, isOmniError } from '@omni/core';

/** The codes a {@link DerivError} may carry. */
export const DerivErrorCodes = [
  /** The token (or the app id) was refused: InvalidToken, AuthorizationRequired, InvalidAppID, PermissionDenied. */
  'DERIV_AUTH_FAILED',
  /** Deriv answered `RateLimit` (reads are retried with backoff first; a buy never is). */
  'DERIV_RATE_LIMITED',
  /** No answer within the request timeout (or no pong to a keep-alive ping). */
  'DERIV_TIMEOUT',
  /** The link is down, or went down before the answer came. `context.sent` says whether the request left. */
  'DERIV_DISCONNECTED',
  /** Deriv refused the contract: it certainly was not bought (ContractBuyValidationError, InsufficientBalance...). */
  'DERIV_REFUSED',
  /** Deriv answered with another error code (kept in `context.brokerCode`). */
  'DERIV_BROKER_ERROR',
  /** A frame that is not the protocol: not JSON, not an object, wrong shape, over `maxFrameBytes`. */
  'DERIV_PROTOCOL',
  /** A step of `omni venue test deriv` failed (`context.step`, the cause chained). */
  'DERIV_STEP_FAILED',
  /** Bad settings or arguments (a stake below the minimum, a missing app id). */
  'DERIV_BAD_OPTION',
] as const;

/** One code of {@link DerivErrorCodes}. */
export type DerivErrorCode = (typeof DerivErrorCodes)[number];

/**
 * Errors of the Deriv adapter. The broker's own code stays in `context.brokerCode` and its message
 * in `context.brokerMessage`; no error ever carries the token.
 *
 * @example
 * throw new DerivError('DERIV_REFUSED', 'Deriv refused the buy', { brokerCode: 'InsufficientBalance' });
 */
export class DerivError extends defineErrorArea('DerivError', DerivErrorCodes) {}

/** Deriv error codes that mean the credentials were refused. */
const AUTH_CODES: ReadonlySet<string> = new Set([
  'InvalidToken',
  'AuthorizationRequired',
  'InvalidAppID',
  'PermissionDenied',
]);

/** Deriv error codes that refuse a contract (it was certainly not bought). */
const REFUSAL_CODES: ReadonlySet<string> = new Set([
  'ContractBuyValidationError',
  'ContractCreationFailure',
  'ContractValidationError',
  'InvalidContractProposal',
  'InsufficientBalance',
  'PriceMoved',
  'InvalidPrice',
  'InputValidationFailed',
  'OfferingsValidationError',
  'InvalidSymbol',
  'MarketIsClosed',
  'InvalidOfferings',
  'ClientUnwelcome',
  'SelfExclusion',
]);

/** The {@link DerivErrorCode} of an error answer with Deriv's `brokerCode`. */
export function derivCodeOf(brokerCode: string): DerivErrorCode {
  if (brokerCode === 'RateLimit') return 'DERIV_RATE_LIMITED';
  if (AUTH_CODES.has(brokerCode)) return 'DERIV_AUTH_FAILED';
  if (REFUSAL_CODES.has(brokerCode)) return 'DERIV_REFUSED';
  return 'DERIV_BROKER_ERROR';
}

/**
 * The port's ExecutionError for a failed request of a buy (`BinaryBrokerPort` rules), with the
 * DerivError as `cause` and the broker's code kept:
 * - a timeout, or a buy sent whose link dropped before the answer → `EXECUTION_TIMEOUT` (unanswered:
 *   it may have been bought, resolve it from the account);
 * - a link that was down before the request left → `EXECUTION_VENUE_UNAVAILABLE`;
 * - a refusal, refused credentials or a rate-limited buy → `EXECUTION_REJECTED` (certainly not bought);
 * - any other error answer → `EXECUTION_BROKER_ERROR`.
 */
export function toExecutionError(err: unknown, what: string): ExecutionError {
  if (!isOmniError(err) || !(err instanceof DerivError)) {
    return new ExecutionError('EXECUTION_BROKER_ERROR', `${what} failed`, { venue: 'deriv' }, { cause: err });
  }
  const { brokerCode } = err.context;
  const context = {
    venue: 'deriv',
    derivCode: err.code,
    ...(typeof brokerCode === 'string' ? { brokerCode } : {}),
  };
  switch (err.code) {
    case 'DERIV_TIMEOUT':
      return new ExecutionError('EXECUTION_TIMEOUT', `${what}: no answer from Deriv in time`, context, {
        cause: err,
      });
    case 'DERIV_DISCONNECTED':
      return err.context['sent'] === true
        ? new ExecutionError(
            'EXECUTION_TIMEOUT',
            `${what}: the connection dropped before Deriv answered (unanswered: check the account)`,
            { ...context, unanswered: true },
            { cause: err },
          )
        : new ExecutionError('EXECUTION_VENUE_UNAVAILABLE', `${what}: not connected to Deriv`, context, {
            cause: err,
          });
    case 'DERIV_REFUSED':
    case 'DERIV_AUTH_FAILED':
    case 'DERIV_RATE_LIMITED':
      return new ExecutionError('EXECUTION_REJECTED', `${what}: Deriv refused it`, context, { cause: err });
    default:
      return new ExecutionError('EXECUTION_BROKER_ERROR', `${what}: Deriv answered with an error`, context, {
        cause: err,
      });
  }
}

/** The DerivError of a request that got no answer: DERIV_TIMEOUT, or DERIV_DISCONNECTED (`sent` says whether it left). */
export function requestFailureError(f: RequestFailure): DerivError {
  if (f.reason === 'timeout') {
    return new DerivError('DERIV_TIMEOUT', `no answer to ${f.method} within ${f.timeoutMs} ms`, {
      call: f.method,
      reqId: f.id,
      timeoutMs: f.timeoutMs,
    });
  }
  const sent = !(f.detail ?? '').startsWith('send failed');
  return new DerivError('DERIV_DISCONNECTED', `the connection closed before Deriv answered ${f.method}`, {
    call: f.method,
    reqId: f.id,
    sent,
    detail: f.detail,
  });
}

/** An answer to `call` that does not have the documented shape. */
export function protocolError(reqId: number | undefined, call: string): DerivError {
  return new DerivError('DERIV_PROTOCOL', `the ${call} answer does not have the documented shape`, {
    call,
    reqId,
  });
}
