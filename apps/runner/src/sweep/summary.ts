import { formatTable, num, pct } from '../table.js';
import type { SweepResults } from './results.js';

/** What `omni sweep` prints (`--json`: this object). */
export interface SweepSummary {
  readonly kind: 'sweep';
  readonly version: 1;
  readonly sweepId: string;
  readonly outDir: string;
  readonly runs: number;
  readonly parameterSets: number;
  /** Local worker threads, or 0 when the runs went through a queue (`ranOn` says which). */
  readonly workers: number;
  /** Where the runs ran: `1 thread`, `N worker threads`, or `the queue` (`omni worker` processes). */
  readonly ranOn: string;
  readonly selectBy: SweepResults['selectBy'];
  /** Without walk-forward: the best parameter set (see results.json `ranking`). */
  readonly best: NonNullable<SweepResults['ranking']>[number] | null;
  /** With walk-forward: the out-of-sample headline, the in-sample figures and the gap. */
  readonly walkForward: Pick<
    NonNullable<SweepResults['walkForward']>,
    'spec' | 'outOfSample' | 'inSample' | 'gapPnlPerDay'
  > | null;
}

/** The summary of a finished sweep. */
export function sweepSummary(
  results: SweepResults,
  outDir: string,
  workers: number,
  ranOn: string = workers === 1 ? '1 thread' : `${workers} worker threads`,
): SweepSummary {
  const wf = results.walkForward;
  return {
    kind: 'sweep',
    version: 1,
    sweepId: results.sweepId,
    outDir,
    runs: results.runs.length,
    parameterSets: new Set(results.runs.map((r) => r.set)).size,
    workers,
    ranOn,
    selectBy: results.selectBy,
    best: results.ranking?.[0] ?? null,
    walkForward:
      wf === null
        ? null
        : {
            spec: wf.spec,
            outOfSample: wf.outOfSample,
            inSample: wf.inSample,
            gapPnlPerDay: wf.gapPnlPerDay,
          },
  };
}

/** The text `omni sweep` prints at the end. */
export function formatSweepSummary(s: SweepSummary): string {
  const files = `wrote ${s.outDir}/{results.json,results.csv,sweep.html,runs/}`;
  const head = `${s.runs} runs (${s.parameterSets} parameter sets) on ${s.ranOn}`;
  if (s.walkForward !== null) {
    const wf = s.walkForward;
    const table = formatTable(
      [
        'walk-forward ' + `${wf.spec.inSample}/${wf.spec.outOfSample}`,
        'runs',
        'days',
        'trades',
        'win rate',
        'PnL (USD)',
        'PnL / day',
        'mean Sharpe',
      ],
      (
        [
          ['out of sample (headline)', wf.outOfSample],
          ['in sample (same sets)', wf.inSample],
        ] as const
      ).map(([label, t]) => [
        label,
        String(t.runs),
        num(t.days, 0),
        String(t.trades),
        pct(t.winRate),
        num(t.pnl),
        num(t.pnlPerDay),
        num(t.meanSharpe),
      ]),
    );
    return `${head}\n\n${table}\n\noverfitting gap (in-sample minus out-of-sample PnL per day): ${num(wf.gapPnlPerDay)} (chosen by ${s.selectBy})\n${files}`;
  }
  const best = s.best;
  const bestLine =
    best === null
      ? 'no parameter set scored'
      : `best by ${s.selectBy}: set ${best.set} (${Object.entries(best.parameters)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(
            ', ',
          )}): ${s.selectBy === 'pnl' ? '' : `${s.selectBy} ${num(best.score)}, `}PnL ${num(best.pnl)} USD, ${best.trades} trades`;
  return `${head}\n${bestLine}\n${files}`;
}
