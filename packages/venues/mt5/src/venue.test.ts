import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, Secret } from '@omni/core';
import { parseVenueConfig, type VenueContext } from '@omni/execution';
import { takeTicks } from '@omni/feeds';
import { afterEach, describe, expect, it } from 'vitest';
import { SECRET, T0 } from './bridge-kit.fixture.js';
import { FakeEa } from './fake-ea.fixture.js';
import { mt5Venue, sharedMt5Bridge } from './venue.js';

const credentials = { mt5: { bridgeSecret: new Secret(SECRET) } } as unknown as VenueContext['credentials'];
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('mt5Venue', () => {
  it('fills the defaults and needs a port', () => {
    expect(parseVenueConfig(mt5Venue, { port: 5555 })).toEqual({
      host: '127.0.0.1',
      port: 5555,
      heartbeatIntervalMs: 5_000,
      heartbeatTimeoutMs: 15_000,
      helloTimeoutMs: 10_000,
      maxLineBytes: 65_536,
      orderTimeoutMs: 10_000,
      contractSize: 100_000,
      lotStep: 0.01,
      minLots: 0.01,
      volume: 'from-size',
    });
    expect(() => parseVenueConfig(mt5Venue, {})).toThrow(
      /port: Invalid input: expected number, received undefined/,
    );
    expect(() => parseVenueConfig(mt5Venue, { port: 5555, secret: 'x' })).toThrow(
      /\(root\): Unrecognized key: "secret"/,
    );
  });

  it('refuses to listen without the shared secret (MT5_BRIDGE_SECRET)', () => {
    const config = parseVenueConfig(mt5Venue, { port: 0 });
    const context = { clock: new ManualClock(T0), seed: 1, onAlert: () => {} };
    expect(() => mt5Venue.createExecutors?.(config, context)).toThrow(
      expect.objectContaining({ code: 'MT5_NO_SECRET' }),
    );
  });

  it('shares one bridge between the feed and the executor, with the order book in the state dir', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'mt5-venue-'));
    cleanup.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const config = parseVenueConfig(mt5Venue, { port: 0 });
    const context = {
      clock: new ManualClock(T0),
      seed: 1,
      onAlert: () => {},
      credentials,
      stateDir,
      minimumSizes: true,
    };
    const feed = mt5Venue.createFeed(config, { ...context, symbols: ['EURUSD'] });
    const spot = mt5Venue.createExecutors?.(config, context).spot;
    if (spot === undefined) throw new Error('no spot executor');
    expect(mt5Venue.executorMarkets).toEqual(['spot']);
    expect(sharedMt5Bridge(config, context)).toBe(sharedMt5Bridge(config, context));
    await spot.start?.();
    cleanup.push(() => spot.stop?.());
    const ticks = takeTicks(feed, 1);
    cleanup.push(() => feed.stop());
    const port = sharedMt5Bridge(config, context).address.port;
    const ea = new FakeEa({ port, secret: SECRET });
    cleanup.push(() => ea.disconnect());
    const healthy = new Promise<void>((resolve) => spot.onHealth?.((h) => h.ok && resolve()));
    expect(await ea.connect()).toBe('welcome');
    await healthy;
    await ea.waitFor((m) => m.type === 'subscribe');
    ea.tick('EURUSD', 1.0999, 1.1, T0);
    expect((await ticks).map((t) => t.price)).toEqual([(1.0999 + 1.1) / 2]);
    const tick = { symbol: 'EURUSD', tsMs: T0, price: 1.1, source: 'mt5:EURUSD' };
    const decision = {
      engine: 'spot' as const,
      id: 'd1',
      tsMs: T0,
      confidence: 0.5,
      reasons: [],
      symbol: 'EURUSD',
      side: 'buy' as const,
      size: 50_000,
      entryPrice: 1.1,
      stopPrice: 1.098,
      takeProfits: [{ price: 1.103, fraction: 1 }],
    };
    expect((await spot.execute(decision, tick)).status).toBe('accepted');
    // micro-live: the minimum volume, whatever the size.
    expect((await ea.waitFor((m) => m.type === 'order'))['volume']).toBe(0.01);
    const file = join(stateDir, 'orders-mt5.json');
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).orders[0]).toMatchObject({
      decisionId: 'd1',
      venue: 'mt5',
    });
  });
});
