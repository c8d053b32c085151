import fc from 'fast-check';
import { ATR as TsAtr } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { Atr } from './atr.js';

const bar = (high: number, low: number, close: number) => ({ high, low, close });

/** Random OHLC-ish bars: positive, low <= close <= high. */
const barsArb = fc
  .array(
    fc.tuple(
      fc.double({ min: 1, max: 2, noNaN: true }),
      fc.double({ min: 0, max: 0.05, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    ),
    { minLength: 1, maxLength: 80 },
  )
  .map((rows) => rows.map(([low, range, at]) => bar(low + range, low, low + range * at)));

describe('Atr', () => {
  it('matches a hand-worked Wilder ATR(3): SMA of the first three true ranges, then Wilder smoothing', () => {
    const atr = new Atr(3);
    expect(atr.update(bar(10, 8, 9))).toBeUndefined(); // TR 2 (high − low on the first bar)
    expect(atr.update(bar(11, 9, 10))).toBeUndefined(); // TR max(2, 2, 0) = 2
    expect(atr.update(bar(12, 9.5, 11))).toBeCloseTo(6.5 / 3, 14); // TR 2.5
    expect(atr.update(bar(11.5, 8, 8.5))).toBeCloseTo(47 / 18, 14); // TR 3.5 (gap down)
    expect(atr.update(bar(9, 8.8, 8.9))).toBeCloseTo(103 / 54, 14); // TR 0.5 (|9 − 8.5|)
    expect(atr.trueRange).toBeCloseTo(0.5, 14);
  });

  it('agrees with trading-signals ATR (Wilder WSMA) on random bars to 1e-12', () => {
    fc.assert(
      fc.property(barsArb, fc.integer({ min: 1, max: 20 }), (bars, period) => {
        const ours = new Atr(period);
        const ref = new TsAtr(period);
        for (const b of bars) {
          const mine = ours.update(b);
          const theirs = ref.add(b);
          if (theirs === null) expect(mine).toBeUndefined();
          else
            expect(Math.abs((mine as number) - theirs)).toBeLessThanOrEqual(1e-12 * Math.max(1e-12, theirs));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a bar with low above high and keeps its state', () => {
    const atr = new Atr(2);
    atr.update(bar(2, 1, 1.5));
    expect(() => atr.update(bar(1, 2, 1.5))).toThrow(expect.objectContaining({ code: 'FEATURE_BAD_INPUT' }));
    expect(atr.update(bar(2, 1, 1.5))).toBe(1);
  });
});
