import { CALENDAR_DURATION_UNITS, parseDuration } from '@omni/core';
import { SweepError } from './sweep-error.js';
import type { SweepJob } from './sweep-job.js';

const DAY_MS = 86_400_000;

/** A window of a sweep run: market time `fromMs`…`toMs`, both inclusive (as `--from`/`--to`). */
export type SweepWindow = SweepJob['window'] & { readonly fromMs: number; readonly toMs: number };

/** `--walk-forward IS/OOS` in ms. */
export interface WalkForwardSpec {
  readonly inSampleMs: number;
  readonly outOfSampleMs: number;
}

function parsePart(text: string, which: string): number {
  const trimmed = text.trim();
  // A bare whole number counts days.
  if (/^\d+$/.test(trimmed)) {
    const days = Number(trimmed);
    if (days < 1) throw badWalkForward(text, `${which} must be at least 1 day`);
    return days * DAY_MS;
  }
  return parseDuration(trimmed, { setting: `--walk-forward ${which}`, units: CALENDAR_DURATION_UNITS });
}

function badWalkForward(text: string, problem: string): SweepError {
  return new SweepError(
    'SWEEP_BAD_GRID',
    `--walk-forward ${JSON.stringify(text)}: ${problem}`,
    {
      field: '--walk-forward',
      value: text,
    },
    { details: ['write IS/OOS, e.g. 180d/60d, 1y/3mo or 180/60 (bare numbers are days)'] },
  );
}

/**
 * Parses `--walk-forward IS/OOS`: two durations `<n><unit>` (d, w, mo = 30 days, y = 365 days,
 * also h, min, s, ms) or bare whole numbers of days, e.g. `180d/60d`, `1y/3mo`, `180/60`.
 */
export function parseWalkForward(text: string): WalkForwardSpec {
  const parts = text.split('/');
  if (parts.length !== 2)
    throw badWalkForward(text, 'needs exactly one / between in-sample and out-of-sample');
  return {
    inSampleMs: parsePart(parts[0] as string, 'in-sample'),
    outOfSampleMs: parsePart(parts[1] as string, 'out-of-sample'),
  };
}

/**
 * The folds of a walk-forward over `range` (inclusive ms): fold k's in-sample window starts at
 * `range.fromMs + k × OOS` and lasts IS; its out-of-sample window follows it and lasts OOS. Folds
 * are made while the out-of-sample window ends within the range; the tail after the last one is
 * not used. Windows in order fold 0 IS, fold 0 OOS, fold 1 IS, …; an empty list when not even
 * one fold fits.
 */
export function walkForwardWindows(
  range: { readonly fromMs: number; readonly toMs: number },
  spec: WalkForwardSpec,
): SweepWindow[] {
  const windows: SweepWindow[] = [];
  for (let fold = 0; ; fold++) {
    const isFrom = range.fromMs + fold * spec.outOfSampleMs;
    const oosFrom = isFrom + spec.inSampleMs;
    const oosTo = oosFrom + spec.outOfSampleMs - 1;
    if (oosTo > range.toMs) break;
    windows.push({ fromMs: isFrom, toMs: oosFrom - 1, role: 'in-sample', fold });
    windows.push({ fromMs: oosFrom, toMs: oosTo, role: 'out-of-sample', fold });
  }
  return windows;
}

/** The short name of a window in run folder names and tables: `full`, `f0-is`, `f0-oos`. */
export function windowTag(window: SweepJob['window']): string {
  if (window.role === 'full') return 'full';
  return `f${window.fold}-${window.role === 'in-sample' ? 'is' : 'oos'}`;
}
