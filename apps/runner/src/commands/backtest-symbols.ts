import { existsSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { type Clock, type OmniConfig, RuntimeError, SystemClock, writeJsonAtomic } from '@omni/core';
import { parseRetrainPeriod } from '@omni/runtime';
import { Tinypool } from 'tinypool';
import type { CliIo } from '../cli-io.js';
import { parseTimeBound, selectData } from '../data-source.js';
import { checkOutputDir, cleanStaleTempDirs, createTempRunDir, publishRunDir } from '../output-dir.js';
import { formatTable, num, pct } from '../table.js';
import { type WorkerEntry, workerEntry } from '../worker-entry.js';
import { outOfSampleStart, parseOperatorReview } from './backtest.js';
import {
  runSymbolTask,
  type SharedBacktestFlags,
  type SymbolOutcome,
  type SymbolRow,
  type SymbolTask,
  symbolError,
} from './backtest-worker.js';

export type { WorkerEntry };

/** Flags of `omni backtest --symbols A,B,C` (the other backtest flags apply to every symbol). */
export interface BacktestSymbolsFlags extends SharedBacktestFlags {
  /**
   * Comma-separated symbols: bundled pairs, or with `data` the `<SYMBOL>.csv` files of that folder.
   * Required: `--workers` and `--json` alone are refused.
   */
  readonly symbols?: string;
  /** Refused with `symbols` (one or the other). */
  readonly symbol?: string;
  /** A folder holding `<SYMBOL>.csv` for every symbol (default: the bundled series). */
  readonly data?: string;
  readonly out?: string;
  /** Worker threads (default: min(symbols, available cores)); 1 runs the symbols one after another in the main thread. */
  readonly workers?: number;
  readonly quiet?: boolean;
  /** `--config <file>`, loaded again by each worker. */
  readonly config?: string;
  readonly seed?: number;
}

/** The combined summary: `<out>/summary.json` and the `--json` output. */
export interface BacktestSymbolsSummary {
  readonly kind: 'backtest-symbols';
  readonly version: 1;
  readonly outDir: string;
  /** Worker threads used (1: the main thread). */
  readonly workers: number;
  readonly seed: number;
  /** One row per symbol, in the order of `--symbols`. */
  readonly symbols: readonly SymbolRow[];
  readonly totals: {
    readonly trades: number;
    readonly pnl: number;
    readonly ticks: number;
    /** Wall time of the whole command, start-up of the workers included. */
    readonly seconds: number;
  };
}

/** Options of {@link runBacktestSymbols} (tests inject these). */
export interface BacktestSymbolsOptions {
  /** Wall clock for the `seconds` columns (default the system clock). */
  readonly clock?: Clock;
  /** The worker entry (default {@link backtestWorkerEntry} of this module). */
  readonly workerEntry?: WorkerEntry;
}

function badInput(message: string, context: Record<string, unknown>, details: string[] = []): never {
  throw new RuntimeError('RUNTIME_BAD_INPUT', message, context, { details });
}

/** `--symbols EURUSD,gbpusd` → `['EURUSD', 'GBPUSD']`; empty lists, duplicates and names that are no folder name are refused. */
export function parseSymbols(text: string): string[] {
  const symbols = text
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== '');
  if (symbols.length === 0) badInput('--symbols names no symbol', { '--symbols': text });
  const seen = new Set<string>();
  for (const symbol of symbols) {
    if (!/^[A-Z0-9][A-Z0-9._-]*$/.test(symbol)) {
      badInput(`--symbols: ${symbol} is not a symbol name`, { symbol }, [
        'letters, digits, dot, dash and underscore only; each symbol names its run folder <out>/<SYMBOL>',
      ]);
    }
    if (seen.has(symbol)) badInput(`--symbols names ${symbol} twice`, { symbol });
    seen.add(symbol);
  }
  return symbols;
}

/**
 * The data file of each symbol: the bundled series, or `<dir>/<SYMBOL>.csv` (else `<SYMBOL>.csv.gz`)
 * of a `--data` folder (the symbol upper-cased, as the run names it). A missing one is refused naming the symbol.
 */
export function symbolDataFiles(symbols: readonly string[], dataDir?: string): (string | undefined)[] {
  if (dataDir === undefined) {
    for (const symbol of symbols) selectData({ symbol }); // unknown symbol: a RuntimeError naming it
    return symbols.map(() => undefined);
  }
  const dir = resolve(dataDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    badInput('with --symbols, --data must be a folder holding <SYMBOL>.csv for each symbol', { data: dir });
  }
  return symbols.map((symbol) => {
    const file = join(dir, `${symbol}.csv`);
    if (existsSync(file)) return file;
    const gzip = `${file}.gz`;
    if (existsSync(gzip)) return gzip;
    return badInput(`no data file for ${symbol} (${symbol}.csv or ${symbol}.csv.gz)`, { symbol, file });
  });
}

/** The worker entry of `omni backtest --symbols`: `backtest-worker` beside `moduleUrl` ({@link workerEntry}). */
export function backtestWorkerEntry(moduleUrl: string = import.meta.url): WorkerEntry {
  return workerEntry(moduleUrl, './backtest-worker');
}

/** Runs the tasks and returns their rows in task order; the first failure rejects (the others are stopped). */
type TaskRunner = (tasks: readonly SymbolTask[], onRow: (row: SymbolRow) => void) => Promise<SymbolRow[]>;

function rowOf(outcome: SymbolOutcome): SymbolRow {
  if (!outcome.ok) throw symbolError(outcome.symbol, outcome.error);
  return outcome.row;
}

/** One after another in this thread. */
function inThread(config: OmniConfig, clock: Clock): TaskRunner {
  return async (tasks, onRow) => {
    const rows: SymbolRow[] = [];
    for (const task of tasks) {
      const row = rowOf(await runSymbolTask(task, config, clock));
      onRow(row);
      rows.push(row);
    }
    return rows;
  };
}

/** A pool of exactly `threads` worker threads running `entry` (backtest --symbols and sweeps). */
export function workerPool(entry: WorkerEntry, threads: number): Tinypool {
  return new Tinypool({
    filename: entry.filename,
    minThreads: threads,
    maxThreads: threads,
    ...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
  });
}

/** On a pool of `threads` worker threads; a failure terminates the pool, so nothing more is written. */
function onWorkers(threads: number, entry: WorkerEntry): TaskRunner {
  return async (tasks, onRow) => {
    const pool = workerPool(entry, threads);
    try {
      return await Promise.all(
        tasks.map(async (task) => {
          const outcome = (await pool.run(task).catch(
            (err: unknown): SymbolOutcome => ({
              ok: false,
              symbol: task.symbol,
              error: {
                kind: 'other',
                name: 'WorkerError',
                message: err instanceof Error ? err.message : String(err),
              },
            }),
          )) as SymbolOutcome;
          const row = rowOf(outcome);
          onRow(row);
          return row;
        }),
      );
    } finally {
      await pool.destroy();
    }
  };
}

/**
 * `omni backtest --symbols A,B,C`: each symbol is its own deterministic backtest (same config and
 * seed, as `omni backtest --symbol A` would run it), on `--workers` threads. Everything is checked
 * before anything is written; `<out>` gets the usual `--out` checks and is written as a whole: a
 * marked temp folder with `<SYMBOL>/` (everything a single backtest writes) and `summary.json`
 * (one row per symbol) moved into place only when every symbol succeeded. The first failing
 * symbol stops the others and fails the command with an error naming it; nothing is left behind.
 * Each `<out>/<SYMBOL>/` is byte-identical whatever the number of workers.
 */
export async function runBacktestSymbols(
  config: OmniConfig,
  flags: BacktestSymbolsFlags,
  io: CliIo,
  options: BacktestSymbolsOptions = {},
): Promise<BacktestSymbolsSummary> {
  const clock = options.clock ?? new SystemClock();
  const startMs = clock.nowMs();
  if (flags.symbol !== undefined) {
    badInput('--symbol and --symbols exclude each other', { '--symbol': flags.symbol }, [
      'pass the symbol in --symbols',
    ]);
  }
  if (flags.symbols === undefined) {
    badInput('--workers and --json go with --symbols', {}, ['e.g. omni backtest --symbols EURUSD,GBPUSD']);
  }
  const symbols = parseSymbols(flags.symbols);
  const workers = flags.workers ?? Math.min(symbols.length, availableParallelism());
  if (!Number.isInteger(workers) || workers < 1)
    badInput('--workers must be a whole number ≥ 1', { workers });
  const threads = Math.min(workers, symbols.length);
  const dataFiles = symbolDataFiles(symbols, flags.data);
  // Every flag every run checks again, checked once here so bad input fails before anything is written.
  const fromMs = parseTimeBound(flags.from, '--from');
  parseTimeBound(flags.to, '--to');
  if (flags.retrainEvery !== undefined) parseRetrainPeriod(flags.retrainEvery);
  parseOperatorReview(flags.operatorReview);
  const outDir = checkOutputDir(flags.out ?? 'omni-runs/latest', {
    inputs: [
      ...(flags.data !== undefined ? [flags.data] : dataFiles.filter((f): f is string => f !== undefined)),
      ...(flags.model !== undefined ? [flags.model] : []),
    ],
  }).path;
  const bundledModel = !flags.momentumOnly && flags.model === undefined && config.seqModelOnnx === undefined;
  const note = outOfSampleStart(bundledModel, flags.data === undefined, fromMs).note;
  if (note && !flags.quiet) io.err(note);

  for (const stale of cleanStaleTempDirs(outDir)) {
    if (!flags.quiet) io.err(`removed ${stale}, left by a run that was killed`);
  }
  const temp = createTempRunDir(outDir);
  const shared: SharedBacktestFlags = {
    ...(flags.from !== undefined ? { from: flags.from } : {}),
    ...(flags.to !== undefined ? { to: flags.to } : {}),
    ...(flags.model !== undefined ? { model: flags.model } : {}),
    ...(flags.momentumOnly ? { momentumOnly: true } : {}),
    ...(flags.retrainEvery !== undefined ? { retrainEvery: flags.retrainEvery } : {}),
    ...(flags.operatorReview !== undefined ? { operatorReview: flags.operatorReview } : {}),
  };
  const tasks: SymbolTask[] = symbols.map((symbol, i) => {
    const data = dataFiles[i];
    return {
      symbol,
      ...(data !== undefined ? { data } : {}),
      flags: shared,
      config: {
        ...(flags.config !== undefined ? { configFile: flags.config } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      },
      runDir: join(temp, symbol),
      finalDir: join(outDir, symbol),
    };
  });
  let done = 0;
  const onRow = (row: SymbolRow): void => {
    done += 1;
    if (flags.quiet) return;
    io.err(
      `[${done}/${symbols.length}] ${row.symbol}: ${row.trades} trades, PnL ${num(row.pnl)} USD, ${row.ticks} ticks, ${row.seconds.toFixed(1)} s`,
    );
  };
  try {
    const run =
      threads === 1
        ? inThread(config, clock)
        : onWorkers(threads, options.workerEntry ?? backtestWorkerEntry());
    const rows = await run(tasks, onRow);
    const summary: BacktestSymbolsSummary = {
      kind: 'backtest-symbols',
      version: 1,
      outDir,
      workers: threads,
      seed: config.seed,
      symbols: rows,
      totals: {
        trades: rows.reduce((n, r) => n + r.trades, 0),
        pnl: rows.reduce((n, r) => n + r.pnl, 0),
        ticks: rows.reduce((n, r) => n + r.ticks, 0),
        seconds: (clock.nowMs() - startMs) / 1000,
      },
    };
    writeJsonAtomic(join(temp, 'summary.json'), summary);
    publishRunDir(temp, outDir);
    return summary;
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    throw err;
  }
}

/** The table printed at the end of `omni backtest --symbols`. */
export function formatBacktestSymbols(s: BacktestSymbolsSummary): string {
  const table = formatTable(
    ['symbol', 'ticks', 'trades', 'win rate', 'PnL (USD)', 'profit factor', 'max drawdown', 'seconds'],
    [
      ...s.symbols.map((r) => [
        r.symbol,
        String(r.ticks),
        String(r.trades),
        pct(r.winRate),
        num(r.pnl),
        num(r.profitFactor),
        num(r.maxDrawdown),
        r.seconds.toFixed(1),
      ]),
      [
        'total',
        String(s.totals.ticks),
        String(s.totals.trades),
        '',
        num(s.totals.pnl),
        '',
        '',
        s.totals.seconds.toFixed(1),
      ],
    ],
  );
  const worker = s.workers === 1 ? '1 thread' : `${s.workers} worker threads`;
  return `${table}\n\n${s.symbols.length} symbols on ${worker}; wrote ${s.outDir}/{summary.json,${s.symbols.map((r) => `${r.symbol}/`).join(',')}}`;
}
