import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { calendarMs, describeBadTimestamp, isoFastMs, parseTimestampMs } from './timestamp.js';

describe('parseTimestampMs', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads zone-less date-times as UTC even when the process runs in New York time', () => {
    vi.stubEnv('TZ', 'America/New_York');
    // The local reading the old learning parser made: 10:00 in New York is 15:00 UTC in January.
    expect(new Date(2020, 0, 1, 10).getTime()).toBe(Date.UTC(2020, 0, 1, 15));
    expect(
      ['2020-01-01 10:00', '2020-01-01T10:00', '2020.01.01 10:00:00'].map((t) => parseTimestampMs(t)),
    ).toEqual([1_577_872_800_000, 1_577_872_800_000, 1_577_872_800_000]);
    expect(Date.UTC(2020, 0, 1, 10)).toBe(1_577_872_800_000);
  });

  it('applies Z and ±hh:mm, ±hhmm, ±hh offsets, and keeps milliseconds from longer fractions', () => {
    const t = [
      '2024-01-02T11:00:01.250+01:00',
      '2024-01-02T05:00:01.250-0500',
      '2024-01-02T12:00:01.250+02',
      '2024-01-02T10:00:01.2509Z',
    ];
    expect(t.map((x) => parseTimestampMs(x))).toEqual(Array(4).fill(Date.UTC(2024, 0, 2, 10, 0, 1, 250)));
  });

  it('reads epoch digits by magnitude under auto and as given under an explicit unit', () => {
    expect([
      parseTimestampMs('1704067200'),
      parseTimestampMs('1704067200.5'),
      parseTimestampMs('1704067200000'),
      parseTimestampMs('170406720000'),
      parseTimestampMs('1000', 'ms'),
      parseTimestampMs('1000', 's'),
    ]).toEqual([1_704_067_200_000, 1_704_067_200_500, 1_704_067_200_000, undefined, 1000, 1_000_000]);
  });

  it.each([
    '2024-02-30',
    '2023-02-29 10:00',
    '2024-13-01',
    '2024-01-02 24:00',
    '2024-01-02 10:60',
    '2024-01.02',
    '0099-01-01',
    'Jan 2 2024',
    '2024-01-02Z',
  ])('rejects %j', (text) => {
    expect(parseTimestampMs(text)).toBeUndefined();
  });

  it('names the column and the accepted forms of a refused timestamp', () => {
    expect([
      describeBadTimestamp('170406720000', 'auto', 'ts'),
      describeBadTimestamp('Jan 2', 'auto', 'time'),
      describeBadTimestamp('', 'ms', 'date'),
    ]).toEqual([
      'ts "170406720000" is not an epoch time of 10 digits (seconds) or 13 digits (milliseconds); convert it, or set timestampUnit',
      'time "Jan 2" is not an ISO-8601 time (no zone = UTC), a YYYY.MM.DD hh:mm:ss time or whole epoch ms',
      'empty date',
    ]);
  });

  it('accepts 29 February of a leap year', () => {
    expect(parseTimestampMs('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });
});

describe('isoFastMs (the fast path of parseTimestampMs)', () => {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const isoLike = fc
    .record({
      year: fc.integer({ min: 1960, max: 2100 }),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      hour: fc.integer({ min: 0, max: 25 }),
      minute: fc.integer({ min: 0, max: 61 }),
      second: fc.integer({ min: 0, max: 61 }),
      fraction: fc.option(fc.stringMatching(/^\d{1,10}$/), { nil: undefined }),
      sep: fc.constantFrom('T', ' ', 't', '_'),
      zone: fc.constantFrom('', 'Z', 'z', '+01:00', '-0530', 'X'),
      parts: fc.integer({ min: 0, max: 3 }),
    })
    .map((r) => {
      const date = `${pad(r.year, 4)}-${pad(r.month, 2)}-${pad(r.day, 2)}`;
      if (r.parts === 0) return date;
      let time = `${date}${r.sep}${pad(r.hour, 2)}:${pad(r.minute, 2)}`;
      if (r.parts >= 2) time += `:${pad(r.second, 2)}`;
      if (r.parts >= 3 && r.fraction !== undefined) time += `.${r.fraction}`;
      return time + r.zone;
    });

  it('agrees with the grammar of calendarMs on every date-time-like text, valid or not', () => {
    fc.assert(
      fc.property(isoLike, (text) => {
        const fast = isoFastMs(text);
        const slow = calendarMs(text);
        if (fast !== undefined) expect(fast).toBe(slow);
        // The common shape is always taken by the fast path when it is valid.
        if (
          /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z?)?$/.test(text) &&
          Number.isFinite(slow)
        )
          expect(fast).toBe(slow);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a day of one-second ticks through the day cache', () => {
    expect(parseTimestampMs('2024-02-29T23:59:59.5Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 500));
    expect(parseTimestampMs('2024-02-29T00:00:01Z')).toBe(Date.UTC(2024, 1, 29, 0, 0, 1));
    expect(parseTimestampMs('2023-02-29T00:00:01Z')).toBeUndefined();
    expect(parseTimestampMs('2024-03-01 00:00')).toBe(Date.UTC(2024, 2, 1));
    expect(parseTimestampMs('2024-03-01T10:00:00.123456789Z')).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 123));
  });
});
