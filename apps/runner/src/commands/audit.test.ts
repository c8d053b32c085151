import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditRecord,
  DecisionJournal,
  isAuditCheckpoint,
  isAuditEntry,
  isAuditSeal,
} from '@omni/runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { omni } from '../cli.fixture.js';

// `omni audit verify` on real backtest runs (both journal levels) and on small trails written here.

/** Every variable loadConfig reads, cleared for this file so the developer's shell cannot leak in. */
const CONFIG_ENV = /^(OMNI_|MT5_|POCKET_|DEX_|MEV_|SEQ_MODEL_ONNX$)/;
const savedEnv: Record<string, string | undefined> = {};
let root: string;
let dir: string;

function clearConfigEnv(): void {
  for (const key of Object.keys(process.env)) if (CONFIG_ENV.test(key)) delete process.env[key];
}

/** The lines of a trail, counted by hand: entries, checkpoints and the decisions they count, seals. */
function census(file: string): {
  lines: number;
  records: number;
  checkpoints: number;
  skipped: number;
  seals: number;
} {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as AuditRecord);
  const checkpoints = lines.filter(isAuditCheckpoint);
  return {
    lines: lines.length,
    records: lines.filter((l) => isAuditEntry(l)).length,
    checkpoints: checkpoints.length,
    skipped: checkpoints.reduce((sum, l) => sum + l.checkpoint.skipped, 0),
    seals: lines.filter(isAuditSeal).length,
  };
}

/** A short backtest at the given journal level; returns its run folder. */
async function backtest(level: 'actions' | 'all'): Promise<string> {
  const out = join(root, `run-${level}`);
  process.env['OMNI_JOURNAL_DECISIONS'] = level;
  try {
    const result = await omni([
      'backtest',
      '--from',
      '2010-01-01',
      '--to',
      '2011-12-31',
      '--quiet',
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
  } finally {
    delete process.env['OMNI_JOURNAL_DECISIONS'];
  }
  return out;
}

/** A trail at level actions: decisions 1–20 skipped, 21 recorded, 22–24 skipped, 25 recorded, sealed. */
async function smallTrail(): Promise<string> {
  const file = join(dir, 'decisions.jsonl');
  const journal = await DecisionJournal.open(file, { level: 'actions' });
  for (let n = 1; n <= 25; n++) {
    if (n === 21 || n === 25)
      journal.append({ decision: { engine: 'binary', id: `run-${n}` }, tsMs: n, price: 1.1 });
    else journal.skip(n, n, 1.1, 1);
  }
  journal.close();
  return file;
}

function fileLines(file: string): string[] {
  return readFileSync(file, 'utf8').trim().split('\n');
}

const runs: Record<'actions' | 'all', string> = { actions: '', all: '' };

beforeAll(async () => {
  for (const key of Object.keys(process.env)) if (CONFIG_ENV.test(key)) savedEnv[key] = process.env[key];
  clearConfigEnv();
  root = mkdtempSync(join(tmpdir(), 'omni-audit-'));
  process.env['OMNI_LOG_DIR'] = join(root, 'logs');
  runs.actions = await backtest('actions');
  runs.all = await backtest('all');
}, 120_000);

afterAll(() => {
  clearConfigEnv();
  for (const [key, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[key] = value;
  rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  dir = mkdtempSync(join(root, 'trail-'));
});

describe('omni audit verify on a backtest run', () => {
  it.each(['actions', 'all'] as const)(
    'exits 0 at level %s, accounting for every decision the run took',
    async (level) => {
      const run = runs[level];
      const c = census(join(run, 'decisions.jsonl'));
      const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as {
        run: { decisions: number };
      };
      expect(c.records + c.skipped).toBe(summary.run.decisions);
      if (level === 'all') expect(c.checkpoints).toBe(0);
      const result = await omni(['audit', 'verify', run]);
      expect(result.code).toBe(0);
      expect(result.out).toContain(
        `ok: ${summary.run.decisions} decisions (${c.records} recorded, ${c.skipped} skipped in ${c.checkpoints} checkpoints), hash chain intact, sealed`,
      );
      const json = await omni(['audit', 'verify', '--json', run]);
      expect(JSON.parse(json.out)).toMatchObject({
        file: join(run, 'decisions.jsonl'),
        verdict: 'sealed',
        passed: true,
        ok: true,
        sealed: true,
        lines: c.lines,
        records: c.records,
        checkpoints: c.checkpoints,
        skippedDecisions: c.skipped,
        decisions: summary.run.decisions,
      });
    },
  );
});

describe('omni audit verify on a trail with checkpoints', () => {
  it('prints the decisions, recorded and skipped, and the checkpoints', async () => {
    const file = await smallTrail();
    // checkpoint 1..20, run-21, checkpoint 22..24, run-25, seal
    expect(census(file)).toEqual({ lines: 5, records: 2, checkpoints: 2, skipped: 23, seals: 1 });
    const result = await omni(['audit', 'verify', file]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /^ok: 25 decisions \(2 recorded, 23 skipped in 2 checkpoints\), hash chain intact, sealed \(head [0-9a-f]{16}…\) — /,
    );
    const json = JSON.parse((await omni(['audit', 'verify', '--json', file])).out);
    expect(json).toMatchObject({
      lines: 5,
      records: 2,
      checkpoints: 2,
      skippedDecisions: 23,
      decisions: 25,
      sealed: true,
    });
  });

  it('exits 1 for a cut trail, with the counts it still holds, and 0 with --allow-unsealed', async () => {
    const file = await smallTrail();
    writeFileSync(file, `${fileLines(file).slice(0, 3).join('\n')}\n`);
    const result = await omni(['audit', 'verify', file]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      'not sealed: 24 decisions (1 recorded, 23 skipped in 2 checkpoints); the journal was cut or the run is still going',
    );
    const allowed = await omni(['audit', 'verify', '--allow-unsealed', file]);
    expect(allowed.code).toBe(0);
    expect(allowed.out).toContain('ok (--allow-unsealed), not sealed: 24 decisions');
  });

  it('exits 0 for a trail reopened after its seal, appended to and sealed again', async () => {
    const file = await smallTrail();
    const later = await DecisionJournal.open(file);
    later.append({ note: 'a later session' });
    later.close();
    const result = await omni(['audit', 'verify', '--json', file]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ verdict: 'sealed', records: 3, decisions: 26, lines: 7 });
  });

  it('exits 1 naming the line of an edited checkpoint', async () => {
    const file = await smallTrail();
    writeFileSync(file, readFileSync(file, 'utf8').replace('"skipped":20', '"skipped":19'));
    const result = await omni(['audit', 'verify', file]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('BROKEN at line 1: checkpoint content does not match its hash');
  });

  it('exits 1 naming the line after a deleted checkpoint', async () => {
    const file = await smallTrail();
    const lines = fileLines(file);
    lines.splice(2, 1);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const result = await omni(['audit', 'verify', file]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('BROKEN at line 3: expected seq 3, found 4');
  });

  it('exits 2 with a clear message for a directory that does not exist', async () => {
    const result = await omni(['audit', 'verify', join(root, 'nope')]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('no such run directory');
  });
});
