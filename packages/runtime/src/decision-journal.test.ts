import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { truncateJournal } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuditCheckpointLine,
  type AuditRecord,
  isAuditCheckpoint,
  verifyAuditTrail,
} from './decision-audit-trail.js';
import { DecisionJournal } from './decision-journal.js';
import { SkipDigest } from './skip-digest.js';

let dirs = 0;
function journalPath(): string {
  return join(mkdtempSync(join(tmpdir(), `omni-journal-${++dirs}-`)), 'decisions.jsonl');
}

function readLines(path: string): AuditRecord[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditRecord);
}

/** One decision as the runtime hands it over: recorded (append) or skipped. */
interface Event {
  readonly record: boolean;
  readonly tsMs: number;
  readonly price: number;
  readonly stage: number;
}

/** Decision `n` (1-based) of `events` into `journal`. */
function play(journal: DecisionJournal, events: readonly Event[], n: number): void {
  const e = events[n - 1] as Event;
  if (e.record)
    journal.append({ decision: { engine: 'binary', id: `run-${n}` }, tsMs: e.tsMs, price: e.price });
  else journal.skip(n, e.tsMs, e.price, e.stage);
}

/** 25,000 skipped decisions and 3 recorded ones: decisions 5,000, 20,001 and 25,003. */
async function writeLongRun(path: string): Promise<void> {
  const journal = await DecisionJournal.open(path, { level: 'actions' });
  const recorded = new Set([5_000, 20_001, 25_003]);
  for (let n = 1; n <= 25_003; n++) {
    const tsMs = 1_600_000_000_000 + n * 60_000;
    if (recorded.has(n)) journal.append({ decision: { engine: 'binary', id: `run-${n}` }, tsMs });
    else journal.skip(n, tsMs, 1.1 + (n % 100) / 10_000, n % 7);
  }
  journal.close();
}

describe('DecisionJournal', () => {
  it('at level actions, writes checkpoints before each entry, every 10,000 skips and before the seal', async () => {
    const path = journalPath();
    await writeLongRun(path);
    const lines = readLines(path);
    const shape = lines.map((l) =>
      isAuditCheckpoint(l)
        ? `${l.checkpoint.fromDecision}..${l.checkpoint.toDecision}`
        : 'seal' in l
          ? 'seal'
          : `run-${(l.entry as { decision: { id: string } }).decision.id.slice(4)}`,
    );
    expect(shape).toEqual([
      '1..4999',
      'run-5000',
      '5001..15000',
      '15001..20000',
      'run-20001',
      '20002..25002',
      'run-25003',
      'seal',
    ]);
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: true,
      sealed: true,
      lines: 8,
      records: 3,
      checkpoints: 4,
      skippedDecisions: 25_000,
      decisions: 25_003,
    });
    // A few hundred bytes a line, for 25,003 decisions.
    expect(statSync(path).size / 25_003).toBeLessThan(0.2);
  });

  it('puts the skipped decisions into the checkpoint: count, first and last time, digest', async () => {
    const path = journalPath();
    const journal = await DecisionJournal.open(path, { level: 'actions' });
    journal.skip(1, 1_000, 1.5, 2);
    journal.skip(2, 2_000, 1.25, 0);
    journal.append({ decision: { engine: 'binary', id: 'run-3' } });
    journal.close();
    const digest = new SkipDigest();
    digest.add(1_000, 1.5, 2);
    digest.add(2_000, 1.25, 0);
    expect((readLines(path)[0] as AuditCheckpointLine).checkpoint).toEqual({
      fromDecision: 1,
      toDecision: 2,
      skipped: 2,
      firstTsMs: 1_000,
      lastTsMs: 2_000,
      digest: digest.hex(),
    });
  });

  it('never writes a checkpoint on flush, and none on a close without seal', async () => {
    const path = journalPath();
    const journal = await DecisionJournal.open(path, { level: 'actions' });
    journal.append({ decision: { engine: 'none', id: 'run-1' } });
    journal.skip(2, 2, 1, 0);
    journal.flush();
    expect(readLines(path)).toHaveLength(1);
    journal.close({ seal: false });
    expect(readLines(path)).toHaveLength(1);
    expect(journal.pendingSkips).toBe(1);
  });

  it('refuses skip at level all, a skip out of order and a stage code outside 0–255', async () => {
    const all = await DecisionJournal.open(journalPath());
    expect(() => all.skip(1, 0, 1, 0)).toThrow(expect.objectContaining({ code: 'RUNTIME_BAD_INPUT' }));
    all.close();
    const actions = await DecisionJournal.open(journalPath(), { level: 'actions' });
    actions.skip(1, 0, 1, 0);
    expect(() => actions.skip(3, 0, 1, 0)).toThrow(/numbered one after the other/);
    expect(() => actions.skip(2, 0, 1, 256)).toThrow(/stage code/);
    expect(() => actions.skip(2, 0, 1, 1.5)).toThrow(/stage code/);
    actions.close();
  });

  it('at level all, writes exactly what the bare trail wrote: one entry a decision, then the seal', async () => {
    const path = journalPath();
    const journal = await DecisionJournal.open(path, { level: 'all' });
    for (let n = 1; n <= 3; n++) journal.append({ decision: { engine: 'none', id: `run-${n}` } });
    journal.close();
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: true,
      sealed: true,
      lines: 4,
      records: 3,
      checkpoints: 0,
      decisions: 3,
    });
  });
});

describe('tampering with checkpoints', () => {
  async function longRunLines(): Promise<{ path: string; lines: string[] }> {
    const path = journalPath();
    await writeLongRun(path);
    return { path, lines: readFileSync(path, 'utf8').trim().split('\n') };
  }

  it('fails on a deleted checkpoint line', async () => {
    const { path, lines } = await longRunLines();
    lines.splice(2, 1); // 5001..15000
    writeFileSync(path, `${lines.join('\n')}\n`);
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: false,
      line: 3,
      problem: 'expected seq 3, found 4',
    });
  });

  it('fails on an edited count', async () => {
    const { path, lines } = await longRunLines();
    lines[2] = (lines[2] as string).replace('"skipped":10000', '"skipped":9999');
    writeFileSync(path, `${lines.join('\n')}\n`);
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: false,
      line: 3,
      problem: 'checkpoint content does not match its hash',
    });
  });

  it('fails on reordered checkpoints', async () => {
    const { path, lines } = await longRunLines();
    [lines[2], lines[3]] = [lines[3] as string, lines[2] as string];
    writeFileSync(path, `${lines.join('\n')}\n`);
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: false,
      line: 3,
      problem: 'expected seq 3, found 4',
    });
  });
});

describe('muted replay after a resume', () => {
  const event = fc.record({
    record: fc.boolean(),
    tsMs: fc.integer({ min: 0, max: 1_000_000 }),
    price: fc.double({ min: 0.5, max: 2, noNaN: true }),
    stage: fc.integer({ min: 0, max: 9 }),
  });

  it('continues byte-identically to a run never stopped, from any checkpoint position', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.nat(),
        async (events, kSeed, jSeed) => {
          const count = events.length;
          const k = kSeed % (count + 1);
          const j = jSeed % (k + 1);
          const options = { level: 'actions', checkpointEvery: 3 } as const;

          const pathA = journalPath();
          const a = await DecisionJournal.open(pathA, options);
          for (let n = 1; n <= count; n++) play(a, events, n);
          a.close();

          // B: k decisions, its positions after each (as the session checkpointer takes them), stopped.
          const pathB = journalPath();
          const b = await DecisionJournal.open(pathB, options);
          const positions = [0];
          for (let n = 1; n <= k; n++) {
            play(b, events, n);
            b.flush();
            positions.push(existsSync(pathB) ? statSync(pathB).size : 0);
          }
          b.close({ seal: false });
          // Rewound to the session checkpoint after decision j, as rewindJournals does.
          truncateJournal(pathB, { rotation: 0, bytes: positions[j] as number });
          const resumed = await DecisionJournal.open(pathB, options);
          resumed.mute(true);
          for (let n = 1; n <= j; n++) play(resumed, events, n);
          resumed.mute(false);
          for (let n = j + 1; n <= count; n++) play(resumed, events, n);
          resumed.close();

          expect(readFileSync(pathB, 'utf8')).toBe(readFileSync(pathA, 'utf8'));
          expect(await verifyAuditTrail(pathA)).toMatchObject({ ok: true, sealed: true, decisions: count });
        },
      ),
      { seed: 1414, numRuns: 150 },
    );
  });
});
