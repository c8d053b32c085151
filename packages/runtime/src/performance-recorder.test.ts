import type { TradeOutcome } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { exposureFraction, PerformanceRecorder, sharpeRatio, sortinoRatio } from './performance-recorder.js';

const DAY = 86_400_000;

function trade(
  engine: TradeOutcome['engine'],
  pnl: number,
  entryTs: number,
  settleTs: number,
  fees = 0,
): TradeOutcome {
  return {
    decisionId: `d${entryTs}`,
    engine,
    symbol: 'EURUSD',
    direction: engine === 'binary' ? 'call' : 'buy',
    entryTs,
    entryPrice: 1.1,
    settleTs,
    settlePrice: 1.2,
    stake: 10,
    fees,
    pnl,
    rule: 'test',
  };
}

describe('PerformanceRecorder', () => {
  it('computes pnl, win rate, drawdown and profit factor from a hand-worked sequence', () => {
    const perf = new PerformanceRecorder({ startingBalanceUsd: 1000 });
    // equity: 1000 -> 1100 -> 1050 -> 980 -> 1030
    perf.recordTrade(trade('binary', 100, 0, 10));
    perf.recordTrade(trade('spot', -50, 10, 20, 1), { riskUsd: 25 });
    perf.recordTrade(trade('spot', -70, 20, 30, 1), { riskUsd: 35 });
    perf.recordTrade(trade('binary', 50, 30, 40));
    const s = perf.summary();
    expect(s.trades).toBe(4);
    expect(s.wins).toBe(2);
    expect(s.losses).toBe(2);
    expect(s.pnl).toBe(30);
    expect(s.finalBalance).toBe(1030);
    expect(s.winRate).toBe(0.5);
    expect(s.maxDrawdown).toBe(120); // peak 1100 -> trough 980
    expect(s.maxDrawdownPct).toBeCloseTo(120 / 1100, 12);
    expect(s.profitFactor).toBeCloseTo(150 / 120, 12);
    expect(s.fees).toBe(2);
    expect(s.byEngine.spot).toEqual({
      trades: 2,
      wins: 0,
      losses: 2,
      winRate: 0,
      pnl: -120,
      fees: 2,
      avgR: -2,
      reverts: 0,
    });
    expect(s.byEngine.binary.winRate).toBe(1);
    expect(s.byEngine.arbitrage.trades).toBe(0);
    expect(perf.equityCurve.map((p) => p.equity)).toEqual([1100, 1050, 980, 1030]);
    expect(perf.equityCurve.map((p) => p.drawdown)).toEqual([0, 50, 120, 70]);
  });

  it('computes the Brier score of recorded confidences', () => {
    const perf = new PerformanceRecorder({ startingBalanceUsd: 100 });
    perf.recordTrade(trade('binary', 5, 0, 1), { confidence: 0.8 }); // (0.8-1)^2 = 0.04
    perf.recordTrade(trade('binary', -5, 1, 2), { confidence: 0.6 }); // (0.6-0)^2 = 0.36
    expect(perf.summary().brier).toBeCloseTo(0.2, 12);
  });

  it('builds daily returns from UTC day boundaries for Sharpe', () => {
    const perf = new PerformanceRecorder({ startingBalanceUsd: 1000, periodsPerYear: 252 });
    perf.noteTick(0);
    perf.recordTrade(trade('binary', 10, 0, 1)); // day 0: +1%
    perf.noteTick(DAY);
    perf.recordTrade(trade('binary', -10.1, DAY, DAY + 1)); // day 1: -1%
    perf.noteTick(2 * DAY);
    perf.recordTrade(trade('binary', 20, 2 * DAY, 2 * DAY + 1)); // day 2: +2%
    const r = [0.01, -0.01, 20 / 999.9];
    expect(perf.summary().sharpe).toBeCloseTo(sharpeRatio(r, 252) as number, 12);
    expect(perf.summary().ticks).toBe(3);
  });

  it('computes exposure as the union of open intervals over the run span', () => {
    expect(
      exposureFraction(
        [
          [0, 10],
          [5, 20],
          [50, 60],
        ],
        0,
        100,
      ),
    ).toBeCloseTo(0.3, 12);
    expect(exposureFraction([], 0, 100)).toBe(0);
  });
});

describe('sharpeRatio and sortinoRatio', () => {
  it('match closed forms', () => {
    const r = [0.01, -0.02, 0.03, 0.0];
    const mean = 0.005;
    const sd = Math.sqrt((0.005 ** 2 + 0.025 ** 2 + 0.025 ** 2 + 0.005 ** 2) / 3);
    expect(sharpeRatio(r, 252)).toBeCloseTo((mean / sd) * Math.sqrt(252), 12);
    expect(sortinoRatio(r, 252)).toBeCloseTo((mean / Math.sqrt(0.0004 / 4)) * Math.sqrt(252), 12);
    expect(sharpeRatio([0.01], 252)).toBeNull();
    expect(sortinoRatio([0.01, 0.02], 252)).toBeNull();
  });
});
