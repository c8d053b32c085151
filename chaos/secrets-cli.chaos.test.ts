/**
 * Secrets never leave the process: every credential variable (each `secret: true` entry of
 * ENV_BINDINGS in @omni/core) holds a recognisable value, the BUILT CLI runs backtest, shadow,
 * check, venue test deriv (against the fake Deriv server, with the recognisable token) and a live
 * start refused for want of the opt-in, and every byte those runs left behind — stdout, stderr,
 * every file under the working, output and log folders (journals, state, summary, report.html) —
 * is searched for each value, as written and in the encodings a leak would take (lower/upper case,
 * base64, URL-encoded, a key without its 0x). Expected: zero hits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENV_BINDINGS } from '@omni/core';
import { FakeDerivServer } from '@omni/venue-deriv/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'apps', 'runner', 'dist', 'cli.js');
const MARK = '7f3a9c';

/** A 32-byte hex key made of the recognisable pattern (valid secp256k1: below the curve order). */
const hexKey = (prefix6: string): string => `0x${prefix6}${MARK.repeat(9)}0001`;

/** The recognisable value of each credential variable. */
function secretValues(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const b of ENV_BINDINGS) {
    if (!b.secret) continue;
    const marker = `SECRET-${b.env}-${MARK}`;
    if (b.env === 'DEX_PRIVKEY') values[b.env] = hexKey('dec0de');
    else if (b.env === 'MEV_AUTH_KEY') values[b.env] = hexKey('a11ce5');
    else if (b.env.endsWith('_URL') || b.env === 'DEX_RPC')
      values[b.env] = `http://127.0.0.1:9/${marker}?key=${marker}`;
    else values[b.env] = marker;
  }
  return values;
}

/** Every form in which `value` could leak. */
function forms(value: string): string[] {
  const out = new Set([
    value,
    value.toLowerCase(),
    value.toUpperCase(),
    Buffer.from(value).toString('base64'),
  ]);
  out.add(encodeURIComponent(value));
  if (value.startsWith('0x')) {
    out.add(value.slice(2));
    out.add(value.slice(2).toUpperCase());
  }
  const marker = /SECRET-[A-Z0-9_]+-7f3a9c/.exec(value)?.[0];
  if (marker) out.add(marker);
  return [...out];
}

interface Run {
  readonly name: string;
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

function omni(name: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', fail);
    child.on('close', (code) =>
      ok({ name, code, out: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8') }),
    );
  });
}

function filesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...filesUnder(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

const values = secretValues();
let work = '';
let deriv: FakeDerivServer | undefined;
const runs: Run[] = [];
let summary = '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'omni-chaos-secrets-'));
  deriv = await FakeDerivServer.start({ token: values['DERIV_TOKEN'] as string, seed: 18 });
  deriv.autoTick(5);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: work,
    TMPDIR: work,
    NO_COLOR: '1',
    OMNI_LOG_DIR: join(work, 'logs'),
    MT5_LOGIN: '5550001',
    MT5_SERVER: 'Example-Demo',
    DERIV_APP_ID: '1089',
    DERIV_WS_URL: deriv.url,
    ...values,
  };
  const at = (name: string, args: readonly string[]) => omni(name, args, work, env);
  runs.push(
    ...(await Promise.all([
      at('backtest', [
        'backtest',
        '--symbol',
        'EURUSD',
        '--from',
        '2020-01-01',
        '--to',
        '2020-07-01',
        '--out',
        'out/backtest',
        '--quiet',
        '--momentum-only',
      ]),
      at('shadow', ['shadow', '--max-ticks', '300', '--out', 'out/shadow', '--seed', '7']),
      at('check', ['check']),
      at('check --json', ['check', '--json']),
    ])),
  );
  runs.push(
    await at('venue test deriv', [
      'venue',
      'test',
      'deriv',
      '--order',
      '--stake',
      '1',
      '--duration',
      '5',
      '--duration-unit',
      't',
      '--json',
    ]),
    await at('live (refused)', [
      'live',
      '--venue',
      'deriv',
      '--mode',
      'micro-live',
      '--symbol',
      'R_100',
      '--out',
      'out/live',
    ]),
  );
}, 240_000);

afterAll(async () => {
  await deriv?.close();
  if (summary) console.log(summary);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('secrets: recognisable credentials never reach an output', () => {
  it('ran every command as documented (the live start without opt-in is refused, exit 1, before connecting)', () => {
    expect(runs.map((r) => [r.name, r.code])).toEqual([
      ['backtest', 0],
      ['shadow', 0],
      ['check', expect.any(Number)],
      ['check --json', expect.any(Number)],
      ['venue test deriv', 0],
      ['live (refused)', 1],
    ]);
    const live = runs.at(-1) as Run;
    expect(live.err).toMatch(/\[RUNTIME_LIVE_REFUSED\] live trading needs an explicit opt-in/);
    expect(deriv?.market.contracts.size).toBe(1);
    expect(readFileSync(join(work, 'out/backtest/report.html'), 'utf8').length).toBeGreaterThan(1_000);
  });

  it('finds none of the values in any stdout, stderr or file', () => {
    const files = filesUnder(work);
    const haystacks: { where: string; text: string }[] = [
      ...runs.flatMap((r) => [
        { where: `${r.name} stdout`, text: r.out },
        { where: `${r.name} stderr`, text: r.err },
      ]),
      ...files.map((f) => ({ where: f.slice(work.length + 1), text: readFileSync(f).toString('latin1') })),
    ];
    const hits: string[] = [];
    for (const [name, value] of Object.entries(values)) {
      for (const form of forms(value)) {
        for (const h of haystacks)
          if (h.text.includes(form)) hits.push(`${name} (${form.slice(0, 12)}…) in ${h.where}`);
      }
    }
    summary =
      `CHAOS secrets commands=${runs.length} files-searched=${files.length} ` +
      `bytes-searched=${haystacks.reduce((n, h) => n + h.text.length, 0)} values=${Object.keys(values).length} hits=${hits.length}`;
    expect(Object.keys(values).length).toBeGreaterThanOrEqual(9);
    expect(files.length).toBeGreaterThan(10);
    expect(files.some((f) => f.endsWith('report.html'))).toBe(true);
    expect(hits).toEqual([]);
  });
});
