import { SafetyError } from '@omni/core';
import type { OperatorAction, SafetyState } from './safety-state.js';
import type { OperatorRequest } from './safety-types.js';

/**
 * The operator actions on a safety state, as functions that change `state` and return the
 * journaled action (SafetyManager persists and alerts). Each needs a non-empty reason and operator.
 */

/** Sets the reduce-only flag by operator choice (lifted only by a reset). */
export function applyReduceOnly(state: SafetyState, request: OperatorRequest, tsMs: number): OperatorAction {
  const { reason, operator } = checkRequest(request, 'reduce-only');
  const action: OperatorAction = { tsMs, action: 'reduce-only', reason, operator, cleared: [] };
  state.reduceOnly = { tsMs, reason, by: operator };
  state.history.push(action);
  return action;
}

/**
 * Lifts a cooldown and a reduce-only flag and zeroes the day's PnL, trade count and loss streak
 * (otherwise the next check would trip again at once). Open positions stay counted. Refused while
 * frozen: unfreeze first.
 */
export function applyReset(state: SafetyState, request: OperatorRequest, tsMs: number): OperatorAction {
  const { reason, operator } = checkRequest(request, 'reset');
  if (state.frozen) {
    throw new SafetyError(
      'SAFETY_RESET_REFUSED',
      'trading is frozen by the emergency controller; unfreeze it explicitly first',
      { frozenReason: state.frozen.reason },
    );
  }
  const cleared: string[] = [];
  if (state.cooldown) cleared.push(`cooldown:${state.cooldown.limit}`);
  if (state.reduceOnly) cleared.push('reduce-only');
  cleared.push('counters');
  const action: OperatorAction = { tsMs, action: 'reset', reason, operator, cleared };
  state.cooldown = null;
  state.reduceOnly = null;
  state.dailyPnlUsd = 0;
  state.dailyTrades = 0;
  state.lossStreak = 0;
  state.history.push(action);
  return action;
}

/** Lifts a freeze (cooldowns stay). Refused when nothing is frozen. */
export function applyUnfreeze(state: SafetyState, request: OperatorRequest, tsMs: number): OperatorAction {
  const { reason, operator } = checkRequest(request, 'unfreeze');
  if (!state.frozen) {
    throw new SafetyError('SAFETY_RESET_REFUSED', 'trading is not frozen; nothing to unfreeze', { operator });
  }
  const action: OperatorAction = { tsMs, action: 'unfreeze', reason, operator, cleared: ['frozen'] };
  state.frozen = null;
  state.history.push(action);
  return action;
}

function checkRequest(request: OperatorRequest, action: string): OperatorRequest {
  const reason = typeof request.reason === 'string' ? request.reason.trim() : '';
  const operator = typeof request.operator === 'string' ? request.operator.trim() : '';
  if (reason === '' || operator === '') {
    throw new SafetyError('SAFETY_RESET_REFUSED', `a ${action} needs a non-empty reason and operator`, {
      action,
      hasReason: reason !== '',
      hasOperator: operator !== '',
    });
  }
  return { reason, operator };
}

/** `text` trimmed, or a SafetyError when it is empty. */
export function nonEmpty(text: string, what: string): string {
  const t = text.trim();
  if (t === '') throw new SafetyError('SAFETY_RESET_REFUSED', `${what} must not be empty`);
  return t;
}
