import { Rng } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockBaseFee, MAX_BASE_FEE_CHANGE } from './block-base-fee.js';

describe('BlockBaseFee', () => {
  it('stays within [mean/bound, mean·bound] and moves at most 12.5 % per block', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.double({ min: 0.01, max: 500, noNaN: true }),
        fc.double({ min: 1, max: 8, noNaN: true }),
        (seed, meanGwei, bound) => {
          const fee = new BlockBaseFee(new Rng(seed), { meanGwei, bound });
          let previous = fee.currentGwei;
          for (let i = 0; i < 300; i++) {
            fee.advance();
            const b = fee.currentGwei;
            if (b < meanGwei / bound - 1e-9 * meanGwei || b > meanGwei * bound * (1 + 1e-12)) return false;
            if (Math.abs(b / previous - 1) > MAX_BASE_FEE_CHANGE + 1e-12) return false;
            previous = b;
          }
          return true;
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it('runs one block ahead: the next fee becomes the current one', () => {
    const fee = new BlockBaseFee(new Rng(3), { meanGwei: 20 });
    expect(fee.currentGwei).toBe(20);
    const next = fee.nextGwei;
    fee.advance();
    expect(fee.currentGwei).toBe(next);
  });

  it('reverts to its mean: the average over 20,000 blocks is within 5 % of it', () => {
    const fee = new BlockBaseFee(new Rng(11), { meanGwei: 20 });
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      fee.advance();
      sum += fee.currentGwei;
    }
    expect(sum / 20_000).toBeGreaterThan(19);
    expect(sum / 20_000).toBeLessThan(21);
  });

  it('is constant with bound 1 and zero with mean 0', () => {
    const flat = new BlockBaseFee(new Rng(1), { meanGwei: 20, bound: 1 });
    const free = new BlockBaseFee(new Rng(1), { meanGwei: 0 });
    for (let i = 0; i < 10; i++) {
      flat.advance();
      free.advance();
      expect(flat.currentGwei).toBe(20);
      expect(free.currentGwei).toBe(0);
    }
  });

  it('rejects a negative mean or a bound below 1', () => {
    expect(() => new BlockBaseFee(new Rng(1), { meanGwei: -1 })).toThrow(/meanGwei/);
    expect(() => new BlockBaseFee(new Rng(1), { meanGwei: 1, bound: 0.5 })).toThrow(/bound/);
  });
});
