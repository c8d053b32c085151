import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditableDecision, Decision, Tick } from '@omni/core';
import type { FeatureVector } from '@omni/features';
import { describe, expect, it } from 'vitest';
import { isAuditCheckpoint, isAuditEntry, isAuditSeal, verifyAuditTrail } from './decision-audit-trail.js';
import { DecisionJournal } from './decision-journal.js';
import { DecisionRecorder } from './decision-recorder.js';
import { fixtureTicks, tempRunDir } from './runtime.fixture.js';

const features = { tsMs: 0, price: 1, swings: [] } as unknown as FeatureVector;

function none(id: string, tick: Tick): Decision {
  return { engine: 'none', id, tsMs: tick.tsMs, symbol: tick.symbol, reason: 'no setup' };
}

function binary(id: string, tick: Tick): Decision {
  return {
    engine: 'binary',
    id,
    tsMs: tick.tsMs,
    symbol: tick.symbol,
    direction: 'call',
    stakeUsd: 10,
    expirySec: 60,
    confidence: 0.6,
  } as unknown as Decision;
}

describe('DecisionRecorder', () => {
  it('at level actions records trades and changes of state, and counts every other decision', async () => {
    const path = join(tempRunDir('recorder'), 'decisions.jsonl');
    const journal = await DecisionJournal.open<AuditableDecision>(path, { level: 'actions' });
    const recorder = new DecisionRecorder<AuditableDecision>(journal);
    const ticks = fixtureTicks(8);
    const t = (i: number) => ticks[i - 1] as Tick;
    const decided = (seq: number, decision: Decision) =>
      recorder.decided({
        seq,
        tick: t(seq),
        features,
        answer: { decision, regimeKey: 'r' },
        decision,
        stage: decision.engine === 'none' ? 'no-setup' : 'traded',
      });
    recorder.blocked('run', 1, t(1), 'COOLDOWN', 'loss streak'); // a block starts: recorded
    recorder.blocked('run', 2, t(2), 'COOLDOWN', 'loss streak'); // the same block: counted
    recorder.blocked('run', 3, t(3), 'COOLDOWN', 'loss streak');
    decided(4, none('run-4', t(4))); // the block ended: recorded
    decided(5, none('run-5', t(5))); // counted
    decided(6, binary('run-6', t(6))); // a trade: recorded
    recorder.blocked('run', 7, t(7), 'FROZEN', 'operator'); // a new block: recorded
    decided(8, none('run-8', t(8))); // the block ended: recorded
    journal.close();
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    const shape = lines.map((l) =>
      isAuditEntry<{ decision: Decision }>(l)
        ? l.entry.decision.id
        : isAuditCheckpoint(l)
          ? `checkpoint ${l.checkpoint.fromDecision}-${l.checkpoint.toDecision}`
          : isAuditSeal(l)
            ? 'seal'
            : '?',
    );
    expect(shape).toEqual([
      'run-1',
      'checkpoint 2-3',
      'run-4',
      'checkpoint 5-5',
      'run-6',
      'run-7',
      'run-8',
      'seal',
    ]);
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: true,
      decisions: 8,
      records: 5,
      skippedDecisions: 3,
    });
  });

  it('at level all records every decision', async () => {
    const path = join(tempRunDir('recorder-all'), 'decisions.jsonl');
    const journal = await DecisionJournal.open<AuditableDecision>(path, { level: 'all' });
    const recorder = new DecisionRecorder<AuditableDecision>(journal);
    const [a, b, c] = fixtureTicks(3) as [Tick, Tick, Tick];
    recorder.blocked('run', 1, a, 'COOLDOWN', 'loss streak');
    recorder.blocked('run', 2, b, 'COOLDOWN', 'loss streak');
    const d = none('run-3', c);
    recorder.decided({
      seq: 3,
      tick: c,
      features,
      answer: { decision: d, regimeKey: 'r' },
      decision: d,
      stage: 'no-setup',
    });
    journal.close();
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: true,
      decisions: 3,
      records: 3,
      checkpoints: 0,
    });
  });
});
