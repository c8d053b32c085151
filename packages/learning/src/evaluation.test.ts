import { describe, expect, it } from 'vitest';
import { scoreProbabilities } from './evaluation.js';

describe('scoreProbabilities', () => {
  it('scores the hand-worked forecasts 0.8 (up) and 0.3 (down)', () => {
    const s = scoreProbabilities([0.8, 0.3], Uint8Array.from([1, 0]), [0, 1]);
    expect(s.accuracy).toBe(1);
    expect(s.logLoss).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 14);
    expect(s.brier).toBeCloseTo((0.04 + 0.09) / 2, 14);
  });

  it('gives a coin flip log loss ln 2 and Brier 0.25', () => {
    const s = scoreProbabilities([0.5, 0.5], Uint8Array.from([1, 0]), [0, 1]);
    expect(s.logLoss).toBeCloseTo(Math.LN2, 14);
    expect(s.brier).toBe(0.25);
  });
});
