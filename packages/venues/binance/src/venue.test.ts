import { ManualClock } from '@omni/core';
import { parseVenueConfig } from '@omni/execution';
import { takeTicks } from '@omni/feeds';
import { afterEach, describe, expect, it } from 'vitest';
import type { BinanceFeed } from './binance-feed.js';
import { bookTicker, FakeBinance, trade } from './fake-binance.fixture.js';
import { binanceVenue } from './venue.js';

const request = { clock: new ManualClock(1_700_000_000_500), seed: 42, onAlert: () => {} };

let server: FakeBinance | undefined;
let feed: BinanceFeed | undefined;
afterEach(async () => {
  await feed?.stop();
  await server?.close();
});

describe('binanceVenue', () => {
  it('opens every configured stream of every symbol on one connection', async () => {
    server = new FakeBinance();
    const baseUrl = await server.ready();
    server.onConnect((ws) => {
      ws.send(trade('ETHUSDT', 1, '2000.5', '0.25', 1_700_000_000_000));
      ws.send(bookTicker('BTCUSDT', 7, '42000.00', '42000.20'));
    });
    const config = parseVenueConfig(binanceVenue, { baseUrl, streams: ['trade', 'bookTicker'] });
    feed = binanceVenue.createFeed(config, { ...request, symbols: ['btcusdt', 'ETHUSDT'] });
    const ticks = await takeTicks(feed, 2);
    expect(server.urls).toEqual([
      '/stream?streams=btcusdt@trade/btcusdt@bookTicker/ethusdt@trade/ethusdt@bookTicker',
    ]);
    expect(feed.name).toBe('binance:btcusdt@trade/btcusdt@bookTicker/ethusdt@trade/ethusdt@bookTicker');
    expect(ticks).toEqual([
      {
        symbol: 'ETHUSDT',
        tsMs: 1_700_000_000_000,
        price: 2000.5,
        volume: 0.25,
        source: 'binance:ethusdt@trade',
      },
      {
        symbol: 'BTCUSDT',
        tsMs: 1_700_000_000_500,
        price: 42000.1,
        bid: 42000,
        ask: 42000.2,
        source: 'binance:btcusdt@bookTicker',
      },
    ]);
  });

  it('defaults to trade streams on Binance itself', () => {
    const config = parseVenueConfig(binanceVenue, {});
    expect(config).toEqual({ streams: ['trade'] });
    const idle = binanceVenue.createFeed(config, { ...request, symbols: ['btcusdt'] });
    expect(idle.url()).toBe('wss://stream.binance.com:9443/stream?streams=btcusdt@trade');
  });

  it('refuses bad settings with CONFIG_INVALID listing each field', () => {
    const bad = { baseUrl: 'http://example.com', streams: ['kline'], apiKey: 'x' };
    expect(() => parseVenueConfig(binanceVenue, bad)).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        code: 'CONFIG_INVALID',
        context: { venue: 'binance' },
        details: [
          'baseUrl: expected a ws:// or wss:// URL',
          'streams.0: Invalid option: expected one of "trade"|"bookTicker"',
          '(root): Unrecognized key: "apiKey"',
        ],
      }),
    );
  });
});
