import { Rng } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { buildDirectionDataset } from './direction-dataset.js';
import { scoreProbabilities } from './evaluation.js';
import { sequenceMlpForward, trainSequenceMlp } from './sequence-mlp.js';
import { trainSequenceModel } from './sequence-trainer.js';
import { syntheticSeries } from './test-series.js';

describe('trainSequenceModel', () => {
  const series = [syntheticSeries('A', 500, 'trainer-a'), syntheticSeries('B', 500, 'trainer-b')];
  const options = { windowLength: 16, horizon: 3, hidden: 4, epochs: 3, seed: 9 };

  it('is deterministic: the same data and seed give byte-identical ONNX', () => {
    expect(Buffer.from(trainSequenceModel(series, options).onnx)).toEqual(
      Buffer.from(trainSequenceModel(series, options).onnx),
    );
  });

  it('claims no edge on a driftless random walk', () => {
    const { report } = trainSequenceModel(series, options);
    expect(report.verdict.startsWith('No demonstrated edge')).toBe(true);
    expect(report.outOfSample.model.n).toBe(report.folds.reduce((a, f) => a + f.model.n, 0));
    expect(report.outOfSample.model.logLoss).toBeGreaterThan(0.6);
  });

  it('learns a learnable rule: label = the window went up', () => {
    const data = buildDirectionDataset(series, { windowLength: 8, horizon: 1 });
    // replace labels with a rule of the inputs: x[0] = ln(p0/p7)/σ < 0 means the window rose
    const labels = Uint8Array.from({ length: data.size }, (_, r) =>
      (data.features[r * 8] as number) < 0 ? 1 : 0,
    );
    const rows = Uint32Array.from({ length: 700 }, (_, i) => i);
    const test = Array.from({ length: data.size - 700 }, (_, i) => 700 + i);
    const model = trainSequenceMlp(data.features, labels, rows, 8, {
      hidden: 0,
      epochs: 20,
      rng: new Rng('rule'),
    });
    const probs = test.map((r) => sequenceMlpForward(model, data.features, r * 8));
    expect(scoreProbabilities(probs, labels, test).accuracy).toBeGreaterThan(0.95);
  });
});
