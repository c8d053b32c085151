import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CounterfactualRecord,
  type DecisionGate,
  JOURNAL_FILES,
  ManualClock,
  type OmniConfig,
  parseConfig,
} from '@omni/core';
import { bundledFxPath, ReplayFeed } from '@omni/feeds';
import { beforeAll, describe, expect, it } from 'vitest';
import { BacktestEngine, type BacktestSummary } from './backtest-engine.js';
import { type AuditLine, isAuditEntry } from './decision-audit-trail.js';
import { DecisionFunnel, FUNNEL_STAGES } from './decision-funnel.js';
import { createOmniEngine } from './omni-engine.js';
import { omniMainLoop } from './omni-main-loop.js';
import { tempRunDir } from './runtime.fixture.js';

const FROM = '2010-01-01T00:00:00Z';
const TO = '2011-12-31T00:00:00Z';
// Every decision journaled: the counterfactual journal is checked against each decision's record.
const config = parseConfig({ seed: 42, journal: { decisions: 'all' } });

function lines<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);
}

async function backtest(
  label: string,
  c: OmniConfig = config,
): Promise<{ dir: string; summary: BacktestSummary }> {
  const dir = tempRunDir(label);
  const engine = new BacktestEngine({ config: c, symbol: 'EURUSD', modelPath: null });
  const summary = await engine.run(new ReplayFeed({ path: bundledFxPath('EURUSD') }), {
    runDir: dir,
    fromMs: Date.parse(FROM),
    toMs: Date.parse(TO),
  });
  return { dir, summary };
}

describe('DecisionFunnel', () => {
  it('counts each tick once, by stage and by UTC year, across a year boundary', () => {
    const funnel = new DecisionFunnel();
    const dec31 = Date.parse('2016-12-31T23:59:59.999Z');
    funnel.note('blocked', dec31);
    funnel.note('traded', dec31, true);
    funnel.note('traded', dec31 + 1);
    funnel.note('confidence', dec31 + 2);
    funnel.noteCounterfactualOpened('confidence');
    funnel.noteCounterfactualSettled('confidence', 8, 0.8);
    funnel.noteCounterfactualSettled('confidence', -10, -1);
    funnel.noteCounterfactualSettled('confidence', 0, 0);
    const s = funnel.summary();
    expect(s.ticks).toBe(4);
    expect(s.stages).toMatchObject({ blocked: 1, traded: 2, confidence: 1, regime: 0 });
    expect(s.explored).toBe(1);
    expect(s.years).toEqual([
      { year: 2016, ticks: 2, blocked: 1, traded: 1, explored: 1 },
      { year: 2017, ticks: 2, blocked: 0, traded: 1, explored: 0 },
    ]);
    expect(s.counterfactual.confidence).toMatchObject({ opened: 1, settled: 3, wins: 1, losses: 1 });
    expect(s.counterfactual.confidence.sumR).toBeCloseTo(-0.2, 12);
    // A summary is a copy: later counts do not change it.
    funnel.note('regime', dec31 + 3);
    expect(s.stages.regime).toBe(0);
  });
});

describe('the funnel and counterfactual journal of a backtest (bundled EURUSD 2010–2011, default governor)', () => {
  let a: { dir: string; summary: BacktestSummary };
  let b: { dir: string; summary: BacktestSummary };
  beforeAll(async () => {
    a = await backtest('funnel-a');
    b = await backtest('funnel-b');
  });

  it('adds up: every tick at one stage, trades placed = settled + open, blocked ticks as safety counted them', () => {
    const { summary } = a;
    const f = summary.funnel;
    expect(f.ticks).toBe(summary.ticks);
    expect(FUNNEL_STAGES.reduce((s, stage) => s + f.stages[stage], 0)).toBe(summary.ticks);
    // Orders cancelled at their fill (a spot fill beyond its stop) were placed but are no trade.
    const cancelled = lines<{ exit?: { kind: string } }>(join(a.dir, 'trades.jsonl')).filter(
      (t) => t.exit?.kind === 'cancelled',
    ).length;
    expect(f.stages.traded).toBe(summary.trades + summary.run.openAtEnd + cancelled);
    expect(f.stages.blocked).toBe(summary.safety.blockedTicks);
    expect(f.years.map((y) => y.year)).toEqual([2010, 2011]);
    expect(f.years.reduce((s, y) => s + y.ticks, 0)).toBe(summary.ticks);
    expect(f.years.reduce((s, y) => s + y.traded, 0)).toBe(f.stages.traded);
    // The governor names every gate it stops at: nothing is left unexplained.
    expect(f.stages.aside).toBe(0);
    expect(f.stages['no-setup']).toBeGreaterThan(0);
    expect(f.stages.confidence + f.stages.regime).toBeGreaterThan(0);
  });

  it('journals each counterfactual outcome with the gate its decision stopped at, and none of them as a trade', () => {
    const records = lines<CounterfactualRecord>(join(a.dir, JOURNAL_FILES.counterfactual));
    const settled = Object.values(a.summary.funnel.counterfactual).reduce((s, t) => s + t.settled, 0);
    expect(records.length).toBe(settled);
    expect(records.length).toBeGreaterThan(10);
    const decisions = new Map<string, { gate?: DecisionGate; approval?: { approved: boolean } }>();
    for (const line of lines<AuditLine<{ decision: { id: string }; gate?: DecisionGate }>>(
      join(a.dir, 'decisions.jsonl'),
    )) {
      if (isAuditEntry(line)) decisions.set(line.entry.decision.id, line.entry);
    }
    const tradeIds = new Set(
      lines<{ decisionId: string }>(join(a.dir, 'trades.jsonl')).map((t) => t.decisionId),
    );
    for (const r of records) {
      const entry = decisions.get(r.outcome.decisionId);
      if (r.gate === 'safety') expect(entry?.approval?.approved).toBe(false);
      else expect(entry?.gate?.kind).toBe(r.gate);
      expect(tradeIds.has(r.outcome.decisionId)).toBe(false);
      expect(r.outcome.settleTs).toBeGreaterThanOrEqual(r.outcome.entryTs);
    }
  });

  it('is deterministic: two runs write byte-identical counterfactual journals and funnels', () => {
    const file = JOURNAL_FILES.counterfactual;
    expect(readFileSync(join(a.dir, file)).equals(readFileSync(join(b.dir, file)))).toBe(true);
    expect(b.summary.funnel).toEqual(a.summary.funnel);
  });

  it('takes no exploration trade with ε = 0', async () => {
    const off = await backtest(
      'funnel-eps0',
      parseConfig({
        seed: 42,
        journal: { decisions: 'all' },
        engines: { governor: { explorationEpsilon: 0 } },
      }),
    );
    expect(off.summary.funnel.explored).toBe(0);
    expect(a.summary.funnel.explored).toBeGreaterThan(0);
  });
});

describe('the counterfactual journal of a resumed run', () => {
  it('is the journal of a run never stopped: the silent replay rebuilds the counterfactual hub', async () => {
    async function session(runDir: string, stateDir: string, toMs: number): Promise<void> {
      const clock = new ManualClock(0);
      const engine = await createOmniEngine({
        config,
        runDir,
        stateDir,
        clock,
        symbol: 'EURUSD',
        modelPath: null,
        resumable: true,
      });
      try {
        await omniMainLoop(new ReplayFeed({ path: bundledFxPath('EURUSD') }), engine.runtime, {
          clock,
          fromMs: Date.parse(FROM),
          toMs,
        });
      } finally {
        await engine.close();
      }
    }
    const whole = tempRunDir('cf-whole');
    await session(whole, tempRunDir('cf-whole-state'), Date.parse(TO));
    const resumed = tempRunDir('cf-resumed');
    const state = tempRunDir('cf-resumed-state');
    await session(resumed, state, Date.parse('2010-11-15T00:00:00Z'));
    const partial = readFileSync(join(resumed, JOURNAL_FILES.counterfactual), 'utf8');
    await session(resumed, state, Date.parse(TO));
    const file = JOURNAL_FILES.counterfactual;
    const expected = readFileSync(join(whole, file), 'utf8');
    expect(partial.length).toBeGreaterThan(0);
    expect(expected.startsWith(partial)).toBe(true);
    expect(expected.length).toBeGreaterThan(partial.length);
    expect(readFileSync(join(resumed, file), 'utf8')).toBe(expected);
    expect(readFileSync(join(resumed, 'trades.jsonl'), 'utf8')).toBe(
      readFileSync(join(whole, 'trades.jsonl'), 'utf8'),
    );
  });
});
