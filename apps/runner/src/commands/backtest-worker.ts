import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AnalysisError,
  type AreaErrorClass,
  type Clock,
  ConfigError,
  DataError,
  defineErrorArea,
  ExecutionError,
  FeatureError,
  FeedError,
  GovernorError,
  isOmniError,
  JournalError,
  loadConfig,
  ModelError,
  type OmniConfig,
  OmniError,
  RuntimeError,
  SafetyError,
  StateError,
  SystemClock,
  writeJsonAtomic,
} from '@omni/core';
import type { CliIo } from '../cli-io.js';
import type { RunSummary } from '../run-summary.js';
import { type BacktestFlags, runBacktest } from './backtest.js';

/**
 * The flags every symbol of `omni backtest --symbols` shares; each symbol's run gets them with its
 * own `--symbol` (and `--data <DIR>/<SYMBOL>.csv` when a data folder was given).
 */
export type SharedBacktestFlags = Pick<
  BacktestFlags,
  'from' | 'to' | 'model' | 'momentumOnly' | 'retrainEvery' | 'operatorReview'
>;

/** Where a worker's config comes from: the same sources `omni backtest` loads it from. */
export interface ConfigSource {
  /** `--config <file>`. */
  readonly configFile?: string;
  /** `--seed <n>`. */
  readonly seed?: number;
}

/**
 * One symbol's backtest, as it crosses to a worker thread: plain data only (structured clone).
 * The config is not sent — it holds `Secret`s, whose private fields do not survive a clone — but
 * loaded again in the worker from the same sources, so every symbol runs on the same config.
 */
export interface SymbolTask {
  readonly symbol: string;
  /** The symbol's data file (`--data <DIR>`), or undefined for the bundled series. */
  readonly data?: string;
  readonly flags: SharedBacktestFlags;
  readonly config: ConfigSource;
  /** Where the run is written: `<out>.partial-<pid>/<SYMBOL>`. */
  readonly runDir: string;
  /** Where it ends up, `<out>/<SYMBOL>`: the `outDir` its summary.json names. */
  readonly finalDir: string;
}

/** One row of the combined summary: what one symbol's run did. */
export interface SymbolRow {
  readonly symbol: string;
  /** The price file the run read. */
  readonly data: string;
  readonly ticks: number;
  readonly decisions: number;
  readonly trades: number;
  readonly winRate: number | null;
  readonly pnl: number;
  readonly profitFactor: number | null;
  readonly maxDrawdown: number;
  /** Wall time of this symbol's run (the only number that differs between two identical runs). */
  readonly seconds: number;
  /** `<out>/<SYMBOL>`. */
  readonly outDir: string;
}

/** An error as it crosses back from a worker: OmniErrors keep class, code, context and details. */
export type SerializedError =
  | {
      readonly kind: 'omni';
      readonly name: string;
      readonly code: string;
      readonly shortMessage: string;
      readonly context: Readonly<Record<string, unknown>>;
      readonly details: readonly string[];
    }
  | { readonly kind: 'other'; readonly name: string; readonly message: string };

/** What a symbol's run returns: its row, or its error (errors are returned, never thrown, so nothing is lost in the clone). */
export type SymbolOutcome =
  | { readonly ok: true; readonly row: SymbolRow }
  | { readonly ok: false; readonly symbol: string; readonly error: SerializedError };

/** An error reduced to what survives a structured clone. */
export function serializeError(err: unknown): SerializedError {
  if (isOmniError(err)) {
    return {
      kind: 'omni',
      name: err.name,
      code: err.code,
      shortMessage: err.shortMessage,
      // The JSON round trip drops what a clone could not carry (functions, class instances).
      context: JSON.parse(JSON.stringify(err.context)) as Record<string, unknown>,
      details: [...err.details],
    };
  }
  return err instanceof Error
    ? { kind: 'other', name: err.name, message: err.message }
    : { kind: 'other', name: 'Error', message: String(err) };
}

/** A symbol's run that failed for a reason that is not an OmniError (a bug, a crashed worker). */
export class BacktestSymbolsError extends defineErrorArea('BacktestSymbolsError', [
  'BACKTEST_SYMBOL_FAILED',
]) {}

/** Core's error classes by name, to rebuild an error that crossed from a worker with its own class. */
const ERROR_CLASSES = {
  ConfigError,
  FeedError,
  DataError,
  FeatureError,
  ModelError,
  AnalysisError,
  GovernorError,
  SafetyError,
  ExecutionError,
  JournalError,
  StateError,
  RuntimeError,
} as const;

/**
 * The error of one symbol's run, naming the symbol: an OmniError keeps its class and code (so
 * bad data still exits with 2), with `symbol` first in its context; anything else is a
 * {@link BacktestSymbolsError} `BACKTEST_SYMBOL_FAILED`.
 */
export function symbolError(symbol: string, error: SerializedError): OmniError<string> {
  if (error.kind === 'other') {
    return new BacktestSymbolsError('BACKTEST_SYMBOL_FAILED', `${symbol}: ${error.message}`, {
      symbol,
      error: error.name,
    });
  }
  const message = `${symbol}: ${error.shortMessage}`;
  const context = { symbol, ...error.context };
  // Checked against the class's own code list before it is constructed with `error.code`.
  const cls = Object.hasOwn(ERROR_CLASSES, error.name)
    ? (ERROR_CLASSES[error.name as keyof typeof ERROR_CLASSES] as unknown as AreaErrorClass<string>)
    : undefined;
  return cls?.codes.includes(error.code)
    ? new cls(error.code, message, context, { details: error.details })
    : new OmniError<string>(error.code, message, context, { details: error.details });
}

/** No output: a symbol's run is quiet; the command prints one line per finished symbol. */
const QUIET_IO: CliIo = { out: () => undefined, err: () => undefined, isTty: false };

/** The config of a worker: loaded as `omni backtest` loads it (warnings were printed by the main thread). */
export function loadBacktestConfig(source: ConfigSource): OmniConfig {
  return loadConfig({
    ...(source.configFile !== undefined ? { configFile: source.configFile } : {}),
    overrides: { mode: 'backtest', ...(source.seed !== undefined ? { seed: source.seed } : {}) },
    onWarning: () => undefined,
  });
}

/**
 * Runs one symbol's backtest with {@link runBacktest} into `task.runDir`, then points its
 * summary.json at `task.finalDir` (where the folder will be once the whole command succeeded),
 * so the folder is byte-identical whichever thread ran it and whatever temp name it had.
 * `config` is given on the main thread; a worker loads it from `task.config`.
 */
export async function runSymbolTask(
  task: SymbolTask,
  config?: OmniConfig,
  clock: Clock = new SystemClock(),
): Promise<SymbolOutcome> {
  const startMs = clock.nowMs();
  try {
    const flags: BacktestFlags = {
      ...task.flags,
      symbol: task.symbol,
      ...(task.data !== undefined ? { data: task.data } : {}),
      out: task.runDir,
      quiet: true,
    };
    const summary = await runBacktest(config ?? loadBacktestConfig(task.config), flags, QUIET_IO);
    const path = join(task.runDir, 'summary.json');
    const written = JSON.parse(readFileSync(path, 'utf8')) as RunSummary;
    writeJsonAtomic(path, { ...written, run: { ...written.run, outDir: task.finalDir } });
    return {
      ok: true,
      row: {
        symbol: task.symbol,
        data: summary.run.data,
        ticks: summary.ticks,
        decisions: summary.run.decisions,
        trades: summary.trades,
        winRate: summary.winRate,
        pnl: summary.pnl,
        profitFactor: summary.profitFactor,
        maxDrawdown: summary.maxDrawdown,
        seconds: (clock.nowMs() - startMs) / 1000,
        outDir: task.finalDir,
      },
    };
  } catch (err) {
    return { ok: false, symbol: task.symbol, error: serializeError(err) };
  }
}

/** The worker-thread entry (tinypool calls the default export with each task). */
export default function backtestSymbolWorker(task: SymbolTask): Promise<SymbolOutcome> {
  return runSymbolTask(task);
}
