import { describe, expect, it } from 'vitest';
import {
  resolveVolatilityGate,
  VolatilityScoreMatrix,
  volatilityConfidenceWeight,
} from './volatility-score-matrix.js';

describe('VolatilityScoreMatrix', () => {
  it('scores the batch form as the weighted mean of last / mean per series', () => {
    // fx: last 3, mean 2 → 1.5; dex: last 1, mean 2 → 0.5; weights 3 and 1 → (4.5 + 0.5) / 4.
    const s = VolatilityScoreMatrix.scoreOf({ fx: [1, 2, 3], dex: [3, 2, 1] }, { fx: 3, dex: 1 });
    expect(s).toBeCloseTo(1.25, 14);
  });

  it('streams to the same value as the batch form over the window', () => {
    const vsm = new VolatilityScoreMatrix({ window: 3 });
    for (const [fx, binary] of [
      [9, 1],
      [1, 1],
      [2, 2],
      [3, 3],
    ] as const) {
      vsm.update({ fx, binary });
    }
    expect(vsm.score).toBeCloseTo(
      VolatilityScoreMatrix.scoreOf({ fx: [1, 2, 3], binary: [1, 2, 3] }) as number,
      14,
    );
  });

  it('is null before any data and ignores absent channels', () => {
    const vsm = new VolatilityScoreMatrix();
    expect(vsm.score).toBeNull();
    expect(vsm.update({ dex: 4 })).toBe(1);
  });

  it('rejects a negative volatility', () => {
    expect(() => new VolatilityScoreMatrix().update({ fx: -1 })).toThrow(/>= 0/);
  });

  it('weights confidence 1 / (1 + sensitivity·(score − usualMax)) above usualMax, and 1 up to it', () => {
    const gate = resolveVolatilityGate({ usualMax: 1, sensitivity: 1, maxScore: 4 });
    expect(volatilityConfidenceWeight(3, gate)).toBe(1 / 3);
    expect(volatilityConfidenceWeight(0.4, gate)).toBe(1);
    expect(volatilityConfidenceWeight(null, gate)).toBe(1);
    expect(volatilityConfidenceWeight(2, resolveVolatilityGate())).toBe(0.8); // 1 / (1 + 0.5·(2 − 1.5))
    expect(volatilityConfidenceWeight(1.5, resolveVolatilityGate())).toBe(1);
  });

  it('rejects a volatility gate whose maxScore is below usual volatility', () => {
    expect(() => resolveVolatilityGate({ maxScore: 1.2 })).toThrow(/usualMax <= maxScore/);
  });
});
