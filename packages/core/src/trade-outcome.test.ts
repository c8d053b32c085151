import { describe, expect, it } from 'vitest';
import { type SpotExit, type TradeOutcome, TradeOutcomeSchema } from './trade-outcome.js';

const spot: TradeOutcome = {
  decisionId: 'run-45',
  engine: 'spot',
  symbol: 'EURUSD',
  direction: 'buy',
  entryTs: 1_271_721_600_000,
  entryPrice: 1.1,
  settleTs: 1_271_894_400_000,
  settlePrice: 1.1,
  size: 10_000,
  fees: 0,
  pnl: 0,
  quoteUsd: 1,
  rule: 'spot-tp-1+stop',
};
const tp1: SpotExit = { kind: 'take-profit', level: 1, of: 2 };
const tp2: SpotExit = { kind: 'take-profit', level: 2, of: 2 };
const stop: SpotExit = { kind: 'stop', gap: true, bothCrossed: false };

/** The paths of every issue the schema reports for `value`. */
function issuePaths(value: unknown): string[] {
  const r = TradeOutcomeSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

describe('TradeOutcomeSchema', () => {
  it('parses a spot outcome closed by take-profit 1 then the stop, with its legs and exit', () => {
    const o = { ...spot, exit: stop, legs: [tp1, stop] };
    expect(TradeOutcomeSchema.parse(o)).toEqual(o);
  });

  it('still parses a journal line written before exit existed', () => {
    const line =
      '{"decisionId":"run-40","engine":"binary","symbol":"EURUSD","direction":"put","entryTs":1271030400000,"entryPrice":1.35849,"settleTs":1271116800000,"settlePrice":1.3583,"stake":25,"payout":0.8,"fees":0,"pnl":20,"rule":"binary-expiry-win"}';
    const o = TradeOutcomeSchema.parse(JSON.parse(line));
    expect(o.exit).toBeUndefined();
    expect(o.pnl).toBe(20);
  });

  it('accepts each engine its own exit kind: expiry for binary, atomic for arbitrage', () => {
    const binary = { ...spot, engine: 'binary', direction: 'call', stake: 10, payout: 0.8 };
    expect(issuePaths({ ...binary, exit: { kind: 'expiry', result: 'tie-refund' } })).toEqual([]);
    const arbitrage = { ...spot, engine: 'arbitrage', stake: 15 };
    expect(issuePaths({ ...arbitrage, exit: { kind: 'atomic', result: 'reverted-min-profit' } })).toEqual([]);
    expect(issuePaths({ ...binary, exit: stop })).toEqual(['exit.kind']);
    expect(issuePaths({ ...arbitrage, exit: { kind: 'expiry', result: 'win' } })).toEqual(['exit.kind']);
    expect(issuePaths({ ...spot, exit: { kind: 'atomic', result: 'filled' } })).toEqual(['exit.kind']);
  });

  it('rejects an exit kind that does not exist', () => {
    expect(issuePaths({ ...spot, exit: { kind: 'manual' } })).toEqual(['exit.kind']);
  });

  it('rejects take-profit legs out of order, a closing leg before the last, and an exit that is not the last leg', () => {
    expect(issuePaths({ ...spot, exit: tp2, legs: [tp2] })).toEqual(['legs.0.level']);
    expect(issuePaths({ ...spot, exit: tp1, legs: [stop, tp1] })).toEqual(['legs.0.kind']);
    expect(issuePaths({ ...spot, exit: tp1, legs: [tp1, stop] })).toEqual(['exit']);
    expect(issuePaths({ ...spot, legs: [tp1, tp2] })).toEqual(['exit']);
    expect(issuePaths({ ...spot, exit: { ...stop, gap: false }, legs: [tp1, stop] })).toEqual(['exit']);
    expect(
      issuePaths({
        ...spot,
        exit: { kind: 'take-profit', level: 3, of: 2 },
        legs: [tp1, tp2, { kind: 'take-profit', level: 3, of: 2 }],
      }),
    ).toEqual(['legs.2.level']);
  });

  it('carries the bracket of a spot record (stop and take-profit ladder), and only of a spot record', () => {
    const bracket = {
      stop: 1.095,
      takeProfits: [
        { price: 1.105, fraction: 0.5 },
        { price: 1.11, fraction: 0.5 },
      ],
    };
    expect(TradeOutcomeSchema.parse({ ...spot, ...bracket })).toEqual({ ...spot, ...bracket });
    const binary = { ...spot, engine: 'binary', direction: 'call', stake: 10, payout: 0.8 };
    expect(issuePaths({ ...binary, ...bracket })).toEqual(['stop', 'takeProfits']);
    expect(issuePaths({ ...spot, stop: 0, takeProfits: [] })).toEqual(['stop', 'takeProfits']);
  });

  it('parses a spot order cancelled at its fill: size 0, no PnL, one cancelled leg', () => {
    const cancelled: SpotExit = { kind: 'cancelled', reason: 'filled at or below the stop' };
    const o = {
      ...spot,
      settleTs: spot.entryTs,
      size: 0,
      exit: cancelled,
      legs: [cancelled],
      rule: 'spot-cancelled',
    };
    expect(TradeOutcomeSchema.parse(o)).toEqual(o);
  });

  it('gives legs only to spot outcomes', () => {
    const binary = { ...spot, engine: 'binary', direction: 'call', stake: 10, payout: 0.8 };
    expect(issuePaths({ ...binary, exit: { kind: 'expiry', result: 'win' }, legs: [tp1] })).toEqual(['legs']);
  });
});
