import { analyzeSeries, type SeriesAnalysis } from '@omni/fib-core';
import { type DataSelection, parseTimeBound, readSeries, selectData } from '../data-source.js';
import { formatTable, isoDate, num } from '../table.js';

/** Options of `omni analyze`. */
export interface AnalyzeOptions {
  readonly data?: string;
  readonly symbol?: string;
  readonly from?: string;
  readonly to?: string;
  readonly json?: boolean;
  /** Swing size in ATR multiples. Default 3. */
  readonly atrMultiple?: number;
}

/** The analysis of a series with the data it ran on. */
export interface AnalyzeResult {
  readonly selection: DataSelection;
  readonly ticks: number;
  readonly firstTsMs: number;
  readonly lastTsMs: number;
  readonly analysis: SeriesAnalysis;
}

/** Runs fib-core's `analyzeSeries` on the selected data. */
export async function runAnalyze(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const selection = selectData(options);
  const ticks = await readSeries(selection, {
    fromMs: parseTimeBound(options.from, '--from'),
    toMs: parseTimeBound(options.to, '--to'),
  });
  const analysis = analyzeSeries(
    ticks.map((t) => ({ tsMs: t.tsMs, price: t.price })),
    { swing: { mode: 'atr', multiple: options.atrMultiple ?? 3, atrPeriod: 14 } },
  );
  return {
    selection,
    ticks: ticks.length,
    firstTsMs: ticks[0]?.tsMs ?? 0,
    lastTsMs: ticks[ticks.length - 1]?.tsMs ?? 0,
    analysis,
  };
}

/** The human-readable form of an analysis. */
export function formatAnalysis(result: AnalyzeResult): string {
  const a = result.analysis;
  const out: string[] = [];
  out.push(
    `${result.selection.symbol}: ${result.ticks} prices ${isoDate(result.firstTsMs)} → ${isoDate(result.lastTsMs)} (${result.selection.path})`,
  );
  out.push('', `Confirmed swings (${a.swings.length}; last 12):`);
  out.push(
    formatTable(
      ['date', 'kind', 'price'],
      a.swings.slice(-12).map((s) => [isoDate(s.tsMs), s.kind, String(s.price)]),
    ),
  );
  if (a.levels) {
    out.push('', `Fib levels of the last leg (${a.levels.direction} ${a.levels.start} → ${a.levels.end}):`);
    out.push(
      formatTable(
        ['level', 'price'],
        [...a.levels.retracements, ...a.levels.extensions].map((l) => [String(l.ratio), num(l.price, 5)]),
      ),
    );
  }
  out.push('', `Support/resistance zones (k = ${a.zones.k}, silhouette ${num(a.zones.silhouette, 3)}):`);
  out.push(
    formatTable(
      ['center', 'low', 'high', 'touches', 'strength'],
      a.zones.zones.map((z) => [
        num(z.center, 5),
        num(z.low, 5),
        num(z.high, 5),
        String(z.touches),
        num(z.strength, 2),
      ]),
    ),
  );
  out.push('', `Elliott counts completed (${a.waveCounts.length}; last 8):`);
  out.push(
    formatTable(
      ['from', 'to', 'structure', 'direction', 'score'],
      a.waveCounts.slice(-8).map((w) => {
        const first = w.count.swings[0];
        const last = w.count.swings[w.count.swings.length - 1];
        return [
          first ? isoDate(first.tsMs) : '—',
          last ? isoDate(last.tsMs) : '—',
          w.count.structure,
          w.count.direction,
          num(w.count.score, 2),
        ];
      }),
    ),
  );
  if (a.wave.kind === 'count') {
    out.push(
      '',
      `Now: ${a.wave.position} (${a.wave.nextDirection}), invalidation ${a.wave.invalidation}; targets ${a.wave.targets
        .map((t) => `${t.label} @ ${num(t.price, 5)}`)
        .join('; ')}`,
    );
  } else {
    out.push('', `Now: no valid wave count (${a.wave.reason})`);
  }
  out.push('', `Harmonic patterns completed (${a.harmonics.length}):`);
  out.push(
    formatTable(
      ['D date', 'pattern', 'direction', 'score', 'PRZ'],
      a.harmonics.map((h) => [
        isoDate(h.points.D.tsMs),
        h.pattern,
        h.direction,
        num(h.score, 2),
        `${num(h.prz[0], 5)}–${num(h.prz[1], 5)}`,
      ]),
    ),
  );
  if (a.forming.length > 0)
    out.push('', `Forming now: ${a.forming.map((f) => JSON.stringify(f)).join('; ')}`);
  return out.join('\n');
}
