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

  it('corrects the bias with beta^t as a product of t multiplications, bit for bit (same on every Node version)', () => {
    const b1 = 0.9;
    const b2 = 0.999;
    const lr = 0.01;
    const eps = 1e-8;
    const grads = [0.3, -1.7, 0.05, 2.2, -0.4];
    const x = Float64Array.from([0.5]);
    const adam = new Adam(1, { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps });
    // Independent reference: the Adam paper's update with beta^t multiplied out, never ** or Math.pow.
    let p = 0.5;
    let m = 0;
    let v = 0;
    let b1t = 1;
    let b2t = 1;
    for (const g of grads) {
      adam.step(x, Float64Array.from([g]));
      b1t = b1t * b1;
      b2t = b2t * b2;
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      p = p - (lr * (m / (1 - b1t))) / (Math.sqrt(v / (1 - b2t)) + eps);
      expect(x[0]).toBe(p);
    }
    // After five steps (the first one moves by exactly the learning rate, as the test above shows).
    expect(p).toBeCloseTo(0.4973665916, 10);
  });
});
