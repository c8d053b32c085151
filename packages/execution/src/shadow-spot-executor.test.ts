import {
  rewardR,
  type SpotDecision,
  spotRiskUsd,
  type Tick,
  type TradeOutcome,
  TradeOutcomeSchema,
} from '@omni/core';
import { describe, expect, it } from 'vitest';
import { recheckOutcome } from './recheck-outcome.js';
import { ShadowSpotExecutor } from './shadow-spot-executor.js';
import { spotExitCrossings, stopFillPrice } from './spot-fill.js';

const T0 = 1_700_000_000_000;
const settings = { commissionBps: 1, slippageBps: 0.5 };

function tick(i: number, price: number, quote?: { bid: number; ask: number }): Tick {
  return { symbol: 'EURUSD', tsMs: T0 + i * 1000, price, source: 'test', ...quote };
}

function decision(over: Partial<SpotDecision> = {}): SpotDecision {
  return {
    engine: 'spot',
    id: 's1',
    tsMs: T0,
    confidence: 0.6,
    reasons: [],
    symbol: 'EURUSD',
    side: 'buy',
    size: 10_000,
    entryPrice: 1.1,
    stopPrice: 1.095,
    takeProfits: [
      { price: 1.11, fraction: 0.5 },
      { price: 1.105, fraction: 0.5 },
    ],
    ...over,
  };
}

/** Independent re-derivation from the record: spot PnL from fill, exit, size and fees. */
function rederive(o: TradeOutcome): number {
  const sign = o.direction === 'buy' ? 1 : -1;
  return sign * (o.settlePrice - o.entryPrice) * (o.size as number) * (o.quoteUsd ?? 1) - o.fees;
}

describe('ShadowSpotExecutor', () => {
  it('books a USDJPY trade in USD: JPY PnL and fees converted at the settlement rate', async () => {
    const ex = new ShadowSpotExecutor({ commissionBps: 0, slippageBps: 0 }, { midOnlySpreadBps: 0 });
    const jpy = (i: number, price: number): Tick => ({
      symbol: 'USDJPY',
      tsMs: T0 + i * 1000,
      price,
      source: 'test',
    });
    const d = decision({
      symbol: 'USDJPY',
      entryPrice: 150,
      stopPrice: 149,
      takeProfits: [{ price: 151.5, fraction: 1 }],
    });
    await ex.execute(d, jpy(0, 150));
    ex.onTick(jpy(1, 150)); // fill at 150 (no spread, no slippage)
    const [o] = ex.onTick(jpy(2, 151.6)); // take-profit at 151.5
    // 10 000 USD × 1.5 JPY = 15 000 JPY = 15 000 / 151.5 USD at the exit rate
    expect(o?.quoteUsd).toBeCloseTo(1 / 151.5, 15);
    expect(o?.pnl).toBeCloseTo(15_000 / 151.5, 9);
    expect(o?.fees).toBe(0);
    expect(o && rederive(o)).toBeCloseTo(o?.pnl ?? Number.NaN, 9);
  });

  it('fills at the next tick (mid + half spread + slippage) and walks the take-profit ladder (numbers worked in Python)', async () => {
    const ex = new ShadowSpotExecutor(settings, { midOnlySpreadBps: 2 });
    expect(await ex.execute(decision(), tick(0, 1.1))).toMatchObject({ status: 'accepted' });
    expect(ex.onTick(tick(0, 1.2))).toHaveLength(0); // same timestamp as the decision: no fill
    expect(ex.pending()[0]?.state).toBe('awaiting-fill');
    expect(ex.onTick(tick(1, 1.1))).toHaveLength(0); // fill at ask 1.1 × 1.0001 × 1.00005
    expect(ex.pending()[0]?.entryPrice).toBeCloseTo(1.1001650055, 12);
    expect(ex.onTick(tick(2, 1.106))).toHaveLength(0); // bid 1.10588940 ≥ 1.105: tp-1 (half)
    expect(ex.onTick(tick(3, 1.1))).toHaveLength(0);
    const [o] = ex.onTick(tick(4, 1.112)); // bid ≥ 1.11: tp-2 closes the rest
    expect(o).toMatchObject({
      direction: 'buy',
      size: 10_000,
      entryTs: T0 + 1000,
      settleTs: T0 + 4000,
      rule: 'spot-tp-1+tp-2',
      exit: { kind: 'take-profit', level: 2, of: 2 },
      legs: [
        { kind: 'take-profit', level: 1, of: 2 },
        { kind: 'take-profit', level: 2, of: 2 },
      ],
    });
    expect(o?.settlePrice).toBeCloseTo(1.1075, 12);
    expect(o?.fees).toBeCloseTo(2.207665005500001, 9);
    expect(o?.pnl).toBeCloseTo(71.14227999449636, 8);
    expect(o && rederive(o)).toBeCloseTo(o?.pnl ?? Number.NaN, 9);
  });

  it('stops a short out at the gapped ask plus slippage', async () => {
    const ex = new ShadowSpotExecutor(settings, { midOnlySpreadBps: 2 });
    await ex.execute(
      decision({ side: 'sell', stopPrice: 1.105, takeProfits: [{ price: 1.09, fraction: 1 }] }),
      tick(0, 1.1),
    );
    ex.onTick(tick(1, 1.1));
    const [o] = ex.onTick(tick(2, 1.108));
    expect(o).toMatchObject({
      direction: 'sell',
      rule: 'spot-stop',
      exit: { kind: 'stop', gap: true, bothCrossed: false },
      legs: [{ kind: 'stop', gap: true, bothCrossed: false }],
    });
    expect(o?.entryPrice).toBeCloseTo(1.0998350055, 12);
    expect(o?.settlePrice).toBeCloseTo(1.1081662055400003, 12);
    expect(o?.pnl).toBeCloseTo(-85.52000161104209, 8);
  });

  it('records a take-profit then a stop at its price as two legs, the stop last and not gapped', async () => {
    const ex = new ShadowSpotExecutor({ commissionBps: 0, slippageBps: 0 }, { midOnlySpreadBps: 0 });
    await ex.execute(decision(), tick(0, 1.1));
    ex.onTick(tick(1, 1.1)); // fill at 1.1
    expect(ex.onTick(tick(2, 1.106))).toHaveLength(0); // tp-1 at 1.105 closes half
    const [o] = ex.onTick(tick(3, 1.0951, { bid: 1.095, ask: 1.0952 })); // the bid touches the stop
    const stop = { kind: 'stop', gap: false, bothCrossed: false };
    expect(o).toMatchObject({
      rule: 'spot-tp-1+stop',
      exit: stop,
      legs: [{ kind: 'take-profit', level: 1, of: 2 }, stop],
    });
    // Half at 1.105 and half at 1.095: settle 1.1, flat.
    expect(o?.settlePrice).toBeCloseTo(1.1, 12);
    expect(o?.pnl).toBeCloseTo(0, 9);
    expect(TradeOutcomeSchema.parse(o)).toEqual(o);
  });

  it('uses the quoted bid and ask when the tick has them', async () => {
    const ex = new ShadowSpotExecutor({ commissionBps: 0, slippageBps: 0 });
    await ex.execute(decision({ takeProfits: [{ price: 1.102, fraction: 1 }] }), tick(0, 1.1));
    ex.onTick(tick(1, 1.1, { bid: 1.0999, ask: 1.1003 }));
    const [o] = ex.onTick(tick(2, 1.103, { bid: 1.1025, ask: 1.1035 }));
    expect(o?.entryPrice).toBe(1.1003);
    expect(o?.settlePrice).toBe(1.102);
    expect(o?.pnl).toBeCloseTo((1.102 - 1.1003) * 10_000, 9);
  });

  it('takes the stop first when one step crosses both the stop and a take-profit', () => {
    // a bar whose range spans both: the path inside is unknown, so the conservative rule applies
    const c = spotExitCrossings('buy', 1.095, [{ price: 1.105 }], 0, 1.09, 1.11);
    expect(c).toEqual({ stop: true, tpHits: 0, bothCrossed: true });
    expect(stopFillPrice('buy', 1.095, 1.09, 1.11, 0)).toBe(1.095);
    expect(stopFillPrice('buy', 1.095, 1.09, 1.092, 0)).toBe(1.09);
    expect(spotExitCrossings('sell', 1.105, [{ price: 1.095 }, { price: 1.09 }], 0, 1.089, 1.1)).toEqual({
      stop: false,
      tpHits: 2,
      bothCrossed: false,
    });
  });

  it('rejects a bracket with the stop on the wrong side of the entry', async () => {
    const ex = new ShadowSpotExecutor(settings);
    expect(await ex.execute(decision({ stopPrice: 1.2 }), tick(0, 1.1))).toMatchObject({
      status: 'rejected',
      code: 'EXECUTION_REJECTED',
    });
  });

  it('cancels unfilled entries but keeps filled positions', async () => {
    const ex = new ShadowSpotExecutor(settings);
    await ex.execute(decision({ id: 'a' }), tick(0, 1.1));
    ex.onTick(tick(1, 1.1));
    await ex.execute(decision({ id: 'b' }), tick(1, 1.1));
    expect(await ex.cancelAll()).toBe(1);
    expect(ex.pending().map((p) => [p.decisionId, p.state])).toEqual([['a', 'open']]);
  });

  it('every settled record re-derives its pnl over a long random-walk path', async () => {
    const ex = new ShadowSpotExecutor(settings, { midOnlySpreadBps: 1.5 });
    const settled: TradeOutcome[] = [];
    let price = 1.1;
    let x = 12345;
    for (let i = 0; i < 3000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648; // a fixed LCG path (deterministic data, not an outcome)
      price *= 1 + (x / 2147483648 - 0.5) * 0.004;
      const t = tick(i, price);
      settled.push(...ex.onTick(t));
      if (i % 25 === 0) {
        const buy = i % 50 === 0;
        const k = buy ? 1 : -1;
        await ex.execute(
          decision({
            id: `s${i}`,
            side: buy ? 'buy' : 'sell',
            entryPrice: price,
            stopPrice: price * (1 - k * 0.004),
            takeProfits: [
              { price: price * (1 + k * 0.003), fraction: 0.3 },
              { price: price * (1 + k * 0.006), fraction: 0.3 },
              { price: price * (1 + k * 0.01), fraction: 0.4 },
            ],
          }),
          t,
        );
      }
    }
    expect(settled.length).toBeGreaterThan(80);
    // Fills that moved away from the stop by more than the risk tolerance were cancelled, never opened.
    const cancelled = settled.filter((o) => o.exit?.kind === 'cancelled');
    const opened = settled.filter((o) => o.exit?.kind !== 'cancelled');
    expect(cancelled.length).toBeGreaterThan(0);
    expect(opened.length).toBeGreaterThan(60);
    for (const o of cancelled) expect([o.size, o.pnl, o.fees, o.settleTs]).toEqual([0, 0, 0, o.entryTs]);
    // No trade opened beyond its stop, and every record carries its bracket.
    for (const o of settled) expect(o.stop !== undefined && o.takeProfits?.length === 3).toBe(true);
    expect(
      opened.filter((o) =>
        o.direction === 'buy' ? o.entryPrice <= (o.stop ?? 0) : o.entryPrice >= (o.stop ?? 0),
      ),
    ).toEqual([]);
    const rules = new Set(settled.map((o) => o.rule));
    expect(rules.has('spot-stop')).toBe(true);
    expect([...rules].some((r) => r.includes('tp-3'))).toBe(true);
    // Every record passes the journal schema, whose refinement checks legs against exit.
    for (const o of settled) TradeOutcomeSchema.parse(o);
    expect(settled.filter((o) => o.exit?.kind === 'stop').length).toBe(
      settled.filter((o) => o.rule.endsWith('stop')).length,
    );
    for (const o of opened) expect(o.settleTs).toBeGreaterThan(o.entryTs);
    for (const o of settled) expect(rederive(o)).toBeCloseTo(o.pnl, 9);
  });

  it('cancels an order whose fill tick gapped beyond its stop: no PnL, never opened, journaled with the reason', async () => {
    const states: string[] = [];
    const ex = new ShadowSpotExecutor(settings, {
      onPositionState: (id, patch) => states.push(`${id}:${String(patch.executorState?.['state'])}`),
    });
    expect(await ex.execute(decision(), tick(0, 1.1))).toMatchObject({ status: 'accepted' });
    // Decided at 1.1 with its stop at 1.095; the next tick opens at 1.09: the ask is below the stop.
    const [o] = ex.onTick(tick(1, 1.09));
    const exit = {
      kind: 'cancelled',
      reason:
        'cancelled at the fill: filled at 1.09011 at or below its stop 1.09500: it would open already stopped out',
    };
    expect(o).toMatchObject({
      decisionId: 's1',
      engine: 'spot',
      direction: 'buy',
      entryTs: T0 + 1000,
      settleTs: T0 + 1000,
      size: 0,
      fees: 0,
      pnl: 0,
      rule: 'spot-cancelled-at-fill',
      exit,
      legs: [exit],
      stop: 1.095,
      takeProfits: [
        { price: 1.105, fraction: 0.5 },
        { price: 1.11, fraction: 0.5 },
      ],
    });
    // The fill it would have had: mid 1.09 + half of 1 bp spread, + 0.5 bp slippage.
    expect(o?.entryPrice).toBeCloseTo(1.09 * 1.00005 * 1.00005, 12);
    expect(TradeOutcomeSchema.parse(o)).toEqual(o);
    expect(o && recheckOutcome(o).ok).toBe(true);
    expect(ex.pending()).toEqual([]);
    expect(states).toEqual([]); // never recorded as filled
    expect(ex.onTick(tick(2, 1.08))).toHaveLength(0); // nothing left to settle
  });

  it('cancels a sell filled at or above its stop', async () => {
    const ex = new ShadowSpotExecutor(settings);
    await ex.execute(
      decision({ side: 'sell', stopPrice: 1.105, takeProfits: [{ price: 1.09, fraction: 1 }] }),
      tick(0, 1.1),
    );
    const [o] = ex.onTick(tick(1, 1.106));
    expect(o?.exit).toEqual({
      kind: 'cancelled',
      reason:
        'cancelled at the fill: filled at 1.10589 at or above its stop 1.10500: it would open already stopped out',
    });
    expect([o?.size, o?.pnl]).toEqual([0, 0]);
  });

  it('cancels a fill whose risk outgrew the approved risk by more than the tolerance, and opens one within it', async () => {
    // Round trip 2·1 + 2·0.5 + 1 = 4 bp. Approved: 10 000 × (0.005 + 1.1 × 4e-4) = 54.40 USD; 25 % more is 68.00.
    const ex = new ShadowSpotExecutor(settings);
    await ex.execute(decision({ id: 'far' }), tick(0, 1.1));
    await ex.execute(decision({ id: 'near', symbol: 'GBPUSD' }), { ...tick(0, 1.1), symbol: 'GBPUSD' });
    // fill 1.1014 × 1.0001 = 1.10151014: risk 10 000 × (0.00651014 + 0.00044060) = 69.51 USD > 68.00
    const [far] = ex.onTick(tick(1, 1.1014));
    expect(far?.exit).toEqual({
      kind: 'cancelled',
      reason:
        'cancelled at the fill: risk at the fill 69.51 USD exceeds the approved 54.40 USD by more than 25% (fill 1.10151, decided at 1.10000, stop 1.09500)',
    });
    // fill 1.1012 × 1.0001 = 1.10131012: risk 67.51 USD, within 25 %: it opens
    expect(ex.onTick({ ...tick(1, 1.1012), symbol: 'GBPUSD' })).toHaveLength(0);
    expect(ex.pending()).toMatchObject([{ decisionId: 'near', state: 'open' }]);
    expect(ex.pending()[0]?.entryPrice).toBeCloseTo(1.1012 * 1.00005 * 1.00005, 12);

    const strict = new ShadowSpotExecutor({ ...settings, fillRiskTolerance: 0.1 });
    await strict.execute(decision({ id: 'near' }), tick(0, 1.1));
    expect(strict.onTick(tick(1, 1.1012))[0]?.exit?.kind).toBe('cancelled'); // 67.51 > 54.40 × 1.1
  });

  it("settles a gap through the stop at the gap tick's quote, showing a loss beyond 1 R", async () => {
    const ex = new ShadowSpotExecutor({ commissionBps: 0, slippageBps: 0 }, { midOnlySpreadBps: 0 });
    const d = decision();
    await ex.execute(d, tick(0, 1.1));
    expect(ex.onTick(tick(1, 1.1))).toHaveLength(0); // opens at 1.1
    const [o] = ex.onTick(tick(2, 1.085)); // gaps 50 pips through the 1.095 stop
    expect(o).toMatchObject({
      entryPrice: 1.1,
      settlePrice: 1.085,
      exit: { kind: 'stop', gap: true, bothCrossed: false },
      stop: 1.095,
      takeProfits: [
        { price: 1.105, fraction: 0.5 },
        { price: 1.11, fraction: 0.5 },
      ],
    });
    expect(o?.pnl).toBeCloseTo(-150, 9); // 10 000 × (1.085 − 1.1)
    // 1 R = 10 000 × 0.005 = 50 USD: the gap lost 3 R, not the 1 R the stop promised.
    expect(rewardR(o?.pnl ?? 0, spotRiskUsd(d))).toBeCloseTo(-3, 9);
  });
});
