import type { TradeOutcome } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { recheckOutcome } from './recheck-outcome.js';

const base = { decisionId: 'd', symbol: 'EURUSD', entryTs: 1, settleTs: 2, fees: 0 };

describe('recheckOutcome', () => {
  it('accepts a binary put that won because the price fell', () => {
    const o: TradeOutcome = {
      ...base,
      engine: 'binary',
      direction: 'put',
      entryPrice: 1.1,
      settlePrice: 1.09,
      stake: 10,
      payout: 0.8,
      pnl: 8,
      rule: 'binary-expiry-win',
    };
    expect(recheckOutcome(o)).toEqual({ ok: true, expectedPnl: 8 });
  });

  it('flags a binary record whose pnl does not follow from its prices', () => {
    const o: TradeOutcome = {
      ...base,
      engine: 'binary',
      direction: 'call',
      entryPrice: 1.1,
      settlePrice: 1.09,
      stake: 10,
      payout: 0.8,
      pnl: 8,
      rule: 'binary-expiry-win',
    };
    expect(recheckOutcome(o)).toMatchObject({ ok: false, expectedPnl: -10 });
  });

  it('re-derives a spot short: −(1.09 − 1.1) × 1000 − 0.5 = 9.5', () => {
    const o: TradeOutcome = {
      ...base,
      engine: 'spot',
      direction: 'sell',
      entryPrice: 1.1,
      settlePrice: 1.09,
      size: 1000,
      fees: 0.5,
      pnl: 9.5,
      rule: 'spot-tp-1',
    };
    expect(recheckOutcome(o).ok).toBe(true);
    expect(recheckOutcome(o).expectedPnl).toBeCloseTo(9.5, 9);
  });

  it('reports a record that lacks its engine fields', () => {
    const o: TradeOutcome = {
      ...base,
      engine: 'spot',
      direction: 'buy',
      entryPrice: 1,
      settlePrice: 1,
      pnl: 0,
      rule: 'x',
    };
    expect(recheckOutcome(o)).toMatchObject({ ok: false });
  });
});
