import { join } from 'node:path';
import { ManualClock, parseConfig } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { verifyAuditTrail } from './decision-audit-trail.js';
import { createOmniEngine } from './omni-engine.js';
import { tempRunDir } from './runtime.fixture.js';

async function journalOf(
  decisions: 'actions' | 'all' | undefined,
  option: { decisionJournal?: 'actions' | 'all'; decisionCheckpointEvery?: number } = {},
): Promise<{ level: string; checkpointEvery: number; runDir: string }> {
  const runDir = tempRunDir('journal-level');
  const engine = await createOmniEngine({
    config: parseConfig(decisions === undefined ? {} : { journal: { decisions } }),
    runDir,
    clock: new ManualClock(0),
    modelPath: null,
    pools: null,
    ...option,
  });
  const { level, checkpointEvery } = engine.journal;
  await engine.close();
  return { level, checkpointEvery, runDir };
}

describe('createOmniEngine: the decision journal', () => {
  it('records all decisions unless told otherwise (shadow and live)', async () => {
    expect(await journalOf(undefined)).toMatchObject({ level: 'all', checkpointEvery: 10_000 });
  });

  it('takes the level from config.journal.decisions, and the option over it', async () => {
    expect(await journalOf('actions')).toMatchObject({ level: 'actions' });
    expect(await journalOf('actions', { decisionJournal: 'all' })).toMatchObject({ level: 'all' });
    expect(
      await journalOf(undefined, { decisionJournal: 'actions', decisionCheckpointEvery: 500 }),
    ).toMatchObject({
      level: 'actions',
      checkpointEvery: 500,
    });
  });

  it('seals decisions.jsonl on close', async () => {
    const { runDir } = await journalOf('actions');
    expect(await verifyAuditTrail(join(runDir, 'decisions.jsonl'))).toMatchObject({
      ok: true,
      sealed: true,
      decisions: 0,
    });
  });
});
