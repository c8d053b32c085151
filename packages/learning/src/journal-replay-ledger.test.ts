import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalReplayLedger, journalSha256 } from './journal-replay-ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'omni-replay-ledger-'));

describe('journalSha256', () => {
  it('hashes the bytes of the files in the order given, like one concatenated file', () => {
    writeFileSync(join(dir, 'a.jsonl'), '{"a":1}\n');
    writeFileSync(join(dir, 'b.jsonl'), '{"b":2}\n');
    const expected = createHash('sha256').update('{"a":1}\n{"b":2}\n').digest('hex');
    expect(journalSha256([join(dir, 'a.jsonl'), join(dir, 'b.jsonl')])).toBe(expected);
    expect(journalSha256([join(dir, 'b.jsonl'), join(dir, 'a.jsonl')])).not.toBe(expected);
  });

  it('raises JOURNAL_UNREADABLE naming a missing file', () => {
    expect(() => journalSha256([join(dir, 'missing.jsonl')])).toThrow(
      expect.objectContaining({ code: 'JOURNAL_UNREADABLE' }),
    );
  });
});

describe('JournalReplayLedger', () => {
  const entry = {
    runDir: '/runs/1',
    decisionsSha256: 'a'.repeat(64),
    tradesSha256: 'b'.repeat(64),
    trades: 3,
  };

  it('finds recorded journals by both hashes after the file is read again', () => {
    const path = join(dir, 'governor.replayed.json');
    const ledger = new JournalReplayLedger(path);
    expect(ledger.find(entry)).toBeUndefined();
    ledger.record(entry);
    const reopened = new JournalReplayLedger(path);
    expect(reopened.runs).toEqual([entry]);
    expect(
      reopened.find({ decisionsSha256: entry.decisionsSha256, tradesSha256: entry.tradesSha256 }),
    ).toEqual(entry);
    // Same decisions, other trades (e.g. the run went on): other journals.
    expect(
      reopened.find({ decisionsSha256: entry.decisionsSha256, tradesSha256: 'c'.repeat(64) }),
    ).toBeUndefined();
  });

  it('reports a ledger that is not one as STATE_INVALID naming the file', () => {
    const path = join(dir, 'broken.replayed.json');
    writeFileSync(path, '{"kind":"something-else"}');
    expect(() => new JournalReplayLedger(path)).toThrow(
      expect.objectContaining({ code: 'STATE_INVALID', context: { file: path } }),
    );
  });
});
