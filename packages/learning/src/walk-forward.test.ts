import { describe, expect, it } from 'vitest';
import { buildDirectionDataset } from './direction-dataset.js';
import { syntheticSeries } from './test-series.js';
import { walkForwardFolds } from './walk-forward.js';

describe('walkForwardFolds', () => {
  const dataset = buildDirectionDataset([syntheticSeries('A', 300, 'a'), syntheticSeries('B', 300, 'b')], {
    windowLength: 8,
    horizon: 5,
  });
  const folds = walkForwardFolds(dataset, { folds: 3, testFraction: 0.3 });

  it('trains only on rows whose label is known before the test period starts (purged)', () => {
    for (const fold of folds) {
      for (const row of fold.trainRows) expect(dataset.labelTsMs[row]).toBeLessThan(fold.testFromTsMs);
      for (const row of fold.testRows)
        expect(dataset.decisionTsMs[row]).toBeGreaterThanOrEqual(fold.testFromTsMs);
    }
  });

  it('uses consecutive, non-overlapping test blocks with an expanding training set', () => {
    const seen = new Set<number>();
    for (const fold of folds)
      for (const row of fold.testRows) {
        expect(seen.has(row)).toBe(false);
        seen.add(row);
      }
    expect(folds[1]!.trainRows.length).toBeGreaterThan(folds[0]!.trainRows.length);
    expect(folds[2]!.trainRows.length).toBeGreaterThan(folds[1]!.trainRows.length);
  });
});
