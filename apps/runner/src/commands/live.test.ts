import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { omni, withEnv } from '../cli.fixture.js';
import { writeAllowance } from '../live-allowance.js';
import { allText, LiveDerivRig, ScriptedBrain, TOKEN, until } from './live.fixture.js';

let rig: LiveDerivRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('omni live --venue deriv (against a local fake Deriv server)', () => {
  it('trades binary contracts at the broker, settles them with its numbers, buys each decision once, and leaks no secret', async () => {
    const r = await LiveDerivRig.start();
    rig = r;
    const brain = new ScriptedBrain([0, 10]); // decisions start at tick 33 (a 32-price window)
    const run = r.run(brain, { maxTicks: 80 });
    await r.ticksTo(32);
    r.liveBuys = 1;
    await r.ticksTo(42);
    r.liveBuys = 2;
    await r.ticksTo(80);
    r.finish();
    const summary = await run;
    const trades = r.trades();
    const contracts = [...r.server.market.contracts.values()];
    expect(trades.map((t) => [t.decisionId, t.rule.startsWith('binary-deriv-'), t.stake])).toEqual([
      ['micro-live-1-1', true, 0.35],
      ['micro-live-1-11', true, 0.35],
    ]);
    // The broker's own profit, to the cent, for each decision's contract.
    expect(trades.map((t) => t.pnl)).toEqual(
      trades.map((t) => contracts.find((c) => c.clientId === t.decisionId)?.profit),
    );
    expect(trades.map((t) => r.server.buysFor(t.decisionId))).toEqual([1, 1]);
    expect([summary.trades, summary.run.mode, summary.byEngine.binary.trades]).toEqual([2, 'micro-live', 2]);
    const book = JSON.parse(readFileSync(join(r.dir, 'logs', 'state', 'orders-deriv.json'), 'utf8')) as {
      orders: { state: string }[];
    };
    expect(book.orders.map((o) => o.state)).toEqual(['closed', 'closed']);
    expect(r.alertCodes()).toContain('VENUE_CONNECTED');
    expect(`${allText(r.dir)}\n${r.io.text()}`.includes(TOKEN)).toBe(false);
    // A restart gets a folder of its own (its state carries over in <logDir>/state).
    await expect(r.run(new ScriptedBrain([]), { maxTicks: 1 })).rejects.toThrow(
      /holds an earlier session; give a new --out/,
    );
  });

  it('falls back to shadow when the broker drops (runbook 5.1), and trades live again only when it is back and an operator allows it', async () => {
    const r = await LiveDerivRig.start();
    rig = r;
    const brain = new ScriptedBrain([0, 10, 20]);
    const run = r.run(brain, {
      maxTicks: 80,
      venueConfig: JSON.stringify({ backoff: { initialMs: 50, jitter: 0 } }),
    });
    await r.ticksTo(32);
    r.liveBuys = 1;
    await r.ticksTo(35);
    r.server.dropAuthorized(); // the trading connection; the public tick feed stays up
    await until(() => r.io.text().includes('VENUE_FAILOVER'));
    await r.ticksTo(43); // decision 10: in shadow
    await until(() => r.io.text().includes('VENUE_RECOVERED'));
    await r.ticksTo(45); // healthy, but still shadow: no operator yet
    writeAllowance(join(r.dir, 'logs', 'state'), 'deriv', {
      tsMs: r.clock.nowMs(),
      operator: 'test-operator',
      reason: 'reconnected; account checked',
    });
    await r.ticksTo(52);
    r.liveBuys = 2;
    await r.ticksTo(80); // decision 20 at tick 53: live again
    r.finish();
    await run;
    const trades = r.trades();
    expect(trades.map((t) => [t.decisionId, t.rule.split('-').slice(0, 2).join('-')])).toEqual([
      ['micro-live-1-1', 'binary-deriv'],
      ['micro-live-1-11', 'binary-expiry'],
      ['micro-live-1-21', 'binary-deriv'],
    ]);
    expect(trades.map((t) => r.server.buysFor(t.decisionId))).toEqual([1, 0, 1]);
    expect(r.alertCodes().filter((c) => /^VENUE_(FAILOVER|RECOVERED|LIVE_RESUMED)$/.test(c))).toEqual([
      'VENUE_FAILOVER',
      'VENUE_RECOVERED',
      'VENUE_LIVE_RESUMED',
    ]);
    // The contract bought before the drop was followed again after the reconnect and settled by the broker.
    expect(r.server.authorizations).toBeGreaterThanOrEqual(2);
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
