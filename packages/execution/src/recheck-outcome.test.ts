import type { TradeOutcome } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { recheckOutcome } from './recheck-outcome.js';

const base = { decisionId: 'd', symbol: 'EURUSD', entryTs: 1, settleTs: 2, fees: 0 };

/** A binary call of 10 USD that settled at its entry price (a tie), labelled `rule`. */
function binaryTie(rule: string): Omit<TradeOutcome, 'pnl'> {
  return {
    ...base,
    engine: 'binary',
    direction: 'call',
    entryPrice: 1.1,
    settlePrice: 1.1,
    stake: 10,
    payout: 0.8,
    rule,
  };
}

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

  it('re-derives a binary tie from its expiry exit: refunded 0, lost −stake, whatever the rule says', () => {
    const tie = binaryTie('a label for people');
    const refund: TradeOutcome = { ...tie, pnl: 0, exit: { kind: 'expiry', result: 'tie-refund' } };
    const loss: TradeOutcome = { ...tie, pnl: -10, exit: { kind: 'expiry', result: 'tie-loss' } };
    expect(recheckOutcome(refund)).toEqual({ ok: true, expectedPnl: 0 });
    expect(recheckOutcome(loss)).toEqual({ ok: true, expectedPnl: -10 });
  });

  it('re-derives a binary tie of a record written before exit existed from its rule', () => {
    expect(recheckOutcome({ ...binaryTie('binary-tie-refund'), pnl: 0 })).toEqual({
      ok: true,
      expectedPnl: 0,
    });
    expect(recheckOutcome({ ...binaryTie('binary-tie-loss'), pnl: -10 })).toEqual({
      ok: true,
      expectedPnl: -10,
    });
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
