import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type OmniConfig, writeJsonAtomic } from '@omni/core';
import type { CliIo } from '../cli-io.js';
import { type BacktestFlags, runBacktest } from '../commands/backtest.js';
import type { RunSummary } from '../run-summary.js';
import { nestParameters } from './config-fields.js';
import type { RunSweepJob, SweepJob, SweepRunResult } from './sweep-job.js';
import { windowTag } from './windows.js';

/** The summary metrics every run reports, in this order (results.json, results.csv). */
export const RUN_METRICS = [
  'ticks',
  'decisions',
  'trades',
  'wins',
  'losses',
  'winRate',
  'pnl',
  'fees',
  'returnPct',
  'finalBalance',
  'maxDrawdown',
  'maxDrawdownPct',
  'sharpe',
  'sortino',
  'profitFactor',
  'exposure',
  'brier',
  'openAtEnd',
  'blockedTicks',
] as const;
/** A metric of {@link RUN_METRICS}. */
export type RunMetric = (typeof RUN_METRICS)[number];

/** Most equity points a run hands back for sweep.html. */
export const MAX_EQUITY_POINTS = 200;

/** The run folder of a job, relative to the sweep's `--out`: `runs/00012-EURUSD-f0-is`. */
export function runFolder(job: Pick<SweepJob, 'index' | 'symbol' | 'window'>): string {
  return `runs/${String(job.index).padStart(5, '0')}-${job.symbol}-${windowTag(job.window)}`;
}

/** The config of one run: `omni backtest`'s sources (config file, .env, environment), then the run's parameters and seed. */
export function sweepJobConfig(job: SweepJob): OmniConfig {
  const configFile = job.backtest?.configFile;
  return loadConfig({
    ...(configFile !== undefined ? { configFile } : {}),
    overrides: { ...nestParameters(job.parameters), mode: 'backtest', seed: job.seed },
    onWarning: () => undefined,
  });
}

function finite(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

/** The metrics of a run's summary, {@link RUN_METRICS} in order (non-finite values as null). */
export function runMetrics(s: RunSummary): Record<RunMetric, number | null> {
  return {
    ticks: s.ticks,
    decisions: s.run.decisions,
    trades: s.trades,
    wins: s.wins,
    losses: s.losses,
    winRate: finite(s.winRate),
    pnl: finite(s.pnl),
    fees: finite(s.fees),
    returnPct: finite(s.returnPct),
    finalBalance: finite(s.finalBalance),
    maxDrawdown: finite(s.maxDrawdown),
    maxDrawdownPct: finite(s.maxDrawdownPct),
    sharpe: finite(s.sharpe),
    sortino: finite(s.sortino),
    profitFactor: finite(s.profitFactor),
    exposure: finite(s.exposure),
    brier: finite(s.brier),
    openAtEnd: s.run.openAtEnd,
    blockedTicks: s.safety.blockedTicks,
  };
}

/** At most `max` points of `points`, evenly spaced, first and last kept. */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  return Array.from(
    { length: max },
    (_, i) => points[Math.round((i * (points.length - 1)) / (max - 1))] as T,
  );
}

/**
 * The realised equity curve of a run folder: the starting balance at the first tick, then the
 * balance after each settled trade of `trades.jsonl` (in settlement order), thinned.
 */
export function equityCurve(dir: string, summary: RunSummary): [number, number][] {
  const start = summary.firstTsMs ?? summary.lastTsMs ?? 0;
  let balance = summary.startingBalance;
  const points: [number, number][] = [[start, balance]];
  for (const line of readFileSync(join(dir, 'trades.jsonl'), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const trade = JSON.parse(line) as { settleTs: number; pnl: number };
    balance += trade.pnl;
    points.push([trade.settleTs, balance]);
  }
  return thin(points, MAX_EQUITY_POINTS);
}

const QUIET_IO: CliIo = { out: () => undefined, err: () => undefined, isTty: false };

/**
 * Runs one job of a sweep: an ordinary `omni backtest` ({@link runBacktest}, the same code path)
 * with the job's symbol, data, window and seed, on the config of `omni backtest` overridden by the
 * job's parameters. Writes the run folder `<outRoot>/runs/<index>-<symbol>-<window>` (its
 * summary.json names that relative folder as `outDir`, so the folder is the same whichever
 * thread or machine ran it) and returns the summary's metrics and the equity curve. Running a
 * job again (a retried queue job) replaces its folder. Throws the run's error.
 */
export const runSweepJob: RunSweepJob = async (job: SweepJob): Promise<SweepRunResult> => {
  const outRoot = job.outRoot ?? join(tmpdir(), 'omni-sweep', job.sweepId);
  const runDir = runFolder(job);
  const dir = join(outRoot, runDir);
  const b = job.backtest ?? {};
  const flags: BacktestFlags = {
    symbol: job.symbol,
    ...(job.data !== undefined ? { data: job.data } : {}),
    ...(job.window.fromMs !== undefined ? { from: String(job.window.fromMs) } : {}),
    ...(job.window.toMs !== undefined ? { to: String(job.window.toMs) } : {}),
    out: dir,
    quiet: true,
    ...(b.model !== undefined ? { model: b.model } : {}),
    ...(b.momentumOnly ? { momentumOnly: true } : {}),
    ...(b.operatorReview !== undefined ? { operatorReview: b.operatorReview } : {}),
    ...(b.retrainEvery !== undefined ? { retrainEvery: b.retrainEvery } : {}),
  };
  const summary = await runBacktest(sweepJobConfig(job), flags, QUIET_IO);
  const written: RunSummary = { ...summary, run: { ...summary.run, outDir: runDir } };
  writeJsonAtomic(join(dir, 'summary.json'), written);
  return {
    sweepId: job.sweepId,
    index: job.index,
    metrics: runMetrics(summary),
    equity: equityCurve(dir, summary),
    runDir,
  };
};
