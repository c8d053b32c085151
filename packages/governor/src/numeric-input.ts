import { GovernorError } from '@omni/core';

/**
 * Throws `GOVERNOR_BAD_INPUT` naming `field` unless `value` is a finite number in [min, max].
 * Why: a NaN must never travel from a model or a feed into a stake, a Q-value or a decision.
 */
export function requireNumberInRange(
  value: number,
  field: string,
  min = Number.NEGATIVE_INFINITY,
  max = Number.POSITIVE_INFINITY,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new GovernorError('GOVERNOR_BAD_INPUT', `${field} must be a finite number in [${min}, ${max}]`, {
      field,
      value: typeof value === 'number' ? String(value) : typeof value,
    });
  }
  return value;
}

/**
 * Throws `GOVERNOR_BAD_OPTION` naming `option` unless `value` is a finite number in [min, max]
 * (and a whole number when `integer`). Why: options are checked once, at construction.
 */
export function requireOption(
  value: number,
  option: string,
  min: number,
  max: number,
  integer = false,
): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new GovernorError(
      'GOVERNOR_BAD_OPTION',
      `option ${option} must be a ${integer ? 'whole' : 'finite'} number in [${min}, ${max}]`,
      { option, value: typeof value === 'number' ? String(value) : typeof value },
    );
  }
  return value;
}
