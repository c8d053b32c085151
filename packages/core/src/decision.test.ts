import { describe, expect, it } from 'vitest';
import { type Decision, DecisionSchema, isTradeDecision } from './decision.js';
import { toJsonLine } from './journal.js';

describe('Decision', () => {
  it('round-trips an arbitrage decision with bigint wei through a journal line', () => {
    const decision: Decision = {
      engine: 'arbitrage',
      id: 'run-1',
      tsMs: 5,
      confidence: 0.7,
      reasons: ['spread 0.4%'],
      routeId: 'uni-sushi-weth-usdc',
      amountInWei: 12345678901234567890n,
      minProfitWei: 1n,
    };
    const back = DecisionSchema.parse(JSON.parse(toJsonLine(decision)));
    expect(back).toEqual(decision);
  });

  it('rejects a spot decision with no take-profit and a binary decision with a zero stake', () => {
    const base = { id: 'x', tsMs: 1, confidence: 0.6, reasons: [], symbol: 'EURUSD' };
    expect(
      DecisionSchema.safeParse({
        ...base,
        engine: 'spot',
        side: 'buy',
        size: 1,
        entryPrice: 1,
        stopPrice: 0.9,
        takeProfits: [],
      }).success,
    ).toBe(false);
    expect(
      DecisionSchema.safeParse({ ...base, engine: 'binary', direction: 'call', stakeUsd: 0, expirySec: 60 })
        .success,
    ).toBe(false);
  });

  it('keeps the setup key of a trade decision and refuses an empty one', () => {
    const binary = {
      engine: 'binary',
      id: 'b',
      tsMs: 1,
      confidence: 0.6,
      reasons: [],
      symbol: 'EURUSD',
      direction: 'put',
      stakeUsd: 5,
      expirySec: 60,
    } as const;
    const keyed = { ...binary, setupKey: 'fib-retracement:down:100-200:0.618:put' };
    expect(DecisionSchema.parse(keyed)).toEqual(keyed);
    expect(DecisionSchema.parse(binary)).not.toHaveProperty('setupKey');
    expect(DecisionSchema.safeParse({ ...binary, setupKey: '' }).success).toBe(false);
  });

  it('tells trade decisions from stand-asides', () => {
    expect(isTradeDecision({ engine: 'none', id: 'a', tsMs: 1, reason: 'no edge' })).toBe(false);
    expect(
      isTradeDecision({
        engine: 'binary',
        id: 'b',
        tsMs: 1,
        confidence: 0.6,
        reasons: [],
        symbol: 'EURUSD',
        direction: 'put',
        stakeUsd: 5,
        expirySec: 300,
      }),
    ).toBe(true);
  });
});
