import { describe, expect, it } from 'vitest';
import {
  gasCostUsd,
  MID_ONLY_SPREAD_BPS,
  positionRiskUsd,
  rewardR,
  settledRiskUsd,
  spotLossPerUnitUsd,
  spotRiskUsd,
  spotRoundTripCostBps,
} from './costs.js';
import type { SpotDecision, TradeDecision } from './decision.js';

const gas = { gasPriceGwei: 20, gasLimit: 250_000, ethUsd: 3000 };
const base = { id: 'd1', tsMs: 1, confidence: 0.6, reasons: [] };
const eurusd: SpotDecision = {
  engine: 'spot',
  ...base,
  symbol: 'EURUSD',
  side: 'buy',
  size: 10_000,
  entryPrice: 1.1,
  stopPrice: 1.095,
  takeProfits: [{ price: 1.11, fraction: 1 }],
};

describe('gasCostUsd', () => {
  it('prices gas price × gas used in USD', () => {
    // 20 gwei = 20e-9 ETH per gas; × 250 000 gas = 0.005 ETH; × 3000 USD/ETH = 15 USD
    expect(gasCostUsd(gas)).toBeCloseTo(15, 12);
    // 35 gwei × 400 000 gas = 0.014 ETH × 2500 = 35 USD
    expect(gasCostUsd({ gasPriceGwei: 35, gasLimit: 400_000, ethUsd: 2500 })).toBeCloseTo(35, 12);
  });
});

describe('spotRoundTripCostBps', () => {
  it('counts commission and slippage on both fills plus the assumed mid-only spread', () => {
    // 2·1 + 2·0.5 + 1 = 4 bp
    expect(MID_ONLY_SPREAD_BPS).toBe(1);
    expect(spotRoundTripCostBps({ engines: { spot: { commissionBps: 1, slippageBps: 0.5 } } })).toBe(4);
  });

  it('takes a quoted spread instead of the assumed one', () => {
    // 2·2 + 2·0.25 + 3 = 7.5 bp
    expect(spotRoundTripCostBps({ engines: { spot: { commissionBps: 2, slippageBps: 0.25 } } }, 3)).toBe(7.5);
  });
});

describe('spotLossPerUnitUsd', () => {
  it('is the stop distance plus costs for a USD-quoted symbol', () => {
    // |1.1 − 1.095| + 1.1 · 4e-4 = 0.005 + 0.00044 = 0.00544 USD per EUR
    expect(spotLossPerUnitUsd(eurusd, 4)).toBeCloseTo(0.00544, 15);
  });

  it('converts a USDJPY loss from yen to USD at the entry rate', () => {
    // (|150 − 149| + 150 · 4e-4) JPY = 1.06 JPY; / 150 JPY per USD = 0.0070667 USD per USD unit
    expect(spotLossPerUnitUsd({ symbol: 'USDJPY', entryPrice: 150, stopPrice: 149 }, 4)).toBeCloseTo(
      1.06 / 150,
      15,
    );
    // A short stops out above the entry just the same: |150 − 151| = 1 JPY, no costs
    expect(spotLossPerUnitUsd({ symbol: 'USDJPY', entryPrice: 150, stopPrice: 151 })).toBeCloseTo(
      1 / 150,
      15,
    );
  });
});

describe('spotRiskUsd', () => {
  it('is size × loss per unit', () => {
    // 10 000 · 0.00544 = 54.4 USD
    expect(spotRiskUsd({ symbol: 'EURUSD', size: 10_000, entryPrice: 1.1, stopPrice: 1.095 }, 4)).toBeCloseTo(
      54.4,
      10,
    );
    // 3000 USD of USDJPY, stop 1 yen away: 3000 JPY = 20 USD at 150
    expect(spotRiskUsd({ symbol: 'USDJPY', size: 3000, entryPrice: 150, stopPrice: 149 })).toBeCloseTo(
      20,
      10,
    );
  });
});

describe('positionRiskUsd', () => {
  it('is the stake of a binary, the loss at the stop of a spot and the gas of an arbitrage', () => {
    const binary: TradeDecision = {
      engine: 'binary',
      ...base,
      symbol: 'EURUSD',
      direction: 'call',
      stakeUsd: 12,
      expirySec: 300,
    };
    const arbitrage: TradeDecision = {
      engine: 'arbitrage',
      ...base,
      routeId: 'r1',
      amountInWei: 10n,
      minProfitWei: 1n,
    };
    expect(positionRiskUsd(binary, gas, 4)).toBe(12);
    expect(positionRiskUsd(eurusd, gas, 4)).toBeCloseTo(54.4, 10);
    expect(positionRiskUsd(arbitrage, gas, 4)).toBeCloseTo(15, 12);
    // A decision priced at the next block's base fee risks that gas, not the configured price's.
    expect(positionRiskUsd({ ...arbitrage, gasCostUsd: 41.25 }, gas, 4)).toBe(41.25);
  });
});

describe('settledRiskUsd', () => {
  it('uses the executed size or stake of the outcome when it has one', () => {
    // Safety clipped the size to 5000: 5000 · 0.00544 = 27.2 USD
    expect(settledRiskUsd({ size: 5000 }, eurusd, gas, 4)).toBeCloseTo(27.2, 10);
    expect(settledRiskUsd({}, eurusd, gas, 4)).toBeCloseTo(54.4, 10);
    const arbitrage: TradeDecision = {
      engine: 'arbitrage',
      ...base,
      routeId: 'r1',
      amountInWei: 10n,
      minProfitWei: 1n,
    };
    expect(settledRiskUsd({ stake: 9 }, arbitrage, gas)).toBe(9);
    expect(settledRiskUsd({}, arbitrage, gas)).toBeCloseTo(15, 12);
    expect(settledRiskUsd({}, { ...arbitrage, gasCostUsd: 3.75 }, gas)).toBe(3.75);
  });
});

describe('rewardR', () => {
  it('is PnL over the USD at risk', () => {
    expect(rewardR(-25, 25)).toBe(-1);
    expect(rewardR(37.5, 25)).toBe(1.5);
  });

  it('clips to ±clip', () => {
    expect(rewardR(300, 25, 5)).toBe(5);
    expect(rewardR(-300, 25, 5)).toBe(-5);
    expect(rewardR(-50, 25, 5)).toBe(-2);
  });

  it('has no R without a positive finite risk', () => {
    expect(rewardR(10, 0)).toBeNull();
    expect(rewardR(10, -1)).toBeNull();
    expect(rewardR(10, Number.NaN)).toBeNull();
    expect(rewardR(10, Number.POSITIVE_INFINITY)).toBeNull();
  });
});
