import { Rng } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { SpotTPRotator, type TpLevel } from './spot-tp-rotator.js';

// Long entry 100, stop 99 (risk 1): targets at R = 1, 1.618, 2.618.
const LEVELS: readonly TpLevel[] = [
  { ratio: 1.272, price: 101 },
  { ratio: 1.618, price: 101.618 },
  { ratio: 2.618, price: 102.618 },
];
const entry = { entryPrice: 100, stopPrice: 99, levels: LEVELS };

describe('SpotTPRotator', () => {
  it('starts every level at expected R 0 with the gambler-ruin prior 1 / (1 + R)', () => {
    const tp = new SpotTPRotator({ rng: new Rng(1), mode: 'mean' });
    const choice = tp.chooseTp(entry);
    expect(choice).toMatchObject({
      kind: 'tp',
      ratio: 1.272,
      rewardRisk: expect.closeTo(1, 9),
      hitProbability: 0.5,
    });
    if (choice.kind === 'tp') expect(choice.expectedR).toBeCloseTo(0, 12);
  });

  it('computes the Beta posterior mean from hits and misses (hand-worked)', () => {
    const tp = new SpotTPRotator({ rng: new Rng(2), mode: 'mean' });
    for (let i = 0; i < 6; i++) tp.recordOutcome({ ratio: 1.618, hit: i < 4 });
    // prior 2 pseudo-outcomes at 1/2.618: α = 0.7639 + 4, β = 1.2361 + 2 → p = 4.7639 / 8 = 0.5955
    const choice = tp.chooseTp(entry);
    expect(choice).toMatchObject({ kind: 'tp', ratio: 1.618, hitProbability: expect.closeTo(4.7639 / 8, 4) });
    if (choice.kind === 'tp') expect(choice.expectedR).toBeCloseTo(0.5955 * 1.618 - 0.4045, 3);
    expect(tp.hitCounts(1.618)).toEqual({ hits: 4, misses: 2 });
  });

  it('learns the level with the best realised expected R by Thompson sampling', () => {
    const tp = new SpotTPRotator({ rng: new Rng(3).fork('governor/spot-tp') });
    const env = new Rng(3).fork('test/env');
    const hitRate: Record<string, number> = { '1.272': 0.55, '1.618': 0.5, '2.618': 0.2 }; // E[R]: 0.10, 0.31, −0.28
    let late = 0;
    for (let t = 0; t < 3_000; t++) {
      const c = tp.chooseTp(entry);
      if (c.kind !== 'tp') throw new Error('expected a level');
      if (t >= 2_000 && c.ratio === 1.618) late++;
      tp.recordOutcome({ ratio: c.ratio, hit: env.bernoulli(hitRate[c.ratio.toString()] as number) });
    }
    expect(late / 1_000).toBeGreaterThan(0.85);
  });

  it('keeps separate hit rates per context', () => {
    const tp = new SpotTPRotator({ rng: new Rng(4), mode: 'mean' });
    for (let i = 0; i < 20; i++) tp.recordOutcome({ ratio: 2.618, hit: true, context: 'trend-strong' });
    expect(tp.chooseTp({ ...entry, context: 'trend-strong' })).toMatchObject({ ratio: 2.618 });
    expect(tp.chooseTp({ ...entry, context: 'trend-weak' })).toMatchObject({ ratio: 1.272 });
  });

  it('handles a short entry and skips levels on the wrong side', () => {
    const tp = new SpotTPRotator({ rng: new Rng(5), mode: 'mean' });
    const short = tp.chooseTp({
      entryPrice: 100,
      stopPrice: 101,
      levels: [
        { ratio: 1.272, price: 100.5 },
        { ratio: 1.618, price: 98 },
      ],
    });
    expect(short).toMatchObject({ kind: 'tp', ratio: 1.618, rewardRisk: expect.closeTo(2, 9) });
    expect(
      tp.chooseTp({ entryPrice: 100, stopPrice: 101, levels: [{ ratio: 1.272, price: 100.5 }] }),
    ).toEqual({
      kind: 'no-level',
      reason: 'no take-profit level lies on the profit side of the entry',
    });
    expect(tp.chooseTp({ ...entry, stopPrice: 100 }).kind).toBe('no-level');
  });

  it('chooses identically after a save and load, sampling Rng included', () => {
    const tp = new SpotTPRotator({ rng: new Rng(6) });
    for (let i = 0; i < 50; i++)
      tp.recordOutcome({ ratio: LEVELS[i % 3]?.ratio as number, hit: i % 4 === 0 });
    tp.chooseTp(entry);
    const restored = SpotTPRotator.fromJSON(JSON.parse(JSON.stringify(tp.toJSON())));
    for (let i = 0; i < 200; i++) expect(restored.chooseTp(entry)).toEqual(tp.chooseTp(entry));
  });

  it('rejects a NaN level price', () => {
    const tp = new SpotTPRotator({ rng: new Rng(7) });
    expect(() => tp.chooseTp({ ...entry, levels: [{ ratio: 1.618, price: Number.NaN }] })).toThrow(
      expect.objectContaining({ code: 'GOVERNOR_BAD_INPUT' }),
    );
  });
});
