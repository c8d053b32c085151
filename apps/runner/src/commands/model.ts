import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ModelError, RuntimeError, StateError, SystemClock } from '@omni/core';
import { bundledFxPairs, bundledFxPath } from '@omni/feeds';
import {
  DEFAULT_TRAINING_CUTOFF,
  endOfUtcDay,
  holdoutEvaluator,
  ModelMutationController,
  type ModelVersion,
  modelMetricsPath,
  type ProbabilityScores,
  readPriceCsv,
} from '@omni/learning';
import { defaultModelMetricsPath, defaultModelPath } from '@omni/sequence';
import { formatTable, isoDate, num } from '../table.js';

/** Where `omni train` writes models and `omni model` keeps its registry: `omni-runs/models`. */
export const DEFAULT_MODEL_DIR = join('omni-runs', 'models');

/** Steps ahead the holdout labels look: the horizon the default trainer labels with. */
export const HOLDOUT_HORIZON = 5;

/** The `source` of the registry version the bundled default model is registered as. */
export const BUNDLED_SOURCE = 'bundled';

/** Flags shared by `omni model list|promote|rollback`. */
export interface ModelFlags {
  /** Models folder (default {@link DEFAULT_MODEL_DIR}); the registry lives in `<dir>/registry`. */
  readonly dir?: string;
  /** The serving model file runs load (default `<dir>/serving.onnx`). */
  readonly serving?: string;
}

/** Flags of `omni model promote`. */
export interface PromoteFlags extends ModelFlags {
  /** First day of the holdout (ISO date); default the day after the bundled model's cutoff. */
  readonly holdoutFrom?: string;
  /** The candidate's log loss must be lower than the serving model's by more than this (default 0). */
  readonly minImprovement?: number;
}

/** Where the models, the registry and the serving file of a command are. */
export interface ModelPaths {
  readonly dir: string;
  readonly registryDir: string;
  readonly servingPath: string;
}

/** A model file in the models folder that the registry has not considered yet. */
export interface ModelCandidate {
  readonly name: string;
  readonly path: string;
  readonly sha256: string;
  /** Last day of its training data, from its metrics JSON, or null when it has none. */
  readonly trainedThrough: string | null;
  /** Its own out-of-sample log loss from training (walk-forward folds), or null. */
  readonly trainingLogLoss: number | null;
}

/** What `omni model list` shows. */
export interface ModelListing {
  readonly dir: string;
  readonly registry: string;
  readonly serving: {
    readonly path: string;
    readonly exists: boolean;
    /** The registry version serving, or null when none was promoted yet. */
    readonly version: number | null;
    /** False when the serving file is not the bytes of the registry's serving version (edited by hand). */
    readonly matchesRegistry: boolean | null;
  };
  readonly versions: readonly ModelVersion[];
  readonly candidates: readonly ModelCandidate[];
}

/** What `omni model promote` did. */
export interface PromoteResult {
  readonly servingPath: string;
  readonly version: ModelVersion;
  /** The score of the model it replaced, on the same holdout (undefined when nothing served). */
  readonly previous: ProbabilityScores | undefined;
  /** The bundled model registered first as the baseline (a fresh registry), or undefined. */
  readonly baseline: ModelVersion | undefined;
}

/** Resolves the models folder, its registry and the serving file; refuses to serve over the bundled model. */
export function modelPaths(flags: ModelFlags): ModelPaths {
  const dir = resolve(flags.dir ?? DEFAULT_MODEL_DIR);
  const servingPath = resolve(flags.serving ?? join(dir, 'serving.onnx'));
  if (servingPath === defaultModelPath()) {
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      '--serving names the bundled model; promotion replaces the serving file, and the bundled model is only replaced by omni train --update-bundled',
      { serving: servingPath },
    );
  }
  return { dir, registryDir: join(dir, 'registry'), servingPath };
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Epoch ms of the last training row recorded in a model's metrics JSON, or undefined. */
function trainedThroughMs(metricsPath: string): number | undefined {
  if (!existsSync(metricsPath)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(metricsPath, 'utf8'));
  } catch {
    return undefined;
  }
  const data = (parsed as { data?: { lastTsMs?: unknown } } | null)?.data;
  return typeof data?.lastTsMs === 'number' ? data.lastTsMs : undefined;
}

function trainingLogLoss(metricsPath: string): number | null {
  if (!existsSync(metricsPath)) return null;
  try {
    const parsed = JSON.parse(readFileSync(metricsPath, 'utf8')) as {
      outOfSample?: { model?: { logLoss?: unknown } };
    };
    const loss = parsed.outOfSample?.model?.logLoss;
    return typeof loss === 'number' ? loss : null;
  } catch {
    return null;
  }
}

/** The holdout's first instant: `--holdout-from` (ISO day), default the day after the bundled model's cutoff. */
function holdoutFromMs(flag: string | undefined): number {
  if (flag === undefined) return endOfUtcDay(DEFAULT_TRAINING_CUTOFF) + 1;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(flag) || !Number.isFinite(Date.parse(`${flag}T00:00:00Z`))) {
    throw new RuntimeError('RUNTIME_BAD_INPUT', '--holdout-from must be a day written YYYY-MM-DD', {
      holdoutFrom: flag,
    });
  }
  return Date.parse(`${flag}T00:00:00Z`);
}

/** A controller over the registry; the evaluator scores on every bundled FX pair from `fromTsMs`. */
function openController(paths: ModelPaths, options: { fromTsMs: number; minImprovement?: number }) {
  let evaluate: ReturnType<typeof holdoutEvaluator> | undefined;
  return new ModelMutationController({
    dir: paths.registryDir,
    servingPath: paths.servingPath,
    clock: new SystemClock(),
    evaluate: (modelPath) => {
      evaluate ??= holdoutEvaluator(
        bundledFxPairs().map((pair) => readPriceCsv(bundledFxPath(pair), pair)),
        { horizon: HOLDOUT_HORIZON, fromTsMs: options.fromTsMs },
      );
      return evaluate(modelPath);
    },
    ...(options.minImprovement !== undefined ? { minLogLossImprovement: options.minImprovement } : {}),
  });
}

/**
 * The registry's versions, the serving file, and the `*.onnx` files of the models folder that the
 * registry has not considered (by content), with the training metrics written beside them.
 */
export function runModelList(flags: ModelFlags): ModelListing {
  const paths = modelPaths(flags);
  const controller = openController(paths, { fromTsMs: holdoutFromMs(undefined) });
  const versions = controller.versions;
  const known = new Set(versions.map((v) => v.sha256));
  const candidates: ModelCandidate[] = [];
  if (existsSync(paths.dir)) {
    for (const name of readdirSync(paths.dir).sort()) {
      const path = join(paths.dir, name);
      if (!name.endsWith('.onnx') || path === paths.servingPath) continue;
      const hash = sha256(path);
      if (known.has(hash)) continue;
      const through = trainedThroughMs(modelMetricsPath(path));
      candidates.push({
        name,
        path,
        sha256: hash,
        trainedThrough: through === undefined ? null : isoDate(through),
        trainingLogLoss: trainingLogLoss(modelMetricsPath(path)),
      });
    }
  }
  const serving = controller.serving;
  const exists = existsSync(paths.servingPath);
  return {
    dir: paths.dir,
    registry: join(paths.registryDir, 'registry.json'),
    serving: {
      path: paths.servingPath,
      exists,
      version: serving?.version ?? null,
      matchesRegistry: serving && exists ? sha256(paths.servingPath) === serving.sha256 : null,
    },
    versions,
    candidates,
  };
}

/** The candidate as a path: an existing path, or a file name inside the models folder. */
function resolveCandidate(candidate: string, paths: ModelPaths): string {
  for (const path of [resolve(candidate), join(paths.dir, candidate)]) {
    if (existsSync(path)) return path;
  }
  throw new ModelError(
    'MODEL_NOT_FOUND',
    'no such candidate model; pass a file path or the name of a model in the models folder (omni model list shows them)',
    { candidate, dir: paths.dir },
  );
}

/** Refuses a model whose training data reaches into the holdout: it would be scored on data it learned. */
function requireOutOfSample(label: string, metricsPath: string, fromTsMs: number): void {
  const through = trainedThroughMs(metricsPath);
  if (through !== undefined && through >= fromTsMs) {
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      `the ${label} was trained on data up to ${isoDate(through)}, inside the holdout that starts ${isoDate(fromTsMs)}; pass --holdout-from a day after its training data`,
      { model: label, trainedThrough: isoDate(through), holdoutFrom: isoDate(fromTsMs) },
    );
  }
}

/**
 * Promotes a candidate through ModelMutationController's rule: the candidate and the serving model
 * are scored on the same holdout (every bundled FX pair from `--holdout-from`), and the candidate
 * serves only if its log loss is lower by more than `--min-improvement`. With no serving file yet,
 * the bundled default model (what runs load when SEQ_MODEL_ONNX is unset) is registered first as the
 * baseline, so a candidate must beat it and a rollback returns to it. A refused candidate stays in the
 * registry as `rejected` and the command throws ModelError `MODEL_PROMOTION_REFUSED`.
 */
export async function runModelPromote(candidate: string, flags: PromoteFlags): Promise<PromoteResult> {
  const paths = modelPaths(flags);
  const candidatePath = resolveCandidate(candidate, paths);
  const fromTsMs = holdoutFromMs(flags.holdoutFrom);
  requireOutOfSample('candidate', modelMetricsPath(candidatePath), fromTsMs);
  const controller = openController(paths, {
    fromTsMs,
    ...(flags.minImprovement !== undefined ? { minImprovement: flags.minImprovement } : {}),
  });
  const serving = controller.serving;
  if (serving && !existsSync(paths.servingPath)) {
    throw new StateError(
      'STATE_INVALID',
      `the serving model file is missing while the registry says version ${serving.version} serves; copy ${join(paths.registryDir, serving.file)} back to it`,
      { serving: paths.servingPath, registry: join(paths.registryDir, 'registry.json') },
    );
  }
  let baseline: ModelVersion | undefined;
  if (!existsSync(paths.servingPath)) {
    requireOutOfSample('bundled model', defaultModelMetricsPath(), fromTsMs);
    const seeded = await controller.consider(defaultModelPath(), BUNDLED_SOURCE);
    if (seeded.status === 'invalid') throw seeded.error;
    baseline = seeded.version;
  }
  const outcome = await controller.consider(candidatePath, basename(candidatePath));
  if (outcome.status === 'invalid') throw outcome.error;
  if (outcome.status === 'rejected') {
    throw new ModelError(
      'MODEL_PROMOTION_REFUSED',
      `the candidate does not beat the serving model on the holdout: ${outcome.reason}; it is kept in the registry as rejected version ${outcome.version.version}`,
      {
        candidate: candidatePath,
        candidateLogLoss: outcome.version.metrics.logLoss,
        servingLogLoss: outcome.version.servingMetrics?.logLoss,
        holdoutFrom: isoDate(fromTsMs),
      },
      baseline
        ? {
            details: [
              `the bundled model was registered as version ${baseline.version} and now serves at ${paths.servingPath}`,
            ],
          }
        : {},
    );
  }
  return { servingPath: paths.servingPath, version: outcome.version, previous: outcome.previous, baseline };
}

/** Restores the previously serving version to the serving file (StateError when there is none). */
export function runModelRollback(flags: ModelFlags): { servingPath: string; restored: ModelVersion } {
  const paths = modelPaths(flags);
  const controller = openController(paths, { fromTsMs: holdoutFromMs(undefined) });
  return { servingPath: paths.servingPath, restored: controller.rollback() };
}

function describeVersion(v: ModelVersion): string {
  return `version ${v.version} (${v.source}, holdout log loss ${v.metrics.logLoss.toFixed(5)})`;
}

/** `omni model list` as text: the serving file, the registry's versions and the unregistered candidates. */
export function formatModelList(listing: ModelListing): string {
  const s = listing.serving;
  const lines: string[] = [
    `serving: ${s.path}${s.exists ? '' : ' (missing: runs use the bundled model unless SEQ_MODEL_ONNX or --model names a file)'}` +
      (s.version === null ? '' : ` = version ${s.version}`) +
      (s.matchesRegistry === false
        ? ' (WARNING: the file differs from that version; it was replaced by hand)'
        : ''),
    `registry: ${listing.registry}`,
  ];
  if (listing.versions.length > 0) {
    lines.push(
      '',
      formatTable(
        ['version', 'status', 'source', 'log loss', 'serving then', 'accuracy', 'n'],
        listing.versions.map((v) => [
          String(v.version),
          v.status,
          v.source,
          v.metrics.logLoss.toFixed(5),
          num(v.servingMetrics?.logLoss, 5),
          v.metrics.accuracy.toFixed(4),
          String(v.metrics.n),
        ]),
      ),
    );
  } else {
    lines.push('no registered versions yet (omni model promote <candidate> registers the first)');
  }
  if (listing.candidates.length > 0) {
    lines.push(
      '',
      'candidates (not yet considered; omni model promote <name>):',
      formatTable(
        ['name', 'trained through', 'training log loss'],
        listing.candidates.map((c) => [c.name, c.trainedThrough ?? '—', num(c.trainingLogLoss, 5)]),
      ),
    );
  } else {
    lines.push(`no unregistered candidates in ${listing.dir} (omni train writes them there)`);
  }
  return lines.join('\n');
}

/** `omni model promote` as text. */
export function formatPromote(result: PromoteResult): string {
  const lines: string[] = [];
  if (result.baseline) {
    lines.push(`registered the bundled model as the baseline: ${describeVersion(result.baseline)}`);
  }
  const beaten = result.previous ? `, beating ${result.previous.logLoss.toFixed(5)}` : '';
  lines.push(
    `promoted ${describeVersion(result.version)}${beaten}; now serving at ${result.servingPath}`,
    `run with SEQ_MODEL_ONNX=${result.servingPath} (or --model ${result.servingPath}); omni model rollback undoes it`,
  );
  return lines.join('\n');
}
