import { parseConfig, Rng, type RouteCandidate } from '@omni/core';
import type { ArbitrageSignal, BinarySignal, FibBlock, SpotSignal } from '@omni/fib-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArbitrageRLAgent } from './arbitrage-rl-agent.js';
import { ConfidenceExploration } from './confidence-exploration.js';
import { type CompileInput, DecisionOrchestrator } from './decision-orchestrator.js';
import { LadderRiskAI } from './ladder-risk-ai.js';
import { RegimeStateBuilder } from './regime-state-builder.js';
import { SignalConfidenceCalibrator } from './signal-confidence-calibrator.js';
import { SpotTPRotator } from './spot-tp-rotator.js';

const regime = new RegimeStateBuilder().build({
  volScore: 0.5,
  trendStrength: 3,
  probabilities: { trending: 0.6, meanReverting: 0.3, volatile: 0.1 },
}); // vol-mid|trend-strong|trending

function binarySignal(direction: 'call' | 'put', confidence: number): BinarySignal {
  return {
    kind: 'signal',
    engine: 'binary',
    direction,
    confidence,
    expirySec: 300,
    level: { kind: 'retracement', ratio: 0.618, price: 1.1 },
    zone: { low: 1.099, high: 1.101 },
    pattern: 'fib-retracement',
    reasons: ['price inside the 0.618 retracement'],
  };
}

// Up leg 1.09 → 1.11: extensions 1.09 + r·0.02.
const spotSignal: SpotSignal = {
  kind: 'signal',
  engine: 'spot',
  side: 'buy',
  confidence: 0.7,
  entryPrice: 1.1,
  stopPrice: 1.095,
  takeProfits: [
    { ratio: 1.272, price: 1.09 + 1.272 * 0.02, fraction: 0.5 },
    { ratio: 1.618, price: 1.09 + 1.618 * 0.02, fraction: 0.3 },
    { ratio: 2, price: 1.13, fraction: 0.2 },
  ],
  zone: { low: 1.099, high: 1.101 },
  pattern: 'gartley',
  reasons: ['price inside the 0.618 retracement'],
};

const arbitrageSignal: ArbitrageSignal = {
  kind: 'signal',
  engine: 'arbitrage',
  phase: 'expansion',
  volatilityRatio: 2,
  confidence: 0.8,
  reasons: ['volatility 2× its mean'],
};

const noSignals: FibBlock['signals'] = {
  binary: { kind: 'none', engine: 'binary', reason: 'price is outside every fib band' },
  spot: { kind: 'none', engine: 'spot', reason: 'price is outside the 61.8% retracement band' },
  arbitrage: { kind: 'none', engine: 'arbitrage', reason: 'volatility is normal' },
};

function orchestrator(
  configInput: Parameters<typeof parseConfig>[0] = {},
  tpMode: 'mean' | 'thompson' = 'mean',
) {
  const config = parseConfig(configInput);
  const learners = {
    calibrators: {
      binary: new SignalConfidenceCalibrator(),
      spot: new SignalConfidenceCalibrator(),
      arbitrage: new SignalConfidenceCalibrator(),
    },
    ladder: LadderRiskAI.fromConfig(config),
    spotTp: new SpotTPRotator({ rng: new Rng(1).fork('spot-tp'), mode: tpMode }),
    arbitrage: new ArbitrageRLAgent(),
  };
  return { o: new DecisionOrchestrator(DecisionOrchestrator.settingsFromConfig(config), learners), learners };
}

function input(over: Partial<CompileInput>): CompileInput {
  return {
    decisionId: 'd-1',
    tsMs: 1_704_153_600_000,
    symbol: 'EURUSD',
    engine: 'binary',
    regime,
    probUp: 0.8,
    signals: noSignals,
    balanceUsd: 1000,
    ...over,
  };
}

const candidate: RouteCandidate = {
  routeId: 'pool-a>pool-b',
  amountInWei: 10n ** 18n,
  expectedProfitWei: 4n * 10n ** 15n,
  expectedProfitUsd: 8,
};

describe('DecisionOrchestrator', () => {
  it('stands aside when the regime learner chose none', () => {
    const { o } = orchestrator();
    const { decision } = o.compile(
      input({ engine: 'none', signals: { ...noSignals, binary: binarySignal('call', 0.9) } }),
    );
    expect(decision).toEqual({
      engine: 'none',
      id: 'd-1',
      tsMs: 1_704_153_600_000,
      symbol: 'EURUSD',
      reason: 'regime selection: stand aside in vol-mid|trend-strong|trending',
    });
  });

  it('says fib validation, naming each engine, when no engine has a setup', () => {
    const { o } = orchestrator();
    const { decision } = o.compile(input({ engine: 'none', signals: noSignals }));
    expect(decision.engine === 'none' && decision.reason).toMatch(
      /^fib validation: no engine has a setup at this tick \(binary: .+; spot: price is outside the 61\.8% retracement band; arbitrage: .+\)$/,
    );
  });

  it('names no-setup, not the regime learner, when the only setup is an arbitrage without a priced route', () => {
    const { o } = orchestrator();
    const withArbitrage = { ...noSignals, arbitrage: arbitrageSignal };
    const compiled = o.compile(input({ engine: 'none', signals: withArbitrage }));
    expect(compiled.gate).toEqual({ kind: 'no-setup' });
    expect(compiled.candidate).toBeNull();
    expect(compiled.decision.engine === 'none' && compiled.decision.reason).toMatch(
      /; arbitrage: setup, but no route candidates at this tick\)$/,
    );
    const priced = o.compile(
      input({
        engine: 'none',
        signals: withArbitrage,
        routeCandidates: [candidate],
        standAsideEngine: 'arbitrage',
      }),
    );
    expect(priced.gate).toEqual({ kind: 'regime' });
    expect(priced.candidate).toMatchObject({ engine: 'arbitrage', id: 'd-1', routeId: 'pool-a>pool-b' });
  });

  it('stands aside when the chosen engine has no fib signal, even if another engine signals', () => {
    const { o } = orchestrator();
    const { decision } = o.compile(input({ engine: 'binary', signals: { ...noSignals, spot: spotSignal } }));
    expect(decision).toMatchObject({
      engine: 'none',
      reason: 'fib validation: no binary signal (price is outside every fib band)',
    });
  });

  it('stakes fractional Kelly on the calibrated blend of fib and sequence confidence (hand-worked)', () => {
    // raw = 0.5·0.7 + 0.5·0.8 = 0.75 → bin [0.75, 0.8) → calibrated 0.775 (no data: bin centre)
    // f* = 0.775 − 0.225/0.8 = 0.49375; stake = 0.25 · 0.49375 · 1000 = 123.4375 → 123.43 (cent, down)
    const { o } = orchestrator({ risk: { maxStakeUsd: 1000, maxBalanceFractionPerTrade: 0.5 } });
    const { decision, trace } = o.compile(
      input({ signals: { ...noSignals, binary: binarySignal('call', 0.7) } }),
    );
    expect(trace.rawConfidence).toBeCloseTo(0.75, 12);
    expect(trace.calibratedConfidence).toBeCloseTo(0.775, 12);
    expect(decision).toMatchObject({
      engine: 'binary',
      direction: 'call',
      stakeUsd: 123.43,
      expirySec: 300,
      symbol: 'EURUSD',
    });
    expect(decision.engine === 'binary' && decision.confidence).toBeCloseTo(0.775, 12);
  });

  it('caps a binary stake at the configured limits', () => {
    // Same signal under the default limits: min(123.43, maxStakeUsd 25, 0.02 · 1000 = 20) = 20.
    const { o } = orchestrator();
    const { decision } = o.compile(input({ signals: { ...noSignals, binary: binarySignal('call', 0.7) } }));
    expect(decision).toMatchObject({ engine: 'binary', stakeUsd: 20 });
  });

  it('filters a signal whose calibrated confidence is below minConfidence', () => {
    // A put while the model says P(up) = 0.8: raw = 0.5·0.7 + 0.5·0.2 = 0.45 → calibrated 0.475 < 0.55.
    const { o } = orchestrator();
    const { decision } = o.compile(input({ signals: { ...noSignals, binary: binarySignal('put', 0.7) } }));
    expect(decision).toMatchObject({
      engine: 'none',
      reason: 'confidence filter: calibrated 0.4750 is below minConfidence 0.55',
    });
  });

  it('sizes a spot trade at riskPerTradeFraction of the balance within the caps', () => {
    // risk = min(0.01 · 10 000, maxStakeUsd 25, 0.02 · 10 000, 500) = 25 USD, costs included: the default
    // round trip is 2·1 (commission) + 2·0.5 (slippage) + 1 (spread) = 4 bp of 1.1 = 0.00044 per unit,
    // so size = 25 / (1.1 − 1.095 + 0.00044) = 25 / 0.00544 ≈ 4595.588.
    const { o } = orchestrator();
    const { decision, trace } = o.compile(
      input({ engine: 'spot', balanceUsd: 10_000, signals: { ...noSignals, spot: spotSignal } }),
    );
    expect(decision.engine).toBe('spot');
    if (decision.engine !== 'spot') return;
    expect(decision.size).toBeCloseTo(25 / 0.00544, 6);
    expect(decision.size * (decision.entryPrice - decision.stopPrice + 0.00044)).toBeCloseTo(25, 9);
    expect(trace.spot?.sizing).toMatchObject({ kind: 'size', cappedBy: 'max-stake', targetRiskUsd: 100 });
    // No outcomes yet: every level has expected R 0, the tie goes to the nearest (1.272), which closes everything.
    expect(decision.takeProfits).toEqual([{ price: 1.09 + 1.272 * 0.02, fraction: 1 }]);
  });

  it('builds the take-profit ladder up to the level SpotTPRotator prefers', () => {
    const { o, learners } = orchestrator();
    for (let i = 0; i < 20; i++) learners.spotTp.recordOutcome({ ratio: 2, hit: true, context: 'strong' });
    const { decision, trace } = o.compile(
      input({ engine: 'spot', balanceUsd: 10_000, signals: { ...noSignals, spot: spotSignal } }),
    );
    expect(trace.spot?.tp).toMatchObject({ kind: 'tp', ratio: 2 });
    expect(decision.engine === 'spot' && decision.takeProfits.map((t) => t.fraction)).toEqual([
      0.5, 0.3, 0.2,
    ]);
  });

  it('sends the arbitrage route with a minimum profit that still nets minProfitUsd after gas (hand-worked)', () => {
    // gas = 20 gwei · 1e-9 · 250 000 · 3000 = 15 USD; gross = 8 + 15 = 23 USD;
    // minProfitWei = ⌈4e15 · (15 + 1) / 23⌉ at 1e-9 ratio precision = 4e6 · 695 652 174 = 2 782 608 696 000 000.
    const { o } = orchestrator();
    const cheap: RouteCandidate = { ...candidate, routeId: 'pool-a>pool-c', expectedProfitUsd: 0.5 };
    const { decision, trace } = o.compile(
      input({
        engine: 'arbitrage',
        signals: { ...noSignals, arbitrage: arbitrageSignal },
        routeCandidates: [cheap, candidate],
      }),
    );
    expect(decision).toMatchObject({
      engine: 'arbitrage',
      routeId: 'pool-a>pool-b',
      amountInWei: 10n ** 18n,
      minProfitWei: 2_782_608_696_000_000n,
    });
    expect(decision.engine === 'arbitrage' && decision.confidence).toBeCloseTo(0.825, 12);
    expect(trace.arbitrage).toEqual({
      routeId: 'pool-a>pool-b',
      reason: 'unexplored',
      meanProfitUsd: 0,
      index: null,
      expectedProfitUsd: 8,
      eligibleCandidates: 1,
    });
  });

  it('stands aside on arbitrage when no route candidates are priced', () => {
    const { o } = orchestrator();
    const { decision } = o.compile(
      input({ engine: 'arbitrage', signals: { ...noSignals, arbitrage: arbitrageSignal } }),
    );
    expect(decision).toMatchObject({
      engine: 'none',
      reason: 'ArbitrageRLAgent: no route candidates at this tick',
    });
  });

  it('lets a veto turn a trade into none but never the reverse', () => {
    const config = parseConfig({});
    const { learners } = orchestrator();
    const seen: string[] = [];
    const o = new DecisionOrchestrator(DecisionOrchestrator.settingsFromConfig(config), learners, [
      (d) => {
        seen.push(d.engine);
        return d.engine === 'binary' ? 'no binaries on Fridays' : undefined;
      },
    ]);
    const vetoed = o.compile(input({ signals: { ...noSignals, binary: binarySignal('call', 0.7) } }));
    expect(vetoed.decision).toMatchObject({ engine: 'none', reason: 'veto: no binaries on Fridays' });
    expect(vetoed.trace.veto).toBe('no binaries on Fridays');
    const filtered = o.compile(input({ signals: { ...noSignals, binary: binarySignal('put', 0.7) } }));
    expect(filtered.decision.engine).toBe('none');
    expect(seen).toEqual(['binary']); // a filtered signal never reaches the hook
  });

  it('never trades without the chosen engine’s fib signal, below minConfidence or above a cap (property)', () => {
    const signalArb = fc.record({
      binary: fc.option(
        fc.tuple(
          fc.constantFrom('call' as const, 'put' as const),
          fc.double({ min: 0, max: 1, noNaN: true }),
        ),
      ),
      spot: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
      arbitrage: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    });
    fc.assert(
      fc.property(
        fc.constantFrom('binary' as const, 'spot' as const, 'arbitrage' as const, 'none' as const),
        signalArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        (engine, s, probUp, balanceUsd) => {
          const { o } = orchestrator();
          const signals: FibBlock['signals'] = {
            binary: s.binary ? binarySignal(s.binary[0], s.binary[1]) : noSignals.binary,
            spot: s.spot === null ? noSignals.spot : { ...spotSignal, confidence: s.spot },
            arbitrage:
              s.arbitrage === null ? noSignals.arbitrage : { ...arbitrageSignal, confidence: s.arbitrage },
          };
          const { decision } = o.compile(
            input({ engine, signals, probUp, balanceUsd, routeCandidates: [candidate] }),
          );
          if (engine === 'none' || signals[engine].kind === 'none') return decision.engine === 'none';
          if (decision.engine === 'none') return true;
          if (decision.engine !== engine || decision.confidence < 0.55) return false;
          const cap = Math.min(25, 0.02 * balanceUsd);
          if (decision.engine === 'binary') return decision.stakeUsd <= cap;
          if (decision.engine === 'spot')
            return decision.size * (decision.entryPrice - decision.stopPrice) <= cap + 1e-9;
          return decision.minProfitWei <= candidate.expectedProfitWei;
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('DecisionOrchestrator.compileWithLead', () => {
  /** An orchestrator that explores half the setups the confidence filter stops, with a seeded stream. */
  function exploring(): DecisionOrchestrator {
    const { learners } = orchestrator({}, 'thompson');
    const exploration = new ConfidenceExploration({ epsilon: 0.5, rng: new Rng(3).fork('explore') });
    return new DecisionOrchestrator(
      DecisionOrchestrator.settingsFromConfig(parseConfig({})),
      { ...learners, exploration },
      [(d) => (d.confidence > 0.9 ? 'too sure' : undefined)],
    );
  }

  const LEAD = ['regime vol-mid|trend-strong|trending: …', 'RegimeSwitchingRL: binary (ucb, Q 0.0500)'];
  /** A lead that counts how often it was taken. */
  function lead() {
    const taken = { count: 0 };
    return {
      taken,
      takeLead: () => {
        taken.count++;
        return LEAD;
      },
    };
  }

  it('formats no lead for a decision that carries no reasons (no setup)', () => {
    const l = lead();
    const compiled = orchestrator().o.compileWithLead(input({ engine: 'none', signals: noSignals }), l);
    const eager = orchestrator().o.compile(input({ engine: 'none', signals: noSignals, reasons: LEAD }));
    expect(l.taken.count).toBe(0);
    expect([...LEAD, ...compiled.reasons]).toEqual(eager.reasons);
    expect(compiled.decision).toEqual(eager.decision);
  });

  it('puts the lead at the head of a trade, before any veto reads it', () => {
    const l = lead();
    const seen: string[] = [];
    const config = parseConfig({});
    const learners = orchestrator().learners;
    const settings = DecisionOrchestrator.settingsFromConfig(config);
    const veto = (d: { readonly reasons: readonly string[] }) => {
      seen.push(d.reasons[0] as string);
      return undefined;
    };
    const o = new DecisionOrchestrator(settings, learners, [veto]);
    const signals = { ...noSignals, binary: binarySignal('call', 0.9) };
    const compiled = o.compileWithLead(input({ signals }), l);
    expect(compiled.decision.engine).toBe('binary');
    expect(l.taken.count).toBe(1);
    expect(seen).toEqual([LEAD[0]]);
    expect(compiled.decision.engine === 'binary' && compiled.decision.reasons).toBe(compiled.reasons);
    expect(compiled.reasons.slice(0, 3)).toEqual([...LEAD, 'price inside the 0.618 retracement']);
  });

  it('compiles what compile compiles, with the lead where compile puts input.reasons', () => {
    const signalArb = fc.record({
      binary: fc.option(
        fc.tuple(
          fc.constantFrom('call' as const, 'put' as const),
          fc.double({ min: 0, max: 1, noNaN: true }),
        ),
      ),
      spot: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
      arbitrage: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    });
    fc.assert(
      fc.property(
        fc.constantFrom('binary' as const, 'spot' as const, 'arbitrage' as const, 'none' as const),
        fc.option(fc.constantFrom('binary' as const, 'spot' as const, 'arbitrage' as const)),
        signalArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (engine, aside, s, probUp) => {
          const signals: FibBlock['signals'] = {
            binary:
              s.binary && !Number.isNaN(s.binary[1])
                ? binarySignal(s.binary[0], s.binary[1])
                : noSignals.binary,
            spot: s.spot === null ? noSignals.spot : { ...spotSignal, confidence: s.spot },
            arbitrage:
              s.arbitrage === null ? noSignals.arbitrage : { ...arbitrageSignal, confidence: s.arbitrage },
          };
          const base = { engine, signals, probUp, routeCandidates: [candidate] };
          const over = aside === null || engine !== 'none' ? base : { ...base, standAsideEngine: aside };
          const l = lead();
          const lazy = exploring().compileWithLead(input(over), l);
          const eager = exploring().compile(input({ ...over, reasons: LEAD }));
          const reasons = l.taken.count === 1 ? lazy.reasons : [...LEAD, ...lazy.reasons];
          const same = (a: unknown, b: unknown) => JSON.stringify(a, big) === JSON.stringify(b, big);
          return (
            l.taken.count <= 1 &&
            same(reasons, eager.reasons) &&
            same(lazy.decision, eager.decision) &&
            same(lazy.candidate, eager.candidate) &&
            same(lazy.gate, eager.gate) &&
            same(lazy.trace, eager.trace)
          );
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});

/** JSON replacer for bigint wei. */
function big(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}
