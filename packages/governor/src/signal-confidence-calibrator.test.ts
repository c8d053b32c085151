import { Rng } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { SignalConfidenceCalibrator } from './signal-confidence-calibrator.js';

describe('SignalConfidenceCalibrator', () => {
  it('maps a raw confidence to its bin centre before any outcome', () => {
    const cal = new SignalConfidenceCalibrator();
    expect(cal.calibrate(0.73)).toBeCloseTo(0.725, 12);
    expect(cal.calibrate(1)).toBeCloseTo(0.975, 12);
    expect(cal.brierScore()).toEqual({ count: 0, raw: null, calibrated: null });
  });

  it('blends outcomes with the prior per bin (hand-worked)', () => {
    const cal = new SignalConfidenceCalibrator({ bins: 2, priorStrength: 2 });
    for (let i = 0; i < 2; i++) cal.observe(0.2, true);
    for (let i = 0; i < 3; i++) cal.observe(0.9, true);
    // (2 + 2·0.25) / 4 and (3 + 2·0.75) / 5
    expect(cal.calibrate(0.1)).toBeCloseTo(0.625, 12);
    expect(cal.calibrate(0.6)).toBeCloseTo(0.9, 12);
  });

  it('pools adjacent violators so a higher raw confidence never calibrates lower (hand-worked)', () => {
    const cal = new SignalConfidenceCalibrator({ bins: 2, priorStrength: 2 });
    for (let i = 0; i < 2; i++) cal.observe(0.2, true); // 0.625, weight 4
    for (let i = 0; i < 3; i++) cal.observe(0.9, false); // 1.5 / 5 = 0.3, weight 5
    expect(cal.calibrate(0.2)).toBeCloseTo(4 / 9, 12); // (0.625·4 + 0.3·5) / 9
    expect(cal.calibrate(0.9)).toBeCloseTo(4 / 9, 12);
    // raw: (2·0.8² + 3·0.9²) / 5; calibrated: (2·(5/9)² + 3·(4/9)²) / 5 = 98/405
    expect(cal.brierScore()).toEqual({
      count: 5,
      raw: expect.closeTo((2 * 0.64 + 3 * 0.81) / 5, 12),
      calibrated: expect.closeTo(98 / 405, 12),
    });
  });

  it('learns an overconfident signal and lowers its Brier score', () => {
    const rng = new Rng(5).fork('test/signal');
    const cal = new SignalConfidenceCalibrator();
    const truth = (raw: number) => 0.5 + 0.4 * (raw - 0.5); // the signal claims more than it delivers
    for (let i = 0; i < 40_000; i++) {
      const raw = rng.float();
      cal.observe(raw, rng.bernoulli(truth(raw)));
    }
    for (const raw of [0.125, 0.425, 0.775, 0.925]) expect(cal.calibrate(raw)).toBeCloseTo(truth(raw), 1);
    const brier = cal.brierScore();
    // raw Brier of this signal: E[(r − y)²] = E[r² − 2 r t(r) + t(r)] = 1/3 − 2·0.2833 + 0.5 = 0.2667
    expect(brier.raw as number).toBeCloseTo(0.2667, 2);
    expect(brier.calibrated as number).toBeLessThan((brier.raw as number) - 0.01);
  });

  it('reports a reliability table of predicted against observed rates', () => {
    const cal = new SignalConfidenceCalibrator({ bins: 4 });
    cal.observe(0.6, true);
    cal.observe(0.7, false);
    const row = cal.reliabilityTable()[2];
    expect(row).toEqual({
      lower: 0.5,
      upper: 0.75,
      count: 2,
      meanRaw: expect.closeTo(0.65, 12),
      observedRate: 0.5,
      calibrated: expect.closeTo((1 + 2 * 0.625) / 4, 12),
    });
    expect(cal.reliabilityTable()[0]).toMatchObject({ count: 0, meanRaw: null, observedRate: null });
  });

  it('survives a save and load with identical calibration', () => {
    const cal = new SignalConfidenceCalibrator({ bins: 10 });
    const rng = new Rng(6);
    for (let i = 0; i < 500; i++) cal.observe(rng.float(), rng.bernoulli(0.4));
    const restored = SignalConfidenceCalibrator.fromJSON(JSON.parse(JSON.stringify(cal.toJSON())));
    for (let r = 0; r <= 1; r += 0.05) expect(restored.calibrate(r)).toBe(cal.calibrate(r));
    expect(restored.brierScore()).toEqual(cal.brierScore());
    expect(() => SignalConfidenceCalibrator.fromJSON({ ...cal.toJSON(), wins: [1] })).toThrow(
      expect.objectContaining({ code: 'STATE_INVALID' }),
    );
  });

  it('rejects a raw confidence outside [0, 1]', () => {
    expect(() => new SignalConfidenceCalibrator().observe(1.2, true)).toThrow(
      expect.objectContaining({ code: 'GOVERNOR_BAD_INPUT' }),
    );
  });
});
