import { describe, expect, it } from 'vitest';
import { Ema } from './ema.js';

describe('Ema', () => {
  it('seeds with the SMA of the first period inputs, then smooths with k = 2/(period+1) (hand-worked)', () => {
    const ema = new Ema(3); // k = 0.5
    expect(ema.update(2)).toBeUndefined();
    expect(ema.update(4)).toBeUndefined();
    expect(ema.update(6)).toBe(4); // seed: (2 + 4 + 6) / 3
    expect(ema.update(10)).toBe(7); // 4 + (10 − 4)·0.5
    expect(ema.update(1)).toBe(4); // 7 + (1 − 7)·0.5
  });

  it('is the identity after seeding for period 1', () => {
    const ema = new Ema(1);
    expect([3, 5, 8].map((x) => ema.update(x))).toEqual([3, 5, 8]);
  });
});
