import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditHash, DecisionAuditTrail, GENESIS_HASH, verifyAuditTrail } from './decision-audit-trail.js';

function trailPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'omni-audit-')), 'decisions.jsonl');
}

async function writeTrail(path: string, n: number): Promise<void> {
  const audit = await DecisionAuditTrail.open(path);
  for (let i = 0; i < n; i++)
    audit.append({ decision: { engine: 'none', id: `d${i}`, tsMs: i, reason: 'flat' }, i });
  audit.close();
}

describe('DecisionAuditTrail', () => {
  it('chains each line to the previous one with sha256', async () => {
    const path = trailPath();
    await writeTrail(path, 3);
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0].prevHash).toBe(GENESIS_HASH);
    expect(lines[1].prevHash).toBe(lines[0].hash);
    expect(lines[2].hash).toBe(auditHash(lines[1].hash, 3, lines[2].entry));
    expect(lines[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyAuditTrail(path)).toEqual({
      ok: true,
      lines: 3,
      lastHash: lines[2].hash,
      tornLastLine: false,
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
    expect(result).toMatchObject({ ok: true, lines: 4 });
  });

  it('treats a torn last line as a crash, not tampering, and resumes cleanly after it', async () => {
    const path = trailPath();
    await writeTrail(path, 3);
    appendFileSync(path, '{"seq":4,"prevHash":"ab');
    expect(await verifyAuditTrail(path)).toMatchObject({ ok: true, lines: 3, tornLastLine: true });
    await writeTrail(path, 1);
    expect(await verifyAuditTrail(path)).toMatchObject({ ok: true, lines: 4, tornLastLine: false });
  });

  it('refuses to extend a tampered trail', async () => {
    const path = trailPath();
    await writeTrail(path, 3);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"d0"', '"dX"'));
    await expect(DecisionAuditTrail.open(path)).rejects.toMatchObject({ code: 'JOURNAL_CORRUPT_LINE' });
  });
});
