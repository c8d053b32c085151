import { isOmniError } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MomentumSequenceModel } from './momentum-sequence-model.js';

/** Two-pass sample std of log returns: an independent reference for the one-pass implementation. */
function referenceStd(prices: number[]): number {
  const r = prices.slice(1).map((p, i) => Math.log(p / (prices[i] as number)));
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  return Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
}

describe('MomentumSequenceModel', () => {
  const model = new MomentumSequenceModel();
  const window = [100, 101, 100, 102];

  it('gives probUp = 1/(1+exp(-1.702 z)) for the hand-worked window 100, 101, 100, 102', () => {
    const z = Math.log(102 / 100) / (referenceStd(window) * Math.sqrt(3));
    expect(z).toBeCloseTo(0.7543, 3);
    expect(model.predictDirection(window)).toBeCloseTo(1 / (1 + Math.exp(-1.702 * z)), 12);
  });

  it('predicts volatility as the sample std of one-step log returns', () => {
    expect(model.predictVolatility(window)).toBeCloseTo(referenceStd(window), 14);
  });

  it('is symmetric: a mirrored path gives 1 - probUp', () => {
    const mirrored = window.map((p) => 10_000 / p);
    expect(model.predictDirection(mirrored)).toBeCloseTo(1 - model.predictDirection(window), 12);
  });

  it('throws a ModelError for a non-positive price instead of returning NaN', () => {
    expect(() => model.predictDirection([1, 0, 2])).toThrow(
      expect.objectContaining({ code: 'MODEL_INFERENCE_FAILED' }),
    );
    try {
      model.predictDirection([1, Number.NaN, 2]);
    } catch (err) {
      expect(isOmniError(err, 'MODEL_INFERENCE_FAILED')).toBe(true);
    }
  });

  it('answers a batch exactly as one call per window', () => {
    const windows = [window, [1, 1.1, 1.2, 1.15], [5, 4, 3]];
    const batch = model.predictDirectionBatch(windows);
    for (const [i, w] of windows.entries()) expect(batch[i]).toBe(model.predictDirection(w));
  });

  it('always returns a probability in [0, 1] for positive prices', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 64 }),
        (prices) => {
          const p = model.predictDirection(prices);
          return p >= 0 && p <= 1;
        },
      ),
    );
  });

  it('answers a sliding window (one buffer, shifted, sometimes replaced) bit for bit as a fresh model does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: 40, maxLength: 120 }),
        fc.integer({ min: 3, max: 24 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 8 }),
        (prices, n, jumps) => {
          const cached = new MomentumSequenceModel();
          const buffer = new Float64Array(n);
          for (let end = n; end <= prices.length; end++) {
            // Mostly a shift by one tick; at the `jumps` a window from elsewhere (a resume, another symbol).
            const start = jumps.includes(end) ? Math.floor(end / 2) : end - n;
            for (let i = 0; i < n; i++) buffer[i] = prices[Math.min(start + i, prices.length - 1)] as number;
            const fresh = new MomentumSequenceModel();
            const copy = Array.from(buffer);
            expect(cached.predictDirection(buffer)).toBe(fresh.predictDirection(copy));
            expect(cached.predictVolatility(buffer)).toBe(
              new MomentumSequenceModel().predictVolatility(copy),
            );
            expect(cached.regimeProbabilities(buffer)).toEqual(
              new MomentumSequenceModel().regimeProbabilities(copy),
            );
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('still refuses a window whose newest price is not a positive number, also after a shift', () => {
    const cached = new MomentumSequenceModel();
    cached.predictDirection([1, 1.1, 1.2, 1.3]);
    expect(() => cached.predictDirection([1.1, 1.2, 1.3, Number.NaN])).toThrow(/non-finite or non-positive/);
    expect(() => cached.predictVolatility([1.1, 1.2, 1.3, -1])).toThrow(/non-finite or non-positive/);
  });
});
