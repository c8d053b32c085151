import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditableDecision,
  type DecideInput,
  type Decision,
  type DecisionBrain,
  ManualClock,
  parseConfig,
} from '@omni/core';
import { FakeDerivServer } from '@omni/venue-deriv/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { omni } from '../cli.fixture.js';
import type { CliIo } from '../cli-io.js';
import { runLive } from './live.js';

const TOKEN = 'e2e-deriv-token-0123456789-secret';

/** Buys a 15 s CALL of 1 USD at the decisions it is told to; holds otherwise. */
class ScriptedBrain implements DecisionBrain {
  readonly #tradeAt: ReadonlySet<number>;
  #n = 0;
  /** Trades decided so far. */
  trades = 0;
  constructor(tradeAt: readonly number[]) {
    this.#tradeAt = new Set(tradeAt);
  }
  decide(input: DecideInput): AuditableDecision {
    const n = this.#n++;
    const tsMs = input.features.tsMs;
    if (this.#tradeAt.has(n)) this.trades++;
    const decision: Decision = this.#tradeAt.has(n)
      ? {
          engine: 'binary',
          id: input.decisionId,
          tsMs,
          confidence: 0.6,
          reasons: ['scripted'],
          symbol: 'R_100',
          direction: 'call',
          stakeUsd: 1,
          expirySec: 15,
        }
      : { engine: 'none', id: input.decisionId, tsMs, reason: 'scripted hold' };
    return { decision, regimeKey: 'scripted' };
  }
  learn(): void {}
}

function capture(): CliIo & { text: () => string } {
  const lines: string[] = [];
  return {
    isTty: false,
    out: (t) => void lines.push(t),
    err: (t) => void lines.push(t),
    text: () => lines.join('\n'),
  };
}

/** Every file under `dir`, as text. */
function allText(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .map((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? allText(path) : readFileSync(path, 'utf8');
    })
    .join('\n');
}

let server: FakeDerivServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function liveConfig(dir: string, url: string) {
  return parseConfig({
    mode: 'micro-live',
    logDir: join(dir, 'logs'),
    credentials: { deriv: { token: TOKEN, appId: '1089', wsUrl: url } },
    live: { confirm: true },
  });
}

describe('omni live --venue deriv (against a local fake Deriv server)', () => {
  it('trades binary contracts at the broker, settles them with its numbers, buys each decision once, and leaks no secret', async () => {
    server = await FakeDerivServer.start({ token: TOKEN, seed: 7 });
    const fake = server;
    const dir = mkdtempSync(join(tmpdir(), 'omni-live-'));
    const out = join(dir, 'run');
    const io = capture();
    const brain = new ScriptedBrain([0, 10]);
    // Lockstep: the next tick leaves only when the engine processed the last one and the server
    // has every buy it sent, so each contract is bought at a known tick of the fake market.
    let processed = 0;
    let wake: (() => void) | undefined;
    const started = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const ticksProcessed = (n: number) =>
      new Promise<void>((resolve) => {
        const check = (): void => (processed >= n ? resolve() : void setImmediate(check));
        check();
      });
    const run = runLive(
      liveConfig(dir, fake.url),
      { venue: 'deriv', symbol: 'R_100', out, maxTicks: 80 },
      io,
      {
        clock: new ManualClock(1_699_999_999_000), // just before the fake market's first tick
        brain,
        features: { bars: { kind: 'ticks', count: 1 }, priceWindow: 64 },
        onStarted: () => wake?.(),
        afterTick: (engine) => {
          processed = engine.runtime.ticks;
        },
      },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${io.text()}`);
    });
    await started;
    await fake.waitFor('ticks');
    for (let i = 1; i <= 81; i++) {
      fake.emitTick('R_100');
      if (i > 80) break;
      await ticksProcessed(i);
      if (brain.trades > 0) await fake.waitFor('buy', brain.trades);
    }
    const summary = await run;
    const trades = readFileSync(join(out, 'trades.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { decisionId: string; pnl: number; rule: string; stake: number });
    const contracts = [...server.market.contracts.values()];
    expect(trades.map((t) => [t.rule.startsWith('binary-deriv-'), t.stake])).toEqual([
      [true, 0.35],
      [true, 0.35],
    ]);
    // The broker's own profit, to the cent, for each decision's contract.
    expect(trades.map((t) => t.pnl)).toEqual(
      trades.map((t) => contracts.find((c) => c.clientId === t.decisionId)?.profit),
    );
    expect(trades.map((t) => server?.buysFor(t.decisionId))).toEqual([1, 1]);
    expect([summary.trades, summary.run.mode, summary.byEngine.binary.trades]).toEqual([2, 'micro-live', 2]);
    const book = JSON.parse(readFileSync(join(dir, 'logs', 'state', 'orders-deriv.json'), 'utf8')) as {
      orders: { state: string }[];
    };
    expect(book.orders.map((o) => o.state)).toEqual(['closed', 'closed']);
    const alerts = readFileSync(join(out, 'alerts.jsonl'), 'utf8');
    expect(alerts).toContain('VENUE_CONNECTED');
    // The shadow rules settled the same contracts from our ticks: any disagreement is journaled, none here.
    expect(alerts).not.toContain('SETTLEMENT_DIVERGENCE');
    expect(trades.map((t) => t.decisionId)).toEqual(['micro-live-1-1', 'micro-live-1-11']);
    const everything = `${allText(dir)}\n${io.text()}`;
    expect(everything.includes(TOKEN)).toBe(false);
  });
});

describe('omni live refuses before connecting', () => {
  it('names what is missing at each step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-live-refuse-'));
    const env = { OMNI_LOG_DIR: join(dir, 'logs') };
    const run = (args: string[], extra: Record<string, string> = {}) =>
      withEnv({ ...env, ...extra }, () => omni(['live', ...args]));
    const shadowMode = await run(['--venue', 'deriv']);
    const noVenue = await run(['--mode', 'micro-live']);
    const dataOnly = await run(['--venue', 'binance', '--mode', 'micro-live']);
    const noToken = await run(['--venue', 'deriv', '--mode', 'micro-live', '--confirm-live']);
    const notConfirmed = await run(['--venue', 'deriv', '--mode', 'micro-live'], {
      DERIV_TOKEN: TOKEN,
      DERIV_APP_ID: '1089',
    });
    const scaled = await run(
      ['--venue', 'deriv', '--mode', 'scaled-live', '--confirm-live', '--records', dir],
      {
        DERIV_TOKEN: TOKEN,
        DERIV_APP_ID: '1089',
      },
    );
    const plan = await run(['--venue', 'deriv', '--mode', 'micro-live', '--plan', '--json'], {
      DERIV_TOKEN: TOKEN,
      DERIV_APP_ID: '1089',
      OMNI_CONFIRM_LIVE: '1',
    });
    const firstError = (r: { err: string }) => r.err.split('\n').find((l) => l.startsWith('error:')) ?? '';
    expect([shadowMode, noVenue, dataOnly, noToken, notConfirmed, scaled].map((r) => r.code)).toEqual([
      1, 1, 1, 1, 1, 1,
    ]);
    expect(firstError(shadowMode)).toContain('--mode must be micro-live or scaled-live (got shadow)');
    expect(firstError(noVenue)).toContain('name the venue');
    expect(firstError(dataOnly)).toContain('venue binance has no executors');
    expect(firstError(noToken)).toContain('SAFETY_CHECKLIST_FAILED');
    expect(noToken.err).toContain('credentials.binary: deriv.token: missing');
    expect(firstError(notConfirmed)).toContain('explicit opt-in');
    expect(scaled.err).toContain('missing: a backtest with a positive PnL');
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.out)).toMatchObject({
      mode: 'micro-live',
      venue: 'deriv',
      markets: ['binary'],
      risk: { maxDailyLossUsd: 10, maxDailyTrades: 20, maxLossStreak: 3 },
    });
    expect(`${plan.out}${plan.err}${notConfirmed.err}`.includes(TOKEN)).toBe(false);
  });
});

async function withEnv<T>(env: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await run();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
