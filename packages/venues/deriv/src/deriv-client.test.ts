import { backoffDelayMs, ManualScheduler } from '@omni/connection';
import { Rng, Secret } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { DerivClient } from './deriv-client.js';
import { DerivError } from './deriv-error.js';
import { clientOf, fakeServer, nextLinkState } from './test-kit.fixture.js';

describe('DerivClient', () => {
  it('connects with the app id, authorizes, and stamps an increasing req_id on every request', async () => {
    const server = await fakeServer({ balance: 250.5, loginid: 'VRTC7777' });
    const { client } = clientOf(server);
    const account = await client.connect();
    const balance = await client.request('balance', { balance: 1 });
    const ticks = await client.request('ticks', { ticks: 'R_100' });
    expect(account).toEqual({ loginid: 'VRTC7777', currency: 'USD', balance: 250.5 });
    expect(balance['balance']).toEqual({ balance: 250.5, currency: 'USD', loginid: 'VRTC7777' });
    expect(ticks.msg_type).toBe('tick');
    expect(server.appIds).toEqual(['1089']);
    expect(server.received.map((m) => m['req_id'])).toEqual([1, 2, 3]);
    expect(client.url).toBe(`${server.url}?app_id=1089`);
  });

  it('refuses a non-numeric app id before opening anything', () => {
    expect(() => new DerivClient({ appId: 'abc' })).toThrow(
      expect.objectContaining({ code: 'DERIV_BAD_OPTION' }),
    );
  });

  it('rejects an unanswered request with DERIV_TIMEOUT at its deadline (injected scheduler)', async () => {
    const server = await fakeServer();
    const scheduler = new ManualScheduler(1_700_000_000_000);
    const { client } = clientOf(server, { scheduler, requestTimeoutMs: 2_000 });
    await client.connect();
    server.ignorePings();
    const pong = client.request('ping', { ping: 1 }).catch((err: unknown) => err);
    await server.waitFor('ping');
    scheduler.advance(2_000);
    expect(await pong).toMatchObject({
      name: 'DerivError',
      code: 'DERIV_TIMEOUT',
      context: { call: 'ping', timeoutMs: 2_000 },
    });
  });

  it('drops the link when a keep-alive ping gets no pong, reconnects and re-authorizes', async () => {
    const server = await fakeServer();
    const scheduler = new ManualScheduler(0);
    const { client, alerts } = clientOf(server, {
      scheduler,
      pingIntervalMs: 1_000,
      requestTimeoutMs: 500,
      backoff: { initialMs: 100, maxMs: 100, jitter: 0 },
    });
    await client.connect();
    server.ignorePings();
    const down = nextLinkState(client, (s) => !s.up);
    scheduler.advance(1_000);
    await server.waitFor('ping');
    scheduler.advance(500);
    expect(await down).toEqual({ up: false, reason: 'socket closed (code 1006); reconnecting' });
    server.ignorePings(false);
    const up = nextLinkState(client, (s) => s.up);
    scheduler.advance(100);
    expect(await up).toEqual({ up: true });
    expect({ connections: server.connections, authorizations: server.authorizations }).toEqual({
      connections: 2,
      authorizations: 2,
    });
    expect(alerts.codes()).toEqual(['DERIV_TIMEOUT', 'DERIV_DISCONNECTED', 'DERIV_CONNECTED']);
  });

  it('retries a rate-limited read after the seeded backoff and succeeds', async () => {
    const server = await fakeServer();
    const rateLimitBackoff = { initialMs: 3, maxMs: 10, jitter: 0.5 };
    const { client, alerts } = clientOf(server, { rateLimitBackoff, seed: 5 });
    await client.connect();
    server.rateLimitNext(2);
    const balance = await client.request('balance', { balance: 1 });
    const rng = new Rng(5).fork('deriv/rate-limit');
    const delays = [backoffDelayMs(0, rateLimitBackoff, rng), backoffDelayMs(1, rateLimitBackoff, rng)];
    expect(balance['balance']).toMatchObject({ balance: 10_000 });
    expect(server.requests('balance')).toHaveLength(3);
    expect(alerts.list.map((a) => a.context)).toEqual([
      { call: 'balance', attempt: 1, delayMs: delays[0] },
      { call: 'balance', attempt: 2, delayMs: delays[1] },
    ]);
  });

  it('gives up on a read after maxRateLimitRetries with DERIV_RATE_LIMITED', async () => {
    const server = await fakeServer();
    const { client } = clientOf(server, { rateLimitBackoff: { initialMs: 1 }, maxRateLimitRetries: 1 });
    await client.connect();
    server.rateLimitNext(2);
    await expect(client.request('portfolio', { portfolio: 1 })).rejects.toMatchObject({
      code: 'DERIV_RATE_LIMITED',
      context: { brokerCode: 'RateLimit', call: 'portfolio' },
    });
    expect(server.requests('portfolio')).toHaveLength(2);
  });

  it('never retries a rate-limited buy', async () => {
    const server = await fakeServer();
    const { client } = clientOf(server, { rateLimitBackoff: { initialMs: 1 } });
    await client.connect();
    server.rateLimitNext(1);
    await expect(client.request('buy', { buy: 'fake-proposal-000001', price: 1 })).rejects.toMatchObject({
      code: 'DERIV_RATE_LIMITED',
    });
    expect(server.requests('buy')).toHaveLength(1);
  });

  it('alerts on a malformed frame and on one that is not a Deriv answer, and keeps working', async () => {
    const server = await fakeServer();
    const { client, alerts } = clientOf(server);
    await client.connect();
    server.sendRaw('{"msg_type": "tick", oops');
    server.sendRaw('[1,2,3]');
    const balance = await client.request('balance', { balance: 1 });
    expect(balance.msg_type).toBe('balance');
    expect(alerts.list.map((a) => [a.code, a.message, a.context?.['frame']])).toEqual([
      ['DERIV_PROTOCOL', 'skipped a frame that is not JSON', '{"msg_type": "tick", oops'],
      ['DERIV_PROTOCOL', 'skipped a frame that is not a Deriv answer', '[1,2,3]'],
    ]);
  });

  it('alerts on a frame over maxFrameBytes, reconnects, re-authorizes and keeps working', async () => {
    const server = await fakeServer();
    const { client, alerts } = clientOf(server, { maxFrameBytes: 4_096 });
    await client.connect();
    const up = nextLinkState(client, (s) => s.up);
    server.sendOversized(10_000);
    await up;
    const balance = await client.request('balance', { balance: 1 });
    expect(balance.msg_type).toBe('balance');
    expect(alerts.list[0]).toMatchObject({
      code: 'DERIV_PROTOCOL',
      level: 'warn',
      context: { maxFrameBytes: 4_096 },
    });
    expect(server.authorizations).toBe(2);
  });

  it('routes subscription frames to their listener and forgets them', async () => {
    const server = await fakeServer();
    const { client } = clientOf(server);
    await client.connect();
    const quotes: number[] = [];
    const subscription = await client.subscribe('ticks', { ticks: 'R_100', subscribe: 1 }, (frame) =>
      quotes.push((frame['tick'] as { quote: number }).quote),
    );
    const emitted = [server.emitTick().quote, server.emitTick().quote];
    await client.request('ping', { ping: 1 });
    await subscription.forget();
    expect(subscription.id).toMatch(/^[0-9a-f]{32}$/);
    expect(quotes).toEqual([1000, ...emitted]);
    expect(server.requests('forget')).toEqual([{ forget: subscription.id, req_id: 4 }]);
  });

  it('rejects requests while disconnected with DERIV_DISCONNECTED (sent: false)', async () => {
    const server = await fakeServer();
    const { client } = clientOf(server);
    await expect(client.request('balance', { balance: 1 })).rejects.toMatchObject({
      code: 'DERIV_DISCONNECTED',
      context: { sent: false },
    });
    expect(server.received).toEqual([]);
  });

  it('fails connect with DERIV_DISCONNECTED when nothing listens', async () => {
    const server = await fakeServer();
    const url = server.url;
    await server.close();
    const client = new DerivClient({ appId: '1089', wsUrl: url, token: new Secret('whatever-token-1') });
    await expect(client.connect()).rejects.toBeInstanceOf(DerivError);
    await client.close();
  });
});
