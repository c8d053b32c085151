import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AuditRecord,
  auditHash,
  auditSealHash,
  DecisionAuditTrail,
  GENESIS_HASH,
  isAuditSeal,
  verifyAuditTrail,
} from './decision-audit-trail.js';

function trailPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'omni-audit-')), 'decisions.jsonl');
}

async function writeTrail(path: string, n: number): Promise<void> {
  const audit = await DecisionAuditTrail.open(path);
  for (let i = 0; i < n; i++)
    audit.append({ decision: { engine: 'none', id: `d${i}`, tsMs: i, reason: 'flat' }, i });
  audit.close();
}

function readLines(path: string): AuditRecord[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditRecord);
}

/** Keeps the first `count` lines of a file, as `head -n` would. */
function cutTo(path: string, count: number): void {
  const lines = readFileSync(path, 'utf8').split('\n').slice(0, count);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

describe('DecisionAuditTrail', () => {
  it('chains each line to the previous one with sha256 and seals the trail on close', async () => {
    const path = trailPath();
    await writeTrail(path, 3);
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0].prevHash).toBe(GENESIS_HASH);
    expect(lines[1].prevHash).toBe(lines[0].hash);
    expect(lines[2].hash).toBe(auditHash(lines[1].hash, 3, lines[2].entry));
    expect(lines[0].hash).toMatch(/^[0-9a-f]{64}$/);
    // The seal: the fourth record of the chain, vouching for 3 entries ending at line 3.
    expect(lines[3]).toEqual({
      seq: 4,
      prevHash: lines[2].hash,
      hash: auditSealHash(lines[2].hash, 4, { records: 3, headHash: lines[2].hash }),
      seal: { records: 3, headHash: lines[2].hash },
    });
    expect(await verifyAuditTrail(path)).toEqual({
      ok: true,
      lines: 4,
      records: 3,
      sealed: true,
      lastHash: lines[3].hash,
      tornLastLine: false,
    });
  });

  it('reports a trail cut to fewer lines as unsealed, with the records it still holds', async () => {
    const path = trailPath();
    await writeTrail(path, 30);
    cutTo(path, 20);
    expect(await verifyAuditTrail(path)).toMatchObject({ ok: true, sealed: false, lines: 20, records: 20 });
  });

  it('reports a trail whose writer has not closed it as unsealed', async () => {
    const path = trailPath();
    const audit = await DecisionAuditTrail.open(path);
    audit.append({ i: 1 });
    audit.append({ i: 2 });
    audit.flush();
    expect(await verifyAuditTrail(path)).toMatchObject({ ok: true, sealed: false, records: 2 });
    audit.close();
    expect(await verifyAuditTrail(path)).toMatchObject({ ok: true, sealed: true, records: 2, lines: 3 });
  });

  it('accepts a seal in the middle when a later session appends and seals again', async () => {
    const path = trailPath();
    await writeTrail(path, 3);
    await writeTrail(path, 2);
    const lines = readLines(path);
    expect(lines.map((l) => (isAuditSeal(l) ? `seal:${l.seal.records}` : 'entry'))).toEqual([
      'entry',
      'entry',
      'entry',
      'seal:3',
      'entry',
      'entry',
      'seal:5',
    ]);
    expect(lines[4]?.prevHash).toBe(lines[3]?.hash); // the second session continues after the seal
    expect(await verifyAuditTrail(path)).toMatchObject({ ok: true, sealed: true, lines: 7, records: 5 });
  });

  it('judges only the last line: a reopened trail cut after its first seal is still unsealed', async () => {
    const path = trailPath();
    await writeTrail(path, 3);
    await writeTrail(path, 2);
    cutTo(path, 6); // the second session's seal is gone
    expect(await verifyAuditTrail(path)).toMatchObject({ ok: true, sealed: false, lines: 6, records: 5 });
  });

  it('closes without a seal when asked to, and the next session continues the chain', async () => {
    const path = trailPath();
    const audit = await DecisionAuditTrail.open(path);
    audit.append({ i: 1 });
    audit.close({ seal: false });
    expect(await verifyAuditTrail(path)).toMatchObject({ ok: true, sealed: false, lines: 1, records: 1 });
    await writeTrail(path, 1);
    expect(await verifyAuditTrail(path)).toMatchObject({ ok: true, sealed: true, lines: 3, records: 2 });
  });

  it('does not seal twice when a sealed trail is reopened and closed with nothing new', async () => {
    const path = trailPath();
    await writeTrail(path, 2);
    await writeTrail(path, 0);
    expect(readLines(path)).toHaveLength(3);
    expect(await verifyAuditTrail(path)).toMatchObject({ ok: true, sealed: true, lines: 3, records: 2 });
  });

  it('seals an empty trail with a count of zero', async () => {
    const path = trailPath();
    await writeTrail(path, 0);
    expect(readLines(path)).toEqual([
      {
        seq: 1,
        prevHash: GENESIS_HASH,
        hash: auditSealHash(GENESIS_HASH, 1, { records: 0, headHash: GENESIS_HASH }),
        seal: { records: 0, headHash: GENESIS_HASH },
      },
    ]);
    expect(await verifyAuditTrail(path)).toMatchObject({ ok: true, sealed: true, records: 0 });
  });

  it('rejects a seal whose record count does not match the chain, even with a recomputed hash', async () => {
    const path = trailPath();
    await writeTrail(path, 4);
    const lines = readLines(path);
    const head = lines[3]?.hash as string;
    const forged = { records: 9, headHash: head };
    lines[4] = { seq: 5, prevHash: head, hash: auditSealHash(head, 5, forged), seal: forged };
    writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const result = await verifyAuditTrail(path);
    expect(result).toMatchObject({ ok: false, line: 5, lines: 4 });
    expect(result.ok === false && result.problem).toMatch(/^seal says 9 records .* holds 4 /);
  });

  it('rejects an edited seal', async () => {
    const path = trailPath();
    await writeTrail(path, 4);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"records":4', '"records":3'));
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: false,
      line: 5,
      problem: 'seal content does not match its hash',
    });
  });

  it('detects an edited line', async () => {
    const path = trailPath();
    await writeTrail(path, 5);
    const text = readFileSync(path, 'utf8').replace('"d2"', '"d9"');
    writeFileSync(path, text);
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: false,
      line: 3,
      problem: 'line content does not match its hash',
    });
  });

  it('detects a deleted line', async () => {
    const path = trailPath();
    await writeTrail(path, 5);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.splice(1, 1);
    writeFileSync(path, lines.join('\n'));
    expect(await verifyAuditTrail(path)).toMatchObject({ ok: false, line: 2 });
  });

  it('detects swapped lines', async () => {
    const path = trailPath();
    await writeTrail(path, 4);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    [lines[1], lines[2]] = [lines[2] as string, lines[1] as string];
    writeFileSync(path, `${lines.join('\n')}\n`);
    expect(await verifyAuditTrail(path)).toMatchObject({ ok: false, line: 2 });
  });

  it('resumes the chain of an existing file', async () => {
    const path = trailPath();
    await writeTrail(path, 2);
    await writeTrail(path, 2);
    const result = await verifyAuditTrail(path);
    expect(result).toMatchObject({ ok: true, records: 4, lines: 6, sealed: true });
  });

  it('treats a torn last line as a crash, not tampering, and resumes cleanly after it', async () => {
    const path = trailPath();
    await writeTrail(path, 3);
    cutTo(path, 3); // a run that crashed: no seal, then a torn line
    appendFileSync(path, '{"seq":4,"prevHash":"ab');
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: true,
      lines: 3,
      sealed: false,
      tornLastLine: true,
    });
    await writeTrail(path, 1);
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: true,
      lines: 5,
      records: 4,
      sealed: true,
      tornLastLine: false,
    });
  });

  it('refuses to extend a tampered trail', async () => {
    const path = trailPath();
    await writeTrail(path, 3);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"d0"', '"dX"'));
    await expect(DecisionAuditTrail.open(path)).rejects.toMatchObject({ code: 'JOURNAL_CORRUPT_LINE' });
  });
});
