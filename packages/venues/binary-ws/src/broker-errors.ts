import type { RequestFailure } from '@omni/connection';
import { ExecutionError } from '@omni/core';
import { BinaryWsError } from './binary-ws-error.js';
import type { JsonWsProtocol } from './protocol-schema.js';
import type { BrokerErrorReply } from './reply-reader.js';

/** An operation of the configured protocol. */
export type BrokerOperation = 'auth' | 'balance' | 'buy' | 'follow' | 'unfollow' | 'contractsSince';

/**
 * A request that got no answer, as the port's rules say: the deadline passed → `EXECUTION_TIMEOUT`
 * (a buy is then *unanswered*, never refused); the connection ended first → `EXECUTION_VENUE_UNAVAILABLE`.
 */
export function requestFailureError(venue: string, f: RequestFailure): ExecutionError {
  if (f.reason === 'timeout') {
    return new ExecutionError(
      'EXECUTION_TIMEOUT',
      `${venue} did not answer ${f.method} within ${f.timeoutMs} ms`,
      {
        venue,
        op: f.method,
        reqId: f.id,
        timeoutMs: f.timeoutMs,
      },
    );
  }
  return new ExecutionError(
    'EXECUTION_VENUE_UNAVAILABLE',
    `the connection to ${venue} ended before it answered ${f.method} (${f.detail ?? 'closed'})`,
    { venue, op: f.method, reqId: f.id },
  );
}

/** The kind of an error reply, from the protocol's code lists. */
export function errorKind(
  p: JsonWsProtocol,
  code: string,
): 'auth-failed' | 'rate-limited' | 'refused' | 'other' {
  if (p.error.authFailed.includes(code)) return 'auth-failed';
  if (p.error.rateLimited.includes(code)) return 'rate-limited';
  if (p.error.refused.includes(code)) return 'refused';
  return 'other';
}

/**
 * The typed error of an error reply: a refused login → BinaryWsError `BINARY_WS_AUTH_FAILED`; a
 * refusal → `EXECUTION_REJECTED`; rate-limited or not logged in → `EXECUTION_REJECTED` for a buy (it
 * certainly was not bought) and `EXECUTION_BROKER_ERROR` otherwise; any other code →
 * `EXECUTION_BROKER_ERROR`. The platform's code is in `context.brokerCode`; its message is scrubbed of
 * secrets like every OmniError's.
 */
export function brokerReplyError(
  p: JsonWsProtocol,
  op: BrokerOperation,
  error: BrokerErrorReply,
  retryAfterMs: number,
): Error {
  const venue = p.venue;
  const said = error.message === undefined ? '' : `: ${error.message}`;
  const context = { venue, op, brokerCode: error.code };
  const notDone = op === 'buy' ? 'EXECUTION_REJECTED' : 'EXECUTION_BROKER_ERROR';
  switch (errorKind(p, error.code)) {
    case 'auth-failed':
      return op === 'auth'
        ? new BinaryWsError(
            'BINARY_WS_AUTH_FAILED',
            `${venue} refused the login${said}; check the token`,
            context,
          )
        : new ExecutionError(notDone, `${venue} refused ${op}: not logged in${said}`, {
            ...context,
            authFailed: true,
          });
    case 'rate-limited':
      return rateLimitedError(venue, op, error.code, `rate-limited${said}`, retryAfterMs);
    case 'refused':
      return new ExecutionError('EXECUTION_REJECTED', `${venue} refused ${op}${said}`, context);
    default:
      return new ExecutionError(
        'EXECUTION_BROKER_ERROR',
        `${venue} answered ${op} with an error${said}`,
        context,
      );
  }
}

/** A rate-limited request: `context.rateLimited` and `retryAfterMs`; a buy is `EXECUTION_REJECTED` (not bought). */
export function rateLimitedError(
  venue: string,
  op: BrokerOperation,
  brokerCode: string | undefined,
  what: string,
  retryAfterMs: number,
): ExecutionError {
  return new ExecutionError(
    op === 'buy' ? 'EXECUTION_REJECTED' : 'EXECUTION_BROKER_ERROR',
    `${venue} ${op}: ${what}; retry later`,
    {
      venue,
      op,
      ...(brokerCode !== undefined ? { brokerCode } : {}),
      rateLimited: true,
      retryAfterMs: Math.max(0, retryAfterMs),
    },
  );
}
