import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceContiguousSilhouette } from './learn-zones.fixture.js';
import { contiguousSilhouette, silhouetteScore, sortedSilhouette } from './silhouette.js';

/** Labels 0..k−1 of a contiguous partition given by its cluster starts. */
function labelsOf(n: number, starts: readonly number[]): number[] {
  return Array.from({ length: n }, (_, i) => starts.filter((s) => s <= i).length - 1);
}

describe('silhouetteScore', () => {
  it('matches the hand-worked value for two tight pairs', () => {
    const expected = (2 * (8.5 / 9.5) + 2 * (7.5 / 8.5)) / 4;
    expect(silhouetteScore([1, 2, 10, 11], [0, 0, 1, 1], 2)).toBeCloseTo(expected, 14);
  });

  it('gives singletons a silhouette of 0', () => {
    expect(silhouetteScore([1, 10, 11], [0, 1, 1], 2)).toBeCloseTo((0 + 8 / 9 + 9 / 10) / 3, 14);
  });
});

describe('contiguousSilhouette', () => {
  it('matches the hand-worked value for two tight pairs', () => {
    const expected = (2 * (8.5 / 9.5) + 2 * (7.5 / 8.5)) / 4;
    expect(contiguousSilhouette([1, 2, 10, 11], 4, [0, 2], 2)).toBeCloseTo(expected, 14);
  });

  it('gives singletons 0 and compares with the nearer neighbouring cluster', () => {
    // 10 and 11: a = 1, b = mean distance to {1} (9 or 10) vs {30} (20 or 19) → the cluster below.
    const expected = (0 + (9 - 1) / 9 + (10 - 1) / 10 + 0) / 4;
    expect(contiguousSilhouette([1, 10, 11, 30], 4, [0, 1, 3], 3)).toBeCloseTo(expected, 14);
  });

  it('is 0 for one cluster or fewer than two points', () => {
    expect(contiguousSilhouette([1, 2, 3], 3, [0], 1)).toBe(0);
    expect(contiguousSilhouette([1], 1, [0, 0], 2)).toBe(0);
  });

  it('reads only the first n values and k starts', () => {
    const sorted = Float64Array.of(1, 2, 10, 11, 99, 99);
    const starts = Int32Array.of(0, 2, 5);
    expect(contiguousSilhouette(sorted, 4, starts, 2)).toBe(
      contiguousSilhouette([1, 2, 10, 11], 4, [0, 2], 2),
    );
  });

  it('equals silhouetteScore on any sorted values cut into contiguous clusters (within 1e-9)', () => {
    // Subnormal values are mapped to 0: there the reference itself underflows (a mean distance of 2.5e−324 is 0).
    const value = fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => (Math.abs(v) < 1e-100 ? 0 : v)),
      fc.integer({ min: 0, max: 8 }), // many ties, also across cluster boundaries
      fc.integer({ min: 110_000, max: 112_000 }).map((p) => p / 100_000), // FX prices in pips
    );
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        (values, cuts) => {
          const sorted = [...values].sort((a, b) => a - b);
          const starts = [0];
          for (let i = 1; i < sorted.length; i++) if (cuts[i]) starts.push(i);
          const k = starts.length;
          const fast = contiguousSilhouette(sorted, sorted.length, starts, k);
          const reference = silhouetteScore(sorted, labelsOf(sorted.length, starts), k);
          expect(Math.abs(fast - reference)).toBeLessThanOrEqual(1e-9);
        },
      ),
      { numRuns: 1000, seed: 20_260_514 },
    );
  });

  it('rejects starts that are not 0 then strictly increasing below n', () => {
    expect(() => contiguousSilhouette([1, 2, 3], 3, [0, 0], 2)).toThrow(/strictly increasing/);
    expect(() => contiguousSilhouette([1, 2, 3], 3, [1, 2], 2)).toThrow(/starts\[0\] = 0/);
    expect(() => contiguousSilhouette([1, 2, 3], 3, [0, 3], 2)).toThrow(/below n/);
  });

  it('equals, bit for bit, the contiguousSilhouette of 75e7080, as does sortedSilhouette (no argument checks)', () => {
    const value = fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.integer({ min: 0, max: 8 }),
      fc.integer({ min: 110_000, max: 112_000 }).map((p) => p / 100_000),
      fc.constantFrom(-0, 0, 1e-300, 1 + Number.EPSILON),
    );
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        (values, cuts) => {
          const sorted = Float64Array.from(values).sort();
          const starts = [0];
          for (let i = 1; i < sorted.length; i++) if (cuts[i] && sorted[i] !== sorted[i - 1]) starts.push(i);
          const reference = referenceContiguousSilhouette(sorted, sorted.length, starts, starts.length);
          // toBe compares with Object.is: −0 and the last bit count.
          expect(contiguousSilhouette(sorted, sorted.length, starts, starts.length)).toBe(reference);
          expect(sortedSilhouette(sorted, sorted.length, starts, starts.length)).toBe(reference);
        },
      ),
      { numRuns: 1000, seed: 20_260_514 },
    );
  });
});
