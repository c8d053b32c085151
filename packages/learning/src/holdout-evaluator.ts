import { ONNXSequenceAdapter } from '@omni/sequence';
import { buildDirectionDataset } from './direction-dataset.js';
import { type ProbabilityScores, scoreProbabilities } from './evaluation.js';
import type { PriceSeries } from './price-series.js';

/** Scores a model file out of sample; used by {@link ModelMutationController} to compare models. */
export type ModelEvaluator = (modelPath: string) => Promise<ProbabilityScores>;

/**
 * An evaluator that runs any contract ONNX model (via ONNXSequenceAdapter, exactly as in production) on
 * the rows of `series` whose decision time is ≥ `fromTsMs`, with labels `horizon` steps ahead.
 * Why: serving model and candidate are compared on the same held-out data, at their own window length.
 */
export function holdoutEvaluator(
  series: readonly PriceSeries[],
  options: { horizon: number; fromTsMs: number },
): ModelEvaluator {
  return async (modelPath) => {
    const adapter = await ONNXSequenceAdapter.load(modelPath);
    try {
      const dataset = buildDirectionDataset(series, {
        windowLength: adapter.windowLength,
        horizon: options.horizon,
      });
      const rows: number[] = [];
      for (let i = 0; i < dataset.size; i++)
        if ((dataset.decisionTsMs[i] as number) >= options.fromTsMs) rows.push(i);
      const probs = new Float64Array(rows.length);
      for (let from = 0; from < rows.length; from += adapter.maxBatch) {
        const chunk = rows
          .slice(from, from + adapter.maxBatch)
          .map((r) => dataset.windows[r] as Float64Array);
        probs.set(await adapter.predictDirectionBatchAsync(chunk), from);
      }
      return scoreProbabilities(probs, dataset.labels, rows);
    } finally {
      await adapter.close();
    }
  };
}
