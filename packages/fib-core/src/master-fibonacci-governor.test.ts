import type { Swing } from '@omni/core';
import type { FeatureVector } from '@omni/features';
import { describe, expect, it } from 'vitest';
import type { BinarySignal, SpotSignal } from './fib-signal.js';
import { MasterFibonacciGovernor } from './master-fibonacci-governor.js';
import { PatternMemory } from './pattern-memory.js';

const HOUR = 3_600_000;

function swing(kind: 'high' | 'low', price: number, i: number): Swing {
  return { kind, price, tsMs: i * HOUR, index: i, confirmedTsMs: i * HOUR + 1 };
}

function features(price: number, tsMs: number, swings: Swing[], newSwing: Swing | null): FeatureVector {
  return {
    symbol: 'EURUSD',
    tsMs,
    price,
    spread: null,
    tickCount: 0,
    barCount: 0,
    barClosed: false,
    logReturn: null,
    sma: null,
    ema: null,
    rollingStd: 0.001,
    atr: 4,
    momentumGradient: null,
    volatilityPercentile: null,
    trendStrength: null,
    swings,
    newSwing,
  };
}

// Waves 1–2 of an up impulse, then the up leg 100 → 200 (wave 3 so far): price pulls back to 138.2.
const SWINGS = [swing('low', 90, 0), swing('high', 130, 2), swing('low', 100, 4), swing('high', 200, 8)];

describe('MasterFibonacciGovernor', () => {
  it('builds the fib block with setup, wave reading, zones and per-engine signals with reasons', () => {
    const gov = new MasterFibonacciGovernor();
    const block = gov.evaluateMarket(features(138.2, 9 * HOUR, SWINGS, null));
    expect(block.swingCount).toBe(4);
    expect(block.setup?.levels.direction).toBe('up');
    expect(block.setup?.meanLegMs).toBe((8 * HOUR) / 3);
    expect(block.wave.kind).toBe('count');
    const binary = block.signals.binary;
    expect(binary.kind).toBe('signal');
    if (binary.kind === 'signal') {
      expect(binary.direction).toBe('call');
      expect(binary.expirySec).toBe(Math.round((0.5 * 8 * 3600) / 3));
      expect(binary.reasons.some((r) => r.startsWith('Elliott'))).toBe(true);
    }
    expect(block.signals.spot.kind).toBe('signal');
  });

  it('times arbitrage on the pools own volatility (dex), never on the FX feed', () => {
    const fxOnly = new MasterFibonacciGovernor({ engines: { arbitrage: { window: 4 } } });
    const withDex = new MasterFibonacciGovernor({ engines: { arbitrage: { window: 4 } } });
    // FX volatility collapses to a tenth of its mean; the pools' stays steady, then expands 3×.
    const fx = [0.01, 0.01, 0.01, 0.01, 0.001];
    const dex = [0.002, 0.002, 0.002, 0.002, 0.006];
    let fxBlock = fxOnly.evaluateMarket(features(150, 9 * HOUR, SWINGS, null), { volatility: { fx: 0.01 } });
    let dexBlock = fxBlock;
    for (let i = 0; i < fx.length; i++) {
      const f = features(150, (10 + i) * HOUR, SWINGS, null);
      fxBlock = fxOnly.evaluateMarket(f, { volatility: { fx: fx[i] } });
      dexBlock = withDex.evaluateMarket(f, { volatility: { fx: fx[i], dex: dex[i] } });
    }
    expect(fxBlock.signals.arbitrage).toEqual({
      kind: 'none',
      engine: 'arbitrage',
      reason: 'volatility mean is still warming up',
    });
    const arb = dexBlock.signals.arbitrage;
    expect(arb.kind === 'signal' && arb.phase).toBe('expansion');
    // ratio = 0.006 / mean(0.002, 0.002, 0.002, 0.006) = 2
    expect(arb.kind === 'signal' && arb.volatilityRatio).toBeCloseTo(2, 12);
    // The fused score weighs both channels: (0.001 / 0.0082 + 0.006 / 0.0028) / 2 over their 5-sample means.
    expect(dexBlock.volatilityScore).toBeCloseTo((0.001 / (0.041 / 5) + 0.006 / (0.014 / 5)) / 2, 12);
  });

  it('recomputes zones only when a new swing confirms', () => {
    const gov = new MasterFibonacciGovernor();
    const first = gov.evaluateMarket(features(150, 9 * HOUR, SWINGS, null)).zones;
    const again = gov.evaluateMarket(features(151, 10 * HOUR, SWINGS, null)).zones;
    expect(again).toBe(first);
    const next = swing('low', 140, 11);
    const after = gov.evaluateMarket(features(160, 12 * HOUR, [...SWINGS, next], next));
    expect(after.zones).not.toBe(first);
    expect(after.swingCount).toBe(5);
  });

  it('weights confidence by the pattern memory posterior', () => {
    const memory = new PatternMemory();
    for (let i = 0; i < 6; i++) {
      memory.store({
        pattern: 'fib-retracement',
        direction: 'bullish',
        regime: 'trend',
        timeframe: 'tick',
        won: true,
        r: 1,
      });
    }
    const plain = new MasterFibonacciGovernor().evaluateMarket(features(138.2, 9 * HOUR, SWINGS, null));
    const plainConfidence = plain.signals.binary.kind === 'signal' ? plain.signals.binary.confidence : 0;
    const gov = new MasterFibonacciGovernor({ memory });
    const weighted = gov.evaluateMarket(features(138.2, 9 * HOUR, SWINGS, null), { regime: 'trend' });
    const w = memory.confidenceWeight({
      pattern: 'fib-retracement',
      direction: 'bullish',
      regime: 'trend',
      timeframe: 'tick',
    });
    expect(w).toBeCloseTo(8 / 10 / 0.5, 12);
    expect(weighted.signals.binary.kind === 'signal' && weighted.signals.binary.confidence).toBeCloseTo(
      Math.min(1, plainConfidence * w),
      12,
    );
  });

  /** Binary and spot confidence at the 0.618 band after fx volatility samples 1, 1, 1, `last` (window 4). */
  function afterVolatility(
    last: number,
    maxScore?: number,
  ): { binary: BinarySignal; spot: SpotSignal; score: number | null } {
    const gov = new MasterFibonacciGovernor({
      volatility: { window: 4 },
      ...(maxScore === undefined ? {} : { volatilityGate: { maxScore } }),
    });
    let block = gov.evaluateMarket(features(138.2, 9 * HOUR, SWINGS, null), { volatility: { fx: 1 } });
    for (const fx of [1, 1, last]) {
      block = gov.evaluateMarket(features(138.2, 9 * HOUR, SWINGS, null), { volatility: { fx } });
    }
    return { binary: block.signals.binary, spot: block.signals.spot, score: block.volatilityScore };
  }

  it('lowers binary and spot confidence as the volatility score rises above usual', () => {
    const usual = afterVolatility(1);
    const busy = afterVolatility(1.5); // score 1.5 / 1.125 = 1.33 ≤ usualMax 1.5: no effect
    const high = afterVolatility(3); // score 3 / 1.5 = 2: weight 1 / (1 + 0.5·(2 − 1.5)) = 0.8
    expect(usual.score).toBe(1);
    expect(high.score).toBe(2);
    const c = (s: BinarySignal | SpotSignal): number => (s.kind === 'signal' ? s.confidence : Number.NaN);
    expect(c(busy.binary)).toBe(c(usual.binary));
    expect(c(high.binary)).toBeCloseTo(c(usual.binary) * 0.8, 12);
    expect(c(high.spot)).toBeCloseTo(c(usual.spot) * 0.8, 12);
    expect(high.binary.kind === 'signal' && high.binary.reasons).toContain(
      'volatility score 2.000 above usual: confidence × 0.800',
    );
  });

  it('stands binary and spot aside above the volatility gate when it has a maxScore', () => {
    expect(afterVolatility(4).binary.kind).toBe('signal'); // no maxScore by default
    const shock = afterVolatility(4, 2); // score 4 / 1.75 = 2.29 > maxScore 2
    expect(shock.binary).toEqual({
      kind: 'none',
      engine: 'binary',
      reason:
        "volatility score 2.286 is above the gate's maxScore 2: fib levels are overrun in a volatility shock",
    });
    expect(shock.spot.kind).toBe('none');
  });

  it('stands every engine aside before any swing', () => {
    const block = new MasterFibonacciGovernor().evaluateMarket(features(1.1, 0, [], null));
    expect(block.signals.binary.kind).toBe('none');
    expect(block.signals.spot.kind).toBe('none');
  });
});
