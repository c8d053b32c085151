import type { SweepValue } from './config-fields.js';
import type { SweepResults, SweepRunEntry } from './results.js';

/** An equity line of sweep.html: [tsMs, equityUsd] points. */
export interface EquitySeries {
  readonly label: string;
  readonly points: readonly (readonly [number, number])[];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
/** Above this many distinct numeric values an axis is binned. */
const MAX_AXIS_VALUES = 12;
const BINS = 10;

function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function money(x: number | null): string {
  return x === null ? '—' : x.toFixed(2);
}

/** One axis of the heatmap: labels and which cell a value falls in. */
interface Axis {
  readonly path: string;
  readonly labels: readonly string[];
  cell(value: SweepValue | undefined): number;
}

function axisOf(path: string | undefined, runs: readonly SweepRunEntry[]): Axis {
  if (path === undefined) return { path: '', labels: ['all'], cell: () => 0 };
  const values: SweepValue[] = [];
  const seen = new Set<string>();
  for (const r of runs) {
    const v = r.parameters[path];
    if (v === undefined || seen.has(JSON.stringify(v))) continue;
    seen.add(JSON.stringify(v));
    values.push(v);
  }
  const numeric = values.every((v) => typeof v === 'number');
  if (numeric) (values as number[]).sort((a, b) => a - b);
  if (!numeric || values.length <= MAX_AXIS_VALUES) {
    const keys = values.map((v) => JSON.stringify(v));
    return { path, labels: values.map(String), cell: (v) => keys.indexOf(JSON.stringify(v)) };
  }
  const lo = values[0] as number;
  const hi = values[values.length - 1] as number;
  const width = (hi - lo) / BINS;
  const bin = (v: number): number => Math.min(BINS - 1, Math.floor((v - lo) / width));
  return {
    path,
    labels: Array.from(
      { length: BINS },
      (_, i) => `${+(lo + i * width).toPrecision(4)}…${+(lo + (i + 1) * width).toPrecision(4)}`,
    ),
    cell: (v) => (typeof v === 'number' ? bin(v) : -1),
  };
}

/** A heatmap of mean PnL per cell of the first two parameters (other parameters, symbols and folds averaged). */
function heatmap(results: SweepResults, role: SweepRunEntry['window']['role'], title: string): string {
  const runs = results.runs.filter((r) => r.window.role === role);
  if (runs.length === 0) return '';
  const x = axisOf(results.parameters[0], runs);
  const y = axisOf(results.parameters[1], runs);
  const sums = new Map<string, { sum: number; n: number }>();
  for (const r of runs) {
    const key = `${x.cell(r.parameters[x.path])},${y.cell(r.parameters[y.path])}`;
    const cell = sums.get(key) ?? { sum: 0, n: 0 };
    cell.sum += r.metrics.pnl ?? 0;
    cell.n += 1;
    sums.set(key, cell);
  }
  const means = [...sums.values()].map((c) => c.sum / c.n);
  const scale = Math.max(1e-9, ...means.map(Math.abs));
  const cw = 84;
  const ch = 30;
  const left = 150;
  const top = 30;
  const width = Math.max(left + cw * x.labels.length + 10, left + 8 * x.path.length + 20);
  const height = top + ch * y.labels.length + 50;
  const cells: string[] = [];
  for (const [j, yl] of y.labels.entries()) {
    for (const [i, xl] of x.labels.entries()) {
      const c = sums.get(`${i},${j}`);
      const mean = c ? c.sum / c.n : null;
      const t = mean === null ? 0 : Math.min(1, Math.abs(mean) / scale);
      const shade = Math.round(255 - 155 * t);
      const fill =
        mean === null ? '#eee' : mean >= 0 ? `rgb(${shade},255,${shade})` : `rgb(255,${shade},${shade})`;
      const px = left + i * cw;
      const py = top + j * ch;
      const tip = `${x.path}=${xl}${y.path ? `, ${y.path}=${yl}` : ''}: mean PnL ${money(mean)} over ${c?.n ?? 0} runs`;
      cells.push(
        `<rect x="${px}" y="${py}" width="${cw - 2}" height="${ch - 2}" fill="${fill}"><title>${esc(tip)}</title></rect>`,
        `<text x="${px + cw / 2}" y="${py + ch / 2 + 4}" text-anchor="middle">${esc(money(mean))}</text>`,
      );
    }
    cells.push(`<text x="${left - 6}" y="${top + j * ch + ch / 2 + 4}" text-anchor="end">${esc(yl)}</text>`);
  }
  for (const [i, xl] of x.labels.entries()) {
    cells.push(
      `<text x="${left + i * cw + cw / 2}" y="${top + y.labels.length * ch + 16}" text-anchor="middle">${esc(xl)}</text>`,
    );
  }
  cells.push(
    `<text x="${left}" y="${height - 10}" class="axis">${esc(x.path)} →</text>`,
    `<text x="10" y="${top - 10}" class="axis">${esc(y.path || '(one parameter)')}</text>`,
  );
  return `<h2>${esc(title)}</h2><svg width="${width}" height="${height}" role="img">${cells.join('')}</svg>`;
}

/** A line chart of equity series (SVG polylines on shared axes). */
function equityChart(series: readonly EquitySeries[], title: string): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<h2>${esc(title)}</h2><p>no runs to draw</p>`;
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const w = 760;
  const h = 280;
  const pad = 60;
  const sx = (t: number): number => pad + ((t - x0) / Math.max(1, x1 - x0)) * (w - 2 * pad);
  const sy = (v: number): number => h - 30 - ((v - y0) / Math.max(1e-9, y1 - y0)) * (h - 60);
  const lines = series.map((s, i) => {
    const pts = s.points.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ');
    const color = PALETTE[i % PALETTE.length] as string;
    return `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts}"><title>${esc(s.label)}</title></polyline>`;
  });
  const legend = series
    .map((s, i) => `<span style="color:${PALETTE[i % PALETTE.length]}">■</span> ${esc(s.label)}`)
    .join(' &nbsp; ');
  const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
  const axes = [
    `<line x1="${pad}" y1="${h - 30}" x2="${w - pad}" y2="${h - 30}" stroke="#888"/>`,
    `<text x="${pad}" y="${h - 10}">${day(x0)}</text>`,
    `<text x="${w - pad}" y="${h - 10}" text-anchor="end">${day(x1)}</text>`,
    `<text x="${pad - 4}" y="${sy(y1) + 4}" text-anchor="end">${y1.toFixed(0)}</text>`,
    `<text x="${pad - 4}" y="${sy(y0) + 4}" text-anchor="end">${y0.toFixed(0)}</text>`,
  ];
  return `<h2>${esc(title)}</h2><svg width="${w}" height="${h}" role="img">${axes.join('')}${lines.join('')}</svg><p>${legend}</p>`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = head.map((c) => `<th>${esc(c)}</th>`).join('');
  // Numbers right-aligned, text left-aligned.
  const td = (c: string): string =>
    /^[-+]?[\d.,]+%?$|^—$/.test(c) ? `<td>${esc(c)}</td>` : `<td class="t">${esc(c)}</td>`;
  const tr = rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

function params(p: Readonly<Record<string, SweepValue>>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

function summarySection(results: SweepResults): string {
  const wf = results.walkForward;
  if (wf === null) {
    const rows = (results.ranking ?? [])
      .slice(0, 20)
      .map((r) => [String(r.set), params(r.parameters), money(r.score), money(r.pnl), String(r.trades)]);
    return `<h2>Parameter sets, best first by ${esc(results.selectBy)}</h2>${table(['set', 'parameters', results.selectBy, 'PnL', 'trades'], rows)}`;
  }
  const headline = table(
    ['', 'runs', 'days', 'trades', 'win rate', 'PnL', 'PnL / day', 'mean Sharpe'],
    (
      [
        ['out of sample (headline)', wf.outOfSample],
        ['in sample (same sets)', wf.inSample],
      ] as const
    ).map(([label, t]) => [
      label,
      String(t.runs),
      String(t.days),
      String(t.trades),
      t.winRate === null ? '—' : `${(t.winRate * 100).toFixed(1)}%`,
      money(t.pnl),
      money(t.pnlPerDay),
      money(t.meanSharpe),
    ]),
  );
  const folds = table(
    [
      'symbol',
      'fold',
      'chosen set',
      'parameters',
      `in-sample ${results.selectBy}`,
      'in-sample PnL',
      'out-of-sample PnL',
      'out-of-sample trades',
    ],
    wf.folds.map((f) => [
      f.symbol,
      String(f.fold),
      String(f.set),
      params(f.parameters),
      money(f.score),
      money(f.inSample.pnl),
      money(f.outOfSample.pnl),
      String(f.outOfSample.trades ?? '—'),
    ]),
  );
  return `<h2>Walk-forward ${esc(wf.spec.inSample)} in sample / ${esc(wf.spec.outOfSample)} out of sample</h2>
<p>Parameters chosen on each in-sample window by ${esc(results.selectBy)} and judged on the following out-of-sample window. Overfitting gap (in-sample minus out-of-sample PnL per day): <b>${esc(money(wf.gapPnlPerDay))}</b></p>
${headline}<h2>Folds</h2>${folds}`;
}

/**
 * sweep.html: self-contained (inline CSS and SVG, no script, no external address). The summary
 * (ranking, or the walk-forward headline and folds), heatmaps of mean PnL over the first two
 * parameters (per window role) and the equity of the chosen parameters.
 */
export function sweepHtml(results: SweepResults, equity: readonly EquitySeries[]): string {
  const wf = results.walkForward !== null;
  const maps = wf
    ? heatmap(results, 'out-of-sample', 'Mean out-of-sample PnL per run') +
      heatmap(results, 'in-sample', 'Mean in-sample PnL per run')
    : heatmap(results, 'full', 'Mean PnL per run');
  const chart = equityChart(
    equity,
    wf
      ? 'Out-of-sample equity of the chosen parameters, chained fold by fold'
      : 'Equity of the best parameter set',
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>omni sweep ${esc(results.sweepId)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td.t,th.t{text-align:left}svg text{font-size:11px}.axis{font-weight:bold}
</style></head><body>
<h1>omni sweep ${esc(results.sweepId)}</h1>
<p>${results.runs.length} runs: ${esc(results.search)} search over ${esc(results.parameters.join(', '))} on ${esc(results.symbols.join(', '))}, seed ${results.seed}. Each run is an ordinary backtest; its folder is under runs/ (see results.csv).</p>
${summarySection(results)}
${chart}
${maps}
<p>Cells: mean PnL (USD) of the runs with those values (other parameters, symbols and folds averaged); grey: no run. Hover a cell for its count.</p>
</body></html>
`;
}
