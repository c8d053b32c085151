import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ManualClock, type TradeOutcome } from '@omni/core';
import { bundledFxPath } from '@omni/feeds';
import { SafetyManager } from '@omni/safety';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { omni } from './cli.fixture.js';

// The small `omni` commands driven in-process: report, analyze, check, safety (audit verify: commands/audit.test.ts).

/** Every variable loadConfig reads, cleared for this file so the developer's shell cannot leak in. */
const CONFIG_ENV = /^(OMNI_|MT5_|POCKET_|DEX_|MEV_|SEQ_MODEL_ONNX$)/;
const savedEnv: Record<string, string | undefined> = {};
let dir: string;

function clearConfigEnv(): void {
  for (const key of Object.keys(process.env)) if (CONFIG_ENV.test(key)) delete process.env[key];
}

beforeAll(() => {
  for (const key of Object.keys(process.env)) if (CONFIG_ENV.test(key)) savedEnv[key] = process.env[key];
  clearConfigEnv();
});

afterAll(() => {
  clearConfigEnv();
  for (const [key, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[key] = value;
});

beforeEach(() => {
  clearConfigEnv();
  dir = mkdtempSync(join(tmpdir(), 'omni-cli-'));
  process.env['OMNI_LOG_DIR'] = join(dir, 'logs');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** One short backtest shared by the commands that read a finished run (report). */
let runRoot: string;
let run: string;

beforeAll(async () => {
  runRoot = mkdtempSync(join(tmpdir(), 'omni-run-'));
  run = join(runRoot, 'run');
  const result = await omni([
    'backtest',
    '--from',
    '2010-01-01',
    '--to',
    '2011-12-31',
    '--quiet',
    '--out',
    run,
  ]);
  expect(result.code).toBe(0);
}, 60_000);

afterAll(() => {
  rmSync(runRoot, { recursive: true, force: true });
});

describe('omni report', () => {
  it('re-renders a byte-identical report.html from the run directory', async () => {
    const before = readFileSync(join(run, 'report.html'));
    rmSync(join(run, 'report.html'));
    const result = await omni(['report', run]);
    expect(result.code).toBe(0);
    expect(result.out).toBe(`wrote ${join(run, 'report.html')}`);
    expect(readFileSync(join(run, 'report.html')).equals(before)).toBe(true);
  });

  it('prints the written file as one JSON object with --json', async () => {
    const result = await omni(['report', run, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ file: join(run, 'report.html') });
  });

  it('exits 2 for a directory without summary.json', async () => {
    const result = await omni(['report', dir]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('summary.json is missing');
  });
});

describe('omni analyze', () => {
  const RANGE = ['--from', '2010-01-01', '--to', '2014-12-31'];

  it('prints JSON with swings, zones and harmonic patterns', async () => {
    const result = await omni(['analyze', '--json', ...RANGE]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.out);
    const a = parsed.analysis;
    expect(Array.isArray(a.swings)).toBe(true);
    expect(a.swings.length).toBeGreaterThan(10);
    expect(Array.isArray(a.zones.zones)).toBe(true);
    expect(a.zones.zones.length).toBeGreaterThan(0);
    expect(Array.isArray(a.harmonics)).toBe(true);
    expect(Array.isArray(a.waveCounts)).toBe(true);
    expect(parsed.ticks).toBe(1262);
  });

  it('reports swings at real prices of the data file, alternating, confirmed no earlier than they happened', async () => {
    const prices = new Map<number, number>();
    for (const line of readFileSync(bundledFxPath('EURUSD'), 'utf8').split('\n').slice(1)) {
      const [date, price] = line.split(',');
      if (date) prices.set(Date.parse(`${date}T00:00:00Z`), Number(price));
    }
    const { analysis } = JSON.parse((await omni(['analyze', '--json', ...RANGE])).out);
    const swings = analysis.swings as Array<{
      kind: 'high' | 'low';
      price: number;
      tsMs: number;
      confirmedTsMs: number;
    }>;
    swings.forEach((s, i) => {
      expect(prices.get(s.tsMs), `swing ${i}`).toBe(s.price);
      expect(s.confirmedTsMs).toBeGreaterThanOrEqual(s.tsMs);
      if (i > 0) {
        const prev = swings[i - 1] as (typeof swings)[number];
        expect(s.kind).not.toBe(prev.kind);
        expect(s.tsMs).toBeGreaterThan(prev.tsMs);
        expect(s.kind === 'high' ? s.price > prev.price : s.price < prev.price).toBe(true);
      }
    });
  });

  it('prints tables that mention the swings in the table form', async () => {
    const json = JSON.parse((await omni(['analyze', '--json', ...RANGE])).out);
    const result = await omni(['analyze', ...RANGE]);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Confirmed swings (${json.analysis.swings.length}; last 12)`);
    expect(result.out).toMatch(/Support\/resistance zones/);
    expect(result.out).toMatch(/Harmonic patterns completed/);
  });

  it('exits 2 for an unknown symbol', async () => {
    const result = await omni(['analyze', '--symbol', 'ABCDEF']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('unknown symbol ABCDEF');
  });
});

describe('omni check', () => {
  const SECRETS = {
    MT5_PASSWORD: 'mt5-pass-Zq81x',
    POCKET_TOKEN: 'pocket-tok-Hh29s',
    DEX_RPC: 'https://127.0.0.1:8545/rpc-key-Wd73k',
    DEX_PRIVKEY: `0x${'7e'.repeat(32)}`,
  };

  it('exits 1 with a default config and shows every credential as missing', async () => {
    const result = await omni(['check']);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/credentials\.binary\s+FAIL\s+pocket\.token: missing/);
    expect(result.out).toMatch(/credentials\.spot\s+FAIL.*mt5\.password: missing/);
    expect(result.out).toMatch(/credentials\.arbitrage\s+FAIL.*dex\.privateKey: missing/);
    expect(result.out).toContain('NOT READY');
  });

  it('shows credentials from the environment as set and never prints their values', async () => {
    Object.assign(process.env, SECRETS, { MT5_LOGIN: '5551234', MT5_SERVER: 'Demo-Server' });
    const result = await omni(['check']);
    expect(result.out).toMatch(/credentials\.binary\s+ok\s+pocket\.token: set/);
    expect(result.out).toMatch(/mt5\.password: set/);
    expect(result.out).toMatch(/dex\.rpcUrl: set, dex\.privateKey: set/);
    const printed = `${result.out}\n${result.err}`;
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(printed.includes(value), `${name} leaked`).toBe(false);
      expect(printed.includes(value.replace(/^0x/, '')), `${name} leaked`).toBe(false);
    }
    // The exit code follows the table: 0 only when no check failed.
    expect(result.code).toBe(/\bFAIL\b/.test(result.out) ? 1 : 0);
  });

  it('marks only the engines whose credentials are present', async () => {
    process.env['POCKET_TOKEN'] = SECRETS.POCKET_TOKEN;
    const result = await omni(['check']);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/credentials\.binary\s+ok/);
    expect(result.out).toMatch(/credentials\.spot\s+FAIL/);
    expect(result.out.includes(SECRETS.POCKET_TOKEN)).toBe(false);
  });

  it('names a malformed secret without echoing it', async () => {
    const bad = 'not-a-key-Pv55r';
    process.env['DEX_PRIVKEY'] = bad;
    const result = await omni(['check']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('DEX_PRIVKEY');
    expect(`${result.out}\n${result.err}`.includes(bad)).toBe(false);
  });
});

describe('omni safety', () => {
  function statePath(): string {
    return join(dir, 'logs', 'state', 'safety.json');
  }

  /** A persisted SafetyManager state written through the library, as a shadow run would leave it. */
  function tripCooldown(): void {
    const manager = SafetyManager.open({
      limits: loadConfig({ env: {}, envFile: false }).risk,
      clock: new ManualClock(Date.UTC(2024, 0, 2, 12)),
      statePath: statePath(),
    });
    const loss: TradeOutcome = {
      decisionId: 'shadow-1',
      engine: 'binary',
      symbol: 'EURUSD',
      direction: 'call',
      entryTs: Date.UTC(2024, 0, 2, 11),
      entryPrice: 1.1,
      settleTs: Date.UTC(2024, 0, 2, 12),
      settlePrice: 1.09,
      stake: 250,
      payout: 0.8,
      fees: 0,
      pnl: -250,
      rule: 'binary-expiry-loss',
    };
    manager.registerOutcome(loss);
    manager.save();
  }

  it('shows an active state on a fresh log directory, with its state file there', async () => {
    const result = await omni(['safety', 'status']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^mode\s+active$/m);
    expect(result.out).toMatch(/^cooldown\s+no$/m);
    expect(result.out).toContain(statePath());
  });

  it('prints the state as one JSON object with --json', async () => {
    tripCooldown();
    const result = await omni(['safety', 'status', '--json']);
    expect(result.code).toBe(0);
    const status = JSON.parse(result.out);
    expect(status).toMatchObject({ statePath: statePath(), mode: 'reduce-only' });
    expect(JSON.stringify(status.cooldown)).toContain('maxDailyLossUsd');
  });

  it('prints the reset action and the new state as one JSON object with --json', async () => {
    tripCooldown();
    const result = await omni(['safety', 'reset', '--reason', 'x', '--operator', 'tester', '--json']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.out);
    expect(out.statePath).toBe(statePath());
    expect(out.action).toMatchObject({ action: 'reset', reason: 'x', operator: 'tester' });
    expect(out.status).toMatchObject({ mode: 'active' });
    expect(out.status.cooldown ?? null).toBeNull();
  });

  it('shows a cooldown a run left behind', async () => {
    tripCooldown();
    const result = await omni(['safety', 'status']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^mode\s+reduce-only$/m);
    expect(result.out).toMatch(/^cooldown\s+\{.*maxDailyLossUsd/m);
  });

  it('lifts the cooldown on reset with a reason and journals who did it and why', async () => {
    tripCooldown();
    const result = await omni(['safety', 'reset', '--reason', 'x', '--operator', 'tester']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('reset by tester: x');
    expect(result.out).toMatch(/^mode\s+active$/m);
    const state = JSON.parse(readFileSync(statePath(), 'utf8'));
    expect(state.cooldown).toBeNull();
    expect(state.history.at(-1)).toMatchObject({ action: 'reset', reason: 'x', operator: 'tester' });
    expect((await omni(['safety', 'status'])).out).toMatch(/^cooldown\s+no$/m);
  });

  it('refuses a reset while frozen and leaves the freeze in place', async () => {
    tripCooldown();
    const manager = SafetyManager.open({
      limits: loadConfig({ env: {}, envFile: false }).risk,
      clock: new ManualClock(Date.UTC(2024, 0, 2, 13)),
      statePath: statePath(),
    });
    manager.freeze('kill switch test', 'tester');
    manager.save();
    const result = await omni(['safety', 'reset', '--reason', 'x']);
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/frozen/);
    expect(JSON.parse(readFileSync(statePath(), 'utf8')).frozen).toMatchObject({
      reason: 'kill switch test',
    });
  });

  it('needs a reason to reset', async () => {
    const result = await omni(['safety', 'reset']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--reason');
    expect(existsSync(statePath())).toBe(false);
  });

  // The runbook's way back to live trading after a venue incident (docs/modes/micro-live.md).
  it('allows live trading at a venue again with allow-live, recorded with who and why', async () => {
    const args = ['safety', 'allow-live', '--venue', 'deriv', '--reason', 'reconnected, account checked'];
    const result = await omni([...args, '--operator', 'tester', '--json']);
    expect(result.code).toBe(0);
    const file = join(dir, 'logs', 'state', 'live-allow.json');
    expect(JSON.parse(result.out)).toMatchObject({
      venue: 'deriv',
      operator: 'tester',
      reason: 'reconnected, account checked',
      file,
    });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      kind: 'omni-live-allowances',
      venues: { deriv: { operator: 'tester', reason: 'reconnected, account checked' } },
    });
    const text = await omni([...args.slice(0, 4), '--reason', 'second look', '--operator', 'ops']);
    expect(text.out).toContain('live trading at deriv allowed by ops: second look');
  });

  it('refuses allow-live for a venue it does not know, and writes nothing', async () => {
    const result = await omni(['safety', 'allow-live', '--venue', 'nowhere', '--reason', 'x']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('unknown venue nowhere');
    expect(existsSync(join(dir, 'logs', 'state', 'live-allow.json'))).toBe(false);
  });
});

describe('omni shadow', () => {
  it('replays a file in shadow mode, persists safety and governor state, and resumes from it', async () => {
    const csv = join(dir, 'EURUSD.csv');
    const rows = readFileSync(bundledFxPath('EURUSD'), 'utf8').trim().split('\n');
    writeFileSync(csv, `${rows.slice(0, 1 + 600).join('\n')}\n`);
    const out1 = join(dir, 'shadow-1');
    const first = await omni([
      'shadow',
      '--feed',
      'replay',
      '--data',
      csv,
      '--out',
      out1,
      '--max-ticks',
      '400',
    ]);
    expect(first.code).toBe(0);
    expect(first.err).toMatch(/shadow: replay:EURUSD\.csv/);
    expect(first.out).toMatch(/ticks\s+400/);
    const state = join(dir, 'logs', 'state');
    expect(existsSync(join(state, 'safety.json'))).toBe(true);
    const governor = JSON.parse(readFileSync(join(state, 'governor.json'), 'utf8'));
    expect(governor.kind).toBe('master-governor-x100');
    // The audit trail of a shadow run verifies like a backtest's.
    expect((await omni(['audit', 'verify', out1])).code).toBe(0);
    const second = await omni(['shadow', '--feed', 'replay', '--data', csv, '--out', join(dir, 'shadow-2')]);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/ticks\s+600/);
  });

  it('refuses an unknown feed kind with exit 2', async () => {
    const run = await omni(['shadow', '--feed', 'carrier-pigeon', '--out', join(dir, 'x')]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/--feed must be replay or binance/);
  });
});

describe('omni --version', () => {
  it('prints the runner package version and exits 0 (also -V)', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const run = await omni([flag]);
      expect([run.code, run.out, run.err]).toEqual([0, version, '']);
    }
  });
});
