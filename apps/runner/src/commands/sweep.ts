import { existsSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { type OmniConfig, RuntimeError } from '@omni/core';
import { parseRetrainPeriod } from '@omni/runtime';
import type { CliIo } from '../cli-io.js';
import { selectData } from '../data-source.js';
import { checkOutputDir, cleanStaleTempDirs, createTempRunDir, publishRunDir } from '../output-dir.js';
import { configDigest, fileDigest } from '../sweep/fingerprint.js';
import { readGridFile } from '../sweep/grid.js';
import type { SweepExecutor } from '../sweep/local-pool.js';
import { planSweep, SELECTION_METRICS, type SelectionMetric, type SweepDefinition } from '../sweep/plan.js';
import { sweepProgress } from '../sweep/progress.js';
import { runSweep, writeSweepFiles } from '../sweep/run-sweep.js';
import { localExecutor } from '../sweep/shared-queue.js';
import { formatSweepSummary, type SweepSummary, sweepSummary } from '../sweep/summary.js';
import { SweepError } from '../sweep/sweep-error.js';
import type { SweepBacktestOptions } from '../sweep/sweep-job.js';
import { resolveSweepSymbols } from '../sweep/symbols.js';
import { parseWalkForward } from '../sweep/windows.js';
import { outOfSampleStart, parseOperatorReview } from './backtest.js';

/** Flags of `omni sweep`. */
export interface SweepFlags {
  readonly grid?: string;
  readonly data?: string;
  readonly symbol?: string;
  readonly symbols?: string;
  readonly from?: string;
  readonly to?: string;
  readonly walkForward?: string;
  readonly selectBy?: string;
  readonly workers?: number;
  readonly out?: string;
  readonly config?: string;
  readonly model?: string;
  readonly momentumOnly?: boolean;
  readonly retrainEvery?: string;
  readonly operatorReview?: string;
  readonly quiet?: boolean;
}

/** Options of {@link runSweepCommand} (tests and a queue backend inject these). */
export interface SweepCommandOptions {
  /** Runs the jobs (default: the local pool of `--workers` threads). */
  readonly executor?: (workers: number) => SweepExecutor;
  /** Where an injected executor runs the jobs, for the summary (a queue: `the queue`); default the local threads. */
  readonly ranOn?: string;
}

function parseSelectBy(text: string | undefined): SelectionMetric {
  if (text === undefined) return 'pnl';
  if ((SELECTION_METRICS as readonly string[]).includes(text)) return text as SelectionMetric;
  throw new SweepError('SWEEP_BAD_GRID', `--select-by must be one of ${SELECTION_METRICS.join(', ')}`, {
    field: '--select-by',
    value: text,
  });
}

/**
 * Resolves the flags of `omni sweep` into a sweep definition: reads and validates the grid, the
 * symbols and their data ranges, and every backtest flag, before anything is written.
 */
export async function sweepDefinition(
  config: OmniConfig,
  flags: SweepFlags,
  io: CliIo,
): Promise<SweepDefinition> {
  if (flags.grid === undefined) {
    throw new RuntimeError(
      'RUNTIME_BAD_INPUT',
      '--grid is required',
      {},
      { details: ['e.g. omni sweep --grid grid.json (docs/sweeps.md)'] },
    );
  }
  const gridFile = resolve(flags.grid);
  const grid = readGridFile(gridFile);
  if (flags.retrainEvery !== undefined) parseRetrainPeriod(flags.retrainEvery);
  const operatorReview = parseOperatorReview(flags.operatorReview);
  const walkForward = flags.walkForward !== undefined ? parseWalkForward(flags.walkForward) : undefined;
  const selectBy = parseSelectBy(flags.selectBy);
  const usesBundledModel =
    !flags.momentumOnly && flags.model === undefined && config.seqModelOnnx === undefined;
  const notes = new Set<string>();
  const symbols = await resolveSweepSymbols(flags, config, (bundled, fromMs) => {
    const start = outOfSampleStart(usesBundledModel, bundled, fromMs);
    if (start.note && !flags.quiet && !notes.has(start.note)) io.err(start.note);
    if (start.note) notes.add(start.note);
    return start.fromMs;
  });
  if (flags.model !== undefined && !existsSync(resolve(flags.model))) {
    throw new RuntimeError('RUNTIME_BAD_INPUT', '--model: no such file', { file: resolve(flags.model) });
  }
  const backtest: SweepBacktestOptions = {
    ...(flags.config !== undefined ? { configFile: resolve(flags.config) } : {}),
    ...(flags.model !== undefined ? { model: resolve(flags.model) } : {}),
    ...(flags.momentumOnly ? { momentumOnly: true } : {}),
    operatorReview,
    ...(flags.retrainEvery !== undefined ? { retrainEvery: flags.retrainEvery } : {}),
  };
  const fingerprints = {
    config: configDigest(config),
    data: await Promise.all(symbols.map((s) => fileDigest(s.data ?? selectData({ symbol: s.symbol }).path))),
    model: backtest.model !== undefined ? await fileDigest(backtest.model) : null,
  };
  return {
    grid,
    gridFile,
    fingerprints,
    seed: config.seed,
    symbols,
    ...(walkForward !== undefined ? { walkForward } : {}),
    backtest,
    selectBy,
  };
}

/**
 * `omni sweep`: every parameter set of the grid × symbol × window is an ordinary backtest with its
 * own seed, run by the executor (local worker threads by default). Everything is checked before
 * anything is written; `--out` gets the usual checks and is written as a whole (results.json,
 * results.csv, sweep.html, runs/) from a marked temp folder, moved into place only when every run
 * succeeded. results.json and results.csv are byte-identical for any number of workers.
 */
export async function runSweepCommand(
  config: OmniConfig,
  flags: SweepFlags,
  io: CliIo,
  options: SweepCommandOptions = {},
): Promise<SweepSummary> {
  const definition = await sweepDefinition(config, flags, io);
  const plan = planSweep(definition);
  const workers = flags.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) {
    throw new RuntimeError('RUNTIME_BAD_INPUT', '--workers must be a whole number ≥ 1', { workers });
  }
  const threads = Math.min(workers, plan.jobs.length);
  const outDir = checkOutputDir(flags.out ?? 'omni-runs/sweep', {
    inputs: [
      definition.gridFile ?? '',
      ...definition.symbols.flatMap((s) => (s.data !== undefined ? [s.data] : [])),
      ...(flags.model !== undefined ? [flags.model] : []),
    ].filter((f) => f !== ''),
  }).path;
  for (const stale of cleanStaleTempDirs(outDir)) {
    if (!flags.quiet) io.err(`removed ${stale}, left by a run that was killed`);
  }
  const temp = createTempRunDir(outDir);
  const progress = flags.quiet ? undefined : sweepProgress(io, plan.jobs.length);
  try {
    const execute = (options.executor ?? localExecutor)(threads);
    const outcome = await runSweep(definition, plan, {
      execute,
      outRoot: temp,
      ...(flags.walkForward !== undefined ? { walkForwardText: flags.walkForward } : {}),
      ...(progress ? { onResult: (_result, done) => progress.update(done) } : {}),
    });
    progress?.stop();
    writeSweepFiles(temp, outcome);
    publishRunDir(temp, outDir);
    return options.ranOn === undefined
      ? sweepSummary(outcome.results, outDir, threads)
      : sweepSummary(outcome.results, outDir, 0, options.ranOn);
  } catch (err) {
    progress?.stop();
    rmSync(temp, { recursive: true, force: true });
    throw err;
  }
}

export { formatSweepSummary, type SweepSummary };
