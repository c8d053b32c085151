import type { CounterfactualGate, TradeOutcome } from '@omni/core';
import { FUNNEL_STAGES, type FunnelStage, type FunnelSummary } from '@omni/runtime';

/** What each funnel stage means, for people. */
const STAGE_LABELS: Readonly<Record<FunnelStage, string>> = {
  'warming-up': 'warming up',
  blocked: 'blocked by safety (cooldown, reduce-only, frozen, stale)',
  'no-setup': 'no fib setup',
  regime: 'regime learner stood aside',
  confidence: 'below the calibrated confidence',
  sizing: 'no stake, size or route',
  veto: 'vetoed',
  aside: 'stood aside (no gate named)',
  safety: 'refused by SafetyManager',
  rejected: 'rejected by the venue',
  traded: 'traded',
};

const COUNTERFACTUAL: ReadonlySet<FunnelStage> = new Set<FunnelStage>([
  'regime',
  'confidence',
  'sizing',
  'veto',
  'safety',
]);

/** One row of the funnel table: a stage, its ticks and what the candidates it stopped would have done. */
export interface FunnelRow {
  readonly stage: FunnelStage;
  readonly label: string;
  readonly ticks: number;
  /** Share of all ticks. */
  readonly share: number;
  /** Trades taken by exploration (stage `traded` only). */
  readonly explored: number | null;
  /** Counterfactual outcomes settled, their win rate and mean R (null: not a counterfactual gate, or none settled). */
  readonly counterfactual: {
    readonly settled: number;
    readonly winRate: number | null;
    readonly avgR: number | null;
  } | null;
}

/**
 * The funnel as table rows, in funnel order: stages no tick reached are left out, except `traded`
 * (a run that never traded says so). The ticks of the rows add up to `funnel.ticks`.
 */
export function funnelRows(funnel: FunnelSummary): FunnelRow[] {
  const rows: FunnelRow[] = [];
  for (const stage of FUNNEL_STAGES) {
    const ticks = funnel.stages[stage];
    if (ticks === 0 && stage !== 'traded') continue;
    const tally = COUNTERFACTUAL.has(stage) ? funnel.counterfactual[stage as CounterfactualGate] : undefined;
    rows.push({
      stage,
      label: STAGE_LABELS[stage],
      ticks,
      share: funnel.ticks > 0 ? ticks / funnel.ticks : 0,
      explored: stage === 'traded' ? funnel.explored : null,
      counterfactual: tally
        ? {
            settled: tally.settled,
            winRate: tally.settled > 0 ? tally.wins / tally.settled : null,
            avgR: tally.settled > 0 ? tally.sumR / tally.settled : null,
          }
        : null,
    });
  }
  return rows;
}

/** One year of the trades-by-year table. */
export interface YearRow {
  readonly year: number;
  /** From the funnel (null when the summary has none): ticks, blocked ticks, trades placed, of which explored. */
  readonly ticks: number | null;
  readonly blocked: number | null;
  readonly placed: number | null;
  readonly explored: number | null;
  /** From trades.jsonl, by the year each trade was entered: settled trades, wins, PnL. */
  readonly trades: number;
  readonly wins: number;
  readonly pnl: number;
}

/**
 * Trades by year (UTC, by entry time) from the trades journal, beside the funnel's ticks, blocked
 * ticks and placed trades of the same year; every year either knows is listed, oldest first.
 */
export function yearRows(funnel: FunnelSummary | undefined, trades: readonly TradeOutcome[]): YearRow[] {
  const byYear = new Map<number, { trades: number; wins: number; pnl: number }>();
  for (const t of trades) {
    const year = new Date(t.entryTs).getUTCFullYear();
    const y = byYear.get(year) ?? { trades: 0, wins: 0, pnl: 0 };
    y.trades++;
    if (t.pnl > 0) y.wins++;
    y.pnl += t.pnl;
    byYear.set(year, y);
  }
  const years = new Set<number>([...byYear.keys(), ...(funnel?.years.map((y) => y.year) ?? [])]);
  return [...years]
    .sort((a, b) => a - b)
    .map((year) => {
      const f = funnel?.years.find((y) => y.year === year);
      const t = byYear.get(year) ?? { trades: 0, wins: 0, pnl: 0 };
      return {
        year,
        ticks: f ? f.ticks : funnel ? 0 : null,
        blocked: f ? f.blocked : funnel ? 0 : null,
        placed: f ? f.traded : funnel ? 0 : null,
        explored: f ? f.explored : funnel ? 0 : null,
        ...t,
      };
    });
}
