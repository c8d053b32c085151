import { mkdtempSync, readFileSync } from 'node:fs';
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
import { FakeEa } from '@omni/venue-mt5/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../cli.fixture.js';
import { allText, capture, until } from './live.fixture.js';
import { runLive } from './live.js';

const SECRET = 'live-mt5-bridge-secret-77';
const T0 = 1_700_000_000_000;

/** Buys EURUSD once (decision 0): 1,000 units, stop 20 pips below, one take-profit 10 pips above. */
class OneSpotBuy implements DecisionBrain {
  #n = 0;
  decide(input: DecideInput): AuditableDecision {
    const n = this.#n++;
    const tsMs = input.features.tsMs;
    const price = input.features.price;
    const decision: Decision =
      n === 0
        ? {
            engine: 'spot',
            id: input.decisionId,
            tsMs,
            confidence: 0.6,
            reasons: ['scripted'],
            symbol: 'EURUSD',
            side: 'buy',
            size: 1_000,
            entryPrice: price,
            stopPrice: Math.round((price - 0.002) * 1e5) / 1e5,
            takeProfits: [{ price: Math.round((price + 0.001) * 1e5) / 1e5, fraction: 1 }],
          }
        : { engine: 'none', id: input.decisionId, tsMs, reason: 'scripted hold' };
    return { decision, regimeKey: 'scripted' };
  }
  learn(): void {}
}

let ea: FakeEa | undefined;
afterEach(async () => {
  await ea?.disconnect();
  ea = undefined;
});

describe('omni live --venue mt5 (against the fake OmniBridge EA)', () => {
  it('sends one order at the minimum volume with SL and TP, and settles with the broker’s close', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'omni-live-mt5-'));
    const out = join(dir, 'run');
    const io = capture();
    const config = parseConfig({
      mode: 'micro-live',
      logDir: join(dir, 'logs'),
      credentials: { mt5: { bridgeSecret: SECRET } },
      live: { confirm: true },
    });
    let processed = 0;
    let started = false;
    const run = runLive(
      config,
      { venue: 'mt5', venueConfig: JSON.stringify({ port }), symbol: 'EURUSD', out, maxTicks: 60 },
      io,
      {
        clock: new ManualClock(T0 - 1_000),
        brain: new OneSpotBuy(),
        features: { bars: { kind: 'ticks', count: 1 }, priceWindow: 64 },
        onStarted: () => {
          started = true;
        },
        afterTick: (engine) => {
          processed = engine.runtime.ticks;
        },
      },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${io.text()}`);
    });
    await until(() => started);
    const fake = new FakeEa({ port, secret: SECRET });
    ea = fake;
    expect(await fake.connect()).toBe('welcome');
    await fake.waitFor((m) => m.type === 'subscribe');
    // A steady rise of one pip a second: the take-profit 10 pips above the entry is hit.
    for (let i = 1; i <= 61; i++) {
      const bid = Math.round((1.1 + i * 0.0001) * 1e5) / 1e5;
      fake.tick('EURUSD', bid, Math.round((bid + 0.0001) * 1e5) / 1e5, T0 + i * 1_000);
      if (i > 60) break;
      await until(() => processed >= i);
      if (i >= 33) await fake.waitFor((m) => m.type === 'order');
    }
    const summary = await run;
    const orders = fake.linesOf('order');
    expect(orders.map((o) => [o['client_id'], o['side'], o['volume']])).toEqual([
      ['micro-live-1-1', 'buy', 0.01],
    ]);
    const trades = readFileSync(join(out, 'trades.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { decisionId: string; engine: string; exit: { kind: string }; pnl: number },
      );
    expect(trades.map((t) => [t.decisionId, t.engine, t.exit.kind])).toEqual([
      ['micro-live-1-1', 'spot', 'take-profit'],
    ]);
    expect(summary.byEngine.spot.trades).toBe(1);
    expect(trades[0]?.pnl).toBeGreaterThan(0);
    expect(io.text()).not.toContain('VENUE_STOP_FAILED');
    expect(`${allText(dir)}\n${io.text()}`.includes(SECRET)).toBe(false);
  });
});
