import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeJsonAtomic } from '@omni/core';
import { bundledFxPairs, bundledFxPath } from '@omni/feeds';
import { readPriceCsv, type TrainingReport, trainSequenceModel } from '@omni/learning';
import { defaultModelPath } from '@omni/sequence';
import { validateModelFile } from './check.js';

/** Options of `omni train`. */
export interface TrainOptions {
  /** Where to write the model. Default: the model the runner uses by default. */
  readonly out?: string;
  readonly seed?: string;
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
  const series = bundledFxPairs().map((pair) => readPriceCsv(bundledFxPath(pair), pair));
  say(`training on ${series.length} bundled pairs (${series.map((s) => s.symbol).join(', ')})…`);
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
