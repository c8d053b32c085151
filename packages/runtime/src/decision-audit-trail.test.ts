import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AuditCheckpoint,
  type AuditRecord,
  auditCheckpointHash,
  auditHash,
  auditSealHash,
  DecisionAuditTrail,
  GENESIS_HASH,
  isAuditCheckpoint,
  isAuditEntry,
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
      checkpoints: 0,
      skippedDecisions: 0,
      decisions: 3,
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

/** A checkpoint of decisions `from..to` (digest and times are not checked against anything here). */
function skipped(from: number, to: number): AuditCheckpoint {
  return {
    fromDecision: from,
    toDecision: to,
    skipped: to - from + 1,
    firstTsMs: from,
    lastTsMs: to,
    digest: '0123456789abcdef',
  };
}

/** A trail of entries (`'<run>-<n>'`, a decision id) and checkpoints (`[from, to]`), sealed. */
async function writeMixed(
  path: string,
  items: ReadonlyArray<string | readonly [number, number]>,
): Promise<void> {
  const audit = await DecisionAuditTrail.open(path);
  for (const item of items) {
    if (typeof item === 'string')
      audit.append({ decision: { engine: 'none', id: item, tsMs: 0, reason: 'flat' } });
    else audit.appendCheckpoint(skipped(item[0], item[1]));
  }
  audit.close();
}

/** Rewrites a file's lines with a recomputed chain: what a forger who knows the format can do. */
function rechain(path: string, lines: AuditRecord[]): void {
  let prevHash = GENESIS_HASH;
  const out = lines.map((line, i) => {
    const seq = i + 1;
    const hash = isAuditSeal(line)
      ? auditSealHash(prevHash, seq, line.seal)
      : isAuditCheckpoint(line)
        ? auditCheckpointHash(prevHash, seq, line.checkpoint)
        : auditHash(prevHash, seq, line.entry);
    const rewritten = { ...line, seq, prevHash, hash };
    prevHash = hash;
    return JSON.stringify(rewritten);
  });
  writeFileSync(path, `${out.join('\n')}\n`);
}

describe('checkpoint lines', () => {
  it('chains a checkpoint like a seal, under its own hash prefix, and counts its decisions', async () => {
    const path = trailPath();
    await writeMixed(path, [[1, 4], 'run-5', [6, 9]]);
    const lines = readLines(path);
    expect(
      lines.map((l) => (isAuditSeal(l) ? 'seal' : isAuditCheckpoint(l) ? 'checkpoint' : 'entry')),
    ).toEqual(['checkpoint', 'entry', 'checkpoint', 'seal']);
    expect(lines.filter((l) => isAuditEntry(l))).toHaveLength(1);
    const first = lines[0];
    expect(first).toEqual({
      seq: 1,
      prevHash: GENESIS_HASH,
      hash: auditCheckpointHash(GENESIS_HASH, 1, skipped(1, 4)),
      checkpoint: skipped(1, 4),
    });
    // The prefix keeps a checkpoint from ever hashing like an entry or a seal of the same content.
    expect(
      new Set([
        auditCheckpointHash(GENESIS_HASH, 1, skipped(1, 4)),
        auditHash(GENESIS_HASH, 1, skipped(1, 4)),
      ]).size,
    ).toBe(2);
    // The seal counts entries only.
    expect(lines[3]).toMatchObject({ seal: { records: 1 } });
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: true,
      sealed: true,
      lines: 4,
      records: 1,
      checkpoints: 2,
      skippedDecisions: 8,
      decisions: 9,
    });
  });

  it('rejects an edited checkpoint', async () => {
    const path = trailPath();
    await writeMixed(path, ['run-1', [2, 5], 'run-6']);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"skipped":4', '"skipped":3'));
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: false,
      line: 2,
      problem: 'checkpoint content does not match its hash',
    });
  });

  it('rejects a re-chained checkpoint whose count does not match its range', async () => {
    const path = trailPath();
    await writeMixed(path, ['run-1', [2, 5], 'run-6']);
    const lines = readLines(path);
    lines[1] = { ...(lines[1] as AuditRecord), checkpoint: { ...skipped(2, 5), skipped: 3 } } as AuditRecord;
    rechain(path, lines);
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: false,
      line: 2,
      problem: 'checkpoint counts 3 skipped decisions for the 4 of 2..5',
    });
  });

  it('finds a decision neither recorded nor counted, even in a re-chained file', async () => {
    const path = trailPath();
    await writeMixed(path, ['run-1', [2, 5], 'run-6', [7, 9], 'run-10']);
    const lines = readLines(path);
    lines.splice(3, 1); // the checkpoint of 7..9, chain recomputed
    rechain(path, lines);
    const result = await verifyAuditTrail(path);
    expect(result).toMatchObject({ ok: false, line: 4 });
    expect(result.ok === false && result.problem).toBe(
      'decision run-10: decisions 7..9 of run run are neither recorded nor counted by a checkpoint',
    );
  });

  it('finds a decision recorded and also counted by a checkpoint', async () => {
    const path = trailPath();
    await writeMixed(path, ['run-1', [2, 5], 'run-4']);
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: false,
      line: 3,
      problem: 'decision run-4: decision 4 of run run was already recorded or counted (expected 6 next)',
    });
  });

  it('finds a run whose first decisions are missing', async () => {
    const path = trailPath();
    await writeMixed(path, ['run-2', 'run-3']);
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: false,
      line: 1,
      problem: 'decision run-2: decision 1 is neither recorded nor counted by a checkpoint',
    });
  });

  it('accepts a new run id restarting at 1, with or without skipped first decisions', async () => {
    const path = trailPath();
    await writeMixed(path, ['run-1-1', [2, 3], 'run-1-4']);
    await writeMixed(path, ['run-2-1', 'run-2-2']);
    await writeMixed(path, [[1, 7], 'run-3-8']);
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: true,
      sealed: true,
      records: 5,
      checkpoints: 2,
      decisions: 14,
    });
  });

  it('refuses a restart at 1 within the same run id', async () => {
    const path = trailPath();
    await writeMixed(path, ['run-1-1', 'run-1-2']);
    await writeMixed(path, ['run-1-1']);
    expect(await verifyAuditTrail(path)).toMatchObject({
      ok: false,
      line: 4,
      problem: 'decision run-1-1: decision 1 of run run-1 was already recorded or counted (expected 3 next)',
    });
    const other = trailPath();
    await writeMixed(other, ['run-1-1', 'run-1-2']);
    await writeMixed(other, [[1, 4], 'run-1-5']);
    expect(await verifyAuditTrail(other)).toMatchObject({
      ok: false,
      line: 5,
      problem: 'decision numbering of run run-1 restarts at 1 (a checkpoint counts decisions from 1 again)',
    });
  });

  it('does not number entries without a <run>-<n> decision id', async () => {
    const path = trailPath();
    await writeMixed(path, ['d0', 'note', [1, 2], 'run-3']);
    expect(await verifyAuditTrail(path)).toMatchObject({ ok: true, records: 3, decisions: 5 });
  });
});
