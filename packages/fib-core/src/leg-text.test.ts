import type { Swing } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { fibLevels } from './fib-levels.js';
import type { FibSetup } from './fib-signal.js';
import { LegText } from './leg-text.js';

const HOUR = 3_600_000;
const swing = (kind: Swing['kind'], price: number, tsMs: number): Swing => ({
  kind,
  price,
  tsMs,
  index: 0,
  confirmedTsMs: tsMs,
});
const leg = (start: Swing, end: Swing): FibSetup => ({
  start,
  end,
  levels: fibLevels(start.price, end.price),
  meanLegMs: HOUR,
});

describe('LegText', () => {
  it('formats the leg from its values, whichever object carries them', () => {
    const text = new LegText();
    const a = leg(swing('low', 1.0852, 0), swing('high', 1.0931, HOUR));
    expect(text.leg(a)).toBe('up leg 1.08520 → 1.09310');
    expect(text.binaryLine({ ...a, start: { ...a.start } })).toBe(
      'of the up leg 1.08520 → 1.09310 (1970-01-01T00:00:00.000Z → 1970-01-01T01:00:00.000Z)',
    );
  });

  it('formats anew when any of the numbers changes', () => {
    const text = new LegText();
    const a = leg(swing('low', 1.0852, 0), swing('high', 1.0931, HOUR));
    text.binaryLine(a);
    const later = leg(swing('low', 1.0852, 0), swing('high', 1.0931, 2 * HOUR));
    expect(text.binaryLine(later)).toBe(
      'of the up leg 1.08520 → 1.09310 (1970-01-01T00:00:00.000Z → 1970-01-01T02:00:00.000Z)',
    );
    expect(text.leg(leg(swing('high', 1.0931, 0), swing('low', 1.0852, HOUR)))).toBe(
      'down leg 1.09310 → 1.08520',
    );
  });
});
