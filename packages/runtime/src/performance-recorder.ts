import { MARKETS, type Market, RuntimeError, rewardR, type TradeOutcome } from '@omni/core';

const DAY_MS = 86_400_000;

/** Per-engine statistics in a {@link PerformanceSummary}. */
export interface EngineStats {
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRate: number | null;
  readonly pnl: number;
  readonly fees: number;
  /** Mean realised R (pnl / initial risk) over trades that reported their risk; spot only in practice. */
  readonly avgR: number | null;
  /** Arbitrage: flash swaps that reverted (counted in `trades`; each lost its gas). 0 for other engines. */
  readonly reverts: number;
}

/** Everything `summary.json` reports about a run. Money in USD. */
export interface PerformanceSummary {
  readonly ticks: number;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly pnl: number;
  readonly fees: number;
  readonly startingBalance: number;
  readonly finalBalance: number;
  readonly returnPct: number;
  readonly winRate: number | null;
  /** Largest peak-to-trough fall of the realised equity curve, USD. */
  readonly maxDrawdown: number;
  /** The same as a fraction of the peak. */
  readonly maxDrawdownPct: number;
  /** Annualised Sharpe of daily equity returns (UTC days), risk-free rate 0. */
  readonly sharpe: number | null;
  /** Annualised Sortino of daily equity returns (downside deviation, target 0). */
  readonly sortino: number | null;
  /** Gross profit / gross loss; null without losses. */
  readonly profitFactor: number | null;
  /** Fraction of the run's time span with at least one open trade. */
  readonly exposure: number;
  /** Brier score of the calibrated confidence against win/loss; null when no confidence was recorded. */
  readonly brier: number | null;
  readonly byEngine: Readonly<Record<Market, EngineStats>>;
  readonly firstTsMs: number | null;
  readonly lastTsMs: number | null;
}

/** A point of the realised equity curve. */
export interface EquityPoint {
  readonly tsMs: number;
  readonly equity: number;
  /** Distance below the running peak, USD (>= 0). */
  readonly drawdown: number;
}

/** Options of a {@link PerformanceRecorder}. */
export interface PerformanceRecorderOptions {
  readonly startingBalanceUsd: number;
  /** Periods per year for annualising daily Sharpe/Sortino. Default 252 (FX business days). */
  readonly periodsPerYear?: number;
}

/** Extra facts about a trade that its outcome record does not carry. */
export interface TradeContext {
  /** The calibrated confidence the decision was taken with. */
  readonly confidence?: number;
  /** USD lost if the stop is hit (spot) — the "1R" of the trade. */
  readonly riskUsd?: number;
}

interface MutableEngineStats {
  trades: number;
  wins: number;
  losses: number;
  pnl: number;
  fees: number;
  rSum: number;
  rCount: number;
  reverts: number;
}

/**
 * The specification's PerformanceRecorder: balance and realised equity curve, PnL, win rate and
 * count per engine, average R, max drawdown, Sharpe and Sortino, profit factor, exposure and the
 * Brier score of the calibrated confidence. `noteTick` is O(1); `summary` is O(trades log trades).
 *
 * @example
 * const perf = new PerformanceRecorder({ startingBalanceUsd: 10_000 });
 * perf.noteTick(tick.tsMs);
 * perf.recordTrade(outcome, { confidence: 0.61 });
 * perf.summary().sharpe;
 */
export class PerformanceRecorder {
  readonly #start: number;
  readonly #periodsPerYear: number;
  #balance: number;
  #peak: number;
  #maxDd = 0;
  #maxDdPct = 0;
  #ticks = 0;
  #firstTs: number | null = null;
  #lastTs: number | null = null;
  #day = Number.NaN;
  #dayOpenBalance = 0;
  readonly #dailyReturns: number[] = [];
  readonly #curve: EquityPoint[] = [];
  readonly #intervals: Array<[number, number]> = [];
  readonly #engines: Record<Market, MutableEngineStats>;
  #grossProfit = 0;
  #grossLoss = 0;
  #brierSum = 0;
  #brierCount = 0;

  constructor(options: PerformanceRecorderOptions) {
    if (!(options.startingBalanceUsd > 0)) {
      throw new RuntimeError('RUNTIME_BAD_INPUT', 'startingBalanceUsd must be > 0', {
        startingBalanceUsd: options.startingBalanceUsd,
      });
    }
    this.#start = options.startingBalanceUsd;
    this.#periodsPerYear = options.periodsPerYear ?? 252;
    this.#balance = this.#start;
    this.#peak = this.#start;
    this.#engines = {
      binary: emptyStats(),
      spot: emptyStats(),
      arbitrage: emptyStats(),
    };
  }

  /** Current realised balance. */
  get balance(): number {
    return this.#balance;
  }

  /** The realised equity curve, one point per settled trade. */
  get equityCurve(): readonly EquityPoint[] {
    return this.#curve;
  }

  /** Counts a tick and closes the previous UTC day for the daily return series. O(1). */
  noteTick(tsMs: number): void {
    this.#ticks++;
    if (this.#firstTs === null) this.#firstTs = tsMs;
    this.#lastTs = tsMs;
    const day = Math.floor(tsMs / DAY_MS);
    if (day !== this.#day) {
      if (!Number.isNaN(this.#day)) this.#closeDay();
      this.#day = day;
      this.#dayOpenBalance = this.#balance;
    }
  }

  /** Books a settled trade. */
  recordTrade(outcome: TradeOutcome, context: TradeContext = {}): void {
    const stats = this.#engines[outcome.engine];
    const win = outcome.pnl > 0;
    stats.trades++;
    stats.pnl += outcome.pnl;
    stats.fees += outcome.fees;
    if (win) stats.wins++;
    else if (outcome.pnl < 0) stats.losses++;
    if (outcome.exit?.kind === 'atomic' && outcome.exit.result !== 'filled') stats.reverts++;
    const r = context.riskUsd === undefined ? null : rewardR(outcome.pnl, context.riskUsd);
    if (r !== null) {
      stats.rSum += r;
      stats.rCount++;
    }
    if (outcome.pnl > 0) this.#grossProfit += outcome.pnl;
    else this.#grossLoss -= outcome.pnl;
    if (context.confidence !== undefined) {
      const y = win ? 1 : 0;
      const miss = context.confidence - y;
      // miss * miss, not ** 2: multiplications round the same on every Node version (issue 18).
      this.#brierSum += miss * miss;
      this.#brierCount++;
    }
    this.#balance += outcome.pnl;
    if (this.#balance > this.#peak) this.#peak = this.#balance;
    const dd = this.#peak - this.#balance;
    if (dd > this.#maxDd) this.#maxDd = dd;
    const ddPct = this.#peak > 0 ? dd / this.#peak : 0;
    if (ddPct > this.#maxDdPct) this.#maxDdPct = ddPct;
    this.#curve.push({ tsMs: outcome.settleTs, equity: this.#balance, drawdown: dd });
    this.#intervals.push([outcome.entryTs, outcome.settleTs]);
    if (this.#firstTs === null || outcome.entryTs < this.#firstTs) this.#firstTs = outcome.entryTs;
    if (this.#lastTs === null || outcome.settleTs > this.#lastTs) this.#lastTs = outcome.settleTs;
  }

  /** The run's statistics so far. */
  summary(): PerformanceSummary {
    const returns = [...this.#dailyReturns];
    if (!Number.isNaN(this.#day) && this.#dayOpenBalance > 0) {
      returns.push((this.#balance - this.#dayOpenBalance) / this.#dayOpenBalance);
    }
    const byEngine = {} as Record<Market, EngineStats>;
    let trades = 0;
    let wins = 0;
    let losses = 0;
    let fees = 0;
    for (const market of MARKETS) {
      const s = this.#engines[market];
      trades += s.trades;
      wins += s.wins;
      losses += s.losses;
      fees += s.fees;
      byEngine[market] = {
        trades: s.trades,
        wins: s.wins,
        losses: s.losses,
        winRate: s.trades > 0 ? s.wins / s.trades : null,
        pnl: s.pnl,
        fees: s.fees,
        avgR: s.rCount > 0 ? s.rSum / s.rCount : null,
        reverts: s.reverts,
      };
    }
    const pnl = this.#balance - this.#start;
    return {
      ticks: this.#ticks,
      trades,
      wins,
      losses,
      pnl,
      fees,
      startingBalance: this.#start,
      finalBalance: this.#balance,
      returnPct: pnl / this.#start,
      winRate: trades > 0 ? wins / trades : null,
      maxDrawdown: this.#maxDd,
      maxDrawdownPct: this.#maxDdPct,
      sharpe: sharpeRatio(returns, this.#periodsPerYear),
      sortino: sortinoRatio(returns, this.#periodsPerYear),
      profitFactor: this.#grossLoss > 0 ? this.#grossProfit / this.#grossLoss : null,
      exposure: exposureFraction(this.#intervals, this.#firstTs, this.#lastTs),
      brier: this.#brierCount > 0 ? this.#brierSum / this.#brierCount : null,
      byEngine,
      firstTsMs: this.#firstTs,
      lastTsMs: this.#lastTs,
    };
  }

  #closeDay(): void {
    if (this.#dayOpenBalance > 0) {
      this.#dailyReturns.push((this.#balance - this.#dayOpenBalance) / this.#dayOpenBalance);
    }
  }
}

function emptyStats(): MutableEngineStats {
  return { trades: 0, wins: 0, losses: 0, pnl: 0, fees: 0, rSum: 0, rCount: 0, reverts: 0 };
}

// The helpers below are loops and module-level functions, not callbacks made per call: V8 keeps the
// optimised code of a closure only while a closure of it lives, so a callback made anew for each run
// of a sweep is compiled again after every full GC (docs/sweeps.md, "Where the second core goes").

/** The sum of `values`, left to right from 0 (as `reduce((a, b) => a + b, 0)`). */
function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

const byStart = (a: readonly [number, number], b: readonly [number, number]): number => a[0] - b[0];

/** Annualised Sharpe ratio of periodic returns (sample std); null with < 2 returns or zero spread. */
export function sharpeRatio(returns: readonly number[], periodsPerYear: number): number | null {
  if (returns.length < 2) return null;
  const mean = sum(returns) / returns.length;
  let squares = 0;
  for (const r of returns) squares += (r - mean) * (r - mean);
  const variance = squares / (returns.length - 1);
  if (!(variance > 0)) return null;
  return (mean / Math.sqrt(variance)) * Math.sqrt(periodsPerYear);
}

/** Annualised Sortino ratio: mean over downside deviation (target 0, all periods in the denominator). */
export function sortinoRatio(returns: readonly number[], periodsPerYear: number): number | null {
  if (returns.length < 2) return null;
  const mean = sum(returns) / returns.length;
  let squares = 0;
  for (const r of returns) squares += Math.min(0, r) * Math.min(0, r);
  const downside = squares / returns.length;
  if (!(downside > 0)) return null;
  return (mean / Math.sqrt(downside)) * Math.sqrt(periodsPerYear);
}

/** Fraction of [first, last] covered by the union of the trade intervals. */
export function exposureFraction(
  intervals: ReadonlyArray<readonly [number, number]>,
  firstTs: number | null,
  lastTs: number | null,
): number {
  if (firstTs === null || lastTs === null || lastTs <= firstTs || intervals.length === 0) return 0;
  const sorted = [...intervals].sort(byStart);
  let covered = 0;
  let [curStart, curEnd] = sorted[0] as readonly [number, number];
  for (let i = 1; i < sorted.length; i++) {
    const [s, e] = sorted[i] as readonly [number, number];
    if (s <= curEnd) {
      if (e > curEnd) curEnd = e;
    } else {
      covered += curEnd - curStart;
      curStart = s;
      curEnd = e;
    }
  }
  covered += curEnd - curStart;
  return Math.min(1, covered / (lastTs - firstTs));
}
