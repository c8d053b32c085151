import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Clock, ModelError, readJsonFile, StateError, writeJsonAtomic } from '@omni/core';
import { ONNXSequenceAdapter } from '@omni/sequence';
import { z } from 'zod';
import type { ProbabilityScores } from './evaluation.js';
import type { ModelEvaluator } from './holdout-evaluator.js';

const ScoresSchema = z.object({
  n: z.number(),
  accuracy: z.number(),
  logLoss: z.number(),
  brier: z.number(),
});

/** One registered model version and how it scored when it was considered. */
export const ModelVersionSchema = z.object({
  version: z.number().int().positive(),
  /** Copy of the model inside the registry directory (kept for rollback). */
  file: z.string().min(1),
  sha256: z.string().length(64),
  createdAtMs: z.number().int().nonnegative(),
  /** Who produced it, e.g. `built-in-trainer` or the external trainer's name. */
  source: z.string().min(1),
  metrics: ScoresSchema,
  /** Score of the model that was serving when this one was considered (same holdout). */
  servingMetrics: ScoresSchema.optional(),
  status: z.enum(['serving', 'retired', 'rejected']),
});
/** A registered model version. */
export type ModelVersion = z.infer<typeof ModelVersionSchema>;

const RegistrySchema = z.object({
  format: z.literal('omni-model-registry'),
  version: z.literal(1),
  versions: z.array(ModelVersionSchema),
  /** Serving versions, oldest first; the last one serves. Rollback pops it. */
  servingHistory: z.array(z.number().int().positive()),
});
type Registry = z.infer<typeof RegistrySchema>;

/** Options of {@link ModelMutationController}. */
export interface ModelMutationControllerOptions {
  /** Registry directory: `registry.json` and `versions/v000N.onnx`. */
  readonly dir: string;
  /** The path the runtime loads (e.g. SEQ_MODEL_ONNX); promotion and rollback replace it atomically. */
  readonly servingPath: string;
  readonly clock: Clock;
  /** Scores a model out of sample; serving and candidate are scored by the same call, on the same data. */
  readonly evaluate: ModelEvaluator;
  /** The candidate's log loss must be lower than the serving model's by more than this. Default 0. */
  readonly minLogLossImprovement?: number;
}

/** What {@link ModelMutationController.consider} decided. */
export type MutationOutcome =
  | {
      readonly status: 'promoted';
      readonly version: ModelVersion;
      readonly previous: ProbabilityScores | undefined;
    }
  | { readonly status: 'rejected'; readonly version: ModelVersion; readonly reason: string }
  | { readonly status: 'invalid'; readonly error: ModelError };

/**
 * Keeps sequence-model versions with their out-of-sample metrics, promotes a candidate only when it beats
 * the serving model on the same holdout, and rolls back (spec 2.9 ModelMutationController).
 * Why: retraining must never silently replace a better model; every change is recorded and reversible.
 * Files are replaced atomically (copy to a temp file, rename), the registry via core `writeJsonAtomic`.
 *
 * @example
 * const controller = new ModelMutationController({ dir: 'models/registry', servingPath, clock, evaluate });
 * const outcome = await controller.consider('candidate.onnx', 'built-in-trainer');
 */
export class ModelMutationController {
  readonly #options: ModelMutationControllerOptions;
  readonly #registryFile: string;
  #registry: Registry;

  constructor(options: ModelMutationControllerOptions) {
    this.#options = options;
    this.#registryFile = join(options.dir, 'registry.json');
    this.#registry = readJsonFile(this.#registryFile, RegistrySchema) ?? {
      format: 'omni-model-registry',
      version: 1,
      versions: [],
      servingHistory: [],
    };
  }

  /** Every version considered, oldest first. */
  get versions(): readonly ModelVersion[] {
    return this.#registry.versions;
  }

  /** The serving version, or undefined when the serving file predates the registry (or none exists). */
  get serving(): ModelVersion | undefined {
    const id = this.#registry.servingHistory.at(-1);
    return this.#registry.versions.find((v) => v.version === id);
  }

  /**
   * Validates `candidatePath` against the model contract, scores it and the serving model on the same
   * holdout, and promotes it only if its log loss is lower by more than `minLogLossImprovement`.
   * A serving file that is missing or off-contract counts as beaten.
   */
  async consider(candidatePath: string, source: string): Promise<MutationOutcome> {
    try {
      await (await ONNXSequenceAdapter.load(candidatePath)).close();
    } catch (err) {
      if (err instanceof ModelError) return { status: 'invalid', error: err };
      throw err;
    }
    const metrics = await this.#options.evaluate(candidatePath);
    let servingMetrics: ProbabilityScores | undefined;
    if (existsSync(this.#options.servingPath)) {
      try {
        servingMetrics = await this.#options.evaluate(this.#options.servingPath);
      } catch (err) {
        if (!(err instanceof ModelError)) throw err;
      }
    }
    const number = (this.#registry.versions.at(-1)?.version ?? 0) + 1;
    const file = join('versions', `v${String(number).padStart(4, '0')}.onnx`);
    const margin = this.#options.minLogLossImprovement ?? 0;
    const beats = servingMetrics === undefined || metrics.logLoss < servingMetrics.logLoss - margin;
    const version: ModelVersion = {
      version: number,
      file,
      sha256: createHash('sha256').update(readFileSync(candidatePath)).digest('hex'),
      createdAtMs: this.#options.clock.nowMs(),
      source,
      metrics,
      servingMetrics,
      status: beats ? 'serving' : 'rejected',
    };
    if (!beats) {
      this.#registry.versions.push(version);
      this.#save();
      return {
        status: 'rejected',
        version,
        reason: `candidate log loss ${metrics.logLoss.toFixed(5)} does not beat serving ${servingMetrics?.logLoss.toFixed(5)} by more than ${margin}`,
      };
    }
    atomicCopy(candidatePath, join(this.#options.dir, file));
    atomicCopy(candidatePath, this.#options.servingPath);
    const current = this.serving;
    if (current) current.status = 'retired';
    this.#registry.versions.push(version);
    this.#registry.servingHistory.push(number);
    this.#save();
    return { status: 'promoted', version, previous: servingMetrics };
  }

  /**
   * Restores the previously serving version (its registry copy) to the serving path.
   * Throws StateError STATE_INVALID when there is no earlier version to return to.
   */
  rollback(): ModelVersion {
    const history = this.#registry.servingHistory;
    if (history.length < 2) {
      throw new StateError('STATE_INVALID', 'no earlier serving model to roll back to', {
        file: this.#registryFile,
      });
    }
    const dropped = this.serving;
    history.pop();
    const restored = this.serving as ModelVersion;
    atomicCopy(join(this.#options.dir, restored.file), this.#options.servingPath);
    if (dropped) dropped.status = 'retired';
    restored.status = 'serving';
    this.#save();
    return restored;
  }

  #save(): void {
    writeJsonAtomic(this.#registryFile, this.#registry);
  }
}

let copyCounter = 0;
function atomicCopy(from: string, to: string): void {
  const temp = `${to}.${process.pid}.${++copyCounter}.tmp`;
  try {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, temp);
    renameSync(temp, to);
  } catch (err) {
    throw new StateError('STATE_WRITE_FAILED', 'cannot copy the model file', { from, to }, { cause: err });
  }
}
