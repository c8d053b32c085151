import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CounterfactualContext,
  type CounterfactualRecord,
  type DecideInput,
  type Decision,
  type DecisionGate,
  JOURNAL_FILES,
  OmniLogger,
  parseConfig,
  type TradeDecision,
  type TradeOutcome,
} from '@omni/core';
import { describe, expect, it, vi } from 'vitest';
import { counterfactualSettings, counterfactualSink } from './counterfactual-settler.js';
import { DecisionFunnel, FUNNEL_STAGES } from './decision-funnel.js';
import {
  binaryFor,
  buildRuntime,
  type FakeAudit,
  FakeBrain,
  FakeHub,
  fixtureTicks,
  noneFor,
  tempRunDir,
} from './runtime.fixture.js';

type GateScript = (input: DecideInput, n: number) => { gate: DecisionGate; candidate: TradeDecision | null };

/** A FakeBrain whose answers name a gate and a candidate, and that records counterfactual lessons. */
class GatedBrain extends FakeBrain {
  readonly counterfactual: Array<{
    outcome: TradeOutcome;
    audit: FakeAudit;
    context: CounterfactualContext;
  }> = [];
  readonly #gate: GateScript;

  constructor(script: (input: DecideInput, n: number) => Decision, gate: GateScript) {
    super(script);
    this.#gate = gate;
  }

  override decide(input: DecideInput): FakeAudit {
    const n = this.decided.length;
    return { ...super.decide(input), ...this.#gate(input, n) };
  }

  learnCounterfactual(outcome: TradeOutcome, audit: FakeAudit, context: CounterfactualContext): void {
    this.counterfactual.push({ outcome, audit, context });
  }
}

/** The fixture's configuration (default engines: binary payout 0.8, ties refunded). */
const config = parseConfig({});

function records(runDir: string): CounterfactualRecord[] {
  return readFileSync(join(runDir, JOURNAL_FILES.counterfactual), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as CounterfactualRecord);
}

describe('counterfactual settlement in OmniRuntime', () => {
  it('settles candidates the confidence gate stopped from later prices and never lets them reach PnL, safety or the ledger', async () => {
    const brain = new GatedBrain(
      (input) => noneFor(input),
      (input) => ({
        gate: { kind: 'confidence', calibrated: 0.49, minConfidence: 0.55 },
        candidate: binaryFor(input, 5) as TradeDecision,
      }),
    );
    const hub = new FakeHub();
    const runtime = await buildRuntime({
      brain,
      hub,
      extra: { counterfactual: counterfactualSettings(config) },
    });
    const spies = [
      vi.spyOn(runtime.performance, 'recordTrade'),
      vi.spyOn(runtime.safety, 'approve'),
      vi.spyOn(runtime.safety, 'registerOpen'),
      vi.spyOn(runtime.safety, 'registerOutcome'),
    ];
    const ticks = fixtureTicks(30);
    for (const t of ticks) await runtime.tick(t);
    await runtime.runtime.shutdown();

    // Decisions from the 4th tick (the window needs 4 prices): 27 candidates, the last still open.
    expect(brain.decided).toHaveLength(27);
    const journal = records(runtime.runDir);
    expect(journal).toHaveLength(26);
    expect(brain.counterfactual).toHaveLength(26);
    const payout = config.engines.binary.payout;
    for (const [i, r] of journal.entries()) {
      const entry = ticks[i + 3];
      const settle = ticks[i + 4];
      // A 60 s binary call entered at its decision tick, settled on the next minute's price.
      expect(r).toMatchObject({ counterfactual: true, gate: 'confidence', riskUsd: 5 });
      expect(r.outcome).toMatchObject({
        decisionId: `test-${i + 1}`,
        entryTs: entry?.tsMs,
        entryPrice: entry?.price,
        settleTs: settle?.tsMs,
        settlePrice: settle?.price,
      });
      const won = (settle?.price as number) > (entry?.price as number);
      expect(r.outcome.pnl).toBeCloseTo(won ? 5 * payout : -5, 12);
      expect(r.r).toBeCloseTo(r.outcome.pnl / 5, 12);
      expect(brain.counterfactual[i]?.context).toEqual({ riskUsd: 5, gate: 'confidence' });
      expect(brain.counterfactual[i]?.audit.marker).toBe(`answer-test-${i + 1}`);
    }
    // Both wins and losses were settled (the series oscillates): the check above is not vacuous.
    expect(new Set(journal.map((r) => r.outcome.pnl > 0)).size).toBe(2);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect(runtime.safety.ledger.positions()).toHaveLength(0);
    expect(hub.orders).toHaveLength(0);
    expect(brain.learned).toHaveLength(0);
    expect(runtime.performance.summary()).toMatchObject({ trades: 0, pnl: 0, finalBalance: 10_000 });
    expect(runtime.runtime.funnel.counterfactual.confidence).toEqual({
      opened: 27,
      settled: 26,
      wins: journal.filter((r) => r.outcome.pnl > 0).length,
      losses: journal.filter((r) => r.outcome.pnl < 0).length,
      sumR: journal.reduce((s, r) => s + (r.r ?? 0), 0),
    });
  });

  it('opens at most maxPositionsPerSetup candidates per setup at once, as SafetyManager allows real positions', async () => {
    // Ticks are a minute apart; the brain offers the same setup on three ticks in a row (setup-0 on
    // decisions 1–3, setup-1 on 4–6, …), each a 3-minute binary: the first of a setup is opened and
    // is still open when the next two are offered, so they are not; it settles on the tick the next
    // setup begins (settling comes before deciding), whose first candidate is opened.
    const brain = new GatedBrain(
      (input) => noneFor(input),
      (input, n) => ({
        gate: { kind: 'confidence', calibrated: 0.49, minConfidence: 0.55 },
        candidate: {
          ...(binaryFor(input, 5) as TradeDecision & { engine: 'binary' }),
          expirySec: 180,
          setupKey: `setup-${Math.floor(n / 3)}`,
        },
      }),
    );
    const capped = { ...config, risk: { ...config.risk, maxPositionsPerSetup: 1 } };
    const runtime = await buildRuntime({
      brain,
      extra: { counterfactual: counterfactualSettings(capped) },
    });
    for (const t of fixtureTicks(30)) await runtime.tick(t);
    await runtime.runtime.shutdown();
    expect(brain.decided).toHaveLength(27);
    // One would-be trade per 3-tick setup: 9 setups, each opened once (the last may still be open).
    expect(runtime.runtime.funnel.counterfactual.confidence.opened).toBe(9);
    const ids = records(runtime.runDir).map((r) => r.outcome.decisionId);
    expect(ids).toEqual([
      'test-1',
      'test-4',
      'test-7',
      'test-10',
      'test-13',
      'test-16',
      'test-19',
      'test-22',
    ]);
    // Uncapped (no risk settings), every candidate is opened.
    const uncapped = await buildRuntime({
      brain: new GatedBrain(
        (input) => noneFor(input),
        (input, n) => ({
          gate: { kind: 'confidence', calibrated: 0.49, minConfidence: 0.55 },
          candidate: { ...(binaryFor(input, 5) as TradeDecision), setupKey: `setup-${Math.floor(n / 3)}` },
        }),
      ),
      extra: { counterfactual: counterfactualSettings({ engines: config.engines }) },
    });
    for (const t of fixtureTicks(30)) await uncapped.tick(t);
    await uncapped.runtime.shutdown();
    expect(uncapped.runtime.funnel.counterfactual.confidence.opened).toBe(27);
  });

  it('counts every tick at exactly one stage, and the candidates of each gate', async () => {
    // n % 8: no-setup, regime, confidence, sizing, veto, traded, traded-but-refused, brain warming up.
    const kinds = [
      'no-setup',
      'regime',
      'confidence',
      'sizing',
      'veto',
      'traded',
      'refused',
      'warm',
    ] as const;
    const kindOf = (n: number) => kinds[n % 8] as (typeof kinds)[number];
    const brain = new GatedBrain(
      (input, n) =>
        kindOf(n) === 'traded' || kindOf(n) === 'refused' ? binaryFor(input, 5) : noneFor(input),
      (input, n): { gate: DecisionGate; candidate: TradeDecision | null } => {
        const candidate = binaryFor(input, 5) as TradeDecision;
        switch (kindOf(n)) {
          case 'no-setup':
            return { gate: { kind: 'no-setup' }, candidate: null };
          case 'regime':
            return { gate: { kind: 'regime' }, candidate };
          case 'confidence':
            return { gate: { kind: 'confidence', calibrated: 0.5, minConfidence: 0.55 }, candidate };
          case 'sizing':
            return { gate: { kind: 'sizing', reason: 'no stake' }, candidate: null };
          case 'veto':
            return { gate: { kind: 'veto', reason: 'test veto' }, candidate };
          case 'warm':
            return { gate: { kind: 'warming-up' }, candidate: null };
          default:
            return { gate: { kind: 'traded', exploration: n % 16 === 5 }, candidate: null };
        }
      },
    );
    // The venue refuses the second order it is sent.
    const hub = new FakeHub((_d, n) => (n === 1 ? 'reject' : 'accept'));
    const fixture = await buildRuntime({
      brain,
      hub,
      extra: { counterfactual: counterfactualSettings(config) },
    });
    const ticks = fixtureTicks(83);
    for (const t of ticks) {
      // The broker is unhealthy exactly on the ticks where the brain's trade must be refused.
      const n = brain.decided.length;
      fixture.safety.noteBrokerHealth('binary', ticks.indexOf(t) < 3 || kindOf(n) !== 'refused');
      await fixture.tick(t);
    }
    const funnel = fixture.runtime.funnel;
    const decided = 80; // 83 ticks, the first 3 warming up in the runtime
    const count = (k: (typeof kinds)[number]) =>
      Array.from({ length: decided }, (_v, n) => n).filter((n) => kindOf(n) === k).length;
    expect(funnel.ticks).toBe(83);
    expect(FUNNEL_STAGES.reduce((s, stage) => s + funnel.stages[stage], 0)).toBe(83);
    expect(funnel.stages).toEqual({
      'warming-up': 3 + count('warm'),
      blocked: 0,
      'no-setup': count('no-setup'),
      regime: count('regime'),
      confidence: count('confidence'),
      sizing: count('sizing'),
      veto: count('veto'),
      aside: 0,
      safety: count('refused'),
      rejected: 1,
      traded: count('traded') - 1,
    });
    // Explored trades: n % 16 === 5, all traded (the rejected order was n = 13, not explored).
    expect(funnel.explored).toBe(5);
    expect(funnel.years).toEqual([{ year: 2024, ticks: 83, blocked: 0, traded: 9, explored: 5 }]);
    for (const gate of ['regime', 'confidence', 'veto', 'safety'] as const) {
      expect(funnel.counterfactual[gate].opened, gate).toBe(count(gate === 'safety' ? 'refused' : gate));
    }
    expect(funnel.counterfactual.sizing.opened).toBe(0);
    const settled = Object.values(funnel.counterfactual).reduce((s, t) => s + t.settled, 0);
    expect(brain.counterfactual).toHaveLength(settled);
    expect(records(fixture.runDir)).toHaveLength(settled);
  });

  it('journals and counts a counterfactual order cancelled at its fill, but teaches the brain nothing from it', () => {
    const brain = new GatedBrain(noneFor, () => ({ gate: { kind: 'no-setup' }, candidate: null }));
    const dir = tempRunDir('sink');
    const logger = new OmniLogger(dir);
    const funnel = new DecisionFunnel();
    const sink = counterfactualSink({ logger, funnel, brain });
    const audit: FakeAudit = {
      decision: noneFor({ decisionId: 'x-1', features: { tsMs: 0 } } as DecideInput),
      regimeKey: 'r',
      marker: 'm',
    };
    const base = {
      decisionId: 'x-1',
      engine: 'spot',
      symbol: 'EURUSD',
      direction: 'buy',
      entryTs: 0,
      entryPrice: 1.1,
      settleTs: 60_000,
      settlePrice: 1.1,
      size: 0,
      fees: 0,
      pnl: 0,
      rule: 'spot-cancelled-at-fill',
    } as const;
    sink.settled({
      outcome: { ...base, exit: { kind: 'cancelled' } } as TradeOutcome,
      audit,
      gate: 'confidence',
      riskUsd: 1,
      r: 0,
    });
    sink.settled({
      outcome: { ...base, decisionId: 'x-2', size: 100, settlePrice: 1.09, pnl: -1, rule: 'spot-stop' },
      audit,
      gate: 'confidence',
      riskUsd: 1,
      r: -1,
    });
    logger.close();
    expect(records(dir).map((r) => r.outcome.decisionId)).toEqual(['x-1', 'x-2']);
    expect(funnel.summary().counterfactual.confidence).toMatchObject({
      settled: 2,
      wins: 0,
      losses: 1,
      sumR: -1,
    });
    expect(brain.counterfactual.map((c) => c.outcome.decisionId)).toEqual(['x-2']);
  });
});
