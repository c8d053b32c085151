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
