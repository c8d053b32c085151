import { ManualClock } from '@omni/core';
import { parseVenueConfig } from '@omni/execution';
import { takeTicks } from '@omni/feeds';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge, tickLine } from './fake-bridge.fixture.js';
import type { Mt5BridgeFeed } from './mt5-bridge-feed.js';
import { mt5Venue } from './venue.js';

const request = { clock: new ManualClock(0), seed: 42, onAlert: () => {} };

let bridge: FakeBridge | undefined;
let feed: Mt5BridgeFeed | undefined;
afterEach(async () => {
  await feed?.stop();
  await bridge?.close();
});

describe('mt5Venue', () => {
  it('subscribes the requested symbols on the configured bridge', async () => {
    bridge = new FakeBridge();
    const port = await bridge.listen();
    bridge.onConnect((socket) => socket.write(tickLine('XAUUSD', 1_000, 2000.1, 2000.5)));
    feed = mt5Venue.createFeed(parseVenueConfig(mt5Venue, { host: '127.0.0.1', port }), {
      ...request,
      symbols: ['EURUSD', 'XAUUSD'],
    });
    const ticks = await takeTicks(feed, 1);
    expect(bridge.received[0]).toBe('{"type":"subscribe","symbols":["EURUSD","XAUUSD"]}');
    expect(feed.name).toBe('mt5:EURUSD,XAUUSD');
    expect(ticks).toEqual([
      {
        symbol: 'XAUUSD',
        tsMs: 1_000,
        price: 2000.3,
        bid: 2000.1,
        ask: 2000.5,
        volume: 0,
        source: 'mt5:XAUUSD',
      },
    ]);
  });

  it('needs the bridge port, as a whole number in range', () => {
    expect(() => parseVenueConfig(mt5Venue, {})).toThrow(
      /port: Invalid input: expected number, received undefined/,
    );
    expect(() => parseVenueConfig(mt5Venue, { port: 70_000 })).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        code: 'CONFIG_INVALID',
        details: ['port: Too big: expected number to be <=65535'],
      }),
    );
  });

  it('takes the shared connection settings but no ping interval (the bridge sends heartbeats)', () => {
    const settings = { port: 5555, backoff: { initialMs: 50 }, maxReconnects: 3, staleTimeoutMs: 5_000 };
    expect(parseVenueConfig(mt5Venue, settings)).toEqual(settings);
    expect(() => parseVenueConfig(mt5Venue, { port: 5555, pingIntervalMs: 1_000 })).toThrow(
      /\(root\): Unrecognized key: "pingIntervalMs"/,
    );
  });
});
