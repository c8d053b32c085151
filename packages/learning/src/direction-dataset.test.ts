import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDirectionDataset } from './direction-dataset.js';
import type { PriceSeries } from './price-series.js';

const series = (prices: number[]): PriceSeries => ({
  symbol: 'X',
  tsMs: Float64Array.from(prices, (_, i) => i * 1000),
  prices: Float64Array.from(prices),
});

describe('buildDirectionDataset', () => {
  it('labels each window by the sign of the return h steps after its last price', () => {
    const d = buildDirectionDataset([series([1, 2, 3, 4, 3, 5, 1])], { windowLength: 4, horizon: 2 });
    // windows end at t = 3, 4 with labels p[5] > p[3] (5 > 4) and p[6] > p[4] (1 > 3)
    expect(d.size).toBe(2);
    expect([...d.labels]).toEqual([1, 0]);
    expect([...d.decisionTsMs]).toEqual([3000, 4000]);
    expect([...d.labelTsMs]).toEqual([5000, 6000]);
  });

  it('never lets a price after the decision time change the inputs (no look-ahead)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: 12, maxLength: 30 }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        (prices, replacement) => {
          const a = buildDirectionDataset([series(prices)], { windowLength: 5, horizon: 3 });
          const changedAt = prices.length - 1;
          const b = buildDirectionDataset(
            [series(prices.map((p, i) => (i === changedAt ? replacement : p)))],
            {
              windowLength: 5,
              horizon: 3,
            },
          );
          for (let row = 0; row < a.size; row++) {
            const t = (a.decisionTsMs[row] as number) / 1000;
            if (t >= changedAt) continue;
            for (let i = 0; i < 5; i++) if (a.features[row * 5 + i] !== b.features[row * 5 + i]) return false;
          }
          return true;
        },
      ),
    );
  });
});
