import { readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type Alert, ManualClock, parseConfig, readJournal, type Tick } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { createOmniEngine } from './omni-engine.js';
import { binaryFor, FakeBrain, fixtureTicks, T0, tempRunDir } from './runtime.fixture.js';
import type { TickResult } from './runtime-components.js';

/** A disk that works until `full` is set, then refuses every write with ENOSPC. */
class FillingDisk {
  full = false;
  readonly write = (fd: number, data: Buffer, offset: number, length: number): number => {
    if (this.full)
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return writeSync(fd, data, offset, length);
  };
}

async function engineOnDisk(disk: FillingDisk, durableJournals: boolean) {
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

describe('JournalFaultGuard through createOmniEngine', () => {
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
