import { BenchError } from './errors.js';

/** min / median / max of one figure over the runs of a bench, with every sample kept. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  /** Every run's value, in run order (not sorted), so a reader can see drift between runs. */
  readonly samples: readonly number[];
}

/**
 * Summarises run samples as min / median / max (the median of an even count is the mean of the middle two).
 * Throws BenchError `BENCH_BAD_SAMPLE` on an empty list or a non-finite sample: a figure without a real measurement must not look like one.
 *
 * @example
 * spread([3, 1, 2]); // { min: 1, median: 2, max: 3, samples: [3, 1, 2] }
 */
export function spread(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new BenchError('BENCH_BAD_SAMPLE', 'a figure needs at least one run');
  for (const s of samples) {
    if (!Number.isFinite(s)) {
      throw new BenchError('BENCH_BAD_SAMPLE', 'a run gave a non-finite value', { sample: String(s) });
    }
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    min: sorted[0] as number,
    median,
    max: sorted[sorted.length - 1] as number,
    samples: [...samples],
  };
}

/**
 * The nearest-rank percentile `q` (0 < q ≤ 1) of `values`, which must be sorted ascending: the
 * smallest value with at least `q` of the values at or below it. Throws BenchError `BENCH_BAD_SAMPLE`
 * on an empty array.
 *
 * @example
 * percentileOfSorted(Float64Array.of(1, 2, 3, 4), 0.5); // 2
 */
export function percentileOfSorted(values: Float64Array, q: number): number {
  if (values.length === 0) throw new BenchError('BENCH_BAD_SAMPLE', 'a percentile needs at least one value');
  const rank = Math.min(values.length, Math.max(1, Math.ceil(q * values.length)));
  return values[rank - 1] as number;
}
