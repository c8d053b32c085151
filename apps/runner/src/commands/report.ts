import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeError, readJournal, type TradeOutcome, TradeOutcomeSchema } from '@omni/core';
import { analyzeSeries } from '@omni/fib-core';
import { noTicksError, sketchSeries } from '../data-source.js';
import { funnelRows, yearRows } from '../funnel-rows.js';
import { type ReportEquityPoint, type ReportPricePoint, type ReportZone, renderReport } from '../report.js';
import type { RunSummary } from '../run-summary.js';
import { isoDate, num, pct } from '../table.js';

/**
 * The realised equity curve rebuilt from the trades journal, sampled at `timesMs` (the price
 * chart's times, ascending): at each time, the starting balance plus the PnL of every trade
 * settled at or before it, and the drawdown from the running peak. Sampling on the price times
 * keeps the equity and drawdown charts on the same (trading-day) time axis as the price chart;
 * lightweight-charts spaces points by index, so a curve with one point per trade would squeeze
 * decades without trades into one step.
 */
export function equityFromTrades(
  startingBalance: number,
  trades: readonly TradeOutcome[],
  timesMs: readonly number[],
): ReportEquityPoint[] {
  const settled = [...trades].sort(bySettleTs);
  let equity = startingBalance;
  let peak = startingBalance;
  let next = 0;
  const points: ReportEquityPoint[] = [];
  for (const tsMs of timesMs) {
    for (; next < settled.length && (settled[next] as TradeOutcome).settleTs <= tsMs; next++) {
      equity += (settled[next] as TradeOutcome).pnl;
      if (equity > peak) peak = equity;
    }
    points.push({ tsMs, equity, drawdown: peak - equity });
  }
  return points;
}

// Loops and module-level comparators rather than callbacks made per report: a sweep writes a report
// per run, and V8 recompiles a per-call callback after every full GC (docs/sweeps.md).
const bySettleTs = (a: TradeOutcome, b: TradeOutcome): number => a.settleTs - b.settleTs;
const ascending = (a: number, b: number): number => a - b;

/**
 * The times the equity and drawdown curves are sampled at: the price chart's times and every
 * trade's settle time (so each step of the realised equity sits at its exact time), ascending, once.
 */
export function equityTimes(prices: readonly ReportPricePoint[], trades: readonly TradeOutcome[]): number[] {
  const times: number[] = [];
  for (const p of prices) times.push(p.tsMs);
  for (const t of trades) times.push(t.settleTs);
  times.sort(ascending);
  const once: number[] = [];
  for (let i = 0; i < times.length; i++) {
    const t = times[i] as number;
    if (i === 0 || t !== times[i - 1]) once.push(t);
  }
  return once;
}

/**
 * Writes `report.html` into a run directory from its summary (with its decision funnel), trades
 * journal (every trade, exact) and the chart's prices — a bounded sketch of the run's series
 * (see PriceSketch), never the whole series.
 */
export async function writeReport(
  dir: string,
  input: { summary: RunSummary; prices: readonly ReportPricePoint[] },
): Promise<string> {
  const { summary, prices } = input;
  const trades = (await readJournal(join(dir, 'trades.jsonl'), { schema: TradeOutcomeSchema })).records;
  // Summaries written before decision funnels existed have none.
  const funnel = summary.funnel as RunSummary['funnel'] | undefined;
  const analysis = analyzeSeries(prices, { swing: { mode: 'atr', multiple: 3, atrPeriod: 14 } });
  const zones: ReportZone[] = analysis.zones.zones.map((z) => ({
    low: z.low,
    high: z.high,
    strength: z.strength * 5,
    label: `zone ${num(z.center, 5)}`,
  }));
  const html = renderReport({
    title: `Omni-Trifecta ${summary.run.mode} — ${summary.run.symbol}`,
    symbol: summary.run.symbol,
    headline: [
      ['PnL (USD)', num(summary.pnl)],
      ['final balance', num(summary.finalBalance)],
      ['trades', String(summary.trades)],
      ['win rate', pct(summary.winRate)],
      ['max drawdown', pct(summary.maxDrawdownPct)],
      ['Sharpe', num(summary.sharpe)],
      ['Sortino', num(summary.sortino)],
      ['profit factor', num(summary.profitFactor)],
    ],
    prices,
    zones,
    trades,
    equity: equityFromTrades(summary.startingBalance, trades, equityTimes(prices, trades)),
    engines: Object.entries(summary.byEngine).map(([engine, e]) => ({
      engine,
      trades: e.trades,
      winRate: e.winRate,
      pnl: e.pnl,
      fees: e.fees,
      avgR: e.avgR,
    })),
    funnel: funnel ? funnelRows(funnel) : null,
    years: yearRows(funnel, trades),
    config: summary.config,
    notes: [
      `data: ${summary.run.data}${summary.run.bundledData ? ' (bundled real daily FX rates)' : ''}`,
      summary.firstTsMs !== null && summary.lastTsMs !== null
        ? `period: ${isoDate(summary.firstTsMs)} → ${isoDate(summary.lastTsMs)}, ${summary.ticks} ticks`
        : `${summary.ticks} ticks`,
      `seed ${summary.run.seed}; sequence model ${summary.run.model}; ${summary.run.decisions} decisions; ${summary.run.openAtEnd} trades open at the end (not counted)`,
      'fills and outcomes: docs/fill-assumptions.md; arbitrage trades run on synthetic pools and are labelled so',
      operatorReviewNote(summary),
      `price chart: ${prices.length} points for ${summary.ticks} ticks (first, low, high and last of equal runs of ticks); every trade at its exact entry and exit`,
      `zones: k-means over confirmed swings of the charted prices (k = ${analysis.zones.k})`,
    ],
  });
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  return file;
}

/**
 * `omni report DIR`: re-renders report.html from the run's summary.json, trades.jsonl and data
 * file, streamed once through a bounded PriceSketch (memory does not grow with the file).
 */
export async function runReport(dir: string): Promise<string> {
  const summaryFile = join(dir, 'summary.json');
  if (!existsSync(summaryFile)) {
    throw new RuntimeError('RUNTIME_BAD_INPUT', 'not a run directory: summary.json is missing', { dir });
  }
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary;
  const selection = { path: summary.run.data, symbol: summary.run.symbol, bundled: summary.run.bundledData };
  const sketch = await sketchSeries(selection, {
    ...(summary.run.from ? { fromMs: Date.parse(summary.run.from) } : {}),
    ...(summary.run.to ? { toMs: Date.parse(summary.run.to) } : {}),
  });
  if (sketch.count === 0) throw noTicksError(selection);
  return writeReport(dir, { summary, prices: sketch.points() });
}

/** What the report says about who lifted cooldowns (older summaries have no such field). */
function operatorReviewNote(summary: RunSummary): string {
  const review = summary.safety.operatorReview;
  if (!review) return 'cooldowns: only a real operator lifts them (omni safety reset)';
  if (review.policy === 'never') return 'cooldowns: never lifted in this run (--operator-review never)';
  const at = review.reviews.map((r) => r.at.slice(0, 10));
  return at.length === 0
    ? 'cooldowns: a modelled operator would lift one at the start of the next session; none tripped'
    : `cooldowns: a modelled operator lifted ${at.length} at the start of the next session (${at.join(', ')})`;
}
