import { parseConfig, type SpotDecision, type TradeOutcome } from '@omni/core';
import { FeatureExtractorEngine } from '@omni/features';
import { MasterFibonacciGovernor, type PatternMemory, type VolatilitySample } from '@omni/fib-core';
import { MomentumSequenceModel } from '@omni/sequence';
import { describe, expect, it } from 'vitest';
import type { FibEvaluator, GovernorDecision, MasterGovernorX100Options } from './governor-types.js';
import { MasterGovernorX100 } from './master-governor-x100.js';

const DAY = 86_400_000;

/** Straight segments between the turning points, `step` apart; every turning point is a tick of its own. */
function pricePath(points: readonly number[], step: number): number[] {
  const out = [points[0] as number];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as number;
    const b = points[i] as number;
    const n = Math.ceil(Math.abs(b - a) / step);
    for (let k = 1; k <= n; k++) out.push(k === n ? b : a + ((b - a) * k) / n);
  }
  return out;
}

// Textbook bullish Gartley (ratio table): X 100, A 200, B 138.2 (0.618 XA), C 176.3924 (0.618 AB), D 121.4 (0.786 XA).
const D = 121.4;
const GARTLEY = pricePath([150, 100, 200, 138.2, 138.2 + 0.618 * 61.8, D, 150], 0.5);

/**
 * The runtime's loop in miniature over the Gartley path with a permissive governor (no confidence floor, no
 * sequence weight, no exploration): the decision at every tick; `volatility(i)` feeds the fib VolatilityScoreMatrix.
 */
function decideAlong(
  volatility?: (i: number) => VolatilitySample,
  fib?: Pick<MasterGovernorX100Options, 'createFib' | 'fib'>,
): (GovernorDecision | undefined)[] {
  return run(volatility, fib).decisions;
}

function run(
  volatility?: (i: number) => VolatilitySample,
  fib: Pick<MasterGovernorX100Options, 'createFib' | 'fib'> = {},
): { g: MasterGovernorX100; decisions: (GovernorDecision | undefined)[] } {
  const config = parseConfig({
    seed: 5,
    engines: { governor: { minConfidence: 0, explorationEpsilon: 0 } },
  });
  const g = new MasterGovernorX100({
    config,
    sequence: new MomentumSequenceModel(),
    sequenceWeight: 0,
    ...fib,
  });
  const features = new FeatureExtractorEngine({
    bars: { kind: 'ticks', count: 1 },
    swing: { mode: 'percent', percent: 3 },
  });
  const window: number[] = [];
  const decisions = GARTLEY.map((price, i) => {
    const fv = features.update({ symbol: 'EURUSD', tsMs: i * DAY, price, source: 'test' });
    window.push(price);
    if (window.length > 64) window.shift();
    // The first 32 ticks only warm the features up (the fib stage catches their swings up later).
    if (window.length < 32) return undefined;
    return g.decide({
      decisionId: `d-${i}`,
      features: fv,
      window: [...window],
      balanceUsd: 10_000,
      ...(volatility ? { volatility: volatility(i) } : {}),
    });
  });
  return { g, decisions };
}

const indexOfD = GARTLEY.indexOf(D);

/** The default fib stage with its binary signals masked, so the regime learner can only choose spot. */
function spotOnly(memory: PatternMemory): FibEvaluator {
  const fib = new MasterFibonacciGovernor({ memory });
  return {
    evaluateMarket: (features, context) => {
      const block = fib.evaluateMarket(features, context);
      const binary = { kind: 'none', engine: 'binary', reason: 'spot only in this test' } as const;
      return { ...block, signals: { ...block.signals, binary } };
    },
  };
}

describe('a harmonic pattern through MasterGovernorX100', () => {
  it('trades the Gartley at D: a call labelled gartley:bullish, which PatternMemory learns under that key', () => {
    const { g, decisions } = run();
    const atD = decisions[indexOfD] as GovernorDecision;
    const d = atD.decision;
    if (d.engine !== 'binary') throw new Error(`expected a binary trade at D, got ${d.engine}`);
    expect(d.direction).toBe('call');
    expect(atD.trace?.pattern).toEqual({ pattern: 'gartley', direction: 'bullish' });
    const fibBinary = atD.fib.signals.binary;
    expect(fibBinary.kind === 'signal' && fibBinary.engine === 'binary' && fibBinary.harmonic).toMatchObject({
      pattern: 'gartley',
      direction: 'bullish',
      points: { X: 100, A: 200, D },
    });
    const win: TradeOutcome = {
      decisionId: d.id,
      engine: 'binary',
      symbol: d.symbol,
      direction: d.direction,
      entryTs: d.tsMs,
      entryPrice: D,
      settleTs: d.tsMs + d.expirySec * 1000,
      settlePrice: 130,
      stake: d.stakeUsd,
      payout: 0.8,
      fees: 0,
      pnl: 0.8 * d.stakeUsd,
      rule: 'binary-expiry-win',
    };
    const before = g.learners.patternMemory.patternStats({ pattern: 'gartley', direction: 'bullish' }).wins;
    expect(g.learn(win, atD).updated).toContain('pattern-memory');
    expect(g.learners.patternMemory.patternStats({ pattern: 'gartley', direction: 'bullish' }).wins).toBe(
      before + 1,
    );
    expect(g.learners.patternMemory.patternStats({ pattern: 'gartley', direction: 'bearish' }).wins).toBe(0);
  });

  it('places a spot trade at the Gartley with the stop beyond X and take-profits at AD retracements', () => {
    const decisions = decideAlong(undefined, { createFib: spotOnly });
    const spot = decisions.find(
      (a) => a?.decision.engine === 'spot' && a.trace?.pattern?.pattern === 'gartley',
    ) as GovernorDecision;
    expect(spot).toBeDefined();
    const d = spot.decision as SpotDecision;
    const signal = spot.fib.signals.spot;
    if (signal.kind !== 'signal' || signal.engine !== 'spot') throw new Error('no spot signal');
    expect(d.side).toBe('buy');
    expect(d.entryPrice).toBe(signal.entryPrice);
    expect(d.stopPrice).toBe(signal.stopPrice);
    expect(d.stopPrice).toBeLessThan(100); // beyond X
    expect(d.stopPrice).toBeGreaterThan(99); // by half an ATR of about 0.5
    const ad = 200 - (signal.harmonic?.points.D ?? Number.NaN);
    const targets = [0.382, 0.618].map((r) => (signal.harmonic?.points.D ?? 0) + r * ad);
    // The ladder is the AD retracements up to the level SpotTPRotator chose.
    expect(d.takeProfits.length).toBeGreaterThan(0);
    expect(d.takeProfits.map((tp) => tp.price)).toEqual(
      targets.slice(0, d.takeProfits.length).map((t) => expect.closeTo(t, 9)),
    );
  });

  it('trusts the Gartley less when the fused volatility score is above usual, and not at all above a maxScore', () => {
    const usual = decideAlong(() => ({ fx: 1 }))[indexOfD] as GovernorDecision;
    // 49 samples of 1 then 2 at D: score 2 / 1.02 = 1.9608, weight 1 / (1 + 0.5·(1.9608 − 1.5)).
    const high = decideAlong((i) => ({ fx: i === indexOfD ? 2 : 1 }))[indexOfD] as GovernorDecision;
    const fibOf = (a: GovernorDecision): number => a.trace?.fibConfidence ?? Number.NaN;
    expect(high.fib.volatilityScore).toBeCloseTo(2 / 1.02, 12);
    expect(fibOf(high)).toBeCloseTo(fibOf(usual) / (1 + 0.5 * (2 / 1.02 - 1.5)), 12);
    expect(high.trace?.rawConfidence ?? 1).toBeLessThan(usual.trace?.rawConfidence ?? 0);
    // With maxScore 2, 3 at D (score 3 / 1.04 = 2.885) makes binary and spot stand aside: no trade at D.
    const shock = decideAlong((i) => ({ fx: i === indexOfD ? 3 : 1 }), {
      fib: { volatilityGate: { maxScore: 2 } },
    })[indexOfD] as GovernorDecision;
    expect(usual.decision.engine).not.toBe('none');
    expect(shock.decision.engine).toBe('none');
    expect(shock.fib.signals.binary).toMatchObject({ kind: 'none', reason: /volatility score 2\.885/ });
  });
});
