import type { TradeOutcome } from '@omni/core';
import { describe, expect, it } from 'vitest';
import type { FunnelRow } from './funnel-rows.js';
import {
  escapeHtml,
  jsonForScript,
  LABELLED_TRADES,
  lastPerSecond,
  type ReportInput,
  renderReport,
  tradeMarkers,
} from './report.js';

const trade: TradeOutcome = {
  decisionId: 'run-7',
  engine: 'binary',
  symbol: 'EURUSD',
  direction: 'call',
  entryTs: 86_400_000,
  entryPrice: 1.1,
  settleTs: 2 * 86_400_000,
  settlePrice: 1.12,
  stake: 10,
  payout: 0.8,
  fees: 0,
  pnl: 8,
  rule: 'binary-expiry',
};

const FUNNEL: readonly FunnelRow[] = [
  {
    stage: 'blocked',
    label: 'blocked by safety',
    ticks: 60,
    share: 0.6,
    explored: null,
    counterfactual: null,
  },
  {
    stage: 'confidence',
    label: 'below the calibrated confidence',
    ticks: 39,
    share: 0.39,
    explored: null,
    counterfactual: { settled: 30, winRate: 0.6, avgR: 0.125 },
  },
  { stage: 'traded', label: 'traded', ticks: 1, share: 0.01, explored: 1, counterfactual: null },
];

function sample(funnel: ReportInput['funnel'] = FUNNEL): string {
  return renderReport({
    title: 'Backtest <EURUSD>',
    symbol: 'EURUSD',
    headline: [['PnL', '8.00']],
    prices: [
      { tsMs: 86_400_000, price: 1.1 },
      { tsMs: 2 * 86_400_000, price: 1.12 },
    ],
    zones: [{ low: 1.09, high: 1.095, strength: 3, label: '61.8%' }],
    trades: [trade],
    equity: [{ tsMs: 2 * 86_400_000, equity: 10_008, drawdown: 0 }],
    engines: [{ engine: 'binary', trades: 1, winRate: 1, pnl: 8, fees: 0, avgR: null }],
    funnel,
    years: [
      { year: 1970, ticks: 40, blocked: 0, placed: 1, explored: 1, trades: 1, wins: 1, pnl: 8 },
      { year: 1971, ticks: 60, blocked: 60, placed: 0, explored: 0, trades: 0, wins: 0, pnl: 0 },
    ],
    config: { mode: 'backtest', note: '</script><script>alert(1)</script>' },
    notes: ['data: bundled EURUSD'],
  });
}

describe('renderReport', () => {
  it('is one self-contained file that loads nothing from the network', () => {
    const html = sample();
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).toContain('LightweightCharts');
    expect(html.length).toBeGreaterThan(150_000); // the chart library is inlined
  });

  it('embeds the run data and escapes text so the config cannot break out of the page', () => {
    const html = sample();
    expect(html).toContain('Backtest &lt;EURUSD&gt;');
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('binary call +8.00');
    const json = /<script id="omni-data" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1];
    expect(JSON.parse(json as string).prices).toEqual([
      { time: 86_400, value: 1.1 },
      { time: 172_800, value: 1.12 },
    ]);
  });

  it('marks every trade at its exact entry and exit, on a series of its own (not the sampled price line)', () => {
    const html = sample();
    const json = /<script id="omni-data" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1];
    const data = JSON.parse(json as string);
    expect(data.tradePoints).toEqual([
      { time: 86_400, value: 1.1 },
      { time: 172_800, value: 1.12 },
    ]);
    expect(data.markers).toEqual([
      {
        time: 86_400,
        position: 'atPriceBottom',
        price: 1.1,
        color: '#1a7f37',
        shape: 'arrowUp',
        text: 'binary call +8.00',
      },
      { time: 172_800, position: 'atPriceMiddle', price: 1.12, color: '#1a7f37', shape: 'circle', size: 0.5 },
    ]);
    expect(html).toContain('LC.createSeriesMarkers(trades, data.markers)');
  });

  it('shows the decision funnel with what stopped candidates would have done, and trades by year', () => {
    const html = sample();
    expect(html).toContain(
      '<tr><td>below the calibrated confidence</td><td>39</td><td>39.0%</td><td>30</td><td>60.0%</td><td>0.13</td></tr>',
    );
    expect(html).toContain(
      '<tr><td>traded (1 by exploration)</td><td>1</td><td>1.0%</td><td></td><td></td><td></td></tr>',
    );
    expect(html).toContain(
      '<tr><td>1971</td><td>60</td><td>60</td><td>0</td><td>0</td><td>0</td><td>—</td><td>0.00</td></tr>',
    );
    expect(sample(null)).toContain('summarised before decision funnels existed');
  });
});

describe('report helpers', () => {
  it('escapes HTML and script-embedded JSON', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(jsonForScript({ s: '</script>' })).toBe('{"s":"\\u003c/script\\u003e"}');
    expect(JSON.parse(jsonForScript({ s: '</script>&' }))).toEqual({ s: '</script>&' });
  });

  it('puts the arrow of a losing put above its entry price and sorts markers by time', () => {
    const put: TradeOutcome = {
      ...trade,
      direction: 'put',
      entryTs: 5_000,
      entryPrice: 1.2345,
      settleTs: 65_500,
      settlePrice: 1.2401,
      pnl: -10,
    };
    expect(tradeMarkers([trade, put]).map((m) => [m.time, m.position, m.price, m.shape, m.color])).toEqual([
      [5, 'atPriceTop', 1.2345, 'arrowDown', '#cf222e'],
      [65, 'atPriceMiddle', 1.2401, 'circle', '#cf222e'],
      [86_400, 'atPriceBottom', 1.1, 'arrowUp', '#1a7f37'],
      [172_800, 'atPriceMiddle', 1.12, 'circle', '#1a7f37'],
    ]);
  });

  it('labels entry arrows only up to LABELLED_TRADES trades (the table lists them all)', () => {
    const many = Array.from({ length: LABELLED_TRADES + 1 }, (_, i) => ({
      ...trade,
      decisionId: `run-${i}`,
      entryTs: trade.entryTs + i * 1000,
    }));
    expect(tradeMarkers(many.slice(1)).filter((m) => m.text !== undefined)).toHaveLength(LABELLED_TRADES);
    expect(tradeMarkers(many).filter((m) => m.text !== undefined)).toEqual([]);
    expect(tradeMarkers(many)).toHaveLength(2 * many.length);
  });

  it('keeps the last point of each second in time order', () => {
    expect(
      lastPerSecond([
        { time: 2, value: 1 },
        { time: 1, value: 5 },
        { time: 2, value: 3 },
      ]),
    ).toEqual([
      { time: 1, value: 5 },
      { time: 2, value: 3 },
    ]);
  });
});
