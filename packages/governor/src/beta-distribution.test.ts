import { Rng } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { sampleBeta, sampleGamma } from './beta-distribution.js';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sq / n - mean * mean };
}

describe('sampleBeta', () => {
  it.each([
    [2, 5],
    [0.5, 0.5],
    [30, 10],
  ])('matches the Beta(%f, %f) mean a/(a+b) and variance ab/((a+b)²(a+b+1))', (a, b) => {
    const rng = new Rng(`beta-${a}-${b}`);
    const { mean, variance } = moments(() => sampleBeta(rng, a, b), 40_000);
    expect(mean).toBeCloseTo(a / (a + b), 2);
    expect(variance).toBeCloseTo((a * b) / ((a + b) ** 2 * (a + b + 1)), 2);
  });
});

describe('sampleGamma', () => {
  it('matches the Gamma(k, 1) mean k and variance k for shapes below and above 1', () => {
    for (const k of [0.3, 4]) {
      const rng = new Rng(`gamma-${k}`);
      const { mean, variance } = moments(() => sampleGamma(rng, k), 40_000);
      expect(Math.abs(mean - k) / k).toBeLessThan(0.03);
      expect(Math.abs(variance - k) / k).toBeLessThan(0.06);
    }
  });
});
