import { readdirSync, readFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Alert, ManualClock, parseConfig, readJournal, type Tick, writeJsonAtomic } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { createOmniEngine, type OmniEngineOptions } from './omni-engine.js';
import { binaryFor, FakeBrain, fixtureTicks, T0, tempRunDir } from './runtime.fixture.js';
import type { TickResult } from './runtime-components.js';
import { readCheckpoint } from './session-checkpoint.js';

/** A disk that works until `full` is set, then refuses every write with ENOSPC. */
class FillingDisk {
  full = false;
  readonly write = (fd: number, data: Buffer, offset: number, length: number): number => {
    if (this.full)
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return writeSync(fd, data, offset, length);
  };
}

/** State files that save until their name is put in `failing`, then are refused with `errno`. */
class FailingStateFiles {
  readonly failing = new Set<string>();
  attempts = 0;
  constructor(readonly errno = 'ENOSPC') {}
  readonly write = (path: string, value: unknown): void => {
    if (!this.failing.has(basename(path))) {
      writeJsonAtomic(path, value);
      return;
    }
    this.attempts++;
    throw Object.assign(new Error(`${this.errno}: write refused, open '${path}'`), { code: this.errno });
  };
}

async function engineOnDisk(
  disk: FillingDisk,
  durableJournals: boolean,
  more: Partial<OmniEngineOptions> = {},
) {
  const clock = new ManualClock(0);
  const alerts: Alert[] = [];
  const runDir = tempRunDir('journal-fault');
  const engine = await createOmniEngine({
    config: parseConfig({}),
    runDir,
    clock,
    symbol: 'EURUSD',
    modelPath: null,
    pools: null,
    // Every decision is a 1 USD binary option of 60 s: the engine trades whenever it may.
    brain: new FakeBrain((input) => binaryFor(input, 1)),
    journalWrite: disk.write,
    durableJournals,
    onAlert: (a) => alerts.push(a),
    ...more,
  });
  return { engine, clock, alerts, runDir };
}

/** One tick a second; after each, the journals flush (what their 250 ms timer does in a live run). */
async function drive(
  engine: Awaited<ReturnType<typeof engineOnDisk>>['engine'],
  clock: ManualClock,
  ticks: readonly Tick[],
): Promise<TickResult[]> {
  const results: TickResult[] = [];
  for (const tick of ticks) {
    clock.set(tick.tsMs);
    results.push(await engine.runtime.onTick(tick));
    engine.runtime.flush();
  }
  return results;
}

const ticks = fixtureTicks(200).map((t, i) => ({ ...t, tsMs: T0 + i * 1000 }));

describe('WriteFaultGuard through createOmniEngine: journals', () => {
  it('stops trading (reduce-only) with a critical alert when the disk refuses the journals, and keeps settling', async () => {
    const disk = new FillingDisk();
    const { engine, clock, alerts, runDir } = await engineOnDisk(disk, true);
    const before = await drive(engine, clock, ticks.slice(0, 60));
    const tradedBefore = before.filter((r) => r.kind === 'decided').length;
    expect(tradedBefore).toBeGreaterThan(0);
    expect(engine.runtime.openTrades).toBeGreaterThan(0);

    disk.full = true;
    const after = await drive(engine, clock, ticks.slice(60));
    // The first tick's journals fail at its flush; from the next tick on nothing new is traded.
    expect(after.slice(1).map((r) => r.kind)).toEqual(after.slice(1).map(() => 'blocked'));
    expect(engine.safety.status().reduceOnly).toMatchObject({
      by: 'system',
      reason: expect.stringMatching(/^journal write failed: /),
    });
    // Open positions still settled: none left open 60 s after the last order.
    expect(engine.runtime.openTrades).toBe(0);
    const critical = alerts.filter((a) => a.code === 'JOURNAL_WRITE_FAILED');
    expect(critical.length).toBeGreaterThan(0);
    expect(critical[0]).toMatchObject({ level: 'critical', source: 'journal', context: { errno: 'ENOSPC' } });
    expect(alerts.filter((a) => a.code === 'SAFETY_REDUCE_ONLY')).toHaveLength(1);
    // What reached the disk before the fault still reads (at most a torn last line).
    for (const name of readdirSync(runDir).filter((f) => f.endsWith('.jsonl'))) {
      await expect(readJournal(join(runDir, name))).resolves.toBeDefined();
    }
    await engine.runtime.shutdown();
  });

  it('without durable journals (a backtest) a failing disk fails the run with JOURNAL_WRITE_FAILED', async () => {
    const disk = new FillingDisk();
    const { engine, clock } = await engineOnDisk(disk, false);
    await drive(engine, clock, ticks.slice(0, 40));
    disk.full = true;
    await expect(drive(engine, clock, ticks.slice(40, 41))).rejects.toMatchObject({
      code: 'JOURNAL_WRITE_FAILED',
    });
  });
});

/** An engine saving its state in `<tmp>/state` through `files` (journals on a working disk). */
async function engineWithState(files: FailingStateFiles, more: Partial<OmniEngineOptions> = {}) {
  const stateDir = join(tempRunDir('state-fault'), 'state');
  const built = await engineOnDisk(new FillingDisk(), true, { stateDir, stateWrite: files.write, ...more });
  return { ...built, stateDir };
}

/**
 * Drives `ticks` and finds the tick of the first refused save (a state file is saved when the
 * state changes: an order recorded, a trade settled, a checkpoint), with the positions open then.
 */
async function driveToFault(
  engine: Awaited<ReturnType<typeof engineOnDisk>>['engine'],
  clock: ManualClock,
  files: FailingStateFiles,
  ticks: readonly Tick[],
) {
  const results: TickResult[] = [];
  let faultAt = -1;
  let openAtFault = 0;
  for (const tick of ticks) {
    const open = engine.runtime.openTrades;
    results.push(...(await drive(engine, clock, [tick])));
    if (faultAt < 0 && files.attempts > 0) {
      faultAt = results.length - 1;
      openAtFault = open;
    }
  }
  return { results, faultAt, afterFault: results.slice(faultAt + 1), openAtFault };
}

const stateAlerts = (alerts: readonly Alert[]) => alerts.filter((a) => a.code === 'STATE_WRITE_FAILED');
const notBlocked = (results: readonly TickResult[]) => results.filter((r) => r.kind !== 'blocked');

describe('WriteFaultGuard through createOmniEngine: state files', () => {
  it('stops trading when ledger.json cannot be saved, alerts once, keeps settling and keeps the old file', async () => {
    const files = new FailingStateFiles('ENOSPC');
    const { engine, clock, alerts, stateDir } = await engineWithState(files);
    await drive(engine, clock, ticks.slice(0, 60));
    const onDisk = readFileSync(join(stateDir, 'ledger.json'), 'utf8');

    files.failing.add('ledger.json');
    const run = await driveToFault(engine, clock, files, ticks.slice(60));
    // The first save after the fault is a settled trade closing its position (tick 91).
    expect(run.faultAt).toBe(31);
    expect(run.openAtFault).toBe(3);
    expect(notBlocked(run.afterFault)).toEqual([]);
    expect(engine.safety.status().reduceOnly).toMatchObject({
      by: 'system',
      reason: 'state write failed: ledger.json (ENOSPC)',
    });
    // The three positions open at the fault still settled, each close trying to save again.
    expect(engine.runtime.openTrades).toBe(0);
    expect(files.attempts).toBe(3);
    expect(stateAlerts(alerts)).toEqual([
      expect.objectContaining({
        level: 'critical',
        source: 'state',
        context: { file: join(stateDir, 'ledger.json'), errno: 'ENOSPC' },
        message: expect.stringMatching(/^cannot save ledger\.json \(ENOSPC\): trading stops/),
      }),
    ]);
    expect(alerts.filter((a) => a.code === 'SAFETY_REDUCE_ONLY')).toHaveLength(1);
    expect(readFileSync(join(stateDir, 'ledger.json'), 'utf8')).toBe(onDisk);
    // safety.json could be written: the reduce-only flag is on disk for the restart.
    const safety = JSON.parse(readFileSync(join(stateDir, 'safety.json'), 'utf8'));
    expect(safety.reduceOnly).toMatchObject({ reason: 'state write failed: ledger.json (ENOSPC)' });
    await engine.close();
  });

  it("SafetyManager's own safety.json failing enters reduce-only once, without recursing", async () => {
    const files = new FailingStateFiles('EROFS');
    const { engine, clock, alerts, stateDir } = await engineWithState(files);
    await drive(engine, clock, ticks.slice(0, 60));
    const onDisk = readFileSync(join(stateDir, 'safety.json'), 'utf8');
    files.failing.add('safety.json');
    const run = await driveToFault(engine, clock, files, ticks.slice(60));
    expect(run.openAtFault).toBeGreaterThan(0);
    expect(notBlocked(run.afterFault)).toEqual([]);
    expect(engine.safety.status().reduceOnly?.reason).toBe('state write failed: safety.json (EROFS)');
    expect(stateAlerts(alerts).map((a) => a.context)).toEqual([
      { file: join(stateDir, 'safety.json'), errno: 'EROFS' },
    ]);
    expect(alerts.filter((a) => a.code === 'SAFETY_REDUCE_ONLY')).toHaveLength(1);
    expect(engine.runtime.openTrades).toBe(0);
    // The old file stays whole (atomic writes): a restart reads the state of before the fault.
    expect(readFileSync(join(stateDir, 'safety.json'), 'utf8')).toBe(onDisk);
    await expect(engine.close()).resolves.toBeUndefined();
  });

  it('a resumable run whose checkpoint cannot be saved stops trading and leaves the last checkpoint', async () => {
    const files = new FailingStateFiles('EIO');
    const { engine, clock, alerts, runDir } = await engineWithState(files, {
      resumable: true,
      checkpointEveryTicks: 10,
    });
    await drive(engine, clock, ticks.slice(0, 60));
    const before = readCheckpoint(runDir);
    expect(before?.ticks).toBe(60);
    files.failing.add('checkpoint.json');
    const run = await driveToFault(engine, clock, files, ticks.slice(60));
    expect(run.openAtFault).toBe(3);
    expect(notBlocked(run.afterFault)).toEqual([]);
    expect(engine.safety.status().reduceOnly?.reason).toBe('state write failed: checkpoint.json (EIO)');
    expect(engine.runtime.openTrades).toBe(0);
    expect(stateAlerts(alerts)).toHaveLength(1);
    expect(readCheckpoint(runDir)).toEqual(before);
    await engine.close();
  });

  it('a resumable run does not move its checkpoint past a state file that could not be saved', async () => {
    const files = new FailingStateFiles('ENOSPC');
    const { engine, clock, runDir } = await engineWithState(files, {
      resumable: true,
      checkpointEveryTicks: 10,
    });
    await drive(engine, clock, ticks.slice(0, 60));
    const before = readCheckpoint(runDir);
    files.failing.add('ledger.json');
    await drive(engine, clock, ticks.slice(60, 120));
    expect(engine.safety.status().reduceOnly?.reason).toBe('state write failed: ledger.json (ENOSPC)');
    expect(readCheckpoint(runDir)).toEqual(before);
    await engine.close();
  });

  it('the default brain failing to save governor.json is reported, not thrown, at close', async () => {
    const files = new FailingStateFiles('ENOSPC');
    files.failing.add('governor.json');
    const clock = new ManualClock(0);
    const alerts: Alert[] = [];
    const engine = await createOmniEngine({
      config: parseConfig({}),
      runDir: tempRunDir('governor-fault'),
      stateDir: join(tempRunDir('governor-fault-state'), 'state'),
      clock,
      symbol: 'EURUSD',
      modelPath: null,
      pools: null,
      stateWrite: files.write,
      onAlert: (a) => alerts.push(a),
    });
    await drive(engine, clock, ticks.slice(0, 30));
    await expect(engine.close()).resolves.toBeUndefined();
    expect(stateAlerts(alerts).map((a) => basename(String(a.context?.['file'])))).toEqual(['governor.json']);
    expect(engine.safety.status().reduceOnly?.reason).toBe('state write failed: governor.json (ENOSPC)');
  });

  it('the alert reaches onAlert while alerts.jsonl cannot be written either', async () => {
    const disk = new FillingDisk();
    const files = new FailingStateFiles('ENOSPC');
    const stateDir = join(tempRunDir('both-fault'), 'state');
    const { engine, clock, alerts } = await engineOnDisk(disk, true, { stateDir, stateWrite: files.write });
    await drive(engine, clock, ticks.slice(0, 60));
    disk.full = true;
    files.failing.add('ledger.json').add('safety.json');
    await drive(engine, clock, ticks.slice(60));
    const codes = alerts.filter((a) => a.level === 'critical').map((a) => a.code);
    expect(codes).toContain('JOURNAL_WRITE_FAILED');
    expect(
      stateAlerts(alerts)
        .map((a) => basename(String(a.context?.['file'])))
        .sort(),
    ).toEqual(['ledger.json', 'safety.json']);
    expect(alerts.filter((a) => a.code === 'SAFETY_REDUCE_ONLY')).toHaveLength(1);
    expect(engine.runtime.openTrades).toBe(0);
    await engine.close();
  });

  it('without durable journals (a backtest on a state folder) a state file that cannot be saved fails the run', async () => {
    const files = new FailingStateFiles('ENOSPC');
    const stateDir = join(tempRunDir('state-fault-backtest'), 'state');
    const { engine, clock } = await engineOnDisk(new FillingDisk(), false, {
      stateDir,
      stateWrite: files.write,
    });
    await drive(engine, clock, ticks.slice(0, 60));
    files.failing.add('ledger.json');
    await expect(drive(engine, clock, ticks.slice(60))).rejects.toMatchObject({
      code: 'STATE_WRITE_FAILED',
      context: { file: join(stateDir, 'ledger.json'), errno: 'ENOSPC' },
    });
  });
});
