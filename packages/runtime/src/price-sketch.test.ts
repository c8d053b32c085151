import { Rng } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PriceSketch, type SketchPoint } from './price-sketch.js';

function sketchOf(ticks: readonly SketchPoint[], maxPoints: number): PriceSketch {
  const sketch = new PriceSketch({ maxPoints });
  for (const t of ticks) sketch.add(t.tsMs, t.price);
  return sketch;
}

/** A series in time order: non-negative time steps (equal times allowed) and any finite prices. */
const series = fc
  .array(
    fc.tuple(
      fc.integer({ min: 0, max: 5000 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
    ),
    { maxLength: 400 },
  )
  .map((steps) => {
    let ts = 1_700_000_000_000;
    return steps.map(([dt, price]) => {
      ts += dt;
      return { tsMs: ts, price };
    });
  });
const maxPoints = fc.integer({ min: 8, max: 60 });

describe('PriceSketch', () => {
  it('keeps every tick while there are at most maxPoints', () => {
    const ticks = [1.1, 1.3, 1.2].map((price, i) => ({ tsMs: 1000 * i, price }));
    const sketch = sketchOf(ticks, 8);
    expect(sketch.points()).toEqual(ticks);
    expect([sketch.count, sketch.firstTsMs, sketch.lastTsMs]).toEqual([3, 0, 2000]);
  });

  it('has no points and no first or last time before the first tick', () => {
    const sketch = new PriceSketch();
    expect([sketch.count, sketch.firstTsMs, sketch.lastTsMs, sketch.points()]).toEqual([0, null, null, []]);
    expect(sketch.maxPoints).toBe(4000);
  });

  it('keeps first, lowest, highest and last of each bucket (hand-worked, 2 buckets)', () => {
    // maxPoints 8 → 2 buckets. The 9th tick buckets the first eight: merged to widths 2, 4, 8,
    // bucket 0 holds ticks 0–7 (first 5 @0, max 9 @2, min 1 @4, last 7 @7), bucket 1 tick 8.
    const prices = [5, 3, 9, 4, 1, 6, 2, 7, 8];
    const sketch = sketchOf(
      prices.map((price, i) => ({ tsMs: i, price })),
      8,
    );
    expect(sketch.points()).toEqual([
      { tsMs: 0, price: 5 },
      { tsMs: 2, price: 9 },
      { tsMs: 4, price: 1 },
      { tsMs: 7, price: 7 },
      { tsMs: 8, price: 8 },
    ]);
    expect(sketch.count).toBe(9);
  });

  it('names each tick once when a bucket has one price throughout', () => {
    const sketch = sketchOf(
      Array.from({ length: 20 }, (_, i) => ({ tsMs: i, price: 2 })),
      8,
    );
    // Two buckets of 16 and 4 ticks: first (the min and max on a tie) and last of each.
    expect(sketch.points()).toEqual([
      { tsMs: 0, price: 2 },
      { tsMs: 15, price: 2 },
      { tsMs: 16, price: 2 },
      { tsMs: 19, price: 2 },
    ]);
  });

  it('shows a one-tick spike in a million-tick random walk within 4000 points', () => {
    const rng = new Rng(7);
    const sketch = new PriceSketch();
    let price = 100;
    for (let i = 0; i < 1_000_000; i++) {
      price += rng.float() - 0.5;
      sketch.add(1_000 * i, i === 654_321 ? 1_000 : price);
    }
    const points = sketch.points();
    expect(points.length).toBeLessThanOrEqual(4000);
    expect(points.length).toBeGreaterThan(2000);
    expect(points).toContainEqual({ tsMs: 654_321_000, price: 1_000 });
    expect([sketch.count, sketch.firstTsMs, sketch.lastTsMs]).toEqual([1_000_000, 0, 999_999_000]);
  });

  it('refuses fewer than 8 points', () => {
    expect(() => new PriceSketch({ maxPoints: 7 })).toThrow(/maxPoints >= 8/);
    expect(() => new PriceSketch({ maxPoints: 10.5 })).toThrow(/maxPoints >= 8/);
  });

  it('never returns more than maxPoints points', () => {
    fc.assert(
      fc.property(series, maxPoints, (ticks, max) => {
        expect(sketchOf(ticks, max).points().length).toBeLessThanOrEqual(max);
      }),
    );
  });

  it('is an exact copy of a series of at most maxPoints ticks', () => {
    fc.assert(
      fc.property(series, maxPoints, (ticks, max) => {
        fc.pre(ticks.length <= max);
        expect(sketchOf(ticks, max).points()).toEqual(ticks);
      }),
    );
  });

  it('always holds the first, last, lowest and highest tick, times in order', () => {
    fc.assert(
      fc.property(series, maxPoints, (ticks, max) => {
        fc.pre(ticks.length > 0);
        const sketch = sketchOf(ticks, max);
        const points = sketch.points();
        const prices = ticks.map((t) => t.price);
        expect(points[0]).toEqual(ticks[0]);
        expect(points[points.length - 1]).toEqual(ticks[ticks.length - 1]);
        expect(points.map((p) => p.price)).toContain(Math.min(...prices));
        expect(points.map((p) => p.price)).toContain(Math.max(...prices));
        expect(points.every((p, i) => i === 0 || (points[i - 1] as SketchPoint).tsMs <= p.tsMs)).toBe(true);
        expect(points.every((p) => ticks.some((t) => t.tsMs === p.tsMs && t.price === p.price))).toBe(true);
        expect([sketch.count, sketch.firstTsMs, sketch.lastTsMs]).toEqual([
          ticks.length,
          ticks[0]?.tsMs,
          ticks[ticks.length - 1]?.tsMs,
        ]);
      }),
    );
  });

  it('gives identical output for identical input', () => {
    fc.assert(
      fc.property(series, maxPoints, (ticks, max) => {
        expect(sketchOf(ticks, max).points()).toEqual(sketchOf(ticks, max).points());
      }),
    );
  });
});
