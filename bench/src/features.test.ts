import { describe, expect, it } from 'vitest';
import { agreement, barsOf, INDICATOR_CASES } from './features.js';

const prices = Float64Array.from(
  { length: 2_000 },
  (_, i) => 1.1 + 0.01 * Math.sin(i / 7) + 0.003 * Math.cos(i / 3),
);

describe('agreement', () => {
  it('is the largest absolute difference where both sides have a value', () => {
    const ours = Float64Array.of(Number.NaN, 1, 2, 3);
    const theirs = Float64Array.of(Number.NaN, 1, 2.5, 2.9);
    const a = agreement(ours, theirs, 0);
    expect(a.compared).toBe(3);
    expect(a.maxAbsDiff).toBeCloseTo(0.5, 15);
  });

  it('counts a value on one side only as an infinite difference (a shifted warm-up)', () => {
    expect(agreement(Float64Array.of(Number.NaN, 1), Float64Array.of(1, 1), 0).maxAbsDiff).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(agreement(Float64Array.of(Number.NaN, 1), Float64Array.of(1, 1), 1)).toEqual({
      maxAbsDiff: 0,
      compared: 1,
    });
  });
});

describe('the indicator cases', () => {
  it('build each bar from a price and the one before it', () => {
    expect(barsOf(Float64Array.of(2, 3, 1))).toEqual([
      { high: 2, low: 2, close: 2 },
      { high: 3, low: 2, close: 3 },
      { high: 3, low: 1, close: 1 },
    ]);
  });

  it.each(['SMA(20)', 'EMA(20)', 'ATR(14)', 'rolling std(20)'])(
    '%s agrees with ours in both libraries to 1e-9',
    (indicator) => {
      const inputs = { prices, bars: barsOf(prices) };
      const cases = INDICATOR_CASES.filter((c) => c.indicator === indicator);
      expect(cases.map((c) => c.library)).toEqual(['omni', 'trading-signals', 'technicalindicators']);
      const outputs = cases.map((c) => {
        const out = new Float64Array(prices.length);
        c.run(inputs, prices.length, out);
        return out;
      });
      for (let k = 1; k < cases.length; k++) {
        const a = agreement(
          outputs[0] as Float64Array,
          outputs[k] as Float64Array,
          (cases[k] as (typeof cases)[0]).compareFrom,
        );
        expect(a.compared).toBeGreaterThan(900);
        expect(a.maxAbsDiff).toBeLessThanOrEqual(1e-9);
      }
    },
  );
});
