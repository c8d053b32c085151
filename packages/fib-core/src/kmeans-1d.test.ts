import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReferenceKMeans1D } from './kmeans-1d.fixture.js';
import { KMeans1D, kmeans1d } from './kmeans-1d.js';

/** Within-cluster sum of squares of sorted values cut at `starts`, two-pass (mean first), as a reference. */
function directSS(sorted: readonly number[], starts: readonly number[]): number {
  let total = 0;
  starts.forEach((s, c) => {
    const e = starts[c + 1] ?? sorted.length;
    let mean = 0;
    for (let i = s; i < e; i++) mean += sorted[i] as number;
    mean /= e - s;
    for (let i = s; i < e; i++) total += ((sorted[i] as number) - mean) ** 2;
  });
  return total;
}

/** Every way to cut 0..n−1 into k non-empty contiguous blocks, as cluster starts. */
function* contiguousPartitions(n: number, k: number, from = 1, acc: number[] = [0]): Generator<number[]> {
  if (acc.length === k) {
    yield acc;
    return;
  }
  for (let s = from; s <= n - (k - acc.length); s++) yield* contiguousPartitions(n, k, s + 1, [...acc, s]);
}

const distinctCount = (values: readonly number[]): number => new Set(values).size;

describe('kmeans1d', () => {
  it('matches a hand-worked clustering', () => {
    const r = kmeans1d([10, 1, 30, 11, 2], 3);
    expect(r.sorted).toEqual([1, 2, 10, 11, 30]);
    expect(r.starts).toEqual([0, 2, 4]);
    expect(r.centers).toEqual([1.5, 10.5, 30]);
    expect(r.withinSS).toBe(1); // 0.5 + 0.5 + 0
  });

  it('puts two well separated groups apart for k = 2 and everything together for k = 1', () => {
    const values = [100, 120, 100.5, 119.5, 99.8, 120.3, 100.2, 119.9];
    expect(kmeans1d(values, 2).starts).toEqual([0, 4]);
    const one = kmeans1d(values, 1);
    expect(one.starts).toEqual([0]);
    expect(one.withinSS).toBeCloseTo(directSS(one.sorted, [0]), 9);
  });

  it('never splits a run of equal values', () => {
    expect(kmeans1d([1, 1, 1, 2, 2, 9], 3).starts).toEqual([0, 3, 5]);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 30 }),
        fc.integer({ min: 2, max: 6 }),
        (values, k) => {
          fc.pre(k <= distinctCount(values));
          const r = kmeans1d(values, k);
          for (const s of r.starts.slice(1)) expect(r.sorted[s]).not.toBe(r.sorted[s - 1]);
        },
      ),
      { numRuns: 200, seed: 20_260_514 },
    );
  });

  it('has a within-cluster sum of squares no larger than any contiguous partition (brute force, n <= 9)', () => {
    const value = fc.oneof(
      fc.integer({ min: -20, max: 20 }).map((v) => v / 4),
      fc.double({ min: -1000, max: 1000, noNaN: true }),
    );
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 9 }),
        fc.integer({ min: 1, max: 4 }),
        (values, k) => {
          fc.pre(k <= distinctCount(values));
          const r = kmeans1d(values, k);
          const ours = directSS(r.sorted, r.starts);
          const scale = directSS(r.sorted, [0]);
          let brute = Number.POSITIVE_INFINITY;
          for (const starts of contiguousPartitions(values.length, k))
            brute = Math.min(brute, directSS(r.sorted, starts));
          expect(ours).toBeLessThanOrEqual(brute + 1e-9 * scale + 1e-300);
          expect(Math.abs(r.withinSS - ours)).toBeLessThanOrEqual(1e-9 * scale + 1e-300);
        },
      ),
      { numRuns: 400, seed: 20_260_514 },
    );
  });

  it('rejects k above the number of distinct values, naming it', () => {
    expect(() => kmeans1d([1, 1, 2], 3)).toThrow(/distinct values \(2\)/);
    expect(() => kmeans1d([1, 2], 0)).toThrow(/whole number/);
  });
});

describe('KMeans1D', () => {
  it('gives every k up to kMax from one fit, each equal to a fresh one-k fit', () => {
    const sorted = [1, 1.5, 2, 7, 7.2, 8, 15, 15.5, 30];
    const km = new KMeans1D();
    expect(km.fit(sorted, sorted.length, 5)).toBe(5);
    for (let k = 1; k <= 5; k++) {
      const starts = new Int32Array(k);
      km.clusterStarts(k, starts);
      const alone = kmeans1d(sorted, k);
      expect(Array.from(starts)).toEqual(alone.starts);
      expect(km.withinSS(k)).toBe(alone.withinSS);
    }
  });

  it('reuses its buffers: a refit after a larger one equals a fresh instance', () => {
    const km = new KMeans1D();
    km.fit(
      Float64Array.from({ length: 40 }, (_, i) => i * i),
      40,
      6,
    );
    const small = Float64Array.of(1, 2, 10, 11, 30);
    expect(km.fit(small, 5, 3)).toBe(3);
    const starts = new Int32Array(3);
    km.clusterStarts(3, starts);
    expect(Array.from(starts)).toEqual([0, 2, 4]);
    expect(km.withinSS(3)).toBe(1);
  });

  it('reports the feasible k and refuses a k it has not fitted', () => {
    const km = new KMeans1D();
    expect(km.fit([3, 3, 5], 3, 4)).toBe(2);
    expect(() => km.withinSS(3)).toThrow(/no fit for k = 3/);
  });
});

/**
 * The bits of a float64 as hex, so that comparisons see −0 and the last bit; every NaN is one value
 * (its sign is not JavaScript semantics: V8 may give either, depending on the tier running the code).
 */
function bits(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16);
}

/** Every fitted k's cluster starts and the bits of its withinSS, after fitting `fitter`. */
function fitted(fitter: KMeans1D | ReferenceKMeans1D, sorted: Float64Array, kMax: number): string[] {
  const kTop = fitter.fit(sorted, sorted.length, kMax);
  const out = [`kTop ${kTop}`];
  const starts = new Int32Array(kTop);
  for (let k = 1; k <= kTop; k++) {
    fitter.clusterStarts(k, starts);
    out.push(`${k}: [${Array.from(starts.subarray(0, k)).join(',')}] ${bits(fitter.withinSS(k))}`);
  }
  return out;
}

describe('KMeans1D against the row search of 75e7080 (ReferenceKMeans1D)', () => {
  // Heavy ties (few distinct values, so exact ties between splits abound) and values whose sums of squares are
  // rounding noise (ulp-spaced, near-cancelling, tiny, huge), where only an exact replay of the row search agrees.
  const value = fc.oneof(
    fc.integer({ min: 0, max: 8 }),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 29 }).map((v) => v / 3),
    fc.integer({ min: 0, max: 6 }).map((v) => 1.1 + v * 0.1),
    fc.integer({ min: 110_000, max: 110_100 }).map((p) => p / 100_000),
    fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    fc.integer({ min: 0, max: 4 }).map((v) => 1 + v * Number.EPSILON),
    fc.integer({ min: 0, max: 5 }).map((v) => 1e8 + v * 1e-8),
    fc.constantFrom(0, 1e-9, 1, 1 + 2 ** -50, 1 + 2 ** -49),
    fc.integer({ min: 0, max: 4 }).map((v) => v * 1e-170),
    fc.integer({ min: 0, max: 4 }).map((v) => v * 1e300),
  );
  const kMax = fc.integer({ min: 1, max: 7 });

  it('fits the same splits and sums of squares bit for bit, with heavy ties and ill-conditioned values', () => {
    const ours = new KMeans1D();
    const reference = new ReferenceKMeans1D();
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 60 }), kMax, (values, k) => {
        const sorted = Float64Array.from(values).sort();
        expect(fitted(ours, sorted, k)).toEqual(fitted(reference, sorted, k));
      }),
      { numRuns: 3000, seed: 20_260_514 },
    );
  });

  it('fits the same with one repeated grid of values (the most ties) and with non-finite values', () => {
    const ours = new KMeans1D();
    const reference = new ReferenceKMeans1D();
    const special = fc.constantFrom(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      0,
      1,
      2,
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 2 }), special), { minLength: 1, maxLength: 60 }),
        kMax,
        (values, k) => {
          // Ascending as the reference sorted (insertion sort, NaN where it fell).
          const sorted = Float64Array.from(values).sort();
          expect(fitted(ours, sorted, k)).toEqual(fitted(reference, sorted, k));
        },
      ),
      { numRuns: 500, seed: 20_260_514 },
    );
  });

  it('matches on a price-like sample whose row search scans whole clusters (hand-checked splits)', () => {
    const sorted = Float64Array.of(
      1.1,
      1.10002,
      1.10004,
      1.1005,
      1.10052,
      1.1006,
      1.1011,
      1.10113,
      1.1012,
      1.1013,
    );
    const ours = fitted(new KMeans1D(), sorted, 4);
    expect(ours).toEqual(fitted(new ReferenceKMeans1D(), sorted, 4));
    expect(ours.slice(2, 4).map((line) => line.split(' ')[1])).toEqual(['[0,6]', '[0,3,6]']);
  });
});
