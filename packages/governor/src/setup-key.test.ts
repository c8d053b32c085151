import { type BinaryDecision, parseConfig, type SpotDecision } from '@omni/core';
import { type FibBlock, type FibSetup, fibLevels } from '@omni/fib-core';
import { MomentumSequenceModel } from '@omni/sequence';
import { describe, expect, it } from 'vitest';
import type { FibAudit } from './fib-audit.js';
import { syntheticMarket, testRouteCandidates } from './market.fixture.js';
import { MasterGovernorX100 } from './master-governor-x100.js';
import { setupKeyOf, withSetupKey } from './setup-key.js';

const T0 = 1_704_153_600_000;
const HOUR = 3_600_000;

/** An up leg 1.10 → 1.12 from swings at T0 and T0 + 1 h. */
function leg(startTs = T0, endTs = T0 + HOUR): FibSetup {
  return {
    start: { kind: 'low', price: 1.1, tsMs: startTs, index: 0, confirmedTsMs: startTs },
    end: { kind: 'high', price: 1.12, tsMs: endTs, index: 60, confirmedTsMs: endTs },
    levels: fibLevels(1.1, 1.12),
    meanLegMs: HOUR,
  };
}

/** The block's signals as the engines would give them inside the 0.618 zone, at a zone of `halfWidth`. */
function block(setup: FibSetup | null, halfWidth = 0.0005): Pick<FibBlock, 'setup' | 'signals'> {
  const level = 1.12 - 0.618 * 0.02;
  const zone = { low: level - halfWidth, high: level + halfWidth };
  return {
    setup,
    signals: {
      binary: {
        kind: 'signal',
        engine: 'binary',
        direction: 'call',
        confidence: 0.6,
        expirySec: 1800,
        level: { kind: 'retracement', ratio: 0.618, price: level },
        zone,
        pattern: 'fib-retracement',
        reasons: [],
      },
      spot: {
        kind: 'signal',
        engine: 'spot',
        side: 'buy',
        confidence: 0.6,
        entryPrice: level,
        stopPrice: zone.low - 0.001,
        takeProfits: [{ ratio: 1.272, price: 1.12544, fraction: 1 }],
        zone,
        pattern: 'gartley',
        reasons: [],
      },
      arbitrage: { kind: 'none', engine: 'arbitrage', reason: 'no compression' },
    },
  };
}

const call: BinaryDecision = {
  engine: 'binary',
  id: 'd1',
  tsMs: T0 + 2 * HOUR,
  confidence: 0.6,
  reasons: [],
  symbol: 'EURUSD',
  direction: 'call',
  stakeUsd: 10,
  expirySec: 1800,
};

const buy: SpotDecision = {
  engine: 'spot',
  id: 'd2',
  tsMs: T0 + 2 * HOUR,
  confidence: 0.6,
  reasons: [],
  symbol: 'EURUSD',
  side: 'buy',
  size: 1000,
  entryPrice: 1.1076,
  stopPrice: 1.1061,
  takeProfits: [{ price: 1.12544, fraction: 1 }],
};

describe('setupKeyOf', () => {
  it('names the pattern, the swing leg, the binary level and the direction', () => {
    expect(setupKeyOf(call, block(leg()))).toBe('fib-retracement:up:1704153600000-1704157200000:0.618:call');
    expect(setupKeyOf(buy, block(leg()))).toBe('gartley:up:1704153600000-1704157200000:buy');
  });

  it('stays the same while the ATR-wide zone moves, and changes with a new swing leg', () => {
    expect(setupKeyOf(call, block(leg(), 0.0009))).toBe(setupKeyOf(call, block(leg(), 0.0005)));
    expect(setupKeyOf(call, block(leg(T0, T0 + 2 * HOUR)))).toBe(
      'fib-retracement:up:1704153600000-1704160800000:0.618:call',
    );
  });

  it('gives none before the first swing leg, for an engine without a signal, or for arbitrage', () => {
    expect(setupKeyOf(call, block(null))).toBeUndefined();
    const noSpot = {
      ...block(leg()),
      signals: { ...block(leg()).signals, spot: { kind: 'none', engine: 'spot', reason: 'outside' } },
    } as const;
    expect(setupKeyOf(buy, noSpot)).toBeUndefined();
    expect(
      setupKeyOf(
        {
          engine: 'arbitrage',
          id: 'a',
          tsMs: T0,
          confidence: 0.6,
          reasons: [],
          routeId: 'synthetic:A->B',
          amountInWei: 1n,
          minProfitWei: 0n,
        },
        block(leg()),
      ),
    ).toBeUndefined();
  });

  it('adds the key to a trade decision and leaves a stand-aside as it is', () => {
    expect(withSetupKey(call, block(leg()))).toEqual({
      ...call,
      setupKey: 'fib-retracement:up:1704153600000-1704157200000:0.618:call',
    });
    const none = { engine: 'none', id: 'n', tsMs: T0, reason: 'no setup' } as const;
    expect(withSetupKey(none, block(leg()))).toBe(none);
    expect(withSetupKey(call, block(null))).toBe(call);
  });
});

describe('MasterGovernorX100.decide', () => {
  it('gives every binary and spot trade the key of the fib setup its audit shows', () => {
    const config = parseConfig({ seed: 11, engines: { governor: { minConfidence: 0.5 } } });
    const g = new MasterGovernorX100({ config, sequence: new MomentumSequenceModel() });
    const keys: string[] = [];
    for (const [i, t] of syntheticMarket({ seed: 7, count: 1500 }).entries()) {
      if (t.window.length < 32) continue;
      const { decision, fib } = g.decide({
        decisionId: `d-${i}`,
        features: t.features,
        window: t.window,
        balanceUsd: 10_000,
        arbitrage: { candidates: testRouteCandidates() },
        dexVolatility: t.dexVolatility,
      });
      if (decision.engine !== 'binary' && decision.engine !== 'spot') continue;
      // The same key, rebuilt from the JSON audit of the fib block the decision came from.
      const audit = fib as FibAudit;
      const signal = audit.signals[decision.engine];
      if (signal.kind !== 'signal' || signal.engine === 'arbitrage' || audit.setup === null)
        throw new Error('a trade without a fib setup');
      const level = signal.engine === 'binary' ? `:${signal.level.ratio}` : '';
      const side = decision.engine === 'binary' ? decision.direction : decision.side;
      const { direction, start, end } = audit.setup;
      expect(decision.setupKey).toBe(
        `${signal.pattern}:${direction}:${start.tsMs}-${end.tsMs}${level}:${side}`,
      );
      keys.push(decision.setupKey as string);
    }
    expect(keys.length).toBeGreaterThan(10);
    // Setups stay valid for several ticks: fewer setups than trades, which is what stacking was.
    expect(new Set(keys).size).toBeLessThan(keys.length);
  });
});
