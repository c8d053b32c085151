import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV_BINDINGS, Rng } from '@omni/core';
import { exportSequenceMlpOnnx } from '@omni/learning';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { omni } from './cli.fixture.js';

// Every documented setting acts (issue 13, item 6): for each environment binding of @omni/core's
// ENV_BINDINGS, the smallest run through the `omni` CLI whose observable result must change when
// the variable is set. Results are compared, never read for exact values: a baseline run without
// the variable and a run with it. Runs are cached, so the backtests share one baseline.
//
// What is observed (never the configuration echoed back, e.g. summary.json's `config`):
// - backtest: trades.jsonl, summary.json's results (PnL, per engine, safety, model name) and the
//   number of lines of decisions.jsonl of a backtest on a generated hourly CSV with calm and
//   turbulent stretches (prices at 3 decimals, so binary ties happen);
// - check: `omni check` (credentials set/missing, log dir, model), without its wall-clock line;
// - live: `omni live --live` with a checklist that passes (dummy credentials);
// - check-deriv, check-mt5: `omni check --venue deriv|mt5` (the venue's own credentials);
// - live-plan: `omni live --venue deriv --mode micro-live --plan` (every check, no connection);
// - live-evm: `omni live --venue evm` with the relay on (`useRelay`) against a port where no node
//   listens: the first error (a missing relay key is refused before any connection);
// - shadow-live: `omni shadow --feed binance` against a local WebSocket server sending trades dated
//   2021, on the system clock: blocked ticks and trades.

/**
 * Bindings known to change nothing today, each with the reason. A later fix removes its entry; the
 * test fails if a listed binding starts acting, so this list cannot go stale.
 */
const KNOWN_DEAD: Readonly<Record<string, string>> = {};

type Env = Readonly<Record<string, string>>;
type Observation =
  | 'backtest'
  | 'bundled'
  | 'check'
  | 'check-deriv'
  | 'check-mt5'
  | 'live'
  | 'live-plan'
  | 'live-evm'
  | 'shadow-live';

/** How one binding is probed: the value to set, where to look, and extra variables both runs share. */
interface Probe {
  readonly value: string;
  readonly observe: Observation;
  /** Variables set in the baseline and the variant alike, e.g. a cap the setting interacts with. */
  readonly with?: Env;
}

let work: string;
let csv: string;
let coinFlipModel: string;

/**
 * The baseline of every backtest: caps loose enough that the whole series trades (a tripped
 * cooldown would hide every later effect) and a stake cap above 2 % of the balance, so stakes are
 * not all clipped to the same 25 USD.
 */
const BACKTEST_BASE: Env = {
  OMNI_MAX_DAILY_LOSS_USD: '5000',
  OMNI_MAX_LOSS_STREAK: '100',
  OMNI_MAX_STAKE_USD: '500',
  OMNI_MAX_EXPOSURE_PER_MARKET_USD: '5000',
  OMNI_MAX_EXPOSURE_PER_SYMBOL_USD: '5000',
};

/** Dummy credentials that pass `omni check`'s presence checks (values never printed). */
const CREDENTIALS: Env = {
  MT5_LOGIN: '1234567',
  MT5_SERVER: 'Demo-Server',
  MT5_PASSWORD: 'not-a-real-password',
  POCKET_TOKEN: 'not-a-real-token',
  DEX_RPC: 'https://rpc.example.org/key',
  DEX_PRIVKEY: 'ab'.repeat(32),
};

function probes(): Readonly<Record<string, Probe>> {
  return {
    OMNI_MODE: { value: 'micro-live', observe: 'live' },
    // The seed drives the synthetic DEX pools (and the learners' exploration): with routes that
    // pay (no gas cost), which arbitrage trades happen depends on it.
    OMNI_SEED: { value: '7', observe: 'backtest', with: { OMNI_ARB_GAS_PRICE_GWEI: '0' } },
    OMNI_SYMBOLS: { value: 'GBPUSD', observe: 'bundled' },
    OMNI_STARTING_BALANCE_USD: { value: '2000', observe: 'backtest' },
    OMNI_LOG_DIR: { value: join(work, 'other-logs'), observe: 'check' },
    SEQ_MODEL_ONNX: { value: coinFlipModel, observe: 'backtest' },
    MT5_LOGIN: { value: CREDENTIALS['MT5_LOGIN'] as string, observe: 'check' },
    MT5_SERVER: { value: CREDENTIALS['MT5_SERVER'] as string, observe: 'check' },
    MT5_PASSWORD: { value: CREDENTIALS['MT5_PASSWORD'] as string, observe: 'check' },
    POCKET_TOKEN: { value: CREDENTIALS['POCKET_TOKEN'] as string, observe: 'check' },
    POCKET_BASE_URL: { value: 'https://pocket.example.org', observe: 'check' },
    DEX_RPC: { value: CREDENTIALS['DEX_RPC'] as string, observe: 'check' },
    DEX_PRIVKEY: { value: CREDENTIALS['DEX_PRIVKEY'] as string, observe: 'check' },
    MEV_RELAY_URL: { value: 'https://relay.example.org', observe: 'check' },
    // The relay identity key: `omni live --venue evm` with useRelay refuses to start without it.
    MEV_AUTH_KEY: {
      value: 'cd'.repeat(32),
      observe: 'live-evm',
      with: {
        DEX_RPC: 'http://127.0.0.1:9/',
        DEX_PRIVKEY: CREDENTIALS['DEX_PRIVKEY'] as string,
        MEV_RELAY_URL: 'http://127.0.0.1:9/relay',
      },
    },
    MT5_BRIDGE_SECRET: { value: 'not-a-real-bridge-secret', observe: 'check-mt5' },
    DERIV_WS_URL: { value: 'ws://127.0.0.1:9/websockets/v3', observe: 'check-deriv' },
    DERIV_APP_ID: { value: '1089', observe: 'check-deriv' },
    DERIV_TOKEN: { value: 'not-a-real-deriv-token', observe: 'check-deriv' },
    OMNI_CONFIRM_LIVE: {
      value: '1',
      observe: 'live-plan',
      with: { DERIV_TOKEN: 'not-a-real-deriv-token', DERIV_APP_ID: '1089' },
    },
    OMNI_MAX_DAILY_LOSS_USD: { value: '30', observe: 'backtest' },
    OMNI_MAX_DAILY_TRADES: { value: '1', observe: 'backtest' },
    OMNI_MAX_LOSS_STREAK: { value: '1', observe: 'backtest' },
    OMNI_MAX_STAKE_USD: { value: '5', observe: 'backtest' },
    OMNI_MAX_OPEN_POSITIONS: { value: '1', observe: 'backtest' },
    OMNI_MAX_EXPOSURE_PER_MARKET_USD: { value: '30', observe: 'backtest' },
    OMNI_MAX_BALANCE_FRACTION_PER_TRADE: { value: '0.001', observe: 'backtest' },
    OMNI_MAX_EXPOSURE_PER_SYMBOL_USD: { value: '30', observe: 'backtest' },
    OMNI_MAX_POSITIONS_PER_SETUP: { value: '3', observe: 'backtest' },
    // What happens when a cap trips: a freeze (halted) instead of a cooldown (reduce-only).
    OMNI_FREEZE_ON_CAP_TRIP: { value: 'true', observe: 'backtest', with: { OMNI_MAX_DAILY_TRADES: '3' } },
    // Backtests and replays run on tick time, so no tick is ever old there: a live feed shows it.
    OMNI_STALE_DATA_MS: { value: String(1e12), observe: 'shadow-live' },
    // Sessions matter where a daily cap trips: which trades count towards "today".
    OMNI_SESSION_START_UTC: { value: '12:00', observe: 'backtest', with: { OMNI_MAX_DAILY_TRADES: '3' } },
    OMNI_BINARY_PAYOUT: { value: '0.9', observe: 'backtest' },
    OMNI_BINARY_EXPIRY_SEC: { value: '86400', observe: 'backtest' },
    OMNI_BINARY_TIE_RULE: { value: 'loss', observe: 'backtest' },
    // Stakes are sized below their caps only with a small Kelly fraction (the default's stakes are
    // clipped to 2 % of the balance); a ladder rung then multiplies the stake by 1.5.
    OMNI_BINARY_MAX_LADDER_DEPTH: {
      value: '1',
      observe: 'backtest',
      with: { OMNI_BINARY_KELLY_FRACTION: '0.01' },
    },
    OMNI_BINARY_KELLY_FRACTION: { value: '0.01', observe: 'backtest' },
    OMNI_SPOT_COMMISSION_BPS: { value: '20', observe: 'backtest' },
    OMNI_SPOT_SLIPPAGE_BPS: { value: '20', observe: 'backtest' },
    OMNI_SPOT_RISK_PER_TRADE: { value: '0.001', observe: 'backtest' },
    OMNI_SPOT_FILL_RISK_TOLERANCE: { value: '0', observe: 'backtest' },
    // With the default gas cost (15 USD) no synthetic route pays; without it, some do.
    OMNI_ARB_GAS_PRICE_GWEI: { value: '0', observe: 'backtest' },
    OMNI_ARB_GAS_LIMIT: { value: '1', observe: 'backtest' },
    OMNI_ARB_ETH_USD: { value: '1', observe: 'backtest' },
    OMNI_ARB_MIN_PROFIT_USD: { value: '1000', observe: 'backtest', with: { OMNI_ARB_GAS_PRICE_GWEI: '0' } },
    OMNI_MIN_CONFIDENCE: { value: '0.5', observe: 'backtest' },
    OMNI_EXPLORATION_EPSILON: { value: '1', observe: 'backtest' },
    // Backtests journal the actions by default; `all` records every decision: more lines.
    OMNI_JOURNAL_DECISIONS: { value: 'all', observe: 'backtest' },
  };
}

/** Every variable loadConfig reads, cleared so the developer's shell cannot leak in. */
const CONFIG_ENV = /^(OMNI_|MT5_|POCKET_|DEX_|MEV_|SEQ_MODEL_ONNX$)/;
const savedEnv: Record<string, string | undefined> = {};

function clearConfigEnv(): void {
  for (const key of Object.keys(process.env)) if (CONFIG_ENV.test(key)) delete process.env[key];
}

/** Runs `fn` with exactly `env` (plus a log dir) as the configuration environment. */
async function withEnv<T>(env: Env, fn: () => Promise<T>): Promise<T> {
  clearConfigEnv();
  Object.assign(process.env, { OMNI_LOG_DIR: join(work, 'logs') }, env);
  try {
    return await fn();
  } finally {
    clearConfigEnv();
  }
}

let runCount = 0;
function freshDir(label: string): string {
  const dir = join(work, `${label}-${++runCount}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** What a run did, as text to compare: results only, never the configuration it echoes. */
function runFingerprint(outDir: string): string {
  const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as Record<
    string,
    unknown
  > & {
    run: { model: string };
  };
  const { config: _config, run, ...results } = summary;
  return JSON.stringify({
    model: run.model,
    results,
    trades: readFileSync(join(outDir, 'trades.jsonl'), 'utf8'),
    decisionLines: readFileSync(join(outDir, 'decisions.jsonl'), 'utf8').split('\n').length,
  });
}

async function observeBacktest(): Promise<string> {
  const out = join(freshDir('backtest'), 'run');
  const result = await omni(['backtest', '--data', csv, '--quiet', '--out', out]);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return runFingerprint(out);
}

/** A short backtest on bundled data without --symbol or --data: the pair comes from the config. */
async function observeBundled(): Promise<string> {
  const out = join(freshDir('bundled'), 'run');
  const result = await omni([
    'backtest',
    '--momentum-only',
    '--from',
    '2024-01-01',
    '--to',
    '2024-03-31',
    '--quiet',
    '--out',
    out,
  ]);
  expect(result.code).toBe(0);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { run: { symbol: string } };
  return JSON.stringify({ symbol: summary.run.symbol, run: runFingerprint(out) });
}

async function observeCheck(): Promise<string> {
  const result = await omni(['check']);
  // The clock line reads the wall clock; everything else is a function of the configuration.
  const lines = result.out.split('\n').filter((l) => !l.startsWith('clock.sane'));
  return JSON.stringify({ code: result.code, out: lines.join('\n') });
}

async function observeVenueCheck(venue: string): Promise<string> {
  const result = await omni(['check', '--venue', venue]);
  const lines = result.out.split('\n').filter((l) => !l.startsWith('clock.sane'));
  return JSON.stringify({ code: result.code, out: lines.join('\n') });
}

async function observeLivePlan(): Promise<string> {
  const result = await omni([
    'live',
    '--venue',
    'deriv',
    '--mode',
    'micro-live',
    '--symbol',
    'R_100',
    '--plan',
  ]);
  return JSON.stringify({
    code: result.code,
    out: result.out,
    refused: result.err.split('\n').filter((l) => l.startsWith('error')),
  });
}

/** `omni live --venue evm` with the relay on; no node listens at DEX_RPC: the first error line. */
async function observeLiveEvm(): Promise<string> {
  const dir = freshDir('live-evm');
  process.env['OMNI_LOG_DIR'] = join(dir, 'logs');
  const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
  const venueConfig = {
    routes: [
      {
        routeId: 'a->b',
        borrowPair: address(1),
        borrowToken: address(2),
        sellPath: [address(3)],
        repayTokenUsd: 1,
      },
    ],
    chainId: 31337,
    ethUsd: 3000,
    executorAddress: address(4),
    useRelay: true,
  };
  const result = await omni([
    'live',
    '--venue',
    'evm',
    '--mode',
    'micro-live',
    '--confirm-live',
    '--symbol',
    'WETHUSD',
    '--out',
    join(dir, 'run'),
    '--venue-config',
    JSON.stringify(venueConfig),
  ]);
  return JSON.stringify({
    code: result.code,
    refused: result.err.split('\n').find((l) => l.startsWith('error')) ?? '',
  });
}

async function observeLive(): Promise<string> {
  const result = await omni(['live', '--live']);
  return JSON.stringify({ code: result.code, err: result.err });
}

/** A bare WebSocket server (RFC 6455 handshake, unmasked text frames) sending Binance trade messages. */
async function binanceServer(trades: number): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const start = Date.UTC(2021, 0, 4);
    for (let i = 0; i < trades; i++) {
      const payload = Buffer.from(
        JSON.stringify({
          stream: 'btcusdt@trade',
          data: {
            e: 'trade',
            E: start + i * 1000,
            s: 'BTCUSDT',
            t: i + 1,
            p: (30_000 + 25 * Math.sin(i / 5)).toFixed(2),
            q: '0.010',
            T: start + i * 1000,
          },
        }),
      );
      const header =
        payload.length < 126
          ? Buffer.from([0x81, payload.length])
          : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff]);
      socket.write(Buffer.concat([header, payload]));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `ws://127.0.0.1:${port}`, sockets };
}

async function observeShadowLive(): Promise<string> {
  const ticks = 60;
  // The run stops when the tick after its last one arrives: send one more than it processes.
  const { server, url, sockets } = await binanceServer(ticks + 1);
  try {
    const dir = freshDir('shadow');
    process.env['OMNI_LOG_DIR'] = join(dir, 'logs'); // state of its own: no run resumes another
    const out = join(dir, 'run');
    const result = await omni([
      'shadow',
      '--feed',
      'binance',
      '--symbol',
      'btcusdt',
      '--binance-url',
      url,
      '--max-ticks',
      String(ticks),
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
    return runFingerprint(out);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const OBSERVE: Readonly<Record<Observation, () => Promise<string>>> = {
  backtest: observeBacktest,
  bundled: observeBundled,
  check: observeCheck,
  'check-deriv': () => observeVenueCheck('deriv'),
  'check-mt5': () => observeVenueCheck('mt5'),
  live: observeLive,
  'live-plan': observeLivePlan,
  'live-evm': observeLiveEvm,
  'shadow-live': observeShadowLive,
};

const cache = new Map<string, Promise<string>>();
/** The observation under `env`, computed once per (observation, env): runs run one at a time. */
let queue: Promise<unknown> = Promise.resolve();
function observe(kind: Observation, env: Env): Promise<string> {
  const key = `${kind} ${JSON.stringify(Object.entries(env).sort())}`;
  let result = cache.get(key);
  if (!result) {
    result = queue.then(() => withEnv(env, OBSERVE[kind]));
    queue = result.catch(() => undefined);
    cache.set(key, result);
  }
  return result;
}

function baseEnv(kind: Observation): Env {
  if (kind === 'backtest') return BACKTEST_BASE;
  if (kind === 'live' || kind === 'live-plan') return CREDENTIALS;
  return {};
}

/** Whether setting `env` to its probe value changes what the probe observes. */
async function acts(env: string): Promise<boolean> {
  const probe = probes()[env];
  if (!probe) throw new Error(`no probe for ${env}`);
  const base = { ...baseEnv(probe.observe), ...probe.with };
  const [without, withIt] = await Promise.all([
    observe(probe.observe, base),
    observe(probe.observe, { ...base, [env]: probe.value }),
  ]);
  return without !== withIt;
}

/** An hourly series with calm and turbulent stretches, 3 decimals (binary ties happen). */
function writeSeries(path: string): void {
  const rng = new Rng('settings-act');
  const lines = ['timestamp,price'];
  let price = 1.1;
  const start = Date.UTC(2021, 0, 4);
  for (let i = 0; i < 1500; i++) {
    const sigma = Math.floor(i / 120) % 2 === 0 ? 0.0006 : 0.003;
    price *= Math.exp(Math.sin(i / 90) * 0.0004 + rng.normal(0, sigma));
    lines.push(`${new Date(start + i * 3_600_000).toISOString()},${price.toFixed(3)}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

beforeAll(() => {
  for (const key of Object.keys(process.env)) if (CONFIG_ENV.test(key)) savedEnv[key] = process.env[key];
  work = mkdtempSync(join(tmpdir(), 'omni-settings-act-'));
  csv = join(work, 'SYNTH.csv');
  writeSeries(csv);
  // A logistic model with every weight 0: probUp 0.5 on every window, a model unlike the bundled one.
  coinFlipModel = join(work, 'coin-flip.onnx');
  writeFileSync(
    coinFlipModel,
    exportSequenceMlpOnnx({ windowLength: 32, hidden: 0, params: new Float64Array(33) }, { horizon: 5 }),
  );
});

afterAll(() => {
  clearConfigEnv();
  for (const [key, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[key] = value;
  rmSync(work, { recursive: true, force: true });
});

describe('every environment binding', () => {
  it('has a probe, and KNOWN_DEAD names only bindings that exist', () => {
    const bindings = ENV_BINDINGS.map((b) => b.env).sort();
    expect(Object.keys(probes()).sort()).toEqual(bindings);
    expect(Object.keys(KNOWN_DEAD).filter((env) => !bindings.includes(env))).toEqual([]);
  });

  const live = ENV_BINDINGS.map((b) => b.env).filter((env) => KNOWN_DEAD[env] === undefined);
  it.each(live)(
    '%s changes what a run does',
    async (env) => {
      expect(await acts(env), `${env} changed nothing: make it act, or remove the setting`).toBe(true);
    },
    120_000,
  );

  const dead = ENV_BINDINGS.map((b) => b.env).filter((env) => KNOWN_DEAD[env] !== undefined);
  it.each(dead)(
    '%s is known to change nothing (KNOWN_DEAD)',
    async (env) => {
      expect(
        await acts(env),
        `${env} acts now: remove it from KNOWN_DEAD (it was listed because ${KNOWN_DEAD[env]})`,
      ).toBe(false);
    },
    120_000,
  );
});
