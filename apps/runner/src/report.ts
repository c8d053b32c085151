import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { stringifyJson, type TradeOutcome } from '@omni/core';
import type { FunnelRow, YearRow } from './funnel-rows.js';

/** A price point of the report's chart. */
export interface ReportPricePoint {
  readonly tsMs: number;
  readonly price: number;
}

/** A support/resistance zone drawn on the price chart. */
export interface ReportZone {
  readonly low: number;
  readonly high: number;
  readonly strength: number;
  readonly label?: string;
}

/** A point of the equity curve. */
export interface ReportEquityPoint {
  readonly tsMs: number;
  readonly equity: number;
  readonly drawdown: number;
}

/** One row of the per-engine table. */
export interface ReportEngineRow {
  readonly engine: string;
  readonly trades: number;
  readonly winRate: number | null;
  readonly pnl: number;
  readonly fees: number;
  readonly avgR: number | null;
}

/** Everything `report.html` shows. */
export interface ReportInput {
  readonly title: string;
  readonly symbol: string;
  /** Headline numbers, shown as cards in this order. */
  readonly headline: ReadonlyArray<readonly [label: string, value: string]>;
  /** The price line: a bounded sketch of the run's series (PriceSketch of @omni/runtime), in time order. */
  readonly prices: readonly ReportPricePoint[];
  readonly zones: readonly ReportZone[];
  /** Every trade: each is marked at its exact entry and exit time and price. */
  readonly trades: readonly TradeOutcome[];
  readonly equity: readonly ReportEquityPoint[];
  readonly engines: readonly ReportEngineRow[];
  /** The decision funnel (see `funnelRows`), or null for a run summarised before funnels existed. */
  readonly funnel: readonly FunnelRow[] | null;
  /** Trades by year (see `yearRows`). */
  readonly years: readonly YearRow[];
  /** The run's effective configuration (secrets already redacted by their toJSON). */
  readonly config: unknown;
  /** Provenance lines (data file, seed, version). */
  readonly notes: readonly string[];
}

let chartLibrary: string | undefined;

/** The lightweight-charts standalone bundle, read once from the installed package (no CDN). */
function chartLibrarySource(): string {
  if (chartLibrary === undefined) {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('lightweight-charts/package.json');
    chartLibrary = readFileSync(
      join(dirname(pkg), 'dist', 'lightweight-charts.standalone.production.js'),
      'utf8',
    );
  }
  return chartLibrary;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON safe to embed inside a `<script>` element (no `</script>` or `<!--` can appear). */
export function jsonForScript(value: unknown): string {
  const json = stringifyJson(value) ?? 'null'; // BigInts as strings, as in the journals
  return json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

interface ChartPoint {
  readonly time: number;
  readonly value: number;
}

// Module-level callbacks, not closures made per report: a sweep renders a report per run, and V8
// recompiles a per-call callback after every full GC (docs/sweeps.md, "Where the second core goes").
const byTime = (a: { readonly time: number }, b: { readonly time: number }): number => a.time - b.time;
const byEntryTs = (a: TradeOutcome, b: TradeOutcome): number => a.entryTs - b.entryTs;
const pricePoint = (p: ReportPricePoint): ChartPoint => ({ time: Math.floor(p.tsMs / 1000), value: p.price });
const equityPoint = (p: ReportEquityPoint): ChartPoint => ({
  time: Math.floor(p.tsMs / 1000),
  value: p.equity,
});
const drawdownPoint = (p: ReportEquityPoint): ChartPoint => ({
  time: Math.floor(p.tsMs / 1000),
  value: -p.drawdown,
});

/** The chart needs strictly increasing times: sort, and keep the last value of each second. */
export function lastPerSecond(points: readonly ChartPoint[]): ChartPoint[] {
  const sorted = [...points].sort(byTime);
  const out: ChartPoint[] = [];
  for (const p of sorted) {
    if (out.length > 0 && out[out.length - 1]?.time === p.time) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}

function fmt(value: number | null, digits = 2): string {
  return value === null || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

function pctCell(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(1)}%`;
}

function cell(value: number | null): string {
  return value === null ? '—' : String(value);
}

/** A chart marker of lightweight-charts, placed at an exact price. */
export interface TradeMarker {
  readonly time: number;
  readonly position: 'atPriceTop' | 'atPriceBottom' | 'atPriceMiddle';
  readonly price: number;
  readonly color: string;
  readonly shape: 'arrowUp' | 'arrowDown' | 'circle';
  readonly text?: string;
  readonly size?: number;
}

/** Up to this many trades, entry arrows carry a text label; beyond it the labels would hide the price line. */
export const LABELLED_TRADES = 50;

/**
 * Two markers per trade, in time order: an arrow at its entry (up for call/buy, below the price;
 * down for put/sell, above it), labelled with engine, direction and PnL when there are at most
 * {@link LABELLED_TRADES} trades (the trades table has them all), and a small dot at its exit price.
 */
export function tradeMarkers(trades: readonly TradeOutcome[]): TradeMarker[] {
  const labelled = trades.length <= LABELLED_TRADES;
  const markers = trades.flatMap((t): TradeMarker[] => {
    const up = t.direction === 'call' || t.direction === 'buy';
    const color = t.pnl > 0 ? '#1a7f37' : t.pnl < 0 ? '#cf222e' : '#6e7781';
    return [
      {
        time: Math.floor(t.entryTs / 1000),
        position: up ? 'atPriceBottom' : 'atPriceTop',
        price: t.entryPrice,
        color,
        shape: up ? 'arrowUp' : 'arrowDown',
        ...(labelled
          ? { text: `${t.engine} ${t.direction} ${t.pnl >= 0 ? '+' : ''}${t.pnl.toFixed(2)}` }
          : {}),
      },
      {
        time: Math.floor(t.settleTs / 1000),
        position: 'atPriceMiddle',
        price: t.settlePrice,
        color,
        shape: 'circle',
        size: 0.5,
      },
    ];
  });
  return markers.sort(byTime);
}

/**
 * Renders the self-contained backtest report: price chart with fib zones and trade markers,
 * equity and drawdown curves, per-engine table, decision funnel, trades by year and the run's config. One HTML file with the
 * chart library inlined; it loads nothing from the network.
 */
export function renderReport(input: ReportInput): string {
  const trades = [...input.trades].sort(byEntryTs);
  const data = {
    prices: lastPerSecond(input.prices.map(pricePoint)),
    zones: input.zones,
    // Every trade's entry and exit at its exact time and price: the markers sit on this (invisible)
    // series, so a downsampled price line never moves them.
    tradePoints: lastPerSecond(
      trades.flatMap((t) => [
        { time: Math.floor(t.entryTs / 1000), value: t.entryPrice },
        { time: Math.floor(t.settleTs / 1000), value: t.settlePrice },
      ]),
    ),
    markers: tradeMarkers(trades),
    equity: lastPerSecond(input.equity.map(equityPoint)),
    drawdown: lastPerSecond(input.equity.map(drawdownPoint)),
  };
  const cards = input.headline
    .map(
      ([label, value]) =>
        `<div class="card"><div class="k">${escapeHtml(label)}</div><div class="v">${escapeHtml(value)}</div></div>`,
    )
    .join('');
  const engineRows = input.engines
    .map(
      (e) =>
        `<tr><td>${escapeHtml(e.engine)}</td><td>${e.trades}</td><td>${e.winRate === null ? '—' : `${(e.winRate * 100).toFixed(1)}%`}</td><td>${fmt(e.pnl)}</td><td>${fmt(e.fees)}</td><td>${fmt(e.avgR)}</td></tr>`,
    )
    .join('');
  const tradeRows = input.trades
    .slice(-200)
    .map(
      (t) =>
        `<tr><td>${escapeHtml(t.decisionId)}</td><td>${t.engine}</td><td>${t.direction}</td><td>${new Date(t.entryTs).toISOString()}</td><td>${t.entryPrice}</td><td>${new Date(t.settleTs).toISOString()}</td><td>${t.settlePrice}</td><td>${fmt(t.fees, 4)}</td><td>${fmt(t.pnl)}</td><td>${escapeHtml(t.rule)}</td></tr>`,
    )
    .join('');
  const notes = input.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('');
  const funnel = input.funnel
    ? `<table><thead><tr><th>where ticks ended</th><th>ticks</th><th>share</th><th>would-be trades settled</th><th>win rate</th><th>avg R</th></tr></thead><tbody>${input.funnel
        .map(
          (r) =>
            `<tr><td>${escapeHtml(r.label)}${r.explored ? ` (${r.explored} by exploration)` : ''}</td><td>${r.ticks}</td><td>${(r.share * 100).toFixed(1)}%</td><td>${r.counterfactual ? r.counterfactual.settled : ''}</td><td>${r.counterfactual ? pctCell(r.counterfactual.winRate) : ''}</td><td>${r.counterfactual ? fmt(r.counterfactual.avgR) : ''}</td></tr>`,
        )
        .join(
          '',
        )}</tbody></table><p class="muted">Would-be trades: what the candidates each gate stopped would have done, settled from later prices by the same rules (counterfactual.jsonl); never in PnL.</p>`
    : '<p class="muted">This run was summarised before decision funnels existed.</p>';
  const yearRows = input.years
    .map(
      (y) =>
        `<tr><td>${y.year}</td><td>${cell(y.ticks)}</td><td>${cell(y.blocked)}</td><td>${cell(y.placed)}</td><td>${cell(y.explored)}</td><td>${y.trades}</td><td>${pctCell(y.trades > 0 ? y.wins / y.trades : null)}</td><td>${fmt(y.pnl)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;padding:16px 24px;color:#1f2328;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;min-width:110px}
.k{font-size:12px;color:#656d76}.v{font-size:18px;font-weight:600}
.chart{height:360px;border:1px solid #d0d7de;border-radius:6px}
.small{height:200px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:right}
th{background:#f6f8fa}td:first-child,th:first-child{text-align:left}
pre{background:#f6f8fa;padding:12px;border-radius:6px;font-size:12px;overflow:auto;max-height:400px}
.muted{color:#656d76;font-size:12px}
</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<div class="muted">${escapeHtml(input.symbol)} · outcomes settled from real later prices · generated offline</div>
<div class="cards">${cards}</div>
<h2>Price, Fibonacci zones and trades</h2>
<div id="price" class="chart"></div>
<h2>Equity</h2>
<div id="equity" class="chart small"></div>
<h2>Drawdown</h2>
<div id="drawdown" class="chart small"></div>
<h2>By engine</h2>
<table id="engines"><thead><tr><th>engine</th><th>trades</th><th>win rate</th><th>PnL</th><th>fees</th><th>avg R</th></tr></thead><tbody>${engineRows}</tbody></table>
<h2>Decision funnel</h2>
${funnel}
<h2>Trades by year</h2>
<table><thead><tr><th>year</th><th>ticks</th><th>blocked</th><th>trades placed</th><th>by exploration</th><th>trades settled</th><th>win rate</th><th>PnL</th></tr></thead><tbody>${yearRows}</tbody></table>
<h2>Trades${input.trades.length > 200 ? ' (last 200)' : ''}</h2>
<table id="trades"><thead><tr><th>decision</th><th>engine</th><th>dir</th><th>entry time</th><th>entry</th><th>settle time</th><th>settle</th><th>fees</th><th>PnL</th><th>rule</th></tr></thead><tbody>${tradeRows}</tbody></table>
<h2>Run</h2>
<ul class="muted">${notes}</ul>
<h2>Configuration</h2>
<pre>${escapeHtml(JSON.stringify(input.config, null, 2) ?? '')}</pre>
<script id="omni-data" type="application/json">${jsonForScript(data)}</script>
<script>${chartLibrarySource()}</script>
<script>
(function(){
  var data = JSON.parse(document.getElementById('omni-data').textContent);
  var LC = window.LightweightCharts;
  function chart(id){ var el=document.getElementById(id); return LC.createChart(el,{autoSize:true,layout:{background:{color:'#ffffff'},textColor:'#1f2328'},timeScale:{timeVisible:false,minBarSpacing:0.01}}); }
  var pc = chart('price');
  var price = pc.addSeries(LC.LineSeries,{color:'#0969da',lineWidth:1});
  price.setData(data.prices);
  data.zones.forEach(function(z){
    var c = 'rgba(191,135,0,' + Math.min(0.9, 0.3 + 0.1*z.strength).toFixed(2) + ')';
    price.createPriceLine({price:z.low,color:c,lineWidth:1,lineStyle:2,axisLabelVisible:false,title:z.label||''});
    price.createPriceLine({price:z.high,color:c,lineWidth:1,lineStyle:2,axisLabelVisible:false,title:''});
  });
  if (data.markers.length) {
    var trades = pc.addSeries(LC.LineSeries,{lineVisible:false,pointMarkersVisible:false,lastValueVisible:false,priceLineVisible:false,crosshairMarkerVisible:false});
    trades.setData(data.tradePoints);
    LC.createSeriesMarkers(trades, data.markers);
  }
  pc.timeScale().fitContent();
  var ec = chart('equity');
  ec.addSeries(LC.LineSeries,{color:'#1a7f37',lineWidth:2}).setData(data.equity);
  ec.timeScale().fitContent();
  var dc = chart('drawdown');
  dc.addSeries(LC.AreaSeries,{lineColor:'#cf222e',topColor:'rgba(207,34,46,0.05)',bottomColor:'rgba(207,34,46,0.4)',invertFilledArea:false}).setData(data.drawdown);
  dc.timeScale().fitContent();
  document.body.setAttribute('data-rendered','true');
})();
</script>
</body>
</html>
`;
}
