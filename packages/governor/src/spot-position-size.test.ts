import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SpotSizingLimits, spotPositionSize } from './spot-position-size.js';

const limits: SpotSizingLimits = {
  riskPerTradeFraction: 0.01,
  maxStakeUsd: 25,
  maxBalanceFraction: 0.02,
  maxExposureUsd: 500,
};

describe('spotPositionSize', () => {
  it('risks riskPerTradeFraction of the balance when no cap binds (hand-worked)', () => {
    // 0.01 · 2000 = 20 USD over |1.25 − 1.24| = 0.01 → 2000 units
    const s = spotPositionSize(
      { symbol: 'EURUSD', balanceUsd: 2000, entryPrice: 1.25, stopPrice: 1.24 },
      limits,
    );
    expect(s).toMatchObject({ kind: 'size', targetRiskUsd: 20, cappedBy: null });
    expect(s.kind === 'size' && s.size).toBeCloseTo(2000, 6);
  });

  it('caps the risk at maxStakeUsd for a short as well', () => {
    // 0.01 · 10 000 = 100 > 25 → 25 USD over 0.5 → 50 units
    const s = spotPositionSize(
      { symbol: 'EURUSD', balanceUsd: 10_000, entryPrice: 100, stopPrice: 100.5 },
      limits,
    );
    expect(s).toMatchObject({ kind: 'size', size: 50, riskUsd: 25, cappedBy: 'max-stake' });
  });

  it('counts round-trip costs in the risk, so a stop-out loses the budget and no more', () => {
    // 20 USD over |1.25 − 1.24| + 1.25 · 8 bp = 0.01 + 0.001 = 0.011 → 1818.18 units
    const s = spotPositionSize(
      { symbol: 'EURUSD', balanceUsd: 2000, entryPrice: 1.25, stopPrice: 1.24 },
      { ...limits, roundTripCostBps: 8 },
    );
    expect(s.kind === 'size' && s.size).toBeCloseTo(20 / 0.011, 9);
    expect(s.kind === 'size' && s.riskUsd).toBeCloseTo(20, 9);
  });

  it('sizes a USDJPY position in USD: the JPY loss per unit is converted at the entry rate', () => {
    // 20 USD over |150 − 149| JPY × (1/150) USD/JPY = 1/150 USD per unit → 3000 units
    const s = spotPositionSize(
      { symbol: 'USDJPY', balanceUsd: 2000, entryPrice: 150, stopPrice: 149 },
      limits,
    );
    expect(s.kind === 'size' && s.size).toBeCloseTo(3000, 9);
    expect(s.kind === 'size' && s.riskUsd).toBeCloseTo(20, 9);
  });

  it('caps the risk at the exposure limit', () => {
    const s = spotPositionSize(
      { symbol: 'EURUSD', balanceUsd: 1_000_000, entryPrice: 10, stopPrice: 9 },
      { ...limits, maxStakeUsd: 1e6, maxBalanceFraction: 1 },
    );
    expect(s).toMatchObject({ kind: 'size', size: 500, riskUsd: 500, cappedBy: 'exposure' });
  });

  it('gives no size for a stop at the entry or an empty balance', () => {
    expect(
      spotPositionSize({ symbol: 'EURUSD', balanceUsd: 1000, entryPrice: 1, stopPrice: 1 }, limits).kind,
    ).toBe('no-size');
    expect(
      spotPositionSize({ symbol: 'EURUSD', balanceUsd: 0, entryPrice: 1, stopPrice: 0.9 }, limits).kind,
    ).toBe('no-size');
  });

  it('never risks more than any cap (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e7, noNaN: true }),
        fc.double({ min: 0.01, max: 1e4, noNaN: true }),
        fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
        (balanceUsd, entryPrice, stopFraction) => {
          const s = spotPositionSize(
            { symbol: 'EURUSD', balanceUsd, entryPrice, stopPrice: entryPrice * (1 - stopFraction) },
            limits,
          );
          if (s.kind !== 'size') return false;
          const cap = Math.min(0.01 * balanceUsd, 25, 0.02 * balanceUsd, 500);
          return s.riskUsd <= cap * (1 + 1e-12);
        },
      ),
      { seed: 3 },
    );
  });
});
