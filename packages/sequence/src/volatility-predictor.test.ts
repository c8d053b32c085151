import { describe, expect, it } from 'vitest';
import { VolatilityPredictor } from './volatility-predictor.js';

describe('VolatilityPredictor', () => {
  it('runs the RiskMetrics recursion from the sample variance (hand-worked, λ = 0.5)', () => {
    const prices = [100, 110, 99, 99];
    const r = [Math.log(1.1), Math.log(99 / 110), 0];
    const mean = (r[0]! + r[1]! + r[2]!) / 3;
    let v = r.reduce((a, x) => a + (x - mean) ** 2, 0) / 2;
    for (const x of r) v = 0.5 * v + 0.5 * x * x;
    const forecast = new VolatilityPredictor({ lambda: 0.5 }).predict(prices);
    expect(forecast.ewmaStdPerStep).toBeCloseTo(Math.sqrt(v), 14);
    expect(forecast.stdPerStep).toBeCloseTo(Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / 2), 14);
  });

  it('reports zero volatility for a constant price', () => {
    expect(new VolatilityPredictor().predict([5, 5, 5, 5])).toEqual({ stdPerStep: 0, ewmaStdPerStep: 0 });
  });
});
