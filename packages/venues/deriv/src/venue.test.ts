import { ManualClock, Secret } from '@omni/core';
import { parseVenueConfig } from '@omni/execution';
import { takeTicks } from '@omni/feeds';
import { afterEach, describe, expect, it } from 'vitest';
import type { DerivFeed } from './deriv-feed.js';
import { fakeServer } from './test-kit.fixture.js';
import { createDerivBroker, derivVenue } from './venue.js';
import { type DerivVenueTestStep, runDerivVenueTest } from './venue-test.js';

const context = { clock: new ManualClock(1_700_000_000_000), seed: 42, onAlert: () => {} };

let feed: DerivFeed | undefined;
afterEach(async () => {
  await feed?.stop();
  feed = undefined;
});

describe('derivVenue', () => {
  it('is a binary venue with defaults for every setting', () => {
    expect(derivVenue.executorMarkets).toEqual(['binary']);
    expect(parseVenueConfig(derivVenue, {})).toEqual({ minStake: 0.35 });
  });

  it('refuses bad settings with CONFIG_INVALID listing each field', () => {
    expect(() =>
      parseVenueConfig(derivVenue, { wsUrl: 'http://example.org', appId: 'x', minStake: 0, token: 'no' }),
    ).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        details: [
          'wsUrl: expected a ws:// or wss:// URL',
          'appId: must be the numeric Deriv app id',
          'minStake: Too small: expected number to be >0',
          '(root): Unrecognized key: "token"',
        ],
      }),
    );
  });

  it('opens a feed of the mapped symbols, with the endpoint from the credentials', async () => {
    const server = await fakeServer({ symbols: { frxEURUSD: 1.0842 } });
    const config = parseVenueConfig(derivVenue, { symbols: { EURUSD: 'frxEURUSD' } });
    feed = derivVenue.createFeed(config, {
      ...context,
      symbols: ['EURUSD'],
      credentials: { deriv: { wsUrl: server.url, appId: '4242' } } as never,
    });
    const [tick] = await takeTicks(feed, 1);
    expect(tick).toMatchObject({ symbol: 'frxEURUSD', price: 1.0842, source: 'deriv:frxEURUSD' });
    expect(server.appIds).toEqual(['4242']);
  });

  it('creates a broker from the credentials token and the settings, and refuses one without a token', async () => {
    const server = await fakeServer();
    const config = parseVenueConfig(derivVenue, { wsUrl: server.url, appId: '77', minStake: 0.5 });
    const broker = createDerivBroker(config, {
      ...context,
      credentials: { deriv: { token: new Secret(server.token) } } as never,
    });
    expect(await broker.connect()).toEqual({ currency: 'USD', balance: 10_000, accountId: 'VRTC1000001' });
    expect({ minStake: broker.minStake, appIds: server.appIds }).toEqual({ minStake: 0.5, appIds: ['77'] });
    await broker.close();
    const executors = derivVenue.createExecutors?.(config, {
      ...context,
      credentials: { deriv: { token: new Secret(server.token) } } as never,
    });
    expect(Object.keys(executors ?? {})).toEqual(['binary']);
    expect(() => createDerivBroker(config, { ...context, credentials: { deriv: {} } as never })).toThrow(
      expect.objectContaining({ code: 'DERIV_BAD_OPTION' }),
    );
  });
});

describe('runDerivVenueTest', () => {
  it('connects, authorizes, reads the balance, receives ticks, prices, buys and follows to settlement', async () => {
    const server = await fakeServer();
    server.waitFor('ticks').then(() => {
      server.emitTick();
      server.emitTick();
    });
    server.waitFor('proposal_open_contract').then(() => {
      for (let i = 0; i < 6; i++) server.emitTick();
    });
    const steps: DerivVenueTestStep[] = [];
    const result = await runDerivVenueTest(
      { appId: '1089', wsUrl: server.url, token: new Secret(server.token), order: true },
      (step) => steps.push(step),
    );
    const truth = server.market.contracts.get(250_000_001);
    expect(steps).toEqual(['connect', 'authorize', 'balance', 'ticks', 'proposal', 'buy', 'settlement']);
    expect(result).toEqual({
      authorized: true,
      currency: 'USD',
      balance: 10_000,
      ticks: 3,
      proposal: { id: 'fake-proposal-000001', askPrice: 1, payout: 1.95 },
      contract: { id: 250_000_001, buyPrice: 1, status: truth?.status, profit: truth?.profit },
    });
    expect(server.requests('buy')).toEqual([
      { buy: 'fake-proposal-000001', price: 1, passthrough: { clientId: 'venue-test' }, req_id: 6 },
    ]);
  });

  it('prices without buying when no order is asked', async () => {
    const server = await fakeServer();
    server.waitFor('ticks').then(() => server.emitTick());
    const result = await runDerivVenueTest(
      { appId: '1089', wsUrl: server.url, token: new Secret(server.token), ticks: 2, stake: 2 },
      () => {},
    );
    expect(result).toEqual({
      authorized: true,
      currency: 'USD',
      balance: 10_000,
      ticks: 2,
      proposal: { id: 'fake-proposal-000001', askPrice: 2, payout: 3.9 },
    });
    expect(server.requests('buy')).toEqual([]);
  });

  it.each([
    ['balance', 'balance', 'InternalServerError', 'DERIV_BROKER_ERROR'],
    ['ticks', 'ticks', 'MarketIsClosed', 'DERIV_REFUSED'],
    ['proposal', 'proposal', 'ContractBuyValidationError', 'DERIV_REFUSED'],
  ] as const)('rejects DERIV_STEP_FAILED naming the %s step', async (step, call, brokerCode, causeCode) => {
    const server = await fakeServer();
    server.waitFor('ticks').then(() => {
      server.emitTick();
      server.emitTick();
    });
    server.failNext(call, brokerCode, 'refused by the fake server');
    const err = await runDerivVenueTest(
      { appId: '1089', wsUrl: server.url, token: new Secret(server.token) },
      () => {},
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'DerivError',
      code: 'DERIV_STEP_FAILED',
      context: { step, causeCode },
    });
    expect((err as Error).cause).toMatchObject({ context: { brokerCode } });
  });
});
