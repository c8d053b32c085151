import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseWindow } from './model-contract.js';

describe('normaliseWindow', () => {
  it('maps the hand-worked window 1, 2, 4 to (ln p - ln 4) / σ with σ = 0 floored', () => {
    // returns are ln 2 twice: σ = 0, floored at 1e-12
    const out = new Float64Array(3);
    normaliseWindow([1, 2, 4], 3, out);
    expect(out[2]).toBe(0);
    expect(out[0]).toBeCloseTo(Math.log(0.25) / 1e-12, 0);
  });

  it('uses only the newest n prices and scales by their log-return std', () => {
    const out = new Float64Array(3);
    normaliseWindow([999, 100, 110, 99], 3, out);
    const r = [Math.log(1.1), Math.log(99 / 110)];
    const m = (r[0]! + r[1]!) / 2;
    const sigma = Math.sqrt((r[0]! - m) ** 2 + (r[1]! - m) ** 2);
    expect(out[0]).toBeCloseTo(Math.log(100 / 99) / sigma, 12);
    expect(out[1]).toBeCloseTo(Math.log(110 / 99) / sigma, 12);
  });

  it('is invariant to the price level', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: 5, maxLength: 20 }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        (prices, k) => {
          const a = new Float64Array(prices.length);
          const b = new Float64Array(prices.length);
          normaliseWindow(prices, prices.length, a);
          normaliseWindow(
            prices.map((p) => p * k),
            prices.length,
            b,
          );
          return a.every((x, i) => Math.abs(x - (b[i] as number)) <= 1e-6 * Math.max(1, Math.abs(x)));
        },
      ),
    );
  });

  it('throws a ModelError when the window is shorter than n', () => {
    expect(() => normaliseWindow([1, 2], 3, new Float32Array(3))).toThrow(
      expect.objectContaining({ code: 'MODEL_INFERENCE_FAILED' }),
    );
  });
});
