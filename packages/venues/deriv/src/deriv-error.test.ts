import { describe, expect, it } from 'vitest';
import { DerivError, derivCodeOf, toExecutionError } from './deriv-error.js';

describe('derivCodeOf', () => {
  it.each([
    ['InvalidToken', 'DERIV_AUTH_FAILED'],
    ['AuthorizationRequired', 'DERIV_AUTH_FAILED'],
    ['InvalidAppID', 'DERIV_AUTH_FAILED'],
    ['RateLimit', 'DERIV_RATE_LIMITED'],
    ['ContractBuyValidationError', 'DERIV_REFUSED'],
    ['InvalidContractProposal', 'DERIV_REFUSED'],
    ['InsufficientBalance', 'DERIV_REFUSED'],
    ['PriceMoved', 'DERIV_REFUSED'],
    ['InternalServerError', 'DERIV_BROKER_ERROR'],
  ])('maps %s to %s', (brokerCode, code) => {
    expect(derivCodeOf(brokerCode)).toBe(code);
  });
});

describe('toExecutionError', () => {
  const cases = [
    [new DerivError('DERIV_TIMEOUT', 'no answer', {}), 'EXECUTION_TIMEOUT'],
    [new DerivError('DERIV_DISCONNECTED', 'closed', { sent: true }), 'EXECUTION_TIMEOUT'],
    [new DerivError('DERIV_DISCONNECTED', 'down', { sent: false }), 'EXECUTION_VENUE_UNAVAILABLE'],
    [new DerivError('DERIV_REFUSED', 'no', { brokerCode: 'InsufficientBalance' }), 'EXECUTION_REJECTED'],
    [new DerivError('DERIV_AUTH_FAILED', 'no', { brokerCode: 'InvalidToken' }), 'EXECUTION_REJECTED'],
    [new DerivError('DERIV_RATE_LIMITED', 'slow down', { brokerCode: 'RateLimit' }), 'EXECUTION_REJECTED'],
    [
      new DerivError('DERIV_BROKER_ERROR', 'oops', { brokerCode: 'InternalServerError' }),
      'EXECUTION_BROKER_ERROR',
    ],
    [new Error('not ours'), 'EXECUTION_BROKER_ERROR'],
  ] as const;

  it.each(cases)('turns %s into the port code', (err, code) => {
    const mapped = toExecutionError(err, 'buying R_100 call');
    expect({ code: mapped.code, cause: mapped.cause }).toEqual({ code, cause: err });
  });

  it('keeps the broker code and says when a buy is unanswered', () => {
    const mapped = toExecutionError(
      new DerivError('DERIV_DISCONNECTED', 'closed', { sent: true, brokerCode: 'x' }),
      'buying',
    );
    expect(mapped.context).toEqual({
      venue: 'deriv',
      derivCode: 'DERIV_DISCONNECTED',
      brokerCode: 'x',
      unanswered: true,
    });
  });
});
