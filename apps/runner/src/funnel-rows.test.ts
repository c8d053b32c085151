import type { TradeOutcome } from '@omni/core';
import type { FunnelSummary } from '@omni/runtime';
import { describe, expect, it } from 'vitest';
import { formatFunnel, type RunSummary } from './commands/backtest.js';
import { funnelRows, yearRows } from './funnel-rows.js';

const tally = (settled: number, wins: number, sumR: number) => ({
  opened: settled,
  settled,
  wins,
  losses: settled - wins,
  sumR,
});

/** The lock-out run in miniature: 506 ticks reached a decision, 7 traded, then a cooldown. */
const FUNNEL: FunnelSummary = {
  ticks: 800,
  stages: {
    'warming-up': 38,
    blocked: 256,
    'no-setup': 252,
    regime: 24,
    confidence: 185,
    sizing: 0,
    veto: 0,
    aside: 0,
    safety: 38,
    rejected: 0,
    traded: 7,
  },
  explored: 2,
  counterfactual: {
    regime: tally(20, 11, 2.5),
    confidence: tally(180, 99, 9),
    sizing: tally(0, 0, 0),
    veto: tally(0, 0, 0),
    safety: tally(38, 19, -3.8),
  },
  years: [
    { year: 2016, ticks: 300, blocked: 0, traded: 5, explored: 2 },
    { year: 2017, ticks: 500, blocked: 256, traded: 2, explored: 0 },
  ],
};

function trade(entryIso: string, pnl: number): TradeOutcome {
  const entryTs = Date.parse(entryIso);
  return {
    decisionId: `d-${entryIso}`,
    engine: 'binary',
    symbol: 'EURUSD',
    direction: 'call',
    entryTs,
    entryPrice: 1.1,
    settleTs: entryTs + 86_400_000,
    settlePrice: pnl > 0 ? 1.2 : 1,
    stake: 10,
    payout: 0.8,
    fees: 0,
    pnl,
    rule: 'test',
  };
}

describe('funnelRows', () => {
  it('lists the stages ticks reached, in funnel order, with what each gate’s candidates would have done', () => {
    const rows = funnelRows(FUNNEL);
    expect(rows.map((r) => r.stage)).toEqual([
      'warming-up',
      'blocked',
      'no-setup',
      'regime',
      'confidence',
      'safety',
      'traded',
    ]);
    expect(rows.reduce((s, r) => s + r.ticks, 0)).toBe(800);
    expect(rows.find((r) => r.stage === 'confidence')).toMatchObject({
      ticks: 185,
      share: 185 / 800,
      counterfactual: { settled: 180, winRate: 0.55, avgR: 0.05 },
    });
    expect(rows.find((r) => r.stage === 'traded')).toMatchObject({
      ticks: 7,
      explored: 2,
      counterfactual: null,
    });
    expect(rows.find((r) => r.stage === 'no-setup')?.counterfactual).toBeNull();
  });

  it('keeps the traded row of a run that never traded', () => {
    const never = { ...FUNNEL, stages: { ...FUNNEL.stages, traded: 0 }, explored: 0 };
    expect(funnelRows(never).at(-1)).toMatchObject({ stage: 'traded', ticks: 0 });
  });
});

describe('yearRows', () => {
  it('counts settled trades, wins and PnL by the year of entry, beside the funnel’s year', () => {
    const trades = [
      trade('2016-03-01T00:00:00Z', 8),
      trade('2016-12-31T12:00:00Z', -10), // settles in 2017, entered in 2016
      trade('2017-01-05T00:00:00Z', 8),
      trade('2018-06-01T00:00:00Z', -10), // a year the funnel has no ticks for (e.g. an older summary)
    ];
    expect(yearRows(FUNNEL, trades)).toEqual([
      { year: 2016, ticks: 300, blocked: 0, placed: 5, explored: 2, trades: 2, wins: 1, pnl: -2 },
      { year: 2017, ticks: 500, blocked: 256, placed: 2, explored: 0, trades: 1, wins: 1, pnl: 8 },
      { year: 2018, ticks: 0, blocked: 0, placed: 0, explored: 0, trades: 1, wins: 0, pnl: -10 },
    ]);
    expect(yearRows(undefined, trades.slice(0, 1))).toEqual([
      { year: 2016, ticks: null, blocked: null, placed: null, explored: null, trades: 1, wins: 1, pnl: 8 },
    ]);
  });
});

describe('formatFunnel', () => {
  it('prints the funnel and the years as plain tables, and nothing for a summary without a funnel', () => {
    const text = formatFunnel({ funnel: FUNNEL } as RunSummary);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^where ticks ended\s+ticks\s+share\s+would-be trades settled\s+win rate\s+avg R$/,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^below the calibrated confidence\s+185\s+23\.1%\s+180\s+55\.0%\s+0\.05$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^traded \(2 by exploration\)\s+7\s+0\.9%$/));
    expect(lines).toContainEqual(expect.stringMatching(/^total\s+800\s+100\.0%$/));
    expect(lines).toContainEqual(expect.stringMatching(/^2017\s+500\s+256\s+2\s+0$/));
    expect(formatFunnel({} as RunSummary)).toBe('');
  });
});
