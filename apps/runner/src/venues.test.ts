import { ManualClock, parseConfig } from '@omni/core';
import { takeTicks } from '@omni/feeds';
import { type Mt5VenueConfig, sharedMt5Bridge } from '@omni/venue-mt5';
import { FakeEa } from '@omni/venue-mt5/testing';
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
    expect(chosen?.config).toMatchObject({ host: '127.0.0.1', port: 5555, maxReconnects: 3 });
  });

  it('refuses an unknown feed or venue and unreadable settings with RUNTIME_BAD_INPUT', () => {
    expect(() => selectedVenue({ feed: 'carrier-pigeon' })).toThrow(/--feed must be replay or binance/);
    expect(() => selectedVenue({ venue: 'pocketoption' })).toThrow(
      expect.objectContaining({
        code: 'RUNTIME_BAD_INPUT',
        shortMessage: 'unknown venue pocketoption; known venues: binance, mt5, deriv, binary-ws, evm',
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
  let ea: FakeEa | undefined;
  afterEach(async () => {
    await ea?.disconnect();
    ea = undefined;
  });

  it('refuses to open the mt5 bridge without the shared secret', () => {
    const selected = selectedVenue({ venue: 'mt5', venueConfig: JSON.stringify({ port: 0 }) });
    if (selected === undefined) throw new TypeError('--venue mt5 selected no venue');
    expect(() => openVenueFeed(selected, setup)).toThrow(expect.objectContaining({ code: 'MT5_NO_SECRET' }));
  });

  it("opens the selected venue's feed for the run's symbol (mt5: the bridge the OmniBridge EA connects to)", async () => {
    const selected = selectedVenue({ venue: 'mt5', venueConfig: JSON.stringify({ port: 0 }) });
    if (selected === undefined) throw new TypeError('--venue mt5 selected no venue');
    const credentials = parseConfig({
      credentials: { mt5: { bridgeSecret: 'venue-test-secret' } },
    }).credentials;
    const feed = openVenueFeed(selected, { ...setup, credentials });
    expect(feed.name).toBe('mt5:EURUSD');
    await feed.start();
    // The feed's bridge: the one the venue shares per host:port (the executor gets the same).
    const bridge = sharedMt5Bridge(selected.config as Mt5VenueConfig, { ...setup, credentials });
    ea = new FakeEa({ port: bridge.address.port, secret: 'venue-test-secret' });
    expect(await ea.connect()).toBe('welcome');
    await ea.waitFor((m) => m.type === 'subscribe');
    ea.tick('EURUSD', 1.1, 1.1002, 1_000);
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
    expect(ea.linesOf('subscribe').map((m) => m['symbols'])).toEqual([['EURUSD']]);
    await feed.stop();
  });
});

describe('omni venues', () => {
  it('lists each venue with what it provides and its settings, as JSON with --json', async () => {
    const run = await omni(['venues', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toEqual(listVenues());
    expect(listVenues().map((v) => [v.name, v.feed, v.executors, v.settings.slice(0, 4)])).toEqual([
      ['binance', true, [], ['backoff', 'maxReconnects', 'staleTimeoutMs', 'pingIntervalMs']],
      ['mt5', true, ['spot'], ['host', 'port', 'heartbeatIntervalMs', 'heartbeatTimeoutMs']],
      ['deriv', true, ['binary'], ['backoff', 'maxReconnects', 'staleTimeoutMs', 'pingIntervalMs']],
      ['binary-ws', true, ['binary'], ['backoff', 'maxReconnects', 'staleTimeoutMs', 'pingIntervalMs']],
      ['evm', true, ['arbitrage'], ['routes', 'chainId', 'executorAddress', 'ethUsd']],
    ]);
    expect(listVenues().find((v) => v.name === 'binary-ws')?.settings).toContain('protocolFile');
  });

  it('prints one block a venue as text', async () => {
    const run = await omni(['venues']);
    expect(run.code).toBe(0);
    expect(run.out.split('\n').filter((l) => !l.startsWith(' '))).toEqual([
      'binance: price feed; executors: none',
      'mt5: price feed; executors: spot',
      'deriv: price feed; executors: binary',
      'binary-ws: price feed; executors: binary',
      'evm: price feed; executors: arbitrage',
    ]);
    expect(run.out).toContain('  --venue-config keys: host, port, heartbeatIntervalMs');
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
    const run = await omni(['shadow', '--venue', 'pocketoption', '--out', '/nonexistent/omni-venue-test']);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/unknown venue pocketoption; known venues: binance, mt5, deriv, binary-ws, evm/);
  });
});
