/**
 * Unit of numeric timestamps. `auto`: the number of digits decides — 10 digits are epoch seconds
 * (a fraction is allowed), 13 digits epoch milliseconds, anything else is rejected (so a file in
 * seconds never lands in 1970). `ms` or `s`: every number is in that unit, as given.
 */
export type EpochUnit = 'auto' | 'ms' | 's';

const DIGITS = /^-?\d+(\.\d+)?$/;
/** Epoch seconds in `auto` mode: exactly 10 integer digits (2001-09-09 … 2286-11-20), optional fraction. */
const EPOCH_SECONDS = /^[1-9]\d{9}(\.\d+)?$/;
/** Epoch milliseconds in `auto` mode: exactly 13 digits (the same dates as above). */
const EPOCH_MILLIS = /^[1-9]\d{12}$/;
/**
 * `YYYY-MM-DD` or MetaTrader's `YYYY.MM.DD`, optionally followed by `T` or a space and
 * `hh:mm[:ss[.fff…]]`, optionally followed by `Z` or an offset `±hh[:mm]` (none = UTC).
 */
const CALENDAR_TIME =
  /^(\d{4})([-.])(\d{2})\2(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2})?)?)?$/i;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Reads a timestamp as epoch ms: epoch digits (see {@link EpochUnit}), `YYYY-MM-DD`, ISO-8601
 * `YYYY-MM-DDThh:mm[:ss[.fff]]` (a space for `T` allowed; no zone = UTC, whatever the process's
 * `TZ`), or MetaTrader's `YYYY.MM.DD hh:mm[:ss[.fff]]` (UTC). Why: one grammar, computed with
 * `Date.UTC`, so no input is ever read in local time.
 *
 * @returns epoch ms, or `undefined` when the text is none of these (or before 1970).
 * @example
 * parseTimestampMs('2020-01-01 10:00'); // 1577872800000 under any TZ
 */
export function parseTimestampMs(text: string, unit: EpochUnit = 'auto'): number | undefined {
  let ms: number;
  if (DIGITS.test(text)) {
    const seconds = unit === 's' || (unit === 'auto' && EPOCH_SECONDS.test(text));
    if (unit === 'auto' && !seconds && !EPOCH_MILLIS.test(text)) return undefined;
    ms = seconds ? Math.round(Number(text) * 1000) : Number(text);
  } else {
    ms = isoFastMs(text) ?? calendarMs(text);
  }
  return Number.isSafeInteger(ms) && ms >= 0 ? ms : undefined;
}

/**
 * Says why {@link parseTimestampMs} refused `text` found in `column`, naming the accepted forms.
 * Why: a bad row's message tells the user what to write instead.
 */
export function describeBadTimestamp(text: string, unit: EpochUnit, column: string): string {
  const quoted = JSON.stringify(text);
  if (text === '') return `empty ${column}`;
  if (unit === 'auto' && DIGITS.test(text)) {
    return `${column} ${quoted} is not an epoch time of 10 digits (seconds) or 13 digits (milliseconds); convert it, or set timestampUnit`;
  }
  return `${column} ${quoted} is not an ISO-8601 time (no zone = UTC), a YYYY.MM.DD hh:mm:ss time or whole epoch ${unit === 's' ? 's' : 'ms'}`;
}

/** The last date read by {@link isoFastMs} and its epoch ms: rows of a day share it. */
let cachedDate = '';
let cachedDayMs = 0;

/** The digit at `i` of `text`, or -1. */
function digitAt(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Two digits at `i`, or -1. */
function twoDigits(text: string, i: number): number {
  const a = digitAt(text, i);
  const b = digitAt(text, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * The common shape of recorded ticks, `YYYY-MM-DD[T| ]hh:mm[:ss[.f…]][Z]`, read with char codes and
 * the day's epoch cached (a tick file repeats its date thousands of times). Returns `undefined` for
 * anything else, including invalid dates, so that {@link calendarMs} gives the one answer — the two
 * agree on every input (property-tested).
 */
export function isoFastMs(text: string): number | undefined {
  const n = text.length;
  if (n < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  let dayMs: number;
  if (n >= 10 && cachedDate.length === 10 && text.startsWith(cachedDate)) {
    dayMs = cachedDayMs;
  } else {
    const y1 = twoDigits(text, 0);
    const y2 = twoDigits(text, 2);
    const month = twoDigits(text, 5);
    const day = twoDigits(text, 8);
    if (y1 < 0 || y2 < 0 || month < 1 || month > 12 || day < 1) return undefined;
    const year = y1 * 100 + y2;
    const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
    if (year < 1970 || day > (DAYS_IN_MONTH[month - 1] as number) + leap) return undefined;
    dayMs = Date.UTC(year, month - 1, day);
    cachedDate = text.slice(0, 10);
    cachedDayMs = dayMs;
  }
  if (n === 10) return dayMs;
  const sep = text.charCodeAt(10);
  if ((sep !== 84 && sep !== 32) || n < 16 || text.charCodeAt(13) !== 58) return undefined;
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  let ms = dayMs + hour * 3_600_000 + minute * 60_000;
  let i = 16;
  if (i < n && text.charCodeAt(i) === 58) {
    const second = twoDigits(text, i + 1);
    if (second < 0 || second > 59) return undefined;
    ms += second * 1000;
    i += 3;
    if (i < n && text.charCodeAt(i) === 46) {
      const from = ++i;
      let millis = 0;
      while (i < n && digitAt(text, i) >= 0) {
        if (i - from < 3) millis = millis * 10 + digitAt(text, i);
        i++;
      }
      const digits = i - from;
      if (digits < 1 || digits > 9) return undefined;
      for (let k = digits; k < 3; k++) millis *= 10;
      ms += millis;
    }
  }
  if (i < n && text.charCodeAt(i) === 90) i++;
  return i === n ? ms : undefined;
}

/** A calendar date-time (see {@link CALENDAR_TIME}) as epoch ms, `NaN` if it is not one or not a real date. */
export function calendarMs(text: string): number {
  const m = CALENDAR_TIME.exec(text);
  if (m === null) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[3]);
  const day = Number(m[4]);
  const hour = m[5] === undefined ? 0 : Number(m[5]);
  const minute = m[6] === undefined ? 0 : Number(m[6]);
  const second = m[7] === undefined ? 0 : Number(m[7]);
  const millis = m[8] === undefined ? 0 : Number(m[8].slice(0, 3).padEnd(3, '0'));
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  if (month < 1 || month > 12 || day < 1 || day > (DAYS_IN_MONTH[month - 1] as number) + leap)
    return Number.NaN;
  if (year < 1970 || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  let offsetMin = 0;
  if (m[10] !== undefined) {
    const zoneHours = Number(m[11]);
    const zoneMinutes = m[12] === undefined ? 0 : Number(m[12]);
    if (zoneHours > 23 || zoneMinutes > 59) return Number.NaN;
    offsetMin = (m[10] === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMin * 60_000;
}
