import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Decision,
  isOmniError,
  parseConfig,
  readJsonFile,
  type SpotDecision,
  type TradeOutcome,
  toJsonLine,
  writeJsonAtomic,
} from '@omni/core';
import type { FeatureVector } from '@omni/features';
import { MasterFibonacciGovernor } from '@omni/fib-core';
import { MomentumSequenceModel, type SequenceModelEngine } from '@omni/sequence';
import { afterAll, describe, expect, it } from 'vitest';
import { GovernorSnapshotSchema } from './governor-snapshot.js';
import type { GovernorDecision, MasterGovernorX100Options } from './governor-types.js';
import { type MarketTick, settleOnMarket, syntheticMarket, testRouteCandidates } from './market.fixture.js';
import { MasterGovernorX100 } from './master-governor-x100.js';

const config = parseConfig({ seed: 11, engines: { governor: { minConfidence: 0.5 } } });
const market = syntheticMarket({ seed: 7, count: 4000 });
const MIN_WINDOW = 32;

function governor(over: Partial<MasterGovernorX100Options> = {}): MasterGovernorX100 {
  return new MasterGovernorX100({ config, sequence: new MomentumSequenceModel(), ...over });
}

interface Open {
  readonly audit: GovernorDecision;
  readonly outcome: TradeOutcome;
  readonly settleIndex: number;
}

/**
 * The runtime's loop in miniature: settle what is due (learn), then decide; outcomes come from
 * later prices of the same market. Returns one JSON line per decision.
 */
function run(
  g: MasterGovernorX100,
  from: number,
  to: number,
  open: Open[],
  ticks: readonly MarketTick[] = market,
): string[] {
  const lines: string[] = [];
  for (let i = from; i <= to; i++) {
    const t = ticks[i] as MarketTick;
    for (let k = 0; k < open.length; ) {
      const o = open[k] as Open;
      if (o.settleIndex <= i) {
        g.learn(o.outcome, o.audit);
        open.splice(k, 1);
      } else k++;
    }
    if (t.window.length < MIN_WINDOW) continue;
    const audit = g.decide({
      decisionId: `d-${i}`,
      features: t.features,
      window: t.window,
      balanceUsd: 10_000,
      arbitrage: { candidates: testRouteCandidates() },
      dexVolatility: t.dexVolatility,
    });
    lines.push(toJsonLine(audit));
    const settled = settleOnMarket(audit.decision, ticks, i);
    if (settled && settled.settleIndex > i) open.push({ audit, ...settled });
    else if (settled) g.learn(settled.outcome, audit);
  }
  return lines;
}

function engines(lines: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines) {
    const e = (JSON.parse(l) as { decision: Decision }).decision.engine;
    out[e] = (out[e] ?? 0) + 1;
  }
  return out;
}

function firstTrade(
  g: MasterGovernorX100,
  engine: Decision['engine'],
): { audit: GovernorDecision; index: number } {
  for (let i = MIN_WINDOW; i < market.length; i++) {
    const t = market[i] as MarketTick;
    const audit = g.decide({
      decisionId: `d-${i}`,
      features: t.features,
      window: t.window,
      balanceUsd: 10_000,
      arbitrage: { candidates: testRouteCandidates() },
      dexVolatility: t.dexVolatility,
    });
    if (audit.decision.engine === engine) return { audit, index: i };
  }
  throw new Error(`no ${engine} decision in the test market`);
}

/** A settled outcome of spot decision `d`, stopped out a minute later unless `over` says otherwise. */
function spotOutcome(d: SpotDecision, over: Partial<TradeOutcome>): TradeOutcome {
  return {
    decisionId: d.id,
    engine: 'spot',
    symbol: d.symbol,
    direction: d.side,
    entryTs: d.tsMs,
    entryPrice: d.entryPrice,
    settleTs: d.tsMs + 60_000,
    settlePrice: d.stopPrice,
    size: d.size,
    fees: 0,
    pnl: 0,
    rule: 'spot-stop',
    ...over,
  };
}

/** A fresh governor and its first spot trade in the test market, with the trade's take-profit trace. */
function firstSpotTrade() {
  const g = governor();
  const { audit } = firstTrade(g, 'spot');
  const d = audit.decision;
  const spot = audit.trace?.spot;
  if (d.engine !== 'spot' || !spot) throw new Error('expected a spot trade');
  return { g, audit, d, spot };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('MasterGovernorX100', () => {
  it('calls the sequence model, the fib stage and the orchestrator in the specification’s order', () => {
    const calls: string[] = [];
    const model = new MomentumSequenceModel();
    const logged =
      <A extends unknown[], R>(name: string, f: (...args: A) => R) =>
      (...args: A): R => {
        calls.push(name);
        return f(...args);
      };
    const spy: SequenceModelEngine = {
      name: 'spy',
      predictDirection: logged('predictDirection', (w: ArrayLike<number>) => model.predictDirection(w)),
      predictVolatility: logged('predictVolatility', (w: ArrayLike<number>) => model.predictVolatility(w)),
      regimeProbabilities: logged('regimeProbabilities', (w: ArrayLike<number>) =>
        model.regimeProbabilities(w),
      ),
      predictDirectionBatch: (ws) => model.predictDirectionBatch(ws),
    };
    const g = governor({
      sequence: spy,
      createFib: (memory) => {
        const fib = new MasterFibonacciGovernor({ memory });
        return { evaluateMarket: logged('evaluateMarket', fib.evaluateMarket.bind(fib)) };
      },
      vetoes: [logged('veto', () => undefined)],
    });
    for (let i = MIN_WINDOW; i < market.length; i++) {
      calls.length = 0;
      const t = market[i] as MarketTick;
      const audit = g.decide({
        decisionId: `d-${i}`,
        features: t.features,
        window: t.window,
        balanceUsd: 10_000,
      });
      if (audit.decision.engine === 'none') continue;
      expect(calls).toEqual([
        'predictDirection',
        'predictVolatility',
        'regimeProbabilities',
        'evaluateMarket',
        'veto',
      ]);
      expect(audit.reasons[0]).toMatch(/^sequence spy: P\(up\)/);
      expect(audit.reasons[1]).toMatch(new RegExp(`^regime ${audit.regimeKey.replace(/\|/g, '\\|')}`));
      expect(audit.reasons[2]).toMatch(/^RegimeSwitchingRL: /);
      return;
    }
    throw new Error('no trade decision in the test market');
  });

  it('returns an audit record that is JSON-safe and does not change when the fib block is reused', () => {
    const g = governor();
    const { audit, index } = firstTrade(g, 'binary');
    const line = toJsonLine(audit);
    expect(JSON.parse(line).fib).toEqual(audit.fib);
    expect(audit.fib.signals.binary.kind).toBe('signal');
    expect(audit.probabilities.probUp).toBeCloseTo(
      new MomentumSequenceModel().predictDirection((market[index] as MarketTick).window),
      15,
    );
    for (let i = index + 1; i < index + 50; i++) {
      const t = market[i] as MarketTick;
      g.decide({ decisionId: `x-${i}`, features: t.features, window: t.window, balanceUsd: 10_000 });
    }
    expect(toJsonLine(audit)).toBe(line);
  });

  it('journals the same line for a decision read at once or only after the rest of the run', () => {
    // Reasons are formatted on first read and unchanged audit parts are shared: neither may depend
    // on when a record is read.
    const decideAll = (g: MasterGovernorX100) =>
      market.slice(MIN_WINDOW).map((t) =>
        g.decide({
          decisionId: `d-${t.index}`,
          features: t.features,
          window: t.window,
          balanceUsd: 10_000,
          arbitrage: { candidates: testRouteCandidates() },
          dexVolatility: t.dexVolatility,
        }),
      );
    const atOnce: string[] = [];
    const g = governor();
    for (const t of market.slice(MIN_WINDOW)) {
      const audit = g.decide({
        decisionId: `d-${t.index}`,
        features: t.features,
        window: t.window,
        balanceUsd: 10_000,
        arbitrage: { candidates: testRouteCandidates() },
        dexVolatility: t.dexVolatility,
      });
      atOnce.push(toJsonLine(audit));
    }
    const later = decideAll(governor());
    expect(later.map((a) => toJsonLine({ ...a })).join('')).toBe(atOnce.join(''));
    expect(later.filter((a) => a.decision.engine !== 'none').length).toBeGreaterThan(100);
  });

  it('stands aside while the volatility percentile is warming up', () => {
    const t = market[MIN_WINDOW] as MarketTick;
    const features: FeatureVector = { ...t.features, volatilityPercentile: null };
    const audit = governor().decide({ decisionId: 'w-1', features, window: t.window, balanceUsd: 10_000 });
    expect(audit.decision).toEqual({
      engine: 'none',
      id: 'w-1',
      tsMs: t.features.tsMs,
      symbol: 'EURUSD',
      reason: 'regime state: the volatility score is still warming up',
    });
    expect(audit.regimeKey).toBe('warming-up');
    expect(audit.engineChoice).toBeNull();
  });

  it('makes identical decisions for the same inputs and seed, across all three engines', () => {
    const a = run(governor(), 0, market.length - 1, []);
    const b = run(governor(), 0, market.length - 1, []);
    expect(b).toEqual(a);
    const counts = engines(a);
    expect(counts.binary).toBeGreaterThan(5);
    expect(counts.spot).toBeGreaterThan(0);
    expect(counts.arbitrage).toBeGreaterThan(0);
  });

  it('decides the same up to a tick whatever prices come after it (no look-ahead)', () => {
    const other = syntheticMarket({ seed: 99, count: 4000 });
    // Same first 1500 ticks, different future: splice the original's past onto another path.
    const spliced = [...market.slice(0, 1500), ...other.slice(1500)];
    const a = run(governor(), 0, 1499, [], market);
    const b = run(governor(), 0, 1499, [], spliced);
    // Outcomes settle from later ticks, so learning after 1500 differs; decisions up to 1500 may not.
    expect(b).toEqual(a);
  });

  it('restores a snapshot written to disk and then decides exactly like the original', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-governor-'));
    dirs.push(dir);
    const original = governor();
    // Snapshot on a tick that confirms a swing: the fib stage refreshes its PatternMemory weights
    // there, so the original's cached weights equal the ones a restored governor computes.
    const cut = market.findIndex((t, i) => i >= 2000 && t.features.newSwing !== null);
    const open: Open[] = [];
    run(original, 0, cut, open);
    writeJsonAtomic(join(dir, 'governor.json'), original.snapshot());
    const loaded = readJsonFile(join(dir, 'governor.json'), GovernorSnapshotSchema);

    const restored = MasterGovernorX100.restore(loaded, { config, sequence: new MomentumSequenceModel() });
    for (let i = 0; i <= cut; i++) {
      const t = market[i] as MarketTick;
      if (t.window.length >= MIN_WINDOW)
        restored.observeMarket({ features: t.features, window: t.window, dexVolatility: t.dexVolatility });
    }
    expect(restored.snapshot()).toEqual(original.snapshot());
    const openCopy = [...open];
    const after = run(original, cut + 1, market.length - 1, open);
    const afterRestored = run(restored, cut + 1, market.length - 1, openCopy);
    expect(afterRestored).toEqual(after);
    expect(engines(after).binary ?? 0).toBeGreaterThan(0);
    expect(restored.snapshot()).toEqual(original.snapshot());
  });

  it('learns a binary outcome in the regime learner, calibrator, ladder and PatternMemory', () => {
    const g = governor();
    const { audit } = firstTrade(g, 'binary');
    const d = audit.decision;
    if (d.engine !== 'binary' || !audit.regime || !audit.trace?.pattern)
      throw new Error('expected a binary trade');
    const key = audit.regime.regimeKey;
    const prior = g.learners.regimeRL.values(key).binary;
    const loss: TradeOutcome = {
      decisionId: d.id,
      engine: 'binary',
      symbol: d.symbol,
      direction: d.direction,
      entryTs: d.tsMs,
      entryPrice: 1.1,
      settleTs: d.tsMs + d.expirySec * 1000,
      settlePrice: 1.09,
      stake: d.stakeUsd,
      payout: 0.8,
      fees: 0,
      pnl: -d.stakeUsd,
      rule: 'binary-expiry-loss',
    };
    const report = g.learn(loss, audit);
    expect(report).toEqual({
      decisionId: d.id,
      engine: 'binary',
      reward: -1,
      won: false,
      updated: ['regime-rl', 'calibrator.binary', 'ladder', 'pattern-memory'],
    });
    // Sample average with the prior worth 2 outcomes: (2·prior − 1) / 3.
    expect(g.learners.regimeRL.values(key).binary).toBeCloseTo((2 * prior - 1) / 3, 12);
    expect(g.learners.regimeRL.counts(key).binary).toBe(1);
    expect(g.learners.calibrators.binary.count).toBe(1);
    expect(g.learners.ladder.ladderStep).toBe(1);
    expect(
      g.learners.patternMemory.stats({
        pattern: audit.trace.pattern.pattern,
        direction: audit.trace.pattern.direction,
        regime: audit.regime.dominantRegime,
        timeframe: 'tick',
      }),
    ).toMatchObject({ wins: 0, losses: 1, meanR: -1 });
  });

  it('learns which take-profit levels a spot trade hit before its stop', () => {
    const { g, audit, d, spot } = firstSpotTrade();
    // EURUSD, default costs 2·1 + 2·0.5 + 1 = 4 bp: the USD lost at the stop, fees included.
    const risk = d.size * (Math.abs(d.entryPrice - d.stopPrice) + d.entryPrice * 4e-4);
    const stop = { kind: 'stop', gap: false, bothCrossed: false } as const;
    const report = g.learn(spotOutcome(d, { pnl: -risk, exit: stop, legs: [stop] }), audit);
    expect(report.reward).toBeCloseTo(-1, 12);
    expect(report.updated).toContain('spot-tp');
    // Stopped before any rung: every fib level (not only those in the ladder) was missed.
    for (const level of spot.tpCandidates) {
      expect(g.learners.spotTp.hitCounts(level.ratio, spot.tpContext)).toEqual({ hits: 0, misses: 1 });
    }
  });

  it('learns the take-profit rung a spot trade filled before its stop as hit and the farther levels as missed', () => {
    const { g, audit, d, spot } = firstSpotTrade();
    // The first spot trade of the test market: a 2-rung ladder (1.272, 1.618) among 3 fib levels.
    expect(spot.ladder.map((r) => r.ratio)).toEqual([1.272, 1.618]);
    expect(spot.tpCandidates.map((r) => r.ratio)).toEqual([1.272, 1.618, 2]);
    const stop = { kind: 'stop', gap: false, bothCrossed: false } as const;
    const legs = [{ kind: 'take-profit', level: 1, of: 2 } as const, stop];
    const report = g.learn(spotOutcome(d, { rule: 'spot-tp-1+stop', exit: stop, legs }), audit);
    expect(report.updated).toContain('spot-tp');
    const counts = spot.tpCandidates.map((l) => g.learners.spotTp.hitCounts(l.ratio, spot.tpContext));
    expect(counts).toEqual([
      { hits: 1, misses: 0 },
      { hits: 0, misses: 1 },
      { hits: 0, misses: 1 },
    ]);
  });

  it('learns no take-profit level from a spot outcome that does not say how it left the market', () => {
    const { g, audit, d, spot } = firstSpotTrade();
    // A record written before `exit`/`legs` existed: its rule is for people and is not parsed.
    const report = g.learn(spotOutcome(d, { pnl: -25, rule: 'spot-tp-1+stop' }), audit, { riskUsd: 25 });
    expect(report.reward).toBe(-1);
    expect(report.updated).not.toContain('spot-tp');
    for (const level of spot.tpCandidates) {
      expect(g.learners.spotTp.hitCounts(level.ratio, spot.tpContext)).toEqual({ hits: 0, misses: 0 });
    }
  });

  it('learns a USDJPY stop-out as −1 R: the approved USD risk, not size × |entry − stop| in yen', () => {
    const g = governor();
    const { audit } = firstTrade(g, 'spot');
    if (audit.decision.engine !== 'spot' || !audit.regime) throw new Error('expected a spot trade');
    // Long 6000 USD of USDJPY at 150, stop 0.5 yen below. SafetyManager's risk with 4 bp of
    // round-trip costs: 6000 × (0.5 + 150 × 4e-4) JPY / 150 JPY per USD = 6000 × 0.56 / 150 = 22.4 USD.
    // In yen the same distance is 6000 × 0.5 = 3000, which made a stop-out about −0.0075 R.
    const d = {
      ...audit.decision,
      symbol: 'USDJPY',
      side: 'buy' as const,
      size: 6000,
      entryPrice: 150,
      stopPrice: 149.5,
    };
    const usdjpy = { ...audit, decision: d };
    const stopOut: TradeOutcome = {
      decisionId: d.id,
      engine: 'spot',
      symbol: 'USDJPY',
      direction: 'buy',
      entryTs: d.tsMs,
      entryPrice: 150,
      settleTs: d.tsMs + 60_000,
      settlePrice: 149.5,
      size: 6000,
      quoteUsd: 1 / 149.5,
      // 3000 JPY at the settle rate = 20.0669 USD, plus fees: a stop-out that loses its approved risk.
      fees: 2.3331,
      pnl: -22.4,
      rule: 'spot-stop',
    };
    const key = audit.regime.regimeKey;
    const prior = g.learners.regimeRL.values(key).spot;
    const report = g.learn(stopOut, usdjpy, { riskUsd: 22.4 });
    expect(report.reward).toBeCloseTo(-1, 12);
    expect(report.updated).toContain('regime-rl');
    // The regime learner's sample average moved by a −1 reward (prior worth 2 outcomes).
    expect(g.learners.regimeRL.values(key).spot).toBeCloseTo((2 * prior - 1) / 3, 12);
    expect(g.learners.calibrators.spot.count).toBe(1);
    // Without the runtime's risk the governor recomputes the same 22.4 USD from the outcome.
    expect(governor().learn(stopOut, usdjpy).reward).toBeCloseTo(-1, 12);
  });

  it('learns the realised net profit of the chosen arbitrage route', () => {
    const g = governor();
    const { audit } = firstTrade(g, 'arbitrage');
    const d = audit.decision;
    if (d.engine !== 'arbitrage') throw new Error('expected an arbitrage trade');
    const outcome: TradeOutcome = {
      decisionId: d.id,
      engine: 'arbitrage',
      symbol: 'EURUSD',
      direction: 'buy',
      entryTs: d.tsMs,
      entryPrice: 1,
      settleTs: d.tsMs,
      settlePrice: 1,
      stake: 15,
      fees: 15,
      pnl: 7.5,
      rule: 'arbitrage-filled',
    };
    const report = g.learn(outcome, audit);
    expect(report.reward).toBeCloseTo(0.5, 12); // 7.5 USD over 15 USD of gas at risk
    expect(g.learners.arbitrage.routeStats(d.routeId)).toEqual({ pulls: 1, meanProfitUsd: 7.5 });
  });

  it('hands swings confirmed on skipped ticks to the fib stage', () => {
    const every = governor();
    const gappy = governor();
    const swingTicks = market.map((t, i) => (t.features.newSwing ? i : -1)).filter((i) => i > 200);
    const [s1, s2] = swingTicks as [number, number];
    for (let i = MIN_WINDOW; i <= s2 + 1; i++) {
      const t = market[i] as MarketTick;
      const input = { decisionId: `d-${i}`, features: t.features, window: t.window, balanceUsd: 10_000 };
      const a = every.decide(input);
      // The gappy governor skips every tick from just before the first swing to the one after the second.
      if (i >= s1 - 1 && i <= s2) continue;
      const b = gappy.decide(input);
      if (i === s2 + 1) expect(b.fib.swingCount).toBe(a.fib.swingCount);
    }
  });

  it('rejects an outcome that belongs to another decision', () => {
    const g = governor();
    const { audit } = firstTrade(g, 'binary');
    const outcome = { decisionId: 'someone-else', engine: 'binary', pnl: 1 } as TradeOutcome;
    expect(() => g.learn(outcome, audit)).toThrowError(/does not belong to this decision/);
  });

  it('refuses a snapshot from a newer version and lists the problems of a damaged one', () => {
    const snap = governor().snapshot();
    const newer = (() => {
      try {
        MasterGovernorX100.restore(
          { ...snap, version: 2 },
          { config, sequence: new MomentumSequenceModel() },
        );
      } catch (err) {
        return err;
      }
    })();
    expect(isOmniError(newer, 'STATE_NEWER_VERSION')).toBe(true);
    const damaged = (() => {
      try {
        MasterGovernorX100.restore(
          { ...snap, ladder: { ...snap.ladder, ladderStep: -1 } },
          { config, sequence: new MomentumSequenceModel() },
        );
      } catch (err) {
        return err;
      }
    })();
    expect(isOmniError(damaged, 'STATE_INVALID')).toBe(true);
    expect((damaged as { details: string[] }).details.join('\n')).toMatch(/ladder\.ladderStep/);
  });
});
