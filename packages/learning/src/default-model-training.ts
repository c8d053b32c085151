import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DataError, writeJsonAtomic } from '@omni/core';
import { readPriceCsv } from './price-series.js';
import {
  type SequenceTrainerOptions,
  type TrainedSequenceModel,
  trainSequenceModel,
} from './sequence-trainer.js';
import { DEFAULT_TRAINING_CUTOFF, endOfUtcDay, seriesUntil } from './training-cutoff.js';

/** The seed the bundled default model is trained with. */
export const DEFAULT_MODEL_SEED = 'omni-seq-default';

/** One `timestamp,price` CSV to train on and the symbol it holds. */
export interface PriceFile {
  readonly symbol: string;
  readonly path: string;
}

/** Options of {@link trainDefaultSequenceModel}: the trainer's, plus the last day of data. */
export interface DefaultModelTrainingOptions extends Omit<SequenceTrainerOptions, 'seed'> {
  /** Last day of training data (ISO date `YYYY-MM-DD`). Default {@link DEFAULT_TRAINING_CUTOFF}. */
  readonly until?: string;
  /** Default {@link DEFAULT_MODEL_SEED}. */
  readonly seed?: number | string;
}

/**
 * The `*.csv` files of a folder as {@link PriceFile}s, the symbol being the file name without `.csv`
 * (the layout of the bundled `packages/feeds/data/fx/`).
 */
export function priceFilesIn(dir: string): PriceFile[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => ({ symbol: basename(f, '.csv'), path: join(dir, f) }));
  if (files.length === 0)
    throw new DataError('DATA_SOURCE_INVALID', 'no CSV price files in the training data folder', { dir });
  return files;
}

/**
 * Trains the default sequence model the way the bundled one is made: every file cut at `until`,
 * the pairs in symbol order (code-unit order, whatever order the caller listed them in), then
 * {@link trainSequenceModel} with the default seed. Why: the series order shapes the dataset rows,
 * hence the weights; one function for the training script and `omni train` makes them byte-identical.
 *
 * @example
 * const trained = trainDefaultSequenceModel(priceFilesIn('packages/feeds/data/fx'), { until: '2014-12-31' });
 */
export function trainDefaultSequenceModel(
  files: readonly PriceFile[],
  options: DefaultModelTrainingOptions = {},
): TrainedSequenceModel {
  const { until = DEFAULT_TRAINING_CUTOFF, seed = DEFAULT_MODEL_SEED, ...trainer } = options;
  const untilMs = endOfUtcDay(until);
  const ordered = [...files].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i]?.symbol === ordered[i - 1]?.symbol) {
      throw new DataError('DATA_SOURCE_INVALID', 'two training files hold the same symbol; keep one', {
        symbol: ordered[i]?.symbol,
        files: `${ordered[i - 1]?.path}, ${ordered[i]?.path}`,
      });
    }
  }
  // Only data up to the cutoff: backtests after it are out of sample for the model.
  const series = ordered.map((f) => seriesUntil(readPriceCsv(f.path, f.symbol), untilMs));
  return trainSequenceModel(series, { ...trainer, seed });
}

/** Where {@link writeTrainedModel} puts the metrics of `modelPath`: `x.onnx` → `x.metrics.json`. */
export function modelMetricsPath(modelPath: string): string {
  return `${modelPath.endsWith('.onnx') ? modelPath.slice(0, -'.onnx'.length) : modelPath}.metrics.json`;
}

/** Options of {@link writeTrainedModel}. */
export interface WriteTrainedModelOptions {
  /** Extra fields of the metrics JSON (e.g. an ONNX parity check). */
  readonly metrics?: Readonly<Record<string, unknown>>;
  /** Checks the written temp file before it replaces `modelPath`; throw to keep the old model. */
  readonly validate?: (tempPath: string) => Promise<void> | void;
}

/**
 * Writes a trained model atomically (temp file, optional check, rename) and its metrics JSON
 * (the training report, the model's size and `options.metrics`) beside it.
 */
export async function writeTrainedModel(
  modelPath: string,
  trained: TrainedSequenceModel,
  options: WriteTrainedModelOptions = {},
): Promise<{ readonly modelPath: string; readonly metricsPath: string }> {
  mkdirSync(dirname(modelPath), { recursive: true });
  const temp = `${modelPath}.tmp`;
  writeFileSync(temp, trained.onnx);
  try {
    await options.validate?.(temp);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  renameSync(temp, modelPath);
  const metricsPath = modelMetricsPath(modelPath);
  writeJsonAtomic(metricsPath, {
    ...trained.report,
    ...options.metrics,
    modelBytes: trained.onnx.byteLength,
  });
  return { modelPath, metricsPath };
}
