import type { TradeOutcome } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { equityFromTrades, equityTimes } from './report.js';

const DAY = 86_400_000;

function trade(id: string, settleDay: number, pnl: number): TradeOutcome {
  return {
    decisionId: id,
    engine: 'binary',
    symbol: 'EURUSD',
    direction: 'call',
    entryTs: (settleDay - 1) * DAY,
    entryPrice: 1.1,
    settleTs: settleDay * DAY,
    settlePrice: pnl > 0 ? 1.2 : 1.0,
    stake: 25,
    payout: 0.8,
    fees: 0,
    pnl,
    rule: pnl > 0 ? 'binary-expiry-win' : 'binary-expiry-loss',
  };
}

describe('equityFromTrades', () => {
  it('samples the realised equity and drawdown at every price time (hand-worked)', () => {
    // Settled out of order in the journal on purpose: the curve books them by settle time.
    const trades = [trade('b', 3, -25), trade('a', 1, 20), trade('c', 3, 20), trade('d', 6, -25)];
    const curve = equityFromTrades(
      1000,
      trades,
      [0, 1, 2, 3, 4, 5, 6, 7].map((d) => d * DAY),
    );
    expect(curve.map((p) => [p.tsMs / DAY, p.equity, p.drawdown])).toEqual([
      [0, 1000, 0],
      [1, 1020, 0],
      [2, 1020, 0],
      [3, 1015, 5],
      [4, 1015, 5],
      [5, 1015, 5],
      [6, 990, 30],
      [7, 990, 30],
    ]);
  });

  it('is flat at the starting balance without trades', () => {
    expect(equityFromTrades(500, [], [DAY, 2 * DAY])).toEqual([
      { tsMs: DAY, equity: 500, drawdown: 0 },
      { tsMs: 2 * DAY, equity: 500, drawdown: 0 },
    ]);
  });
});

describe('equityTimes', () => {
  it('samples at the price times and at every settle time, ascending and once', () => {
    const prices = [0, 2, 4].map((d) => ({ tsMs: d * DAY, price: 1.1 }));
    // Settles on day 1 (between price points), day 3 twice, and day 4 (a price time).
    const trades = [trade('b', 3, -25), trade('a', 1, 20), trade('c', 3, 20), trade('d', 4, -25)];
    expect(equityTimes(prices, trades).map((t) => t / DAY)).toEqual([0, 1, 2, 3, 4]);
    expect(equityTimes([], [])).toEqual([]);
  });
});
