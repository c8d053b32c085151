import { join, resolve } from 'node:path';
import { ModelError, RuntimeError } from '@omni/core';
import { bundledFxPairs, bundledFxPath } from '@omni/feeds';
import {
  DEFAULT_TRAINING_CUTOFF,
  endOfUtcDay,
  type TrainingReport,
  trainDefaultSequenceModel,
  writeTrainedModel,
} from '@omni/learning';
import { defaultModelPath } from '@omni/sequence';
import { validateModelFile } from './check.js';

/** Options of `omni train`. */
export interface TrainOptions {
  /** Where to write the model. Default {@link defaultTrainOut}; the bundled model only if named here. */
  readonly out?: string;
  /** Overwrite the model bundled with `@omni/sequence` (the one every run uses by default). */
  readonly updateBundled?: boolean;
  readonly seed?: string;
  /** Last day of training data (ISO date). Default the bundled model's cutoff, 2014-12-31. */
  readonly until?: string;
  readonly onProgress?: (line: string) => void;
}

/** What `omni train` wrote. */
export interface TrainResult {
  /** Absolute path of the model written. */
  readonly path: string;
  /** Whether that is the bundled default model (`--update-bundled`, or `--out` naming it). */
  readonly bundled: boolean;
  readonly report: TrainingReport;
}

/** Where `omni train` writes without `--out`: `omni-runs/models/seq-<until>.onnx` under the working directory. */
export function defaultTrainOut(until: string): string {
  return join('omni-runs', 'models', `seq-${until}.onnx`);
}

/**
 * Trains the sequence model on every bundled real FX pair through the same function as the
 * learning package's training script (`trainDefaultSequenceModel`: same pair order, same seed), so
 * both give byte-identical models. Writes it atomically with its metrics JSON, after validating the
 * written file against the model contract. The bundled model is replaced only when asked for.
 */
export async function runTrain(options: TrainOptions = {}): Promise<TrainResult> {
  const until = options.until ?? DEFAULT_TRAINING_CUTOFF;
  endOfUtcDay(until); // a bad --until fails before anything is read
  const { path, bundled } = resolveTrainOut(options);
  const say = options.onProgress ?? (() => undefined);
  const files = bundledFxPairs().map((pair) => ({ symbol: pair, path: bundledFxPath(pair) }));
  say(`training on ${files.length} bundled pairs (${files.map((f) => f.symbol).join(', ')}) up to ${until}…`);
  const trained = trainDefaultSequenceModel(files, {
    until,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  await writeTrainedModel(path, trained, {
    validate: async (temp) => {
      const validation = await validateModelFile(temp);
      if (!validation.ok) {
        throw new ModelError('MODEL_TRAINING_FAILED', 'the trained model failed its contract check', {
          file: temp,
          reason: validation.reason,
        });
      }
    },
  });
  return { path, bundled, report: trained.report };
}

/**
 * The absolute path `omni train` writes to, and whether it is the bundled default model: only with
 * `--update-bundled` or an `--out` naming that file; otherwise {@link defaultTrainOut} or `--out`.
 */
export function resolveTrainOut(options: Pick<TrainOptions, 'out' | 'updateBundled' | 'until'>): {
  readonly path: string;
  readonly bundled: boolean;
} {
  const bundledPath = defaultModelPath();
  if (options.updateBundled && options.out !== undefined && resolve(options.out) !== bundledPath) {
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      '--out and --update-bundled name two different files; give one of them',
      {
        out: options.out,
        bundled: bundledPath,
      },
    );
  }
  const path = resolve(
    options.updateBundled
      ? bundledPath
      : (options.out ?? defaultTrainOut(options.until ?? DEFAULT_TRAINING_CUTOFF)),
  );
  return { path, bundled: path === bundledPath };
}
