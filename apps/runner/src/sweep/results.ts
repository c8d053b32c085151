import type { SweepValue } from './config-fields.js';
import type { ParameterSet } from './parameter-sets.js';
import type { SelectionMetric, SweepDefinition, SweepPlan } from './plan.js';
import { RUN_METRICS, type RunMetric } from './run-job.js';
import { SweepError } from './sweep-error.js';
import type { SweepJob, SweepRunResult } from './sweep-job.js';

const DAY_MS = 86_400_000;

/** Numbers in results files: rounded to 6 decimals (−0 as 0), non-finite as null. */
export function fixed(x: number | null | undefined): number | null {
  if (typeof x !== 'number' || !Number.isFinite(x)) return null;
  const r = Number(x.toFixed(6));
  return r === 0 ? 0 : r;
}

/** One entry of results.json: a run, in the sweep's fixed order. */
export interface SweepRunEntry {
  readonly index: number;
  /** Index of the run's parameter set (grid or drawn order). */
  readonly set: number;
  readonly parameters: ParameterSet;
  readonly symbol: string;
  readonly window: {
    readonly role: SweepJob['window']['role'];
    readonly fold: number;
    readonly from: string | null;
    readonly to: string | null;
  };
  readonly seed: number;
  readonly runDir: string;
  readonly metrics: Readonly<Record<RunMetric, number | null>>;
}

/** Sums of a group of runs (the chosen in-sample or out-of-sample runs of a walk-forward). */
export interface WindowTotals {
  readonly runs: number;
  readonly days: number;
  readonly trades: number;
  readonly winRate: number | null;
  readonly pnl: number | null;
  readonly pnlPerDay: number | null;
  /** Mean annualised Sharpe of the runs that have one. */
  readonly meanSharpe: number | null;
}

/** The parameter set a walk-forward chose on one fold's in-sample window, and how it did. */
export interface FoldChoice {
  readonly symbol: string;
  readonly fold: number;
  readonly set: number;
  readonly parameters: ParameterSet;
  /** The selection metric of the chosen set in sample. */
  readonly score: number | null;
  readonly inSample: {
    readonly index: number;
    readonly pnl: number | null;
    readonly trades: number | null;
    readonly sharpe: number | null;
  };
  readonly outOfSample: {
    readonly index: number;
    readonly pnl: number | null;
    readonly trades: number | null;
    readonly sharpe: number | null;
  };
}

/** The walk-forward verdict: out-of-sample figures of the chosen sets (the headline), in-sample beside them. */
export interface WalkForwardResult {
  /** `--walk-forward` as given: the lengths of the in-sample and out-of-sample windows. */
  readonly spec: { readonly inSample: string; readonly outOfSample: string };
  readonly folds: readonly FoldChoice[];
  readonly bySymbol: readonly {
    readonly symbol: string;
    readonly outOfSample: WindowTotals;
    readonly inSample: WindowTotals;
  }[];
  /** The headline: the chosen sets' out-of-sample runs, chained fold by fold. */
  readonly outOfSample: WindowTotals;
  /** The same chosen sets in sample. */
  readonly inSample: WindowTotals;
  /** In-sample minus out-of-sample PnL per day: how much the choice overfits. */
  readonly gapPnlPerDay: number | null;
}

/** A parameter set's score over the full-window runs of all symbols (no walk-forward). */
export interface SetRanking {
  readonly set: number;
  readonly parameters: ParameterSet;
  readonly score: number | null;
  readonly pnl: number | null;
  readonly trades: number;
}

/** results.json. */
export interface SweepResults {
  readonly kind: 'sweep-results';
  readonly version: 1;
  readonly sweepId: string;
  readonly search: 'grid' | 'random';
  readonly seed: number;
  readonly selectBy: SelectionMetric;
  readonly parameters: readonly string[];
  readonly symbols: readonly string[];
  readonly runs: readonly SweepRunEntry[];
  /** Without walk-forward: the parameter sets best first by `selectBy` (ties: lower set index). */
  readonly ranking: readonly SetRanking[] | null;
  readonly walkForward: WalkForwardResult | null;
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** Higher is better; null ranks last; ties go to the lower index. */
function better(a: { score: number | null; set: number }, b: { score: number | null; set: number }): number {
  if (a.score === null || b.score === null)
    return a.score === null ? (b.score === null ? a.set - b.set : 1) : -1;
  return b.score - a.score || a.set - b.set;
}

function totals(entries: readonly SweepRunEntry[]): WindowTotals {
  let days = 0;
  let trades = 0;
  let wins = 0;
  let pnl = 0;
  const sharpes: number[] = [];
  for (const e of entries) {
    if (e.window.from !== null && e.window.to !== null)
      days += (Date.parse(e.window.to) - Date.parse(e.window.from) + 1) / DAY_MS;
    trades += e.metrics.trades ?? 0;
    wins += e.metrics.wins ?? 0;
    pnl += e.metrics.pnl ?? 0;
    if (e.metrics.sharpe !== null) sharpes.push(e.metrics.sharpe);
  }
  return {
    runs: entries.length,
    days: fixed(days) ?? 0,
    trades,
    winRate: trades > 0 ? fixed(wins / trades) : null,
    pnl: fixed(pnl),
    pnlPerDay: days > 0 ? fixed(pnl / days) : null,
    meanSharpe: sharpes.length > 0 ? fixed(sharpes.reduce((s, x) => s + x, 0) / sharpes.length) : null,
  };
}

function runBrief(e: SweepRunEntry): FoldChoice['inSample'] {
  return { index: e.index, pnl: e.metrics.pnl, trades: e.metrics.trades, sharpe: e.metrics.sharpe };
}

/**
 * Chooses, per symbol and fold, the parameter set with the best in-sample `selectBy` (ties: the
 * lower set index) and gathers the out-of-sample runs of the chosen sets: the headline.
 */
export function walkForwardResult(
  runs: readonly SweepRunEntry[],
  selectBy: SelectionMetric,
  spec: { inSample: string; outOfSample: string },
): WalkForwardResult {
  const folds: FoldChoice[] = [];
  const symbols = [...new Set(runs.map((r) => r.symbol))];
  const bySymbol: WalkForwardResult['bySymbol'][number][] = [];
  const allIs: SweepRunEntry[] = [];
  const allOos: SweepRunEntry[] = [];
  for (const symbol of symbols) {
    const mine = runs.filter((r) => r.symbol === symbol);
    const foldCount = Math.max(-1, ...mine.map((r) => r.window.fold)) + 1;
    const isRuns: SweepRunEntry[] = [];
    const oosRuns: SweepRunEntry[] = [];
    for (let fold = 0; fold < foldCount; fold++) {
      const candidates = mine
        .filter((r) => r.window.fold === fold && r.window.role === 'in-sample')
        .map((r) => ({ run: r, set: r.set, score: r.metrics[selectBy] }));
      const chosen = candidates.sort(better)[0];
      if (chosen === undefined) continue;
      const oos = mine.find(
        (r) => r.window.fold === fold && r.window.role === 'out-of-sample' && r.set === chosen.set,
      );
      if (oos === undefined) continue;
      isRuns.push(chosen.run);
      oosRuns.push(oos);
      folds.push({
        symbol,
        fold,
        set: chosen.set,
        parameters: chosen.run.parameters,
        score: chosen.score,
        inSample: runBrief(chosen.run),
        outOfSample: runBrief(oos),
      });
    }
    bySymbol.push({ symbol, outOfSample: totals(oosRuns), inSample: totals(isRuns) });
    allIs.push(...isRuns);
    allOos.push(...oosRuns);
  }
  const oos = totals(allOos);
  const is = totals(allIs);
  return {
    spec,
    folds,
    bySymbol,
    outOfSample: oos,
    inSample: is,
    gapPnlPerDay:
      is.pnlPerDay !== null && oos.pnlPerDay !== null ? fixed(is.pnlPerDay - oos.pnlPerDay) : null,
  };
}

/** Without walk-forward: every parameter set scored over its runs (sum for pnl, else the mean), best first. */
export function rankSets(
  runs: readonly SweepRunEntry[],
  sets: readonly ParameterSet[],
  selectBy: SelectionMetric,
): SetRanking[] {
  return sets
    .map((parameters, set) => {
      const mine = runs.filter((r) => r.set === set);
      const scores = mine.map((r) => r.metrics[selectBy]).filter((x): x is number => x !== null);
      const sum = scores.reduce((s, x) => s + x, 0);
      const score = scores.length === 0 ? null : fixed(selectBy === 'pnl' ? sum : sum / scores.length);
      const pnl = fixed(mine.reduce((s, r) => s + (r.metrics.pnl ?? 0), 0));
      const trades = mine.reduce((s, r) => s + (r.metrics.trades ?? 0), 0);
      return { set, parameters, score, pnl, trades };
    })
    .sort(better);
}

/** A walk-forward spec as it was given, for the results (`180d/60d`). */
export interface SweepResultsOptions {
  readonly walkForwardText?: string;
}

/**
 * Merges the results of a sweep's runs (in any arrival order) into results.json, in the plan's
 * fixed order and fixed number formatting: equal sweeps give byte-equal files whatever the
 * executor or the number of workers.
 */
export function mergeResults(
  definition: SweepDefinition,
  plan: SweepPlan,
  results: ReadonlyMap<number, SweepRunResult>,
  options: SweepResultsOptions = {},
): SweepResults {
  const runs: SweepRunEntry[] = plan.jobs.map((job) => {
    const result = results.get(job.index);
    if (result === undefined) {
      throw new SweepError('SWEEP_RUN_FAILED', `run ${job.index} never reported a result`, {
        sweepId: plan.sweepId,
        index: job.index,
      });
    }
    const metrics = Object.fromEntries(RUN_METRICS.map((m) => [m, fixed(result.metrics[m])])) as Record<
      RunMetric,
      number | null
    >;
    return {
      index: job.index,
      set: plan.setOf[job.index] ?? 0,
      parameters: job.parameters,
      symbol: job.symbol,
      window: {
        role: job.window.role,
        fold: job.window.fold,
        from: iso(job.window.fromMs),
        to: iso(job.window.toMs),
      },
      seed: job.seed,
      runDir: result.runDir,
      metrics,
    };
  });
  const [is, oos] = (options.walkForwardText ?? '').split('/');
  return {
    kind: 'sweep-results',
    version: 1,
    sweepId: plan.sweepId,
    search: definition.grid.search,
    seed: definition.seed,
    selectBy: definition.selectBy,
    parameters: definition.grid.parameters.map((p) => p.path),
    symbols: definition.symbols.map((s) => s.symbol),
    runs,
    ranking:
      definition.walkForward === undefined ? rankSets(runs, plan.parameterSets, definition.selectBy) : null,
    walkForward:
      definition.walkForward === undefined
        ? null
        : walkForwardResult(runs, definition.selectBy, { inSample: is ?? '', outOfSample: oos ?? '' }),
  };
}

function csvCell(value: SweepValue | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** results.csv: one row per run, the parameters and metrics as columns. */
export function resultsCsv(results: SweepResults): string {
  const header = [
    'index',
    'set',
    'symbol',
    'role',
    'fold',
    'from',
    'to',
    'seed',
    ...results.parameters,
    ...RUN_METRICS,
    'runDir',
  ];
  const rows = results.runs.map((r) =>
    [
      r.index,
      r.set,
      r.symbol,
      r.window.role,
      r.window.fold,
      r.window.from,
      r.window.to,
      r.seed,
      ...results.parameters.map((p) => r.parameters[p]),
      ...RUN_METRICS.map((m) => r.metrics[m]),
      r.runDir,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[header.map(csvCell).join(','), ...rows].join('\n')}\n`;
}
