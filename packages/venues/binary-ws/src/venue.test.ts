import { CredentialsSchema, ManualClock, type Tick } from '@omni/core';
import { parseVenueConfig, type VenueContext } from '@omni/execution';
import { takeTicks } from '@omni/feeds';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAcme } from './fake-acme.fixture.js';
import type { JsonWsTickFeed } from './json-ws-tick-feed.js';
import { ACME_FILE, AlertLog, T0_MS, TOKEN } from './test-support.fixture.js';
import { binaryWsVenue, createBinaryWsBroker } from './venue.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A venue context whose credentials hold POCKET_TOKEN / POCKET_BASE_URL as the config loader makes them (Secrets). */
function context(pocket: { token?: string; baseUrl?: string }, log = new AlertLog()): VenueContext {
  const credentials = CredentialsSchema.parse({ pocket });
  return { clock: new ManualClock(T0_MS), seed: 3, onAlert: log.sink, credentials };
}

describe('binaryWsVenue', () => {
  it('reads protocolFile when the settings are parsed and names bad protocol fields under it', () => {
    const config = parseVenueConfig(binaryWsVenue, {
      protocolFile: ACME_FILE,
      symbols: { EURUSD: 'EURUSD_otc' },
    });
    expect(config.protocol.venue).toBe('acme');
    expect(binaryWsVenue.executorMarkets).toEqual(['binary']);
    const acme = JSON.parse(JSON.stringify(config.protocol)) as {
      minStake: number;
      contract: { buyPrice: string };
    };
    acme.minStake = -1;
    acme.contract.buyPrice = 'costt';
    expect(() => parseVenueConfig(binaryWsVenue, { protocol: acme })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        details: [
          'protocol.minStake: Too small: expected number to be >0',
          'protocol.contract.buyPrice: costt is not a number in operations.buy.example',
          'protocol.contract.buyPrice: costt is not a number in operations.follow.updates.example',
          'protocol.contract.buyPrice: costt is not a number in operations.contractsSince.example (trades.0)',
        ],
      }),
    );
    expect(() => parseVenueConfig(binaryWsVenue, {})).toThrow(
      expect.objectContaining({
        details: ['(root): set one of protocol (inline) or protocolFile (a JSON file)'],
      }),
    );
    expect(() => parseVenueConfig(binaryWsVenue, { protocolFile: `${ACME_FILE}.missing` })).toThrow(
      expect.objectContaining({
        details: [`protocolFile: ${ACME_FILE}.missing: cannot read the binary-ws protocol file`],
      }),
    );
  });

  it('builds a broker from POCKET_TOKEN and POCKET_BASE_URL that logs in to the platform', async () => {
    const server = new FakeAcme(TOKEN);
    cleanups.push(() => server.close());
    const url = await server.ready();
    const config = parseVenueConfig(binaryWsVenue, { protocolFile: ACME_FILE });
    const broker = createBinaryWsBroker(config, context({ token: TOKEN, baseUrl: url }));
    cleanups.push(() => broker.close());
    expect(broker.venue).toBe('acme');
    expect(broker.minStake).toBe(1);
    expect(await broker.connect()).toEqual({ currency: 'USD', balance: 1000, accountId: 'ACME-42' });
  });

  it('refuses to build a broker without a token or an endpoint, naming the variable and not the value', () => {
    const config = parseVenueConfig(binaryWsVenue, { protocolFile: ACME_FILE });
    expect(() => createBinaryWsBroker(config, context({}))).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        shortMessage: 'POCKET_TOKEN is not set: the binary-ws venue logs in with it',
      }),
    );
    expect(() => createBinaryWsBroker(config, context({ token: TOKEN }))).toThrow(
      expect.objectContaining({
        shortMessage: 'no endpoint: set url in the venue settings or POCKET_BASE_URL',
      }),
    );
    const https = 'https://api.example.org/secret-key-123456';
    let caught: unknown;
    try {
      createBinaryWsBroker(config, context({ token: TOKEN, baseUrl: https }));
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({
      shortMessage: 'POCKET_BASE_URL must be a ws:// or wss:// URL for the binary-ws venue',
    });
    expect(JSON.stringify(caught)).not.toContain('secret-key-123456');
  });

  it('streams the platform quotes as ticks named as the engine asked, after logging in and subscribing each mapped symbol', async () => {
    const server = new FakeAcme(TOKEN);
    cleanups.push(() => server.close());
    const url = await server.ready();
    const config = parseVenueConfig(binaryWsVenue, {
      protocolFile: ACME_FILE,
      url,
      symbols: { EURUSD: 'EURUSD_otc' },
    });
    const log = new AlertLog();
    const feed: JsonWsTickFeed = binaryWsVenue.createFeed(config, {
      ...context({ token: TOKEN }, log),
      symbols: ['EURUSD', 'GBPUSD'],
    });
    cleanups.push(() => feed.stop());
    const ticks: Promise<Tick[]> = takeTicks(feed, 2);
    await server.waitForOp('quotes', 2);
    expect(server.frames).toEqual([
      { op: 'login', rid: 1, apiKey: TOKEN },
      { op: 'quotes', rid: 2, asset: 'EURUSD_otc' },
      { op: 'quotes', rid: 3, asset: 'GBPUSD' },
    ]);
    server.raw('{"type":"quote","asset":"EURUSD_otc","price":"x","t":1}');
    server.quote('EURUSD_otc', 1.0842, T0_MS + 5);
    server.quote('GBPUSD', 1.2712, T0_MS + 9);
    expect(await ticks).toEqual([
      { symbol: 'EURUSD', tsMs: T0_MS + 5, price: 1.0842, source: 'binary-ws:acme' },
      { symbol: 'GBPUSD', tsMs: T0_MS + 9, price: 1.2712, source: 'binary-ws:acme' },
    ]);
    expect(log.alerts.map((a) => [a.code, a.message])).toEqual([
      ['FEED_PROTOCOL', 'skipped: a quote without a symbol, a price or bid/ask, or a time'],
    ]);
  });

  it('throws BINARY_WS_NO_FEED for a platform whose protocol has no tick subscription', () => {
    const config = parseVenueConfig(binaryWsVenue, { protocolFile: ACME_FILE, url: 'ws://127.0.0.1:1' });
    const { ticks: _ticks, ...operations } = config.protocol.operations;
    const noTicks = { ...config, protocol: { ...config.protocol, operations } };
    expect(() => binaryWsVenue.createFeed(noTicks, { ...context({}), symbols: ['EURUSD'] })).toThrow(
      expect.objectContaining({
        code: 'BINARY_WS_NO_FEED',
        shortMessage: expect.stringMatching(
          /^acme gives no price feed \(its protocol has no operations\.ticks\)/,
        ),
      }),
    );
  });
});
