import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledFxPath } from '@omni/feeds';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { omni } from '../cli.fixture.js';

/** Every variable loadConfig reads, cleared for this file so the developer's shell cannot leak in. */
const CONFIG_ENV = /^(OMNI_|MT5_|POCKET_|DEX_|MEV_|DERIV_|SEQ_MODEL_ONNX$)/;
const savedEnv: Record<string, string | undefined> = {};
let dir: string;
let csv: string;

function clearConfigEnv(): void {
  for (const key of Object.keys(process.env)) if (CONFIG_ENV.test(key)) delete process.env[key];
}

function lines(file: string): string[] {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];
}

beforeAll(() => {
  for (const key of Object.keys(process.env)) if (CONFIG_ENV.test(key)) savedEnv[key] = process.env[key];
});
afterAll(() => {
  clearConfigEnv();
  for (const [key, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[key] = value;
});
beforeEach(() => {
  clearConfigEnv();
  dir = mkdtempSync(join(tmpdir(), 'omni-shadow-'));
  process.env['OMNI_LOG_DIR'] = join(dir, 'logs');
  // Settings under which the engine trades often on daily data.
  process.env['OMNI_MAX_LOSS_STREAK'] = '1000';
  process.env['OMNI_MIN_CONFIDENCE'] = '0';
  process.env['OMNI_MAX_DAILY_LOSS_USD'] = '100000';
  const rows = readFileSync(bundledFxPath('GBPUSD'), 'utf8').trim().split('\n');
  csv = join(dir, 'GBPUSD.csv');
  writeFileSync(csv, `${rows.slice(0, 1 + 700).join('\n')}\n`);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('omni shadow --json', () => {
  it('prints the run summary (the content of summary.json) as one JSON object', async () => {
    const out = join(dir, 'json');
    const run = await omni(['shadow', '--data', csv, '--out', out, '--max-ticks', '120', '--json']);
    expect(run.code, run.err).toBe(0);
    const printed = JSON.parse(run.out);
    expect(printed.ticks).toBe(120);
    expect(printed).toEqual(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')));
  });
});

describe('omni shadow resumes its run', () => {
  it('resumes after the last processed tick with unique decision ids, and writes summary and report', async () => {
    const out = join(dir, 'run');
    const first = await omni(['shadow', '--data', csv, '--out', out, '--max-ticks', '300']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/ticks\s+300\n/);
    const second = await omni(['shadow', '--data', csv, '--out', out, '--max-ticks', '250']);
    expect(second.code, second.err).toBe(0);
    expect(second.err).toMatch(/resuming shadow-1 after tick 300 \(session 2\)/);
    expect(second.out).toMatch(/ticks\s+550\n/);
    const third = await omni(['shadow', '--data', csv, '--out', out]);
    expect(third.code, third.err).toBe(0);
    expect(third.out).toMatch(/ticks\s+700\n/);

    const checkpoint = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
    expect({ sessions: checkpoint.sessions, ticks: checkpoint.ticks, runId: checkpoint.runId }).toEqual({
      sessions: 3,
      ticks: 700,
      runId: 'shadow-1',
    });
    const decisions = lines(join(out, 'decisions.jsonl')).map((l) => JSON.parse(l));
    const ids = decisions.filter((d) => d.entry?.decision?.id).map((d) => d.entry.decision.id as string);
    expect(ids.length).toBe(checkpoint.decisions);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[ids.length - 1]).toBe(`shadow-1-${checkpoint.decisions}`);
    const trades = lines(join(out, 'trades.jsonl'));
    expect(trades.length).toBeGreaterThan(0);
    expect(new Set(trades.map((t) => JSON.parse(t).decisionId)).size).toBe(trades.length);

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    // Orders cancelled at their fill are journaled but are no trade in the summary.
    const settled = trades.filter((t) => JSON.parse(t).exit?.kind !== 'cancelled');
    expect({ mode: summary.run.mode, ticks: summary.ticks, trades: summary.trades }).toEqual({
      mode: 'shadow',
      ticks: 700,
      trades: settled.length,
    });
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Omni-Trifecta shadow');
    expect((await omni(['audit', 'verify', out])).code).toBe(0);
    expect((await omni(['report', out])).code).toBe(0);
    // A later run in another folder is a new run with new ids on the same learned state.
    const other = await omni(['shadow', '--data', csv, '--out', join(dir, 'other'), '--max-ticks', '100']);
    expect(other.code, other.err).toBe(0);
    expect(other.err).toMatch(/as shadow-2 /);
  });

  it('refuses to resume with another configuration and touches nothing', async () => {
    const out = join(dir, 'run');
    expect((await omni(['shadow', '--data', csv, '--out', out, '--max-ticks', '120'])).code).toBe(0);
    const before = readFileSync(join(out, 'decisions.jsonl'), 'utf8');
    const run = await omni(['shadow', '--data', csv, '--out', out, '--seed', '9']);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/another configuration/);
    expect(readFileSync(join(out, 'decisions.jsonl'), 'utf8')).toBe(before);
  });

  it('refuses to resume on a shorter data file and keeps the checkpoint', async () => {
    const out = join(dir, 'run');
    expect((await omni(['shadow', '--data', csv, '--out', out, '--max-ticks', '200'])).code).toBe(0);
    const checkpoint = readFileSync(join(out, 'checkpoint.json'), 'utf8');
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    writeFileSync(csv, `${rows.slice(0, 1 + 150).join('\n')}\n`);
    const run = await omni(['shadow', '--data', csv, '--out', out]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/feed ended before the tick this run was checkpointed at/);
    expect(readFileSync(join(out, 'checkpoint.json'), 'utf8')).toBe(checkpoint);
  });

  it("adopts an operator's reset made while the run was stopped", async () => {
    process.env['OMNI_MAX_LOSS_STREAK'] = '1';
    const out = join(dir, 'run');
    const first = await omni(['shadow', '--data', csv, '--out', out, '--max-ticks', '400']);
    expect(first.code, first.err).toBe(0);
    const status = await omni(['safety', 'status']);
    expect(status.out).toMatch(/cooldown/);
    expect(first.out).toMatch(/cooldown since/);
    const reset = await omni(['safety', 'reset', '--reason', 'reviewed the losses', '--operator', 'ops']);
    expect(reset.code).toBe(0);
    const second = await omni(['shadow', '--data', csv, '--out', out, '--max-ticks', '1']);
    expect(second.code, second.err).toBe(0);
    expect(second.err).toMatch(/adopted the operator's reset/);
    const safety = JSON.parse(readFileSync(join(dir, 'logs', 'state', 'safety.json'), 'utf8'));
    expect(safety.history.map((h: { operator: string }) => h.operator)).toEqual(['ops']);
    expect(safety.cooldown).toBeNull();
  });
});

/** A loopback port with nothing listening on it (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe('omni shadow stops', () => {
  it('stops on SIGINT during a feed outage, saving state, and shows the retries on the console', async () => {
    const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli.ts');
    const port = await closedPort();
    const out = join(dir, 'live');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      OMNI_LOG_DIR: join(dir, 'logs'),
    };
    const child = spawn(
      process.execPath,
      [
        '--conditions=omni-source',
        '--import',
        'tsx',
        cli,
        'shadow',
        '--feed',
        'binance',
        '--binance-url',
        `ws://127.0.0.1:${port}`,
        '--out',
        out,
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stderr.on('data', (chunk: Buffer) => {
      const first = !err.includes('reconnecting');
      err += chunk.toString();
      // Interrupt once the console shows the feed retrying: the loop is waiting for a tick that never comes.
      if (first && err.includes('reconnecting')) child.kill('SIGINT');
    });
    expect(await exit).toBe(0);
    expect(err).toMatch(/warn: connection failed; reconnecting in \d+ ms \[FEED_CONNECTION\]/);
    expect(err).toMatch(/shadow: stopping/);
    expect(err).toMatch(/stopped by signal; state saved/);
    expect(existsSync(join(out, 'checkpoint.json'))).toBe(true);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    expect(existsSync(join(dir, 'logs', 'state', 'safety.json'))).toBe(true);
  }, 60_000);
});
