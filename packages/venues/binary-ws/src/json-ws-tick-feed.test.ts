import { ManualScheduler } from '@omni/connection';
import { Secret, type Tick } from '@omni/core';
import { takeTicks } from '@omni/feeds';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAcme } from './fake-acme.fixture.js';
import { JsonWsTickFeed } from './json-ws-tick-feed.js';
import { ACME, AlertLog, T0_MS, TOKEN } from './test-support.fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('JsonWsTickFeed', () => {
  it('logs in and subscribes again after a reconnect, then keeps delivering quotes', async () => {
    const server = new FakeAcme(TOKEN);
    cleanups.push(() => server.close());
    const url = await server.ready();
    const scheduler = new ManualScheduler(T0_MS);
    const log = new AlertLog();
    const feed = new JsonWsTickFeed({
      protocol: ACME,
      url: new Secret(url),
      token: new Secret(TOKEN),
      symbols: ['EURUSD'],
      clock: scheduler,
      scheduler,
      seed: 1,
      backoff: { initialMs: 250, jitter: 0 },
      onAlert: log.sink,
    });
    cleanups.push(() => feed.stop());
    const ticks: Promise<Tick[]> = takeTicks(feed, 2);
    await server.waitForOp('quotes');
    server.quote('EURUSD', 1.0842, T0_MS + 1);
    const reconnecting = log.waitFor((a) => a.message.includes('reconnecting in 250 ms'));
    server.dropAll();
    await reconnecting;
    scheduler.advance(250);
    await server.waitForOp('quotes', 2);
    server.quote('EURUSD', 1.0845, T0_MS + 2);
    expect(await ticks).toEqual([
      { symbol: 'EURUSD', tsMs: T0_MS + 1, price: 1.0842, source: 'binary-ws:acme' },
      { symbol: 'EURUSD', tsMs: T0_MS + 2, price: 1.0845, source: 'binary-ws:acme' },
    ]);
    expect(server.frames).toEqual([
      { op: 'login', rid: 1, apiKey: TOKEN },
      { op: 'quotes', rid: 2, asset: 'EURUSD' },
      { op: 'login', rid: 3, apiKey: TOKEN },
      { op: 'quotes', rid: 4, asset: 'EURUSD' },
    ]);
    expect(log.alerts.map((a) => a.message)).toEqual([
      'socket closed (code 1006); reconnecting in 250 ms',
      'reconnected and resubscribed',
    ]);
  });

  it('skips an error reply with an alert that does not show the token', async () => {
    const server = new FakeAcme('another-key-999999');
    cleanups.push(() => server.close());
    const url = await server.ready();
    const log = new AlertLog();
    const feed = new JsonWsTickFeed({
      protocol: ACME,
      url: new Secret(url),
      token: new Secret(TOKEN),
      symbols: ['EURUSD'],
      onAlert: log.sink,
    });
    cleanups.push(() => feed.stop());
    await feed.start();
    const refused = await log.waitFor((a) => a.code === 'FEED_PROTOCOL');
    expect(refused.message).toBe('skipped: acme answered with error BAD_KEY');
    expect(JSON.stringify(log.alerts)).not.toContain(TOKEN);
    expect(JSON.stringify(log.alerts)).toContain('[redacted]');
  });
});
