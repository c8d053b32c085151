import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '@omni/core';
import { bundledFxPath } from '@omni/feeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, 'shadow-crash.fixture.ts');
const TICKS = 1200;

/** Settings under which the engine trades often, so kills land between many settled trades. */
const ENV = {
  OMNI_MAX_LOSS_STREAK: '1000',
  OMNI_MIN_CONFIDENCE: '0',
  OMNI_MAX_DAILY_LOSS_USD: '100000',
};

let root: string;
let data: string;

/** Runs one shadow session in a child process; resolves with how it ended. */
function session(
  out: string,
  logDir: string,
  killAt: number | string,
): Promise<{ code: number | null; signal: string | null; err: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...ENV,
      OMNI_LOG_DIR: logDir,
    };
    const child = spawn(
      process.execPath,
      ['--conditions=omni-source', '--import', 'tsx', fixture, data, out, String(killAt)],
      { env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, err }));
  });
}

function trades(out: string): string[] {
  const file = join(out, 'trades.jsonl');
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'omni-shadow-resume-'));
  const rows = readFileSync(bundledFxPath('GBPUSD'), 'utf8')
    .split('\n')
    .slice(0, TICKS + 1);
  data = join(root, 'GBPUSD.csv');
  writeFileSync(data, `${rows.join('\n')}\n`);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('omni shadow killed with SIGKILL and restarted', () => {
  it('ends with exactly the trades and decisions of a run never killed', async () => {
    const reference = await session(join(root, 'ref'), join(root, 'ref-logs'), 0);
    expect(reference.code, reference.err).toBe(0);
    const expected = trades(join(root, 'ref'));
    expect(expected.length).toBeGreaterThan(10);

    // Seeded kill points over the run, one of them inside the silent replay of a resumed session.
    const rng = new Rng(20261126);
    const points = new Set<number>();
    while (points.size < 4) points.add(rng.int(40, TICKS - 40));
    const kills: (number | string)[] = [...points].sort((a, b) => a - b);
    kills.splice(2, 0, `replay:${Math.floor((kills[1] as number) / 2)}`);

    const out = join(root, 'killed');
    const logs = join(root, 'killed-logs');
    const ends: (string | null)[] = [];
    for (const k of kills) {
      const run = await session(out, logs, k);
      ends.push(run.signal);
    }
    const last = await session(out, logs, 0);
    expect(last.code, last.err).toBe(0);
    expect(ends).toEqual(kills.map(() => 'SIGKILL'));

    const got = trades(out);
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected);
    expect(new Set(got.map((l) => JSON.parse(l).decisionId)).size).toBe(got.length);
    expect(readFileSync(join(out, 'decisions.jsonl'), 'utf8')).toBe(
      readFileSync(join(root, 'ref', 'decisions.jsonl'), 'utf8'),
    );
    // The learned state is the same as the uninterrupted run's.
    expect(readFileSync(join(logs, 'state', 'governor.json'), 'utf8')).toBe(
      readFileSync(join(root, 'ref-logs', 'state', 'governor.json'), 'utf8'),
    );
    // Orders cancelled at their fill are journaled but are no trade in the summary.
    const settled = expected.filter((l) => JSON.parse(l).exit?.kind !== 'cancelled');
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).trades).toBe(settled.length);
  }, 240_000);
});
