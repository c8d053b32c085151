import { ManualClock, RiskLimitsSchema, type TradeOutcome } from '@omni/core';
import { SafetyManager } from '@omni/safety';
import { describe, expect, it } from 'vitest';
import { MODELLED_OPERATOR, ModelledOperator } from './modelled-operator.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 10);

function loss(id: string, tsMs: number): TradeOutcome {
  return {
    decisionId: id,
    engine: 'binary',
    symbol: 'EURUSD',
    direction: 'call',
    entryTs: tsMs,
    entryPrice: 1.1,
    settleTs: tsMs,
    settlePrice: 1.09,
    stake: 5,
    payout: 0.8,
    fees: 0,
    pnl: -5,
    rule: 'binary-expiry',
  };
}

/** A manager whose cooldown trips after two losses on the first day. */
function tripped(): { safety: SafetyManager; clock: ManualClock } {
  const clock = new ManualClock(T0);
  const safety = new SafetyManager({ limits: RiskLimitsSchema.parse({ maxLossStreak: 2 }), clock });
  safety.registerOutcome(loss('a', T0));
  safety.registerOutcome(loss('b', T0));
  expect(safety.status().cooldown?.limit).toBe('maxLossStreak');
  return { safety, clock };
}

describe('ModelledOperator', () => {
  it('next-session: lifts a cooldown at the first tick of the next session, journaled as an operator reset', () => {
    const { safety, clock } = tripped();
    const operator = new ModelledOperator(safety, 'next-session');
    operator.observe(T0);
    operator.observe(T0 + 3_600_000); // same session: the cooldown stands
    expect(safety.mode).toBe('reduce-only');
    clock.set(T0 + DAY);
    operator.observe(T0 + DAY);
    expect(safety.mode).toBe('active');
    expect(operator.reviews).toEqual([{ tsMs: T0 + DAY, cleared: ['cooldown:maxLossStreak', 'counters'] }]);
    expect(safety.toState().history.map((h) => [h.operator, h.action])).toEqual([
      [MODELLED_OPERATOR, 'reset'],
    ]);
  });

  it('never: the cooldown lasts for the rest of the run', () => {
    const { safety, clock } = tripped();
    const operator = new ModelledOperator(safety, 'never');
    for (let d = 0; d < 5; d++) {
      clock.set(T0 + d * DAY);
      operator.observe(T0 + d * DAY);
    }
    expect([safety.mode, operator.reviews.length]).toEqual(['reduce-only', 0]);
  });

  it('never lifts the emergency freeze', () => {
    const { safety, clock } = tripped();
    safety.freeze('emergency');
    const operator = new ModelledOperator(safety, 'next-session');
    operator.observe(T0);
    clock.set(T0 + DAY);
    operator.observe(T0 + DAY);
    expect([safety.mode, operator.reviews.length]).toEqual(['halted', 0]);
  });
});
