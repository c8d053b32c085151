import { createServer, type Server } from 'node:net';
import { ManualClock } from '@omni/core';
import { takeTicks } from '@omni/feeds';
import { afterEach, describe, expect, it } from 'vitest';
import { omni } from './cli.fixture.js';
import { findVenue, listVenues, openVenueFeed, selectedVenue } from './venues.js';

const setup = { symbol: 'EURUSD', clock: new ManualClock(0), seed: 7, onAlert: () => {} };

describe('selectedVenue', () => {
  it('is a replay (no venue) by default and with --feed replay', () => {
    expect([selectedVenue({}), selectedVenue({ feed: 'replay' })]).toEqual([undefined, undefined]);
  });

  it('reads --feed binance as --venue binance, with --binance-url as its baseUrl', () => {
    const plain = selectedVenue({ feed: 'binance' });
    const local = selectedVenue({ feed: 'binance', binanceUrl: 'ws://127.0.0.1:9' });
    expect([plain?.venue.name, plain?.config]).toEqual(['binance', { streams: ['trade'] }]);
    expect(local?.config).toEqual({ streams: ['trade'], baseUrl: 'ws://127.0.0.1:9' });
  });

  it('takes --venue (over --feed) with its settings from --venue-config', () => {
    const chosen = selectedVenue({
      feed: 'binance',
      venue: 'mt5',
      venueConfig: '{"port":5555,"maxReconnects":3}',
    });
    expect(chosen?.venue).toBe(findVenue('mt5'));
    expect(chosen?.config).toEqual({ port: 5555, maxReconnects: 3 });
  });

  it('refuses an unknown feed or venue and unreadable settings with RUNTIME_BAD_INPUT', () => {
    expect(() => selectedVenue({ feed: 'carrier-pigeon' })).toThrow(/--feed must be replay or binance/);
    expect(() => selectedVenue({ venue: 'deriv' })).toThrow(
      expect.objectContaining({
        code: 'RUNTIME_BAD_INPUT',
        shortMessage: 'unknown venue deriv; known venues: binance, mt5',
      }),
    );
    expect(() => selectedVenue({ venue: 'mt5', venueConfig: '[5555]' })).toThrow(
      expect.objectContaining({ code: 'RUNTIME_BAD_INPUT', context: { venueConfig: '[5555]' } }),
    );
  });

  it("refuses settings the venue's schema rejects with CONFIG_INVALID naming each field", () => {
    expect(() => selectedVenue({ venue: 'mt5', venueConfig: '{"port":"5555"}' })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        details: ['port: Invalid input: expected number, received string'],
      }),
    );
  });
});

describe('openVenueFeed', () => {
  let bridge: Server | undefined;
  afterEach(async () => {
    const server = bridge;
    bridge = undefined;
    if (server) await new Promise((r) => server.close(r));
  });

  it("opens the selected venue's feed for the run's symbol (mt5 against a bridge on 127.0.0.1)", async () => {
    const subscriptions: string[] = [];
    bridge = createServer((socket) => {
      socket.setEncoding('utf8');
      socket.once('data', (line: string) => {
        subscriptions.push(line.trim());
        socket.end(
          `${JSON.stringify({ type: 'tick', symbol: 'EURUSD', time_msc: 1_000, bid: 1.1, ask: 1.1002 })}\n`,
        );
      });
    });
    await new Promise<void>((r) => bridge?.listen(0, '127.0.0.1', r));
    const address = bridge.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const selected = selectedVenue({ venue: 'mt5', venueConfig: JSON.stringify({ port }) });
    if (selected === undefined) throw new TypeError('--venue mt5 selected no venue');
    const feed = openVenueFeed(selected, setup);
    expect(feed.name).toBe('mt5:EURUSD');
    expect(await takeTicks(feed, 1)).toEqual([
      {
        symbol: 'EURUSD',
        tsMs: 1_000,
        price: (1.1 + 1.1002) / 2,
        bid: 1.1,
        ask: 1.1002,
        source: 'mt5:EURUSD',
      },
    ]);
    expect(subscriptions).toEqual(['{"type":"subscribe","symbols":["EURUSD"]}']);
  });
});

describe('omni venues', () => {
  it('lists each venue with what it provides and its settings, as JSON with --json', async () => {
    const run = await omni(['venues', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toEqual(listVenues());
    expect(listVenues().map((v) => [v.name, v.feed, v.executors, v.settings])).toEqual([
      [
        'binance',
        true,
        [],
        ['backoff', 'maxReconnects', 'staleTimeoutMs', 'pingIntervalMs', 'baseUrl', 'streams'],
      ],
      ['mt5', true, [], ['backoff', 'maxReconnects', 'staleTimeoutMs', 'host', 'port', 'maxLineBytes']],
    ]);
  });

  it('prints one block a venue as text', async () => {
    const run = await omni(['venues']);
    expect(run.code).toBe(0);
    expect(run.out.split('\n').filter((l) => !l.startsWith(' '))).toEqual([
      'binance: price feed; executors: none yet',
      'mt5: price feed; executors: none yet',
    ]);
    expect(run.out).toContain(
      '  --venue-config keys: backoff, maxReconnects, staleTimeoutMs, host, port, maxLineBytes',
    );
  });

  it('omni shadow refuses settings the venue rejects with exit 2, naming the field', async () => {
    const run = await omni([
      'shadow',
      '--venue',
      'mt5',
      '--venue-config',
      '{"port":"5555"}',
      '--out',
      '/nonexistent/x',
    ]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('[CONFIG_INVALID] invalid settings for venue mt5');
    expect(run.err).toContain('port: Invalid input: expected number, received string');
  });

  it('omni shadow refuses an unknown venue with exit 2 before writing anything', async () => {
    const run = await omni(['shadow', '--venue', 'deriv', '--out', '/nonexistent/omni-venue-test']);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/unknown venue deriv; known venues: binance, mt5/);
  });
});
