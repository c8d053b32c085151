import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';

describe('Adam', () => {
  it('moves the first step by exactly the learning rate against the gradient sign', () => {
    const x = Float64Array.from([1, -2]);
    new Adam(2, { learningRate: 0.1, epsilon: 0 }).step(x, Float64Array.from([5, -0.001]));
    expect(x[0]).toBeCloseTo(0.9, 12);
    expect(x[1]).toBeCloseTo(-1.9, 12);
  });

  it('minimises (x - 3)^2', () => {
    const x = Float64Array.from([0]);
    const adam = new Adam(1, { learningRate: 0.05 });
    for (let i = 0; i < 2000; i++) adam.step(x, Float64Array.from([2 * ((x[0] as number) - 3)]));
    expect(x[0]).toBeCloseTo(3, 3);
  });
});
