import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type OmniConfig, RuntimeError, writeJsonAtomic } from '@omni/core';
import { DEFAULT_TRAINING_CUTOFF, endOfUtcDay } from '@omni/learning';
import { BacktestEngine, type OperatorReviewPolicy, PriceSketch, parseRetrainPeriod } from '@omni/runtime';
import type { CliIo } from '../cli-io.js';
import {
  type DataSelection,
  noTicksError,
  parseTimeBound,
  peekSeries,
  replayFeed,
  selectData,
} from '../data-source.js';
import { funnelRows } from '../funnel-rows.js';
import { checkOutputDir, cleanStaleTempDirs, createTempRunDir, publishRunDir } from '../output-dir.js';
import { createProgress, type ProgressSpan, SILENT_PROGRESS } from '../progress.js';
import type { RunSummary } from '../run-summary.js';
import { formatTable, isoDate, num, pct } from '../table.js';
import { validateModelFile } from './check.js';
import { writeReport } from './report.js';

/** Flags of `omni backtest`. */
export interface BacktestFlags {
  readonly data?: string;
  readonly symbol?: string;
  readonly from?: string;
  readonly to?: string;
  readonly out?: string;
  readonly model?: string;
  readonly momentumOnly?: boolean;
  /** Walk-forward retraining period, e.g. `1y`. */
  readonly retrainEvery?: string;
  readonly quiet?: boolean;
  /** Who lifts a tripped cooldown: `next-session` (default) or `never`. */
  readonly operatorReview?: string;
}

/**
 * The default window of a backtest: with the bundled model on bundled data and no `--from`, start
 * the day after the model's training cutoff, so the model never trades on prices it was fitted on.
 * Returns the effective `fromMs` and a note for the user (undefined when there is nothing to say).
 */
export function outOfSampleStart(
  usesBundledModel: boolean,
  bundledData: boolean,
  fromMs: number | undefined,
): { fromMs: number | undefined; note: string | undefined } {
  if (!usesBundledModel) return { fromMs, note: undefined };
  const cutoffEnd = endOfUtcDay(DEFAULT_TRAINING_CUTOFF);
  if (fromMs === undefined && bundledData) {
    return {
      fromMs: cutoffEnd + 1,
      note: `backtest starts after ${DEFAULT_TRAINING_CUTOFF}: the bundled sequence model was trained on data up to that day (pass --from to change it)`,
    };
  }
  if (fromMs !== undefined && fromMs <= cutoffEnd && bundledData) {
    return {
      fromMs,
      note: `note: before ${DEFAULT_TRAINING_CUTOFF} the bundled sequence model is in sample (it was trained on those prices); use --momentum-only or a later --from for an honest test`,
    };
  }
  return { fromMs, note: undefined };
}

/**
 * Runs a backtest into `flags.out`. The path is checked first (see {@link checkOutputDir}: only a
 * run folder the engine wrote is ever replaced). Everything is written to a marked sibling temp
 * folder and moved into place only when the run succeeded, so a failed run leaves no half-written
 * output; temp folders of killed runs are removed at the next start.
 */
export async function runBacktest(config: OmniConfig, flags: BacktestFlags, io: CliIo): Promise<RunSummary> {
  const selection = selectData({ ...flags, defaultSymbol: config.symbols[0] });
  const usesBundledModel =
    !flags.momentumOnly && flags.model === undefined && config.seqModelOnnx === undefined;
  const window = outOfSampleStart(usesBundledModel, selection.bundled, parseTimeBound(flags.from, '--from'));
  if (window.note && !flags.quiet) io.err(window.note);
  const fromMs = window.fromMs;
  const toMs = parseTimeBound(flags.to, '--to');
  // Like the other flags, a bad period fails before anything is read or written.
  if (flags.retrainEvery !== undefined) parseRetrainPeriod(flags.retrainEvery);
  // Checked before anything is touched: the engine replaces only a run folder it wrote.
  const outDir = checkOutputDir(flags.out ?? 'omni-runs/latest', {
    inputs: [selection.path, ...(flags.model !== undefined ? [flags.model] : [])],
  }).path;
  // An explicit --model that cannot be loaded is bad input: without this check the engine would
  // fall back to the momentum model and the run would silently not be the one asked for.
  if (flags.model !== undefined && !flags.momentumOnly) {
    const model = resolve(flags.model);
    const check = await validateModelFile(model);
    if (!check.ok) {
      throw new RuntimeError('RUNTIME_BAD_INPUT', `--model cannot be loaded: ${check.reason}`, {
        file: model,
      });
    }
  }
  parseOperatorReview(flags.operatorReview); // bad input fails before anything is read or written
  // Checked before anything is written, without reading the whole file: the header and the rows up
  // to the first tick (a file without ticks fails here), and the --from/--to range against the
  // first tick and the last row. Later bad rows stop the run, whose temp folder is then removed.
  const peek = await peekSeries(selection);
  if (
    (toMs !== undefined && toMs < peek.firstTsMs) ||
    (fromMs !== undefined && peek.lastTsMs !== undefined && fromMs > peek.lastTsMs)
  ) {
    throw noTicksError(selection);
  }
  const span =
    peek.lastTsMs === undefined
      ? undefined
      : {
          fromMs: Math.max(peek.firstTsMs, fromMs ?? peek.firstTsMs),
          toMs: Math.min(peek.lastTsMs, toMs ?? peek.lastTsMs),
        };

  for (const stale of cleanStaleTempDirs(outDir)) {
    if (!flags.quiet) io.err(`removed ${stale}, left by a run that was killed`);
  }
  const temp = createTempRunDir(outDir);
  try {
    // The report's chart: a bounded sketch the engine feeds with every tick it processes.
    const prices = new PriceSketch();
    const summary = await backtestInto(
      temp,
      outDir,
      config,
      selection,
      flags,
      { fromMs, toMs, progress: span, usesBundledModel, prices },
      io,
    );
    if (prices.count === 0) throw noTicksError(selection);
    await writeReport(temp, { summary, prices: prices.points() });
    publishRunDir(temp, outDir);
    return summary;
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    throw err;
  }
}

async function backtestInto(
  dir: string,
  outDir: string,
  config: OmniConfig,
  selection: DataSelection,
  flags: BacktestFlags,
  span: {
    fromMs: number | undefined;
    toMs: number | undefined;
    progress: ProgressSpan | undefined;
    usesBundledModel: boolean;
    prices: PriceSketch;
  },
  io: CliIo,
): Promise<RunSummary> {
  const engine = new BacktestEngine({
    config,
    symbol: selection.symbol,
    dataLabel: selection.path,
    ...(flags.retrainEvery !== undefined ? { retrainEveryMs: parseRetrainPeriod(flags.retrainEvery) } : {}),
    operatorReview: parseOperatorReview(flags.operatorReview),
    ...(flags.momentumOnly ? { modelPath: null } : flags.model ? { modelPath: resolve(flags.model) } : {}),
  });
  const progress = flags.quiet ? SILENT_PROGRESS : createProgress(io, 'backtest', span.progress);
  // Bad rows stop the run (policy `reject`), so the replay raises no alerts of its own.
  const feed = replayFeed(selection);
  try {
    const summary = await engine.run(feed, {
      runDir: dir,
      ...(span.fromMs !== undefined ? { fromMs: span.fromMs } : {}),
      ...(span.toMs !== undefined ? { toMs: span.toMs } : {}),
      progressEvery: 250,
      prices: span.prices,
      onProgress: (p) => progress.update(p.ticks, p.tsMs, p.decisions),
    });
    const runSummary: RunSummary = {
      ...summary,
      run: {
        ...summary.run,
        bundledData: selection.bundled,
        outDir,
        modelTrainedThrough: span.usesBundledModel ? DEFAULT_TRAINING_CUTOFF : null,
      },
    };
    writeJsonAtomic(join(dir, 'summary.json'), runSummary);
    return runSummary;
  } finally {
    progress.stop();
  }
}

/** The summary line of the modelled operator's reviews. */
function operatorReviewLine(s: RunSummary): string {
  const review = s.safety.operatorReview;
  if (!review) return 'none (only a real operator lifts a cooldown)';
  const n = review.reviews.length;
  if (review.policy === 'never') return 'never (a cooldown lasts for the rest of the run)';
  return n === 0
    ? 'next-session; none needed'
    : `next-session; ${n} cooldown${n === 1 ? '' : 's'} lifted (first ${review.reviews[0]?.at.slice(0, 10)}, last ${review.reviews[n - 1]?.at.slice(0, 10)})`;
}

/** `--operator-review`: `next-session` (default) or `never`; anything else is bad input. */
export function parseOperatorReview(text: string | undefined): OperatorReviewPolicy {
  if (text === undefined || text === 'next-session' || text === 'never') return text ?? 'next-session';
  throw new RuntimeError('RUNTIME_BAD_INPUT', '--operator-review must be next-session or never', {
    '--operator-review': text,
  });
}

/** The files a run may write, in the order the summary names them. */
const RUN_FILES = [
  'summary.json',
  'trades.jsonl',
  'decisions.jsonl',
  'counterfactual.jsonl',
  'alerts.jsonl',
  'report.html',
] as const;

/**
 * Why the run did or did not trade: each stage with its ticks and share, and for the gates that
 * stop trades what their candidates would have done (settled counterfactual outcomes, never in PnL);
 * then placed trades and blocked ticks per year. Empty for a summary without a funnel (older runs).
 */
export function formatFunnel(s: RunSummary): string {
  const funnel = s.funnel as RunSummary['funnel'] | undefined;
  if (!funnel) return '';
  const stages = formatTable(
    ['where ticks ended', 'ticks', 'share', 'would-be trades settled', 'win rate', 'avg R'],
    [
      ...funnelRows(funnel).map((r) => [
        r.stage === 'traded' && r.explored ? `${r.label} (${r.explored} by exploration)` : r.label,
        String(r.ticks),
        pct(r.share),
        r.counterfactual ? String(r.counterfactual.settled) : '',
        r.counterfactual ? pct(r.counterfactual.winRate) : '',
        r.counterfactual ? num(r.counterfactual.avgR) : '',
      ]),
      ['total', String(funnel.ticks), pct(funnel.ticks > 0 ? 1 : null), '', '', ''],
    ],
  );
  const years = formatTable(
    ['year', 'ticks', 'blocked', 'trades placed', 'by exploration'],
    funnel.years.map((y) => [
      String(y.year),
      String(y.ticks),
      String(y.blocked),
      String(y.traded),
      String(y.explored),
    ]),
  );
  return `${stages}

${years}`;
}

/** The summary table printed at the end of a run; it names only the files that are there. */
export function formatBacktestSummary(s: RunSummary): string {
  const head = formatTable(
    ['metric', 'value'],
    [
      ['symbol', s.run.symbol],
      [
        'period',
        s.firstTsMs !== null && s.lastTsMs !== null
          ? `${isoDate(s.firstTsMs)} → ${isoDate(s.lastTsMs)}`
          : '—',
      ],
      ['ticks', String(s.ticks)],
      ['decisions', String(s.run.decisions)],
      ['trades', String(s.trades)],
      ['win rate', pct(s.winRate)],
      ['PnL (USD)', num(s.pnl)],
      ['final balance', num(s.finalBalance)],
      ['max drawdown', `${num(s.maxDrawdown)} (${pct(s.maxDrawdownPct)})`],
      ['Sharpe (ann.)', num(s.sharpe)],
      ['Sortino (ann.)', num(s.sortino)],
      ['profit factor', num(s.profitFactor)],
      ['Brier', num(s.brier, 4)],
      ['model', s.run.model],
      ['operator reviews', operatorReviewLine(s)],
      [
        'safety',
        s.safety.cooldown
          ? `cooldown since ${s.safety.cooldown.since.slice(0, 10)} (${s.safety.cooldown.limit}); ${s.safety.blockedTicks} ticks blocked`
          : `${s.safety.mode}; ${s.safety.blockedTicks} ticks blocked`,
      ],
      ['open at end', String(s.run.openAtEnd)],
    ],
  );
  const engines = formatTable(
    ['engine', 'trades', 'win rate', 'PnL', 'fees', 'avg R'],
    Object.entries(s.byEngine).map(([engine, e]) => [
      engine,
      String(e.trades),
      pct(e.winRate),
      num(e.pnl),
      num(e.fees),
      num(e.avgR),
    ]),
  );
  const files = RUN_FILES.filter((f) => existsSync(join(s.run.outDir, f)));
  const noDecisions =
    s.run.decisions === 0
      ? `\nno decisions were taken: ${s.ticks} ticks were too few for the engine's warm-up (it needs a full price window)`
      : '';
  const funnel = formatFunnel(s);
  return `${head}\n\n${engines}\n\n${funnel ? `${funnel}\n\n` : ''}wrote ${s.run.outDir}/{${files.join(',')}}${noDecisions}`;
}

export type { RunSummary } from '../run-summary.js';
