/**
 * Failing dependencies, in process against the sources: the journal disk refusing writes at seeded
 * points (full, read-only, filling in short writes), the state files (safety.json, ledger.json,
 * checkpoint.json) refusing saves at seeded points, and the clock jumping backwards. The engine is
 * createOmniEngine with durable journals (as shadow and live run it), the real SafetyManager, ledger
 * and shadow hub, and a brain that trades a 1 USD binary option whenever it may — so any tick on
 * which the engine still traded after the fault would show.
 */
import { mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  type Alert,
  type Clock,
  parseConfig,
  Rng,
  readJournal,
  type Tick,
  type TradeOutcome,
  writeJsonAtomic,
} from '@omni/core';
import { createOmniEngine, type OmniEngine, type OmniEngineOptions, readCheckpoint } from '@omni/runtime';
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
  more: Partial<OmniEngineOptions> = {},
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
    ...more,
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
  stateFaults: 0,
  stateReduceOnly: 0,
  stateOrdersAfterFault: 0,
  stateFilesKept: 0,
};
afterAll(() => {
  console.log(
    `CHAOS disk faults=${counts.faults} reduce-only=${counts.reduceOnly} orders-after-fault=${counts.ordersAfterFault} ` +
      `journals-read=${counts.journalsRead} torn-last-lines=${counts.tornLines} clock-jumps-back=${counts.clockJumps} ` +
      `state-faults=${counts.stateFaults} state-reduce-only=${counts.stateReduceOnly} ` +
      `state-orders-after-fault=${counts.stateOrdersAfterFault} state-files-kept=${counts.stateFilesKept}`,
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

type StateFault = 'ENOSPC' | 'EROFS' | 'EIO' | 'folder-gone';

/**
 * State files that save until `failing`, then refuse `file`: with an errno through the engine's
 * `stateWrite` seam, or (`folder-gone`) for real — the state folder is replaced by a plain file, so
 * the real writeJsonAtomic fails on the disk (as root, `chmod` would stop nothing).
 */
class FaultyStateFiles {
  failing = false;
  refused = 0;
  constructor(
    readonly kind: StateFault,
    readonly file: string,
  ) {}
  readonly write = (path: string, value: unknown): void => {
    if (this.failing && this.kind !== 'folder-gone' && basename(path) === this.file) {
      this.refused++;
      throw Object.assign(new Error(`${this.kind}: write refused`), { code: this.kind });
    }
    writeJsonAtomic(path, value);
  };
}

describe('state: the state files refuse saves at seeded points', () => {
  const rng = new Rng('chaos-state-disk');
  const kinds: StateFault[] = ['ENOSPC', 'EROFS', 'EIO', 'folder-gone'];
  const files = ['safety.json', 'ledger.json', 'checkpoint.json'];
  const cases = Array.from({ length: 12 }, (_, i) => ({
    kind: kinds[i % kinds.length] as StateFault,
    // checkpoint.json exists only in a resumable run (as omni shadow runs); live runs save on every change.
    file: files[i % files.length] as string,
    resumable: i % 3 === 2 || i % 2 === 1,
    at: 70 + Math.floor(rng.float() * 120),
  }));

  it.each(cases)(
    '$kind on $file at tick $at (resumable: $resumable): reduce-only with one critical alert; positions still settle',
    async ({ kind, file, resumable, at }) => {
      const root = mkdtempSync(join(tmpdir(), 'omni-chaos-state-'));
      const stateDir = join(root, 'state');
      const states = new FaultyStateFiles(kind, file);
      const clock = new SettableClock(T0);
      const alerts: Alert[] = [];
      const { engine, runDir } = await engineOn(new FaultyDisk('ENOSPC'), clock, alerts, {
        stateDir,
        stateWrite: states.write,
        ...(resumable ? { resumable: true, checkpointEveryTicks: 10 } : {}),
      });
      const target = file === 'checkpoint.json' ? join(runDir, file) : join(stateDir, file);
      let before = '';
      let ordersAfter = 0;
      let faultTick = -1;
      for (let i = 0; i < TICKS.length; i++) {
        const tick = TICKS[i] as Tick;
        clock.now = tick.tsMs;
        if (i === at) {
          before = readFileSync(target, 'utf8');
          states.failing = true;
          if (kind === 'folder-gone') {
            const gone = file === 'checkpoint.json' ? runDir : stateDir;
            renameSync(gone, `${gone}.moved`);
            writeFileSync(gone, 'not a folder');
          }
        }
        const result = await engine.runtime.onTick(tick);
        if (faultTick < 0 && engine.safety.toState().reduceOnly !== null) faultTick = i;
        else if (faultTick >= 0 && result.kind === 'decided') ordersAfter++;
      }
      await engine.close();
      counts.stateFaults++;
      expect(faultTick).toBeGreaterThanOrEqual(at);
      counts.stateReduceOnly++;
      expect(engine.safety.toState().reduceOnly?.reason).toMatch(
        new RegExp(
          `^(state|journal) write failed: ${kind === 'folder-gone' ? '' : file.replace('.', '\\.')}`,
        ),
      );
      expect(ordersAfter).toBe(0);
      counts.stateOrdersAfterFault += ordersAfter;
      expect(engine.runtime.openTrades).toBe(0);
      const failed = alerts.filter((a) => a.code === 'STATE_WRITE_FAILED');
      expect(failed.length).toBeGreaterThan(0);
      expect(new Set(failed.map((a) => a.context?.['file'])).size).toBe(failed.length);
      expect(failed[0]).toMatchObject({ level: 'critical', source: 'state' });
      if (kind !== 'folder-gone') {
        expect(failed.map((a) => a.context)).toEqual([{ file: target, errno: kind }]);
        // The atomic write kept the file of before the fault whole.
        expect(readFileSync(target, 'utf8')).toBe(before);
      } else {
        const moved = target.replace(file === 'checkpoint.json' ? runDir : stateDir, (d) => `${d}.moved`);
        expect(readFileSync(moved, 'utf8')).toBe(before);
      }
      counts.stateFilesKept++;
      expect(alerts.filter((a) => a.code === 'SAFETY_REDUCE_ONLY')).toHaveLength(1);
      if (resumable && kind !== 'folder-gone') {
        expect(readCheckpoint(runDir)?.ticks).toBeLessThanOrEqual(at);
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
