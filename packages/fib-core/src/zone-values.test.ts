import type { Swing } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZoneValues } from './zone-values.js';

function swing(price: number, i: number): Swing {
  return {
    kind: i % 2 === 0 ? 'low' : 'high',
    price,
    tsMs: i * 1000,
    index: i,
    confirmedTsMs: i * 1000 + 500,
  };
}

describe('ZoneValues', () => {
  it('sorts swing prices and fib levels together and counts distinct values (hand-worked)', () => {
    const zv = new ZoneValues(3, 1, 4);
    zv.load([swing(100, 0), swing(110, 1), swing(104, 2)], false);
    // Leg 110 → 104: 104 − r·(104 − 110) for r = 0.236, 0.382, 0.5, 0.618, 0.786.
    const levels = [0.236, 0.382, 0.5, 0.618, 0.786].map((r) => 104 - r * (104 - 110));
    expect(Array.from(zv.values.subarray(0, zv.n))).toEqual([100, 110, 104, ...levels]);
    expect(Array.from(zv.sorted.subarray(0, zv.n))).toEqual([100, 104, ...levels, 110]);
    expect(zv.distinct).toBe(8);
    zv.label(Int32Array.of(0, 1, 7), 3);
    expect(Array.from(zv.labels.subarray(0, zv.n))).toEqual([0, 2, 1, 1, 1, 1, 1, 1]);
  });

  it('keeps the sorted window through slides: the same sorted values as sorting from scratch', () => {
    const price = fc.oneof(
      fc.integer({ min: 1, max: 6 }),
      fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.array(price, { minLength: 1, maxLength: 40 }),
        (size, prices) => {
          const kept = new ZoneValues(size, 2, 3);
          const fresh = new ZoneValues(size, 2, 3);
          const window: Swing[] = [];
          prices.forEach((p, i) => {
            window.push(swing(p, i));
            kept.slide(window[window.length - 1] as Swing, window.length > size ? window.shift() : undefined);
            kept.load(window, true);
            fresh.load(window, false);
            expect(Array.from(kept.sorted.subarray(0, kept.n))).toEqual(
              Array.from(fresh.sorted.subarray(0, fresh.n)),
            );
            expect(kept.distinct).toBe(fresh.distinct);
          });
        },
      ),
      { numRuns: 300, seed: 20_260_514 },
    );
  });
});
