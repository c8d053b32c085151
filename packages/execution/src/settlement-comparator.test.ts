import type { TradeOutcome } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { type ComparatorAlert, SettlementComparator } from './settlement-comparator.js';

const T0 = Date.UTC(2026, 10, 27, 12);

/** A settled 10 USD call: `result` by the rules of its side, `pnl` as that side paid it. */
function settled(
  decisionId: string,
  result: 'win' | 'loss' | 'tie-refund' | 'tie-loss',
  pnl: number,
  payout: number,
): TradeOutcome {
  return {
    decisionId,
    engine: 'binary',
    symbol: 'R_100',
    direction: 'call',
    entryTs: T0,
    entryPrice: 100,
    settleTs: T0 + 60_000,
    settlePrice: result === 'win' ? 100.5 : result === 'loss' ? 99.5 : 100,
    stake: 10,
    payout,
    fees: 0,
    pnl,
    rule: `binary-expiry-${result}`,
    exit: { kind: 'expiry', result },
  };
}

function comparator(): { compare: SettlementComparator; alerts: ComparatorAlert[] } {
  const alerts: ComparatorAlert[] = [];
  return { compare: new SettlementComparator('deriv', (a) => alerts.push(a)), alerts };
}

describe('SettlementComparator', () => {
  it('counts an equal settlement as agreed, whichever side settles first', () => {
    const { compare, alerts } = comparator();
    compare.broker(settled('d1', 'win', 9.5, 0.95));
    compare.shadow(settled('d1', 'win', 9.5, 0.95));
    compare.shadow(settled('d2', 'loss', -10, 0.95));
    compare.broker(settled('d2', 'loss', -10, 0.95));
    expect([compare.agreed, compare.divergences, compare.payoutMismatches, alerts.length]).toEqual([
      2, 0, 0, 0,
    ]);
  });

  it('reports a different result as a settlement divergence with both sides', () => {
    const { compare, alerts } = comparator();
    compare.shadow(settled('d1', 'win', 8, 0.8));
    compare.broker(settled('d1', 'loss', -10, 0.95));
    expect(compare.divergences).toBe(1);
    expect(alerts).toEqual([
      {
        level: 'warn',
        code: 'SETTLEMENT_DIVERGENCE',
        message: 'deriv settled d1 as loss but the shadow rules as win',
        context: {
          decisionId: 'd1',
          broker: { result: 'loss', pnl: -10, entryPrice: 100, settlePrice: 99.5, settleTs: T0 + 60_000 },
          shadow: { result: 'win', pnl: 8, entryPrice: 100, settlePrice: 100.5, settleTs: T0 + 60_000 },
        },
      },
    ]);
  });

  it('tells a payout that differs from the configuration once, not as a divergence on every win', () => {
    const { compare, alerts } = comparator();
    for (const id of ['d1', 'd2', 'd3']) {
      compare.shadow(settled(id, 'win', 8, 0.8)); // engines.binary.payout 0.8
      compare.broker(settled(id, 'win', 9.5, 0.95)); // the broker pays 95 %
    }
    expect([compare.agreed, compare.divergences, compare.payoutMismatches]).toEqual([3, 0, 3]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      level: 'warn',
      code: 'PAYOUT_MISMATCH',
      message:
        "deriv pays 0.95 of the stake on a win but engines.binary.payout is 0.8: set it to 0.95 so shadow runs and sizing see this broker's payout",
      context: { decisionId: 'd1', brokerRatio: 0.95, configuredRatio: 0.8 },
    });
    // Moves within a percentage point are the same payout; a larger one is told again.
    compare.shadow(settled('d4', 'win', 8, 0.8));
    compare.broker(settled('d4', 'win', 9.42, 0.942));
    compare.shadow(settled('d5', 'win', 8, 0.8));
    compare.broker(settled('d5', 'win', 9.1, 0.91));
    expect(alerts.map((a) => a.context?.['brokerRatio'])).toEqual([0.95, 0.91]);
    expect(compare.payoutMismatches).toBe(5);
  });

  it('still reports a loss or a tie paid differently as a divergence (the payout does not explain it)', () => {
    const { compare, alerts } = comparator();
    compare.shadow(settled('d1', 'loss', -10, 0.8));
    compare.broker(settled('d1', 'loss', -9, 0.95));
    compare.shadow(settled('d2', 'tie-loss', -10, 0.8));
    compare.broker(settled('d2', 'tie-refund', 0, 0.95));
    expect(compare.divergences).toBe(2);
    expect(alerts.map((a) => a.message)).toEqual([
      'deriv settled d1 at -9 but the shadow rules at -10',
      'deriv settled d2 as tie but the shadow rules as loss',
    ]);
  });

  it('compares nothing for a decision the broker never bought', () => {
    const { compare, alerts } = comparator();
    compare.shadow(settled('d1', 'win', 8, 0.8));
    compare.broker({
      ...settled('d1', 'loss', 0, 0.95),
      exit: { kind: 'cancelled', reason: 'refused by the broker' },
    });
    compare.broker(settled('d1', 'win', 9.5, 0.95)); // a late duplicate: waits for a shadow that never comes
    expect([compare.agreed, compare.divergences, alerts.length]).toEqual([0, 0, 0]);
  });
});
