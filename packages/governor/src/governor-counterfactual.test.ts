import { type DecisionGate, parseConfig, type TradeDecision, type TradeOutcome } from '@omni/core';
import { MomentumSequenceModel } from '@omni/sequence';
import { describe, expect, it } from 'vitest';
import type { GovernorDecision, MasterGovernorX100Options } from './governor-types.js';
import { type MarketTick, syntheticMarket, testRouteCandidates } from './market.fixture.js';
import { MasterGovernorX100 } from './master-governor-x100.js';

const market = syntheticMarket({ seed: 7, count: 2500 });
const MIN_WINDOW = 32;

function governor(epsilon: number, over: Partial<MasterGovernorX100Options> = {}): MasterGovernorX100 {
  const config = parseConfig({
    seed: 11,
    engines: { governor: { minConfidence: 0.55, explorationEpsilon: epsilon } },
  });
  return new MasterGovernorX100({ config, sequence: new MomentumSequenceModel(), ...over });
}

/** Losses the lock-out teaches each calibrator: 4 at each raw confidence 0.40, 0.45, …, 1.00. */
const LOCKOUT_LOSSES = 13 * 4;

/**
 * Locks every calibrator the way issue 13 describes (there after a few real losses): losses at
 * every raw confidence from 0.40 up, so every calibrated probability sits far below minConfidence 0.55.
 */
function lockOut(g: MasterGovernorX100): void {
  for (let step = 0; step <= 12; step++) {
    for (let k = 0; k < 4; k++) {
      for (const c of Object.values(g.learners.calibrators)) c.observe(0.4 + 0.05 * step, false);
    }
  }
}

/** A winning settlement of `d` one minute later: binary pays 0.8 of its stake, spot earns 2 R. */
function winOf(d: TradeDecision): TradeOutcome {
  const base = {
    decisionId: d.id,
    symbol: 'EURUSD',
    entryTs: d.tsMs,
    settleTs: d.tsMs + 60_000,
    fees: 0,
    rule: 'test-win',
  };
  switch (d.engine) {
    case 'binary':
      return {
        ...base,
        engine: 'binary',
        direction: d.direction,
        entryPrice: 1.1,
        settlePrice: d.direction === 'call' ? 1.2 : 1,
        stake: d.stakeUsd,
        payout: 0.8,
        pnl: 0.8 * d.stakeUsd,
      };
    case 'spot': {
      const risk = Math.abs(d.entryPrice - d.stopPrice) * d.size;
      const sign = d.side === 'buy' ? 1 : -1;
      return {
        ...base,
        engine: 'spot',
        direction: d.side,
        entryPrice: d.entryPrice,
        settlePrice: d.entryPrice + (sign * 2 * risk) / d.size,
        size: d.size,
        pnl: 2 * risk,
      };
    }
    case 'arbitrage':
      return {
        ...base,
        engine: 'arbitrage',
        direction: 'buy',
        entryPrice: 1,
        settlePrice: 1,
        stake: 15,
        pnl: 15,
      };
  }
}

function decide(g: MasterGovernorX100, i: number): GovernorDecision {
  const t = market[i] as MarketTick;
  return g.decide({
    decisionId: `d-${i}`,
    features: t.features,
    window: t.window,
    balanceUsd: 10_000,
    arbitrage: { candidates: testRouteCandidates() },
    dexVolatility: t.dexVolatility,
  });
}

/** Walks the market; `learnCounterfactual` decides whether confidence-stopped candidates teach (they all win). */
function walk(g: MasterGovernorX100, learnCounterfactual: boolean) {
  const gates: Record<DecisionGate['kind'], number> = {
    'warming-up': 0,
    'no-setup': 0,
    regime: 0,
    confidence: 0,
    sizing: 0,
    veto: 0,
    traded: 0,
  };
  let counterfactuals = 0;
  let firstTradeAfter: number | null = null;
  const explorations: TradeDecision[] = [];
  for (let i = MIN_WINDOW; i < market.length; i++) {
    const audit = decide(g, i);
    gates[audit.gate.kind]++;
    if (audit.gate.kind === 'traded') {
      expect(audit.decision.engine).not.toBe('none');
      if (audit.gate.exploration) explorations.push(audit.decision as TradeDecision);
      else firstTradeAfter ??= counterfactuals;
    } else expect(audit.decision.engine).toBe('none');
    if (learnCounterfactual && audit.gate.kind === 'confidence' && audit.candidate) {
      g.learnCounterfactual(winOf(audit.candidate), audit);
      counterfactuals++;
    }
  }
  return { gates, counterfactuals, firstTradeAfter, explorations };
}

describe('MasterGovernorX100 counterfactual learning and exploration', () => {
  it('stays locked out when only traded signals teach, and recovers when refused signals that win teach', () => {
    const locked = governor(0);
    lockOut(locked);
    const control = walk(locked, false);
    // Every setup the regime learner picks stops at the confidence gate: nothing trades, nothing is learned.
    expect(control.gates.traded).toBe(0);
    expect(control.gates.confidence).toBeGreaterThan(100);
    expect(locked.learners.calibrators.binary.count).toBe(LOCKOUT_LOSSES);

    const learning = governor(0);
    lockOut(learning);
    const treated = walk(learning, true);
    expect(treated.gates.traded).toBeGreaterThan(0);
    expect(treated.firstTradeAfter).not.toBeNull();
    expect(treated.firstTradeAfter as number).toBeGreaterThan(0);
    // Each counterfactual win was observed once by its engine's calibrator.
    const c = learning.learners.calibrators;
    expect(c.binary.count + c.spot.count + c.arbitrage.count - 3 * LOCKOUT_LOSSES).toBe(
      treated.counterfactuals,
    );
    expect(c.binary.calibrate(0.6)).toBeGreaterThanOrEqual(0.55);
  });

  it('teaches a counterfactual outcome to the calibrator, PatternMemory and the regime estimate, not the ladder', () => {
    const g = governor(0);
    lockOut(g);
    let audit: GovernorDecision | undefined;
    for (let i = MIN_WINDOW; i < market.length && !audit; i++) {
      const a = decide(g, i);
      if (a.gate.kind === 'confidence' && a.candidate?.engine === 'binary') audit = a;
    }
    if (audit?.candidate?.engine !== 'binary' || !audit.regime || !audit.trace?.pattern) {
      throw new Error('expected a binary setup stopped at the confidence gate');
    }
    const candidate = audit.candidate;
    expect(candidate.id).toBe(audit.decision.id);
    // Kelly gives no stake below minConfidence: the candidate takes the minimum stake (1 USD).
    expect(candidate.stakeUsd).toBe(1);
    const key = audit.regime.regimeKey;
    const prior = g.learners.regimeRL.values(key).binary;
    const before = g.learners.calibrators.binary.count;
    const loss = { ...winOf(candidate), pnl: -candidate.stakeUsd, settlePrice: 1.1, rule: 'test-loss' };
    const report = g.learnCounterfactual(loss, audit, { riskUsd: 1, gate: 'confidence' });
    expect(report).toEqual({
      decisionId: candidate.id,
      engine: 'binary',
      reward: -1,
      won: false,
      updated: ['regime-rl', 'calibrator.binary', 'pattern-memory'],
    });
    // Sample average with the prior worth 2 outcomes: (2·prior − 1) / 3, counted apart from real trades.
    expect(g.learners.regimeRL.values(key).binary).toBeCloseTo((2 * prior - 1) / 3, 12);
    expect(g.learners.regimeRL.counts(key).binary).toBe(0);
    expect(g.learners.regimeRL.counterfactualCounts(key).binary).toBe(1);
    expect(g.learners.calibrators.binary.count).toBe(before + 1);
    expect(g.learners.ladder.ladderStep).toBe(0);
    expect(
      g.learners.patternMemory.stats({
        pattern: audit.trace.pattern.pattern,
        direction: audit.trace.pattern.direction,
        regime: audit.regime.dominantRegime,
        timeframe: 'tick',
      }),
    ).toMatchObject({ wins: 0, losses: 1, meanR: -1 });
  });

  it('drafts a stand-aside of the regime learner as a candidate of the best-valued engine with a setup', () => {
    const g = governor(0, {
      regimeRL: { exploration: 'epsilon-greedy', epsilon: 0, noneValue: 1 },
    });
    let audit: GovernorDecision | undefined;
    for (let i = MIN_WINDOW; i < market.length && !audit; i++) {
      const a = decide(g, i);
      if (a.gate.kind === 'regime') audit = a;
    }
    if (!audit?.candidate) throw new Error('expected a stand-aside with a candidate');
    expect(audit.decision.engine).toBe('none');
    expect(audit.fib.signals[audit.candidate.engine].kind).toBe('signal');
    expect(audit.candidate.id).toBe(audit.decision.id);
    expect(audit.trace?.rawConfidence).not.toBeNull();
    expect(() => g.learnCounterfactual(winOf(audit.candidate as TradeDecision), audit)).not.toThrow();
  });

  it('explores with probability ε at the minimum stake, and never with ε = 0', () => {
    const none = governor(0);
    lockOut(none);
    const never = walk(none, false);
    expect(never.explorations).toHaveLength(0);

    const always = governor(1);
    lockOut(always);
    const every = walk(always, false);
    // ε = 1: every binary or spot setup stopped only by the confidence gate is taken, at 1 USD of risk.
    expect(every.explorations.length).toBeGreaterThan(50);
    for (const d of every.explorations) {
      if (d.engine === 'binary') expect(d.stakeUsd).toBe(1);
      else if (d.engine === 'spot') expect(Math.abs(d.entryPrice - d.stopPrice) * d.size).toBeLessThan(1);
      else throw new Error('arbitrage is never explored');
      expect(d.reasons.some((r) => r.startsWith('exploration: '))).toBe(true);
    }

    const some = governor(0.2);
    lockOut(some);
    const sometimes = walk(some, false);
    expect(sometimes.explorations.length).toBeGreaterThan(0);
    expect(sometimes.explorations.length).toBeLessThan(every.explorations.length);
  });

  it('keeps the exploration stream in the snapshot, so a restored governor explores the same way', () => {
    const g = governor(0.3);
    for (let i = MIN_WINDOW; i < 1200; i++) decide(g, i);
    const restored = MasterGovernorX100.restore(JSON.parse(JSON.stringify(g.snapshot())), {
      config: parseConfig({
        seed: 11,
        engines: { governor: { minConfidence: 0.55, explorationEpsilon: 0.3 } },
      }),
      sequence: new MomentumSequenceModel(),
    });
    expect(restored.snapshot().exploration).toEqual(g.snapshot().exploration);
    const a: boolean[] = [];
    const b: boolean[] = [];
    for (let k = 0; k < 50; k++) {
      a.push(g.learners.exploration.explore());
      b.push(restored.learners.exploration.explore());
    }
    expect(b).toEqual(a);
    expect(a.filter(Boolean).length).toBeGreaterThan(0);
  });
});
