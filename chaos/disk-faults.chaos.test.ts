/**
 * Failing dependencies, in process against the sources: the journal disk refusing writes at seeded
 * points (full, read-only, filling in short writes), and the clock jumping backwards. The engine is
 * createOmniEngine with durable journals (as shadow and live run it), the real SafetyManager, ledger
 * and shadow hub, and a brain that trades a 1 USD binary option whenever it may — so any tick on
 * which the engine still traded after the fault would show.
 */
import { mkdtempSync, readdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Alert,
  type Clock,
  parseConfig,
  Rng,
  readJournal,
  type Tick,
  type TradeOutcome,
} from '@omni/core';
import { createOmniEngine, type OmniEngine } from '@omni/runtime';
import { afterAll, describe, expect, it } from 'vitest';

const T0 = 1_704_153_600_000;
const TICKS: Tick[] = Array.from({ length: 240 }, (_, i) => ({
  symbol: 'EURUSD',
  tsMs: T0 + i * 1_000,
  price: 1.1 + 0.002 * Math.sin(i / 7),
  source: 'chaos',
}));

type FaultKind = 'ENOSPC' | 'EROFS' | 'short-then-nothing';

/** A disk that works until `failing`, then refuses writes the way `kind` says. */
class FaultyDisk {
  failing = false;
  constructor(public kind: FaultKind) {}
  readonly write = (fd: number, data: Buffer, offset: number, length: number): number => {
    if (!this.failing) return writeSync(fd, data, offset, length);
    if (this.kind === 'short-then-nothing') {
      // A filling disk: half of what is asked, then nothing at all.
      this.kind = 'ENOSPC';
      return writeSync(fd, data, offset, Math.max(1, Math.floor(length / 2)));
    }
    const code = this.kind;
    throw Object.assign(new Error(`${code}: write refused`), { code });
  };
}

/** A wall clock an operator or NTP can set back (ManualClock refuses to go backwards). */
class SettableClock implements Clock {
  constructor(public now: number) {}
  nowMs(): number {
    return this.now;
  }
}

const brain = {
  decide: (input: { decisionId: string; features: { tsMs: number } }) => ({
    decision: {
      engine: 'binary' as const,
      id: input.decisionId,
      tsMs: input.features.tsMs,
      confidence: 0.6,
      reasons: ['chaos brain: always trade'],
      symbol: 'EURUSD',
      direction: 'call' as const,
      stakeUsd: 1,
      expirySec: 60,
    },
    audit: { decisionId: input.decisionId },
  }),
  learn: () => {},
};

async function engineOn(
  disk: FaultyDisk,
  clock: Clock,
  alerts: Alert[],
): Promise<{ engine: OmniEngine; runDir: string }> {
  const runDir = mkdtempSync(join(tmpdir(), 'omni-chaos-disk-'));
  const engine = await createOmniEngine({
    config: parseConfig({}),
    runDir,
    clock,
    symbol: 'EURUSD',
    modelPath: null,
    pools: null,
    brain: brain as unknown as Parameters<typeof createOmniEngine>[0]['brain'],
    journalWrite: disk.write,
    onAlert: (a) => alerts.push(a),
  });
  return { engine, runDir };
}

const counts = {
  faults: 0,
  reduceOnly: 0,
  ordersAfterFault: 0,
  journalsRead: 0,
  tornLines: 0,
  clockJumps: 0,
};
afterAll(() => {
  console.log(
    `CHAOS disk faults=${counts.faults} reduce-only=${counts.reduceOnly} orders-after-fault=${counts.ordersAfterFault} ` +
      `journals-read=${counts.journalsRead} torn-last-lines=${counts.tornLines} clock-jumps-back=${counts.clockJumps}`,
  );
});

describe('disk: the journal disk refuses writes at seeded points', () => {
  const kinds: FaultKind[] = ['ENOSPC', 'EROFS', 'short-then-nothing'];
  const rng = new Rng('chaos-disk');
  const cases = Array.from({ length: 12 }, (_, i) => ({
    kind: kinds[i % kinds.length] as FaultKind,
    at: 35 + Math.floor(rng.float() * 150),
  }));

  it.each(cases)(
    '$kind at tick $at: trading stops (reduce-only) with a critical alert; positions still settle',
    async ({ kind, at }) => {
      const disk = new FaultyDisk(kind);
      const clock = new SettableClock(T0);
      const alerts: Alert[] = [];
      const { engine, runDir } = await engineOn(disk, clock, alerts);
      let ordersAfter = 0;
      let faultTick = -1;
      for (let i = 0; i < TICKS.length; i++) {
        const tick = TICKS[i] as Tick;
        clock.now = tick.tsMs;
        if (i === at) disk.failing = true;
        const result = await engine.runtime.onTick(tick);
        // A journal flush after every tick: what the 250 ms timer does in a live run.
        engine.runtime.flush();
        if (faultTick < 0 && engine.safety.toState().reduceOnly !== null) faultTick = i;
        else if (faultTick >= 0 && result.kind === 'decided') ordersAfter++;
      }
      await engine.runtime.shutdown();
      counts.faults++;
      expect(faultTick).toBe(at);
      counts.reduceOnly++;
      expect(ordersAfter).toBe(0);
      counts.ordersAfterFault += ordersAfter;
      expect(engine.runtime.openTrades).toBe(0);
      expect(alerts.find((a) => a.code === 'JOURNAL_WRITE_FAILED')).toMatchObject({
        level: 'critical',
        source: 'journal',
      });
      expect(alerts.filter((a) => a.code === 'SAFETY_REDUCE_ONLY')).toHaveLength(1);
      for (const name of readdirSync(runDir).filter((f) => f.endsWith('.jsonl'))) {
        const { torn } = await readJournal(join(runDir, name));
        counts.journalsRead++;
        if (torn) counts.tornLines++;
      }
    },
  );
});

describe('clock: the wall clock jumps backwards', () => {
  it('blocks new orders while the clock reads before the newest tick, never crashes, never a negative duration', async () => {
    const clock = new SettableClock(T0);
    const alerts: Alert[] = [];
    const { engine, runDir } = await engineOn(new FaultyDisk('ENOSPC'), clock, alerts);
    const kinds: string[] = [];
    for (let i = 0; i < TICKS.length; i++) {
      const tick = TICKS[i] as Tick;
      // Ticks 100–159 arrive while the clock reads one hour earlier (set back, then corrected).
      clock.now = i >= 100 && i < 160 ? tick.tsMs - 3_600_000 : tick.tsMs;
      if (i === 100) counts.clockJumps++;
      const result = await engine.runtime.onTick(tick);
      kinds.push(result.kind === 'blocked' ? `blocked:${result.reason.split(':')[0]}` : result.kind);
    }
    // The documented rule for ticks: one older than the previous is refused with a typed error, and
    // the engine goes on with the next in-order tick.
    const last = TICKS.at(-1) as Tick;
    await expect(engine.runtime.onTick({ ...last, tsMs: last.tsMs - 5_000 })).rejects.toMatchObject({
      code: 'RUNTIME_BAD_INPUT',
    });
    clock.now = last.tsMs + 1_000;
    await engine.runtime.onTick({ ...last, tsMs: last.tsMs + 1_000 });
    await engine.runtime.shutdown();
    expect(kinds.slice(100, 160).every((k) => k.startsWith('blocked:'))).toBe(true);
    expect(kinds.slice(165).filter((k) => k === 'decided').length).toBeGreaterThan(0);
    expect(alerts.filter((a) => a.code === 'SAFETY_STALE_DATA').map((a) => a.message)[0]).toMatch(
      /clock reads 3600000 ms before the newest tick/,
    );
    expect(alerts.every((a) => a.tsMs >= 0)).toBe(true);
    const { records } = await readJournal<TradeOutcome>(join(runDir, 'trades.jsonl'));
    expect(records.length).toBeGreaterThan(0);
    for (const t of records) expect(t.settleTs - t.entryTs).toBeGreaterThanOrEqual(0);
  });
});
