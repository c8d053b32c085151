import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeJsonAtomic } from '@omni/core';
import { bundledFxPairs, bundledFxPath } from '@omni/feeds';
import {
  DEFAULT_TRAINING_CUTOFF,
  endOfUtcDay,
  readPriceCsv,
  seriesUntil,
  type TrainingReport,
  trainSequenceModel,
} from '@omni/learning';
import { defaultModelPath } from '@omni/sequence';
import { validateModelFile } from './check.js';

/** Options of `omni train`. */
export interface TrainOptions {
  /** Where to write the model. Default: the model the runner uses by default. */
  readonly out?: string;
  readonly seed?: string;
  /** Last day of training data (ISO date). Default the bundled model's cutoff, 2014-12-31. */
  readonly until?: string;
  readonly onProgress?: (line: string) => void;
}

/**
 * Trains the sequence model on every bundled real FX pair, writes it atomically with its
 * metrics JSON, and validates the written file against the model contract before returning.
 */
export async function runTrain(
  options: TrainOptions = {},
): Promise<{ path: string; report: TrainingReport }> {
  const out = options.out ?? defaultModelPath();
  const say = options.onProgress ?? (() => undefined);
  const until = options.until ?? DEFAULT_TRAINING_CUTOFF;
  const untilMs = endOfUtcDay(until);
  const series = bundledFxPairs().map((pair) =>
    seriesUntil(readPriceCsv(bundledFxPath(pair), pair), untilMs),
  );
  say(
    `training on ${series.length} bundled pairs (${series.map((s) => s.symbol).join(', ')}) up to ${until}…`,
  );
  const trained = trainSequenceModel(series, { seed: options.seed ?? 'omni-seq-default' });
  mkdirSync(dirname(out), { recursive: true });
  const temp = `${out}.tmp`;
  writeFileSync(temp, trained.onnx);
  const validation = await validateModelFile(temp);
  if (!validation.ok) throw new Error(`the trained model failed its contract check: ${validation.reason}`);
  renameSync(temp, out);
  writeJsonAtomic(out.replace(/\.onnx$/, '.metrics.json'), {
    ...trained.report,
    modelBytes: trained.onnx.byteLength,
  });
  return { path: out, report: trained.report };
}
