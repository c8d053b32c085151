import { describe, expect, it } from 'vitest';
import { atrZone, extensionPrice, fibLevels, inZone, retracementPrice } from './fib-levels.js';

/** Element-wise equality to 1e-10 (the hand values are exact decimals; float64 rounds them). */
function expectPrices(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(a).toBeCloseTo(expected[i] as number, 10);
  });
}

describe('fibLevels', () => {
  it('computes the exact retracements of an up swing 100 → 200', () => {
    expectPrices(
      fibLevels(100, 200).retracements.map((l) => l.price),
      [176.4, 161.8, 150, 138.2, 121.4],
    );
  });

  it('computes the exact extensions of an up swing 100 → 200 from its start', () => {
    expectPrices(
      fibLevels(100, 200).extensions.map((l) => l.price),
      [227.2, 241.4, 261.8, 300, 361.8],
    );
  });

  it('mirrors the levels for a down swing 200 → 100', () => {
    const levels = fibLevels(200, 100);
    expect(levels.direction).toBe('down');
    expectPrices(
      levels.retracements.map((l) => l.price),
      [123.6, 138.2, 150, 161.8, 178.6],
    );
    expect(levels.extensions[2]?.price).toBeCloseTo(38.2, 12);
  });

  it('puts retracement 0 at the swing end and extension 1 at the swing end', () => {
    expect(retracementPrice(1.05, 1.1, 0)).toBe(1.1);
    expect(extensionPrice(1.05, 1.1, 1)).toBe(1.1);
  });

  it('rejects a swing with equal ends', () => {
    expect(() => fibLevels(1, 1)).toThrow(/different prices/);
  });
});

describe('atrZone', () => {
  it('spans level ± k·ATR', () => {
    const z = atrZone(1.2, 0.01, 0.5);
    expect(z.low).toBeCloseTo(1.195, 12);
    expect(z.high).toBeCloseTo(1.205, 12);
  });

  it('includes its bounds', () => {
    const z = atrZone(100, 2, 1);
    expect(inZone(98, z)).toBe(true);
    expect(inZone(102.0001, z)).toBe(false);
  });

  it('rejects a negative ATR', () => {
    expect(() => atrZone(1, -1, 1)).toThrow(/non-negative/);
  });
});
