import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Decision, ManualClock, parseConfig } from '@omni/core';
import { bundledFxPath, ReplayFeed } from '@omni/feeds';
import { GovernorSnapshotSchema } from '@omni/governor';
import { SafetyStateSchema } from '@omni/safety';
import { describe, expect, it, vi } from 'vitest';
import { type AuditLine, isAuditEntry } from './decision-audit-trail.js';
import { createOmniEngine, type OmniEngine } from './omni-engine.js';
import { omniMainLoop } from './omni-main-loop.js';
import { tempRunDir } from './runtime.fixture.js';

// maxDailyTrades = 1: the first trade trips a cooldown that must survive the restart.
const config = parseConfig({ seed: 42, risk: { maxDailyTrades: 1 } });

async function engineFor(
  runDir: string,
  stateDir?: string,
): Promise<{ engine: OmniEngine; clock: ManualClock }> {
  const clock = new ManualClock(0);
  const engine = await createOmniEngine({
    config,
    runDir,
    clock,
    symbol: 'EURUSD',
    modelPath: null,
    ...(stateDir !== undefined ? { stateDir } : {}),
  });
  return { engine, clock };
}

async function replay(engine: OmniEngine, clock: ManualClock, from: string, to: string): Promise<void> {
  await omniMainLoop(new ReplayFeed({ path: bundledFxPath('EURUSD') }), engine.runtime, {
    clock,
    fromMs: Date.parse(from),
    toMs: Date.parse(to),
  });
}

/** The snapshot as it reads back from JSON (what a file holds). */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe('createOmniEngine with a stateDir', () => {
  it('persists governor and safety state on close and restores both on the next start, cooldown included', async () => {
    const stateDir = tempRunDir('state');
    const { engine: first, clock: clock1 } = await engineFor(tempRunDir('run-1'), stateDir);
    await replay(first, clock1, '2010-01-01T00:00:00Z', '2011-12-31T00:00:00Z');
    await first.close();

    // Exactly one trade was placed: maxDailyTrades = 1 tripped the cooldown, which never lifts by itself.
    expect(first.performance.summary().trades + first.runtime.openTrades).toBe(1);
    const safetyPath = join(stateDir, 'safety.json');
    const governorPath = join(stateDir, 'governor.json');
    expect(existsSync(safetyPath)).toBe(true);
    expect(existsSync(governorPath)).toBe(true);
    const savedSafety = SafetyStateSchema.parse(JSON.parse(readFileSync(safetyPath, 'utf8')));
    expect(savedSafety.cooldown?.limit).toBe('maxDailyTrades');
    expect(savedSafety).toEqual(first.safety.toState());
    const savedGovernor = JSON.parse(readFileSync(governorPath, 'utf8')) as unknown;
    GovernorSnapshotSchema.parse(savedGovernor);
    const firstGovernor = first.governor?.governor;
    expect(firstGovernor).toBeDefined();
    expect(savedGovernor).toEqual(asJson(firstGovernor?.snapshot()));

    // The learned state is not a fresh governor's (so the restore below is not trivially equal).
    const { engine: fresh } = await engineFor(tempRunDir('fresh'));
    expect(asJson(fresh.governor?.governor.snapshot())).not.toEqual(savedGovernor);
    await fresh.close();

    const { engine: second, clock: clock2 } = await engineFor(tempRunDir('run-2'), stateDir);
    expect(asJson(second.governor?.governor.snapshot())).toEqual(savedGovernor);
    expect(second.safety.status().cooldown).toEqual(savedSafety.cooldown);
    expect(second.safety.mode).toBe('reduce-only');

    const execute = vi.spyOn(second.hub, 'execute');
    const decide = vi.spyOn(second.brain, 'decide');
    await replay(second, clock2, '2012-01-01T00:00:00Z', '2012-06-30T00:00:00Z');
    await second.close();
    expect(execute).not.toHaveBeenCalled();
    expect(decide).not.toHaveBeenCalled();
    expect(second.performance.summary().trades).toBe(0);
    const lines = readFileSync(join(second.logger.dir, 'decisions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown)
      .filter((l) => isAuditEntry(l)) // not the seal close writes last
      .map((l) => (l as AuditLine<{ decision: Decision; mode: string }>).entry);
    expect(lines.length).toBe(second.performance.summary().ticks);
    expect(lines.every((e) => e.decision.engine === 'none' && e.mode === 'COOLDOWN')).toBe(true);
  });

  it('writes nothing outside runDir without a stateDir', async () => {
    const runDir = tempRunDir('nostate');
    const { engine, clock } = await engineFor(runDir);
    await replay(engine, clock, '2010-01-01T00:00:00Z', '2010-06-30T00:00:00Z');
    await engine.close();
    expect(engine.safety.statePath).toBeUndefined();
    expect(existsSync(join(runDir, 'decisions.jsonl'))).toBe(true);
    expect(existsSync(join(runDir, 'safety.json'))).toBe(false);
    expect(existsSync(join(runDir, 'governor.json'))).toBe(false);
  });

  it('resumes a shadow position left open by an earlier session and settles it from later prices', async () => {
    // The reference: one uninterrupted session places the one trade and settles it.
    const { engine: whole, clock: c0 } = await engineFor(tempRunDir('whole'), tempRunDir('state-whole'));
    await replay(whole, c0, '2010-01-01T00:00:00Z', '2011-12-31T00:00:00Z');
    await whole.close();
    const trades = (dir: string) =>
      readFileSync(join(dir, 'trades.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { decisionId: string; entryTs: number; settleTs: number; pnl: number });
    const [reference] = trades(whole.logger.dir);
    expect(reference).toBeDefined();
    const entry = new Date(reference?.entryTs ?? 0).toISOString();

    // The same, stopped right after the trade was placed, then restarted on the same state.
    const stateDir = tempRunDir('state-split');
    const { engine: first, clock: c1 } = await engineFor(tempRunDir('split-1'), stateDir);
    await replay(first, c1, '2010-01-01T00:00:00Z', entry);
    await first.close();
    expect(first.runtime.openTrades).toBe(1);
    const ledger = JSON.parse(readFileSync(join(stateDir, 'ledger.json'), 'utf8'));
    expect(ledger.open.map((p: { decisionId: string; venue: string }) => [p.decisionId, p.venue])).toEqual([
      [reference?.decisionId, 'shadow'],
    ]);

    const { engine: second, clock: c2 } = await engineFor(tempRunDir('split-2'), stateDir);
    expect(second.safety.ledger.size).toBe(1);
    await replay(second, c2, new Date((reference?.entryTs ?? 0) + 1).toISOString(), '2011-12-31T00:00:00Z');
    await second.close();
    expect(trades(second.logger.dir)).toEqual([reference]);
    expect(second.safety.ledger.size).toBe(0);
    const alerts = readFileSync(join(second.logger.dir, 'alerts.jsonl'), 'utf8');
    expect(alerts).toContain('POSITION_RESUMED');
  });
});
