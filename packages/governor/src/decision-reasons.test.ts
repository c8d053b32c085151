import type { FibBlock } from '@omni/fib-core';
import { describe, expect, it } from 'vitest';
import { DecisionReasons, GovernorAnswer, type GovernorDecisionFields } from './decision-reasons.js';
import { auditFibBlock } from './fib-audit.js';
import type { DecisionProbabilities } from './governor-types.js';
import { RegimeStateBuilder } from './regime-state-builder.js';
import type { EngineChoice } from './regime-switching-rl.js';

const probabilities: DecisionProbabilities = {
  probUp: 0.6,
  volatility: 0.000123456,
  regimes: { trending: 0.5, meanReverting: 0.25, volatile: 0.25 },
};
const regime = new RegimeStateBuilder().build({
  volScore: 0.8,
  trendStrength: 1.2345678,
  probabilities: probabilities.regimes,
}); // vol-high|trend-moderate|trending
const choice: EngineChoice = { engine: 'binary', mode: 'ucb', value: 0.05, regimeKey: regime.regimeKey };

// Hand-formatted: fmt = 4 decimals unless whole, the volatility to 4 significant digits.
const SEQUENCE =
  'sequence spy: P(up) 0.6000, volatility 0.0001235, regimes trending 0.5000 / mean-reverting 0.2500 / volatile 0.2500';
const LEAD = [
  'regime vol-high|trend-moderate|trending: vol score 0.8000, trend strength 1.2346, mean reversion 0',
  'RegimeSwitchingRL: binary (ucb, Q 0.0500)',
  'Elliott: impulse wave-3 up',
];
const TAIL = ['fib validation: no binary signal (price is outside every fib band)'];

const none = { kind: 'none', reason: 'no confirmed swings yet' } as const;
const block: FibBlock = {
  symbol: 'EURUSD',
  tsMs: 1,
  price: 1.1,
  setup: null,
  zones: [],
  nearestZone: null,
  wave: none,
  harmonics: [],
  forming: [],
  volatilityScore: null,
  signals: {
    binary: { kind: 'none', engine: 'binary', reason: 'price is outside every fib band' },
    spot: { kind: 'none', engine: 'spot', reason: 'no confirmed swing leg yet' },
    arbitrage: { kind: 'none', engine: 'arbitrage', reason: 'volatility mean is still warming up' },
  },
  swingCount: 0,
};

const fields: GovernorDecisionFields = {
  decision: { engine: 'none', id: 'd-1', tsMs: 1, symbol: 'EURUSD', reason: TAIL[0] as string },
  regimeKey: regime.regimeKey,
  regime,
  probabilities,
  engineChoice: choice,
  fib: auditFibBlock(block),
  trace: null,
  sequenceModel: 'spy',
  gate: { kind: 'no-setup' },
  candidate: null,
};

function answer(reasons: DecisionReasons): GovernorAnswer {
  reasons.setTail(TAIL);
  return new GovernorAnswer(fields, reasons);
}

describe('GovernorAnswer', () => {
  it('formats the sequence, regime, engine and Elliott lines, then the orchestrator’s', () => {
    const a = answer(new DecisionReasons('spy', probabilities, regime, choice, 'impulse wave-3 up'));
    expect(a.reasons).toEqual([SEQUENCE, ...LEAD, ...TAIL]);
  });

  it('serializes, spreads and clones exactly like the eager object, keys in the interface order', () => {
    const a = answer(new DecisionReasons('spy', probabilities, regime, choice, 'impulse wave-3 up'));
    const { gate, candidate, ...head } = fields;
    const eager = { ...head, reasons: [SEQUENCE, ...LEAD, ...TAIL], gate, candidate };
    expect(JSON.stringify(a)).toBe(JSON.stringify(eager));
    expect(JSON.stringify({ ...a })).toBe(JSON.stringify(eager));
    expect(Object.keys(a)).toEqual(Object.keys(eager));
    expect(structuredClone(a)).toEqual(eager);
  });

  it('returns the same array on every read, whatever the decision’s objects become later', () => {
    const p = { ...probabilities, regimes: { ...probabilities.regimes } };
    const a = answer(new DecisionReasons('spy', p, regime, choice, null));
    (p as { probUp: number }).probUp = 0.9;
    const first = a.reasons;
    expect(first[0]).toBe(SEQUENCE);
    expect(a.reasons).toBe(first);
  });

  it('keeps the lead lines once when the orchestrator took them for a trade', () => {
    const reasons = new DecisionReasons('spy', probabilities, regime, choice, null);
    const tail = [...reasons.takeLead(), 'LadderRiskAI: stake 5 USD'];
    reasons.setTail(tail);
    expect(new GovernorAnswer(fields, reasons).reasons).toEqual([SEQUENCE, ...LEAD.slice(0, 2), tail[2]]);
  });

  it('has no lead lines while the regime is warming up', () => {
    const a = answer(new DecisionReasons('spy', probabilities, null, null, null));
    expect(a.reasons).toEqual([SEQUENCE, ...TAIL]);
  });
});
