import type { BinaryDecision, Tick, TradeOutcome } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { settleBinary } from './binary-settlement.js';
import { ShadowBinaryExecutor } from './shadow-binary-executor.js';

const T0 = 1_700_000_000_000;

function tick(tsMs: number, price: number, symbol = 'EURUSD'): Tick {
  return { symbol, tsMs, price, source: 'test' };
}

function decision(id: string, direction: 'call' | 'put', expirySec = 300): BinaryDecision {
  return {
    engine: 'binary',
    id,
    tsMs: T0,
    confidence: 0.6,
    reasons: [],
    symbol: 'EURUSD',
    direction,
    stakeUsd: 10,
    expirySec,
  };
}

/** Independent re-derivation from the record: win ⇔ settle beyond entry in the chosen direction. */
function rederive(o: TradeOutcome, tieRule: 'refund' | 'loss'): number {
  const stake = o.stake as number;
  if (o.settlePrice === o.entryPrice) return tieRule === 'refund' ? 0 : -stake;
  const won = o.direction === 'call' ? o.settlePrice > o.entryPrice : o.settlePrice < o.entryPrice;
  return won ? stake * (o.payout as number) : -stake;
}

describe('settleBinary', () => {
  it('pays stake × payout on a win and loses the stake on a loss', () => {
    const base = { stakeUsd: 10, entryPrice: 1.1, payout: 0.8, tieRule: 'refund' as const };
    expect(settleBinary({ ...base, direction: 'call', settlePrice: 1.1001 })).toEqual({
      result: 'win',
      pnl: 8,
      rule: 'binary-expiry-win',
    });
    expect(settleBinary({ ...base, direction: 'put', settlePrice: 1.1001 }).pnl).toBe(-10);
    expect(settleBinary({ ...base, direction: 'put', settlePrice: 1.0999 }).pnl).toBe(8);
  });

  it('follows the tie rule when the settle price equals the entry', () => {
    const base = { direction: 'call' as const, stakeUsd: 10, entryPrice: 1.1, settlePrice: 1.1, payout: 0.8 };
    expect(settleBinary({ ...base, tieRule: 'refund' })).toMatchObject({ pnl: 0, rule: 'binary-tie-refund' });
    expect(settleBinary({ ...base, tieRule: 'loss' })).toMatchObject({ pnl: -10, rule: 'binary-tie-loss' });
  });
});

describe('ShadowBinaryExecutor', () => {
  it('enters at the decision tick and settles on the first tick at or after expiry', async () => {
    const ex = new ShadowBinaryExecutor({ payout: 0.85, tieRule: 'refund' });
    const report = await ex.execute(decision('d1', 'call', 60), tick(T0, 1.1));
    expect(report).toMatchObject({ status: 'accepted', fill: { price: 1.1, quantity: 10 } });
    expect(ex.onTick(tick(T0 + 30_000, 1.2))).toHaveLength(0);
    expect(ex.onTick(tick(T0 + 59_999, 1.0))).toHaveLength(0);
    expect(ex.onTick(tick(T0 + 60_000, 1.0999, 'GBPUSD'))).toHaveLength(0);
    const [outcome] = ex.onTick(tick(T0 + 61_000, 1.1002));
    expect(outcome).toEqual({
      decisionId: 'd1',
      engine: 'binary',
      symbol: 'EURUSD',
      direction: 'call',
      entryTs: T0,
      entryPrice: 1.1,
      settleTs: T0 + 61_000,
      settlePrice: 1.1002,
      stake: 10,
      payout: 0.85,
      fees: 0,
      pnl: 8.5,
      rule: 'binary-expiry-win',
      exit: { kind: 'expiry', result: 'win' },
    });
    expect(ex.pending()).toHaveLength(0);
  });

  it('settles a tie as a loss under the loss rule', async () => {
    const ex = new ShadowBinaryExecutor({ payout: 0.8, tieRule: 'loss' });
    await ex.execute(decision('d1', 'put', 60), tick(T0, 1.1));
    expect(ex.onTick(tick(T0 + 60_000, 1.1))[0]).toMatchObject({
      pnl: -10,
      rule: 'binary-tie-loss',
      exit: { kind: 'expiry', result: 'tie-loss' },
    });
  });

  it('rejects a decision whose symbol differs from the tick', async () => {
    const ex = new ShadowBinaryExecutor({ payout: 0.8, tieRule: 'refund' });
    expect(await ex.execute(decision('d1', 'call'), tick(T0, 1.1, 'GBPUSD'))).toMatchObject({
      status: 'rejected',
      code: 'EXECUTION_REJECTED',
    });
  });

  it('every settled record re-derives its pnl over a long price path', async () => {
    for (const tieRule of ['refund', 'loss'] as const) {
      const ex = new ShadowBinaryExecutor({ payout: 0.8, tieRule });
      const settled: TradeOutcome[] = [];
      // a deterministic path on a 0.0001 grid where ticks i and i + 2 tie when i ≡ 6 (mod 7)
      const price = (i: number) => 1.1 + (((i * i) % 7) - 3) * 0.0001;
      for (let i = 0; i < 400; i++) {
        const t = tick(T0 + i * 60_000, Number(price(i).toFixed(4)));
        settled.push(...ex.onTick(t));
        if (i % 3 === 0) await ex.execute(decision(`d${i}`, i % 2 === 0 ? 'call' : 'put', 120), t);
      }
      expect(settled.length).toBeGreaterThan(120);
      expect(new Set(settled.map((o) => o.rule)).size).toBe(3);
      for (const o of settled) {
        expect(o.settleTs - o.entryTs).toBeGreaterThanOrEqual(120_000);
        expect(o.pnl).toBe(rederive(o, tieRule));
      }
    }
  });
});
