import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWalkForward, walkForwardWindows, windowTag } from './windows.js';

const DAY = 86_400_000;

describe('parseWalkForward', () => {
  it('reads durations and bare numbers of days', () => {
    expect(parseWalkForward('180d/60d')).toEqual({ inSampleMs: 180 * DAY, outOfSampleMs: 60 * DAY });
    expect(parseWalkForward('180/60')).toEqual({ inSampleMs: 180 * DAY, outOfSampleMs: 60 * DAY });
    expect(parseWalkForward('1y/3mo')).toEqual({ inSampleMs: 365 * DAY, outOfSampleMs: 90 * DAY });
  });

  it('refuses a spec without exactly one slash, an ambiguous m and zero days', () => {
    expect(() => parseWalkForward('180d')).toThrow('needs exactly one /');
    expect(() => parseWalkForward('6m/1m')).toThrow('ambiguous');
    expect(() => parseWalkForward('0/30')).toThrow('at least 1 day');
  });
});

describe('walkForwardWindows', () => {
  it('makes consecutive folds stepping by the out-of-sample length, dropping a tail shorter than a fold', () => {
    const fromMs = Date.UTC(2023, 0, 1);
    const windows = walkForwardWindows(
      { fromMs, toMs: fromMs + 365 * DAY - 1 },
      { inSampleMs: 180 * DAY, outOfSampleMs: 90 * DAY },
    );
    expect(
      windows.map((w) => [windowTag(w), (w.fromMs - fromMs) / DAY, (w.toMs + 1 - fromMs) / DAY]),
    ).toEqual([
      ['f0-is', 0, 180],
      ['f0-oos', 180, 270],
      ['f1-is', 90, 270],
      ['f1-oos', 270, 360],
    ]);
  });

  it('makes no fold when the range is shorter than one in-sample and one out-of-sample window', () => {
    expect(
      walkForwardWindows({ fromMs: 0, toMs: 10 * DAY }, { inSampleMs: 8 * DAY, outOfSampleMs: 3 * DAY }),
    ).toEqual([]);
  });

  it('keeps every out-of-sample window inside the range, right after its in-sample window, and never overlapping the next', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 3000 }),
        (isDays, oosDays, rangeDays) => {
          const range = { fromMs: 0, toMs: rangeDays * DAY };
          const windows = walkForwardWindows(range, {
            inSampleMs: isDays * DAY,
            outOfSampleMs: oosDays * DAY,
          });
          const oos = windows.filter((w) => w.role === 'out-of-sample');
          for (const [k, w] of windows.entries()) {
            const inSample = windows[k - 1];
            if (w.role !== 'out-of-sample' || inSample === undefined) continue;
            if (inSample.toMs + 1 !== w.fromMs || w.toMs > range.toMs) return false;
          }
          for (let k = 1; k < oos.length; k++)
            if ((oos[k - 1]?.toMs ?? 0) + 1 !== oos[k]?.fromMs) return false;
          // As many folds as fit: one more would end beyond the range.
          return (oos.length + 1) * oosDays + isDays > rangeDays + 1 - 1 / DAY;
        },
      ),
    );
  });
});
