import { ConfigError } from './errors.js';

/**
 * A duration unit. Fixed units: `ms`, `s`, `min`, `h`, `d` (24 h), `w` (7 d). Calendar units,
 * taken at their nominal length: `mo` (30 d) and `y` (365 d). Bare `m` and `M` are not units:
 * `6m` could be six minutes or six months.
 */
export type DurationUnit = 'ms' | 's' | 'min' | 'h' | 'd' | 'w' | 'mo' | 'y';

const DAY_MS = 86_400_000;

/** Length of each unit in ms (`mo` and `y` are nominal: 30 and 365 days). */
export const DURATION_UNIT_MS: Readonly<Record<DurationUnit, number>> = {
  ms: 1,
  s: 1_000,
  min: 60_000,
  h: 3_600_000,
  d: DAY_MS,
  w: 7 * DAY_MS,
  mo: 30 * DAY_MS,
  y: 365 * DAY_MS,
};

/** Units of a fixed length, for anything clock-like (bar intervals, timeouts). */
export const FIXED_DURATION_UNITS: readonly DurationUnit[] = ['ms', 's', 'min', 'h', 'd', 'w'];
/** Every unit, calendar ones included, for periods such as `--retrain-every 6mo`. */
export const CALENDAR_DURATION_UNITS: readonly DurationUnit[] = [...FIXED_DURATION_UNITS, 'mo', 'y'];

const UNIT_NAMES: Readonly<Record<DurationUnit, string>> = {
  ms: 'milliseconds',
  s: 'seconds',
  min: 'minutes',
  h: 'hours',
  d: 'days',
  w: 'weeks',
  mo: 'months of 30 days',
  y: 'years of 365 days',
};

/** Fixed units, largest first, for {@link formatDuration}. */
const BY_SIZE: readonly DurationUnit[] = ['w', 'd', 'h', 'min', 's', 'ms'];

/** Options of {@link parseDuration}. */
export interface ParseDurationOptions {
  /** What is being set, for the error message, e.g. `--retrain-every` or `bar interval`. */
  readonly setting: string;
  /** Units accepted here. Default {@link FIXED_DURATION_UNITS}. */
  readonly units?: readonly DurationUnit[];
  /** Smallest accepted duration in ms. Default 1 (anything above zero). */
  readonly minMs?: number;
  /** Largest accepted duration in ms. Default unbounded. */
  readonly maxMs?: number;
}

const DURATION = /^(\d+)\s*([A-Za-z]+)$/;

/**
 * Parses a duration written `<whole number><unit>` (`500ms`, `15s`, `5min`, `4h`, `90d`, `2w`,
 * `6mo`, `1y`) into milliseconds. Why: one grammar for every duration the CLI and config take, so
 * `m` never means minutes in one place and months in another; ambiguous or unknown input is a
 * ConfigError `CONFIG_INVALID` whose details list the accepted forms.
 *
 * @param text The duration as the user wrote it.
 * @param options Where it is set, which units apply, and the accepted range.
 * @returns The duration in ms.
 * @example
 * parseDuration('5min', { setting: 'bar interval' }); // 300_000
 * parseDuration('6mo', { setting: '--retrain-every', units: CALENDAR_DURATION_UNITS }); // 180 days in ms
 * parseDuration('6m', { setting: '--retrain-every', units: CALENDAR_DURATION_UNITS }); // throws: write 6min or 6mo
 */
export function parseDuration(text: string, options: ParseDurationOptions): number {
  const units = options.units ?? FIXED_DURATION_UNITS;
  const trimmed = text.trim();
  const match = DURATION.exec(trimmed);
  const fail = (problem: string): never => {
    throw new ConfigError(
      'CONFIG_INVALID',
      `${options.setting} ${JSON.stringify(text)} ${problem}`,
      { setting: options.setting, value: text },
      { details: acceptedForms(units) },
    );
  };
  if (match === null) return fail(`is not a duration like ${example(units)}`);
  const amount = Number(match[1]);
  const unit = match[2] as string;
  if (unit === 'm' || unit === 'M') {
    const meant = minuteOrMonth(units).map((u) => `${amount}${u}`);
    const instead = meant.length > 0 ? `: write ${meant.join(' or ')}` : '';
    return fail(`is ambiguous (m could mean minutes or months)${instead}`);
  }
  if (!isUnit(unit)) return fail(`has an unknown unit ${JSON.stringify(unit)}`);
  if (!units.includes(unit)) return fail(`cannot be in ${UNIT_NAMES[unit]} here`);
  const ms = amount * DURATION_UNIT_MS[unit];
  const min = options.minMs ?? 1;
  const max = options.maxMs ?? Number.POSITIVE_INFINITY;
  if (!Number.isSafeInteger(ms) || ms < min || ms > max) {
    const range =
      max === Number.POSITIVE_INFINITY
        ? `at least ${formatDuration(min)}`
        : `between ${formatDuration(min)} and ${formatDuration(max)}`;
    return fail(`is out of range: it must be ${range}`);
  }
  return ms;
}

/**
 * Writes a duration in ms in the {@link parseDuration} grammar with the largest fixed unit that
 * divides it (`300000` → `5min`, `86400000` → `1d`), so a message or a default round-trips.
 */
export function formatDuration(ms: number): string {
  for (const unit of BY_SIZE) {
    const size = DURATION_UNIT_MS[unit];
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function isUnit(text: string): text is DurationUnit {
  return Object.hasOwn(DURATION_UNIT_MS, text);
}

function example(units: readonly DurationUnit[]): string {
  const samples: Readonly<Record<DurationUnit, string>> = {
    ms: '500ms',
    s: '15s',
    min: '5min',
    h: '4h',
    d: '90d',
    w: '2w',
    mo: '6mo',
    y: '1y',
  };
  return units.map((u) => samples[u]).join(', ');
}

function minuteOrMonth(units: readonly DurationUnit[]): DurationUnit[] {
  return units.filter((u) => u === 'min' || u === 'mo');
}

function acceptedForms(units: readonly DurationUnit[]): string[] {
  const mUnits = minuteOrMonth(units);
  return [
    `accepted: a whole number and a unit, e.g. ${example(units)}`,
    `units: ${units.map((u) => `${u} (${UNIT_NAMES[u]})`).join(', ')}`,
    ...(mUnits.length > 0
      ? [`m and M are not units (minutes or months?): write ${mUnits.join(' or ')}`]
      : []),
  ];
}
