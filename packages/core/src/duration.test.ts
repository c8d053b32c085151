import { describe, expect, it } from 'vitest';
import { CALENDAR_DURATION_UNITS, formatDuration, parseDuration } from './duration.js';

const bar = { setting: 'bar interval' } as const;
const retrain = { setting: '--retrain-every', units: CALENDAR_DURATION_UNITS } as const;

/** The ConfigError a parse throws, as a matcher on its code and fields. */
function configInvalid(fields: Record<string, unknown>) {
  return expect.objectContaining({ name: 'ConfigError', code: 'CONFIG_INVALID', ...fields });
}

describe('parseDuration', () => {
  it('reads every fixed unit: 500ms, 15s, 5min, 4h, 90d, 2w', () => {
    const read = ['500ms', '15s', '5min', '4h', '90d', '2w'].map((t) => parseDuration(t, bar));
    // 15 s = 15 000 ms; 5 min = 300 000; 4 h = 14 400 000; 90 d = 7 776 000 000; 2 w = 14 d = 1 209 600 000
    expect(read).toEqual([500, 15_000, 300_000, 14_400_000, 7_776_000_000, 1_209_600_000]);
  });

  it('reads calendar units at their nominal length where they are allowed: 6mo = 180 d, 1y = 365 d', () => {
    expect([parseDuration('6mo', retrain), parseDuration('1y', retrain)]).toEqual([
      180 * 86_400_000,
      365 * 86_400_000,
    ]);
  });

  it('rejects 6m as ambiguous, suggesting 6min or 6mo and listing the accepted forms', () => {
    expect(() => parseDuration('6m', retrain)).toThrow(
      configInvalid({
        shortMessage: '--retrain-every "6m" is ambiguous (m could mean minutes or months): write 6min or 6mo',
        context: { setting: '--retrain-every', value: '6m' },
        details: [
          'accepted: a whole number and a unit, e.g. 500ms, 15s, 5min, 4h, 90d, 2w, 6mo, 1y',
          'units: ms (milliseconds), s (seconds), min (minutes), h (hours), d (days), w (weeks), mo (months of 30 days), y (years of 365 days)',
          'm and M are not units (minutes or months?): write min or mo',
        ],
      }),
    );
  });

  it('rejects 1M as ambiguous too, and suggests only the units the setting takes', () => {
    expect(() => parseDuration('1M', bar)).toThrow(
      configInvalid({
        shortMessage: 'bar interval "1M" is ambiguous (m could mean minutes or months): write 1min',
      }),
    );
  });

  it('rejects a calendar unit where only fixed units make sense', () => {
    expect(() => parseDuration('1mo', bar)).toThrow(
      configInvalid({
        shortMessage: 'bar interval "1mo" cannot be in months of 30 days here',
        details: expect.arrayContaining([
          'units: ms (milliseconds), s (seconds), min (minutes), h (hours), d (days), w (weeks)',
        ]),
      }),
    );
  });

  it.each([
    ['yearly', 'is not a duration like 500ms, 15s, 5min, 4h, 90d, 2w'],
    ['1.5h', 'is not a duration like 500ms, 15s, 5min, 4h, 90d, 2w'],
    ['10 minutes', 'has an unknown unit "minutes"'],
    ['0d', 'is out of range: it must be at least 1ms'],
  ])('rejects %j: %s', (text, problem) => {
    expect(() => parseDuration(text, bar)).toThrow(
      configInvalid({ shortMessage: `bar interval "${text}" ${problem}` }),
    );
  });

  it('enforces the range it is given, written in the same grammar', () => {
    const range = { ...bar, minMs: 1_000, maxMs: 86_400_000 };
    expect(parseDuration('1d', range)).toBe(86_400_000);
    expect(() => parseDuration('25h', range)).toThrow(
      configInvalid({ shortMessage: 'bar interval "25h" is out of range: it must be between 1s and 1d' }),
    );
  });
});

describe('formatDuration', () => {
  it('writes ms with the largest fixed unit that divides it', () => {
    expect([300_000, 86_400_000, 90_000, 1_500, 1_209_600_000].map(formatDuration)).toEqual([
      '5min',
      '1d',
      '90s',
      '1500ms',
      '2w',
    ]);
  });
});
