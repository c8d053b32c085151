import type { Swing } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { FibonacciClusterAI } from './fibonacci-cluster-ai.js';
import { silhouetteScore } from './silhouette.js';

function swingsOf(prices: readonly number[]): Swing[] {
  return prices.map((price, i) => ({
    kind: i % 2 === 0 ? 'low' : 'high',
    price,
    tsMs: i * 1000,
    index: i,
    confirmedTsMs: i * 1000 + 500,
  }));
}

const RANGE = [100, 120, 100.5, 119.5, 99.8, 120.3, 100.2, 119.9];

describe('silhouetteScore', () => {
  it('matches the hand-worked value for two tight pairs', () => {
    const expected = (2 * (8.5 / 9.5) + 2 * (7.5 / 8.5)) / 4;
    expect(silhouetteScore([1, 2, 10, 11], [0, 0, 1, 1], 2)).toBeCloseTo(expected, 14);
  });

  it('gives singletons a silhouette of 0', () => {
    expect(silhouetteScore([1, 10, 11], [0, 1, 1], 2)).toBeCloseTo((0 + 8 / 9 + 9 / 10) / 3, 14);
  });
});

describe('FibonacciClusterAI', () => {
  it('finds a support and a resistance zone in a range-bound market (k = 2 by silhouette)', () => {
    const ai = new FibonacciClusterAI({ fibLegs: 0, seed: 3 });
    for (const s of swingsOf(RANGE)) ai.onSwing(s);
    expect(ai.result.k).toBe(2);
    const [support, resistance] = ai.zones;
    expect(support?.center).toBeCloseTo((100 + 100.5 + 99.8 + 100.2) / 4, 12);
    expect(resistance?.center).toBeCloseTo((120 + 119.5 + 120.3 + 119.9) / 4, 12);
    expect(support?.low).toBe(99.8);
    expect(resistance?.high).toBe(120.3);
    expect(support?.touches).toBe(4);
    expect(resistance?.lastTouchTsMs).toBe(7000);
  });

  it('weights recent touches more: the zone touched last is the strongest', () => {
    const ai = new FibonacciClusterAI({ fibLegs: 0, halfLifeSwings: 2 });
    for (const s of swingsOf(RANGE)) ai.onSwing(s);
    const resistance = ai.zones[1];
    const support = ai.zones[0];
    expect(resistance?.strength).toBe(1);
    // support ages 1,3,5,7 vs resistance 0,2,4,6 with half-life 2: ratio = 2^-0.5.
    expect(support?.strength).toBeCloseTo(2 ** -0.5, 12);
  });

  it('adds fib retracement levels of the last legs as confluence members', () => {
    const ai = new FibonacciClusterAI({ fibLegs: 1 });
    for (const s of swingsOf(RANGE)) ai.onSwing(s);
    const fibTotal = ai.zones.reduce((n, z) => n + z.fibLevels, 0);
    expect(fibTotal).toBe(5);
  });

  it('returns the same zones for the same swings and seed (deterministic)', () => {
    const a = new FibonacciClusterAI({ seed: 9 });
    const b = new FibonacciClusterAI({ seed: 9 });
    const swings = swingsOf([1.1, 1.2, 1.12, 1.25, 1.15, 1.3, 1.18, 1.22, 1.16, 1.28]);
    for (const s of swings) {
      a.onSwing(s);
      b.onSwing(s);
    }
    expect(a.result).toEqual(b.result);
  });

  it('scales zones exactly with a power-of-two price scale', () => {
    const a = new FibonacciClusterAI();
    const b = new FibonacciClusterAI();
    const prices = [1.1, 1.2, 1.12, 1.25, 1.15, 1.3, 1.18, 1.22, 1.16, 1.28];
    for (const s of swingsOf(prices)) a.onSwing(s);
    for (const s of swingsOf(prices.map((p) => p * 64))) b.onSwing(s);
    expect(b.result.k).toBe(a.result.k);
    a.zones.forEach((z, i) => {
      expect(b.zones[i]?.center).toBe(z.center * 64);
      expect(b.zones[i]?.strength).toBe(z.strength);
    });
  });

  it('finds the zone containing a price, else the nearest one', () => {
    const ai = new FibonacciClusterAI({ fibLegs: 0 });
    for (const s of swingsOf(RANGE)) ai.onSwing(s);
    expect(ai.nearestZone(100)?.center).toBeCloseTo(100.125, 12);
    expect(ai.nearestZone(112)?.low).toBe(119.5);
  });

  it('returns no zones with too few distinct points', () => {
    const ai = new FibonacciClusterAI({ fibLegs: 0 });
    ai.onSwing(swingsOf([100])[0] as Swing);
    expect(ai.zones).toEqual([]);
  });

  it('rejects kMax below kMin', () => {
    expect(() => new FibonacciClusterAI({ kMin: 4, kMax: 3 })).toThrow(/kMax/);
  });
});
