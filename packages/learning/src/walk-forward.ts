import { ModelError } from '@omni/core';
import type { DirectionDataset } from './direction-dataset.js';

/** One walk-forward fold: train rows strictly before the test period, test rows inside it. */
export interface WalkForwardFold {
  readonly trainRows: Uint32Array;
  readonly testRows: Uint32Array;
  readonly testFromTsMs: number;
  readonly testToTsMs: number;
}

/** Options of {@link walkForwardFolds}. */
export interface WalkForwardOptions {
  /** Number of consecutive test blocks. Default 4. */
  readonly folds?: number;
  /** Share of the time span (the newest part) covered by the test blocks. Default 0.4. */
  readonly testFraction?: number;
}

/**
 * Expanding-window walk-forward split by time, with purging: a row trains fold k only if its label
 * timestamp is before fold k's first decision time, so no training label overlaps the test period
 * (López de Prado, "Advances in Financial Machine Learning", ch. 7). All symbols share the cut times.
 */
export function walkForwardFolds(
  dataset: DirectionDataset,
  options: WalkForwardOptions = {},
): WalkForwardFold[] {
  const folds = options.folds ?? 4;
  const testFraction = options.testFraction ?? 0.4;
  const times = Float64Array.from(new Set(dataset.decisionTsMs)).sort();
  if (times.length < folds * 2)
    throw new ModelError(
      'MODEL_TRAINING_FAILED',
      `walk-forward evaluation needs at least ${folds * 2} decision times for ${folds} folds`,
      { folds, decisionTimes: times.length },
    );
  const firstTest = Math.floor(times.length * (1 - testFraction));
  const block = Math.floor((times.length - firstTest) / folds);
  const out: WalkForwardFold[] = [];
  for (let k = 0; k < folds; k++) {
    const from = times[firstTest + k * block] as number;
    const toIndex = k === folds - 1 ? times.length : firstTest + (k + 1) * block;
    const to = k === folds - 1 ? Number.POSITIVE_INFINITY : (times[toIndex] as number);
    const train: number[] = [];
    const test: number[] = [];
    for (let row = 0; row < dataset.size; row++) {
      const d = dataset.decisionTsMs[row] as number;
      if (d >= from && d < to) test.push(row);
      else if ((dataset.labelTsMs[row] as number) < from) train.push(row);
    }
    out.push({
      trainRows: Uint32Array.from(train),
      testRows: Uint32Array.from(test),
      testFromTsMs: from,
      testToTsMs: to,
    });
  }
  return out;
}
