import {
  type BinaryDecision,
  ManualClock,
  type OmniConfig,
  RiskLimitsSchema,
  type SpotDecision,
  type TradeDecision,
} from '@omni/core';
import { describe, expect, it } from 'vitest';
import { SafetyManager } from './safety-manager.js';

const T0 = Date.UTC(2024, 0, 2, 10); // a Tuesday, 10:00 UTC
const SETUP = 'fib-retracement:down:1704186000000-1704189600000:0.618:put';

function manager(over: Partial<OmniConfig['risk']> = {}): { safety: SafetyManager; clock: ManualClock } {
  const clock = new ManualClock(T0);
  const safety = new SafetyManager({
    limits: RiskLimitsSchema.parse({ maxOpenPositions: 10, ...over }),
    clock,
  });
  safety.noteTick({ symbol: 'EURUSD', tsMs: T0, price: 1.1, source: 'test' });
  return { safety, clock };
}

function put(id: string, tsMs: number, over: Partial<BinaryDecision> = {}): BinaryDecision {
  return {
    engine: 'binary',
    id,
    tsMs,
    confidence: 0.6,
    reasons: [],
    symbol: 'EURUSD',
    direction: 'put',
    stakeUsd: 10,
    expirySec: 60,
    setupKey: SETUP,
    ...over,
  };
}

function buy(id: string, size: number, over: Partial<SpotDecision> = {}): SpotDecision {
  return {
    engine: 'spot',
    id,
    tsMs: T0,
    confidence: 0.6,
    reasons: [],
    symbol: 'EURUSD',
    side: 'buy',
    size,
    entryPrice: 2,
    stopPrice: 1.5,
    takeProfits: [{ price: 3, fraction: 1 }],
    ...over,
  };
}

/** What the runtime does with each decision: approve, and register it open when approved. */
function place(safety: SafetyManager, decision: TradeDecision): string {
  const approval = safety.approve(decision, { balanceUsd: 10_000 });
  if (!approval.approved) return `${approval.limit}: ${approval.reason}`;
  safety.registerOpen(approval.decision, { venue: 'shadow' });
  return 'open';
}

describe('checkOrderCaps: no stacking of one setup', () => {
  it('opens one put of a setup and refuses the same setup at t + 1 s and t + 2 s, naming it', () => {
    const { safety, clock } = manager();
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) {
      clock.set(T0 + i * 1000);
      answers.push(place(safety, put(`p${i}`, T0 + i * 1000)));
    }
    const refused = `maxPositionsPerSetup: 1 open binary position on EURUSD already trades setup ${SETUP} (cap 1 per setup)`;
    expect(answers).toEqual(['open', refused, refused]);
    expect(safety.ledger.positions().map((p) => p.decisionId)).toEqual(['p0']);
  });

  it('lets the setup trade again once its position is closed', () => {
    const { safety } = manager();
    expect(place(safety, put('p0', T0))).toBe('open');
    safety.releaseOpen('p0');
    expect(place(safety, put('p1', T0 + 1000))).toBe('open');
  });

  it('allows maxPositionsPerSetup positions, and keeps other setups, symbols, engines and keyless decisions apart', () => {
    const { safety } = manager({ maxPositionsPerSetup: 2 });
    expect(['p0', 'p1', 'p2'].map((id, i) => place(safety, put(id, T0 + i * 1000)))).toEqual([
      'open',
      'open',
      `maxPositionsPerSetup: 2 open binary positions on EURUSD already trade setup ${SETUP} (cap 2 per setup)`,
    ]);
    expect(place(safety, put('other-level', T0, { setupKey: `${SETUP}-0.382` }))).toBe('open');
    expect(place(safety, put('other-symbol', T0, { symbol: 'GBPUSD' }))).toBe('open');
    expect(place(safety, buy('spot-same-key', 20, { setupKey: SETUP }))).toBe('open');
    const { setupKey: _none, ...keyless } = put('keyless', T0);
    expect(place(safety, keyless)).toBe('open');
  });
});

describe('checkOrderCaps: correlated exposure per symbol', () => {
  // Spot risk: size × |2 − 1.5| (no cost bps; exact in binary floating point). Binary risk: the stake.
  it('counts a CALL and a BUY of one symbol together against maxExposurePerSymbolUsd', () => {
    const { safety } = manager({ maxExposurePerSymbolUsd: 25, maxExposurePerMarketUsd: 500 });
    expect(place(safety, put('call', T0, { direction: 'call', stakeUsd: 20, setupKey: 'a' }))).toBe('open');
    expect(place(safety, buy('buy', 20))).toBe(
      'maxExposurePerSymbolUsd: long EURUSD exposure across engines would be 30 USD, above the cap of 25 USD',
    );
    // The same risk short, or on another symbol, is not correlated with the open CALL.
    expect(
      place(
        safety,
        buy('sell', 20, { side: 'sell', stopPrice: 2.5, takeProfits: [{ price: 1, fraction: 1 }] }),
      ),
    ).toBe('open');
    expect(place(safety, buy('gbp', 20, { symbol: 'GBPUSD' }))).toBe('open');
    expect(place(safety, buy('small', 10))).toBe('open'); // 20 + 5 = 25: at the cap, not above
  });

  it('counts a position whose side is unknown (no decision in the ledger) on both sides', () => {
    const { safety } = manager({ maxExposurePerSymbolUsd: 25 });
    safety.ledger.record({
      decisionId: 'migrated',
      market: 'binary',
      symbol: 'EURUSD',
      venue: 'unknown',
      riskUsd: 20,
      openedTs: T0,
    });
    expect(place(safety, put('long', T0, { direction: 'call', setupKey: 'a' }))).toMatch(
      /^maxExposurePerSymbolUsd: long EURUSD exposure across engines would be 30 USD/,
    );
    expect(place(safety, put('short', T0, { setupKey: 'b' }))).toMatch(
      /^maxExposurePerSymbolUsd: short EURUSD exposure across engines would be 30 USD/,
    );
  });
});
