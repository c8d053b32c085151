import { ManualScheduler } from '@omni/connection';
import { ExecutionError, Secret } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { BinaryWsError } from './binary-ws-error.js';
import { FakeAcme } from './fake-acme.fixture.js';
import { JsonWsBinaryBroker } from './json-ws-binary-broker.js';
import { ACME, brokerRig, OPEN_CONTRACT, ORDER, T0_MS, TOKEN, updateLog } from './test-support.fixture.js';

const { setup } = brokerRig();

describe('JsonWsBinaryBroker against the ACME protocol', () => {
  it('logs in, buys, follows two contracts to won and lost, with frames exactly as configured', async () => {
    const { server, broker, log } = await setup();
    expect(await broker.connect()).toEqual({ currency: 'USD', balance: 1000, accountId: 'ACME-42' });
    expect(server.frames).toEqual([
      { op: 'login', rid: 1, apiKey: TOKEN },
      { op: 'balance', rid: 2 },
    ]);

    const bought = await broker.buy(ORDER);
    expect(server.frames[2]).toEqual({
      op: 'trade',
      rid: 3,
      asset: 'EURUSD',
      side: 'HIGHER',
      amount: 10,
      expiry: { value: 5, unit: 'min' },
      maxCost: 10.5,
      tag: 'd-1',
    });
    const open = OPEN_CONTRACT;
    expect(bought).toEqual(open);

    const first = updateLog();
    await broker.follow('9001', first.onUpdate);
    expect(server.frames[3]).toEqual({ op: 'watch', rid: 4, tradeId: 9001 });
    server.pushUpdate(9001);
    server.settle(9001, 'win', 1.0851);
    const won = await first.settled;
    expect(first.updates).toEqual([
      open,
      { ...open, status: 'won', profit: 8.5, sellPrice: 18.5, exitSpot: 1.0851, exitTsMs: T0_MS + 300_000 },
    ]);
    expect(won.status).toBe('won');

    server.nowSec += 60;
    const put = await broker.buy({
      ...ORDER,
      clientId: 'd-2',
      direction: 'put',
      stake: 4,
      maxPrice: 4,
      duration: 30,
      durationUnit: 's',
    });
    expect(server.frames[4]).toMatchObject({
      side: 'LOWER',
      amount: 4,
      expiry: { value: 30, unit: 'sec' },
      tag: 'd-2',
    });
    const second = updateLog();
    await broker.follow(put.contractId, second.onUpdate);
    server.settle(9002, 'loss', 1.0839);
    expect(await second.settled).toEqual({
      contractId: '9002',
      symbol: 'EURUSD',
      direction: 'put',
      buyPrice: 4,
      payout: 7.4,
      purchaseTsMs: T0_MS + 60_000,
      status: 'lost',
      entrySpot: 1.0842,
      profit: -4,
      sellPrice: 0,
      exitSpot: 1.0839,
      exitTsMs: T0_MS + 360_000,
      clientId: 'd-2',
    });
    expect(JSON.stringify(log.alerts)).not.toContain(TOKEN);
  });

  it('rejects a refused buy with EXECUTION_REJECTED and the platform code', async () => {
    const { server, broker } = await setup();
    await broker.connect();
    server.tradeReplies.push({ code: 'INSUFFICIENT_FUNDS', text: 'balance too low' });
    const err = await broker.buy(ORDER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecutionError);
    expect(err).toMatchObject({
      code: 'EXECUTION_REJECTED',
      shortMessage: 'acme refused buy: balance too low',
      context: { venue: 'acme', op: 'buy', brokerCode: 'INSUFFICIENT_FUNDS' },
    });
    expect(server.trades).toEqual([]);
  });

  it('answers an unknown error code with EXECUTION_BROKER_ERROR', async () => {
    const { server, broker } = await setup();
    await broker.connect();
    server.tradeReplies.push({ code: 'INTERNAL', text: 'try again' });
    await expect(broker.buy(ORDER)).rejects.toMatchObject({
      code: 'EXECUTION_BROKER_ERROR',
      context: { brokerCode: 'INTERNAL' },
    });
  });

  it('pauses after a rate-limited reply: buys are refused unsent, other requests wait out the pause', async () => {
    const { server, scheduler, broker, log } = await setup();
    await broker.connect();
    server.tradeReplies.push({ code: 'TOO_MANY_REQUESTS', text: 'slow down' });
    await expect(broker.buy(ORDER)).rejects.toMatchObject({
      code: 'EXECUTION_REJECTED',
      context: { brokerCode: 'TOO_MANY_REQUESTS', rateLimited: true, retryAfterMs: 2000 },
    });
    expect(log.alerts.filter((a) => a.level === 'warn').map((a) => a.message)).toEqual([
      'acme rate-limited buy; pausing requests for 2000 ms',
    ]);
    scheduler.advance(500);
    await expect(broker.buy(ORDER)).rejects.toMatchObject({
      code: 'EXECUTION_REJECTED',
      context: { rateLimited: true, retryAfterMs: 1500 },
    });
    expect(server.framesOf('trade')).toHaveLength(1);

    const history = broker.contractsSince(T0_MS);
    await Promise.resolve();
    expect(server.framesOf('history')).toHaveLength(0);
    scheduler.advance(1500);
    expect(await history).toEqual([]);
    expect((await broker.buy(ORDER)).contractId).toBe('9001');
  });

  it('times out an unanswered buy with EXECUTION_TIMEOUT; contractsSince then finds the contract', async () => {
    const { server, scheduler, broker, log } = await setup();
    await broker.connect();
    server.tradeReplies.push('silent');
    const buying = broker.buy(ORDER);
    await server.waitForOp('trade');
    scheduler.advance(9_999);
    expect(server.trades).toHaveLength(1);
    scheduler.advance(1);
    await expect(buying).rejects.toMatchObject({
      code: 'EXECUTION_TIMEOUT',
      shortMessage: 'acme did not answer buy within 10000 ms',
      context: { venue: 'acme', op: 'buy', reqId: 3, timeoutMs: 10_000 },
    });
    expect(await broker.contractsSince(T0_MS)).toEqual([OPEN_CONTRACT]);
    expect(server.framesOf('history')).toEqual([{ op: 'history', rid: 4, from: 1_700_000_000 }]);
    expect(await broker.contractsSince(T0_MS + 1_000)).toEqual([]);

    server.replyLate(3, 9001);
    const late = await log.waitFor((a) => a.code === 'BINARY_WS_PROTOCOL');
    expect(late).toMatchObject({ level: 'warn', context: { reqId: 3 } });
    expect(server.framesOf('trade')).toHaveLength(1);
  });

  it('reconnects after a drop, logs in again, reports the link, and follows again on request', async () => {
    const { server, scheduler, broker, log, links, nextLink } = await setup();
    await broker.connect();
    const bought = await broker.buy(ORDER);
    const before = updateLog();
    await broker.follow(bought.contractId, before.onUpdate);
    server.tradeReplies.push('silent');
    const inFlight = broker.buy({ ...ORDER, clientId: 'd-2' });
    await server.waitForOp('trade', 2);

    const down = nextLink(false);
    server.dropAll();
    expect(await down).toEqual({ up: false, reason: 'socket closed (code 1006); reconnecting in 100 ms' });
    await expect(inFlight).rejects.toMatchObject({
      code: 'EXECUTION_VENUE_UNAVAILABLE',
      context: { op: 'buy' },
    });
    await expect(broker.contractsSince(T0_MS)).rejects.toMatchObject({ code: 'EXECUTION_VENUE_UNAVAILABLE' });

    const up = nextLink(true);
    scheduler.advance(100);
    await up;
    expect(links).toEqual([
      { up: true },
      { up: false, reason: 'socket closed (code 1006); reconnecting in 100 ms' },
      { up: true },
    ]);
    expect(server.framesOf('login')).toEqual([
      { op: 'login', rid: 1, apiKey: TOKEN },
      { op: 'login', rid: 6, apiKey: TOKEN },
    ]);
    expect(log.alerts.find((a) => a.level === 'info')?.message).toBe(
      'reconnected to acme and logged in again',
    );

    const after = updateLog();
    await broker.follow(bought.contractId, after.onUpdate);
    server.settle(9001, 'win', 1.0851);
    expect((await after.settled).profit).toBe(8.5);
    expect(before.updates).toEqual([]);
    expect(JSON.stringify(log.alerts)).not.toContain(TOKEN);
  });

  it('skips malformed frames with an alert each and keeps reading', async () => {
    const { server, broker, log } = await setup();
    await broker.connect();
    await broker.buy(ORDER);
    const updates = updateLog();
    await broker.follow('9001', updates.onUpdate);
    server.raw('not json');
    server.raw('[1,2]');
    server.raw(Buffer.from([1, 2, 3]));
    server.raw(JSON.stringify({ type: 'trade_update', trade: { id: 9001, state: 'exploded' } }));
    server.raw(JSON.stringify({ type: 'trade_update', trade: { state: 'win' } }));
    server.raw(JSON.stringify({ type: 'mystery' }));
    server.settle(9001, 'loss', 1.08);
    expect((await updates.settled).status).toBe('lost');
    expect(updates.updates).toHaveLength(1);
    expect(log.alerts.filter((a) => a.code === 'BINARY_WS_PROTOCOL').map((a) => a.message)).toEqual([
      'skipped a frame from acme: not JSON',
      'skipped a frame from acme: not a JSON object',
      'skipped a frame from acme: a binary frame (the protocol is JSON text)',
      'skipped a frame from acme: a contract update that cannot be read (status "exploded" at state is not in contract.statusMap)',
      'skipped a frame from acme: a contract update without an id at id',
      'skipped a frame from acme: neither a reply to a waiting request nor a contract update',
    ]);
  });

  it('refuses a wrong token with BINARY_WS_AUTH_FAILED and never shows the token', async () => {
    const wrong = 'wrong-key-0123456789';
    const { server, scheduler, broker, log } = await setup(wrong);
    const err = await broker.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BinaryWsError);
    expect(err).toMatchObject({
      code: 'BINARY_WS_AUTH_FAILED',
      shortMessage: 'acme refused the login: api key [redacted] not recognised; check the token',
      context: { venue: 'acme', op: 'auth', brokerCode: 'BAD_KEY' },
    });
    expect(server.framesOf('login')).toEqual([{ op: 'login', rid: 1, apiKey: wrong }]);
    const shown = [
      String(err),
      (err as Error).message,
      JSON.stringify(err),
      JSON.stringify((err as BinaryWsError).toJSON()),
      JSON.stringify(log.alerts),
    ];
    for (const text of shown) expect(text).not.toContain(wrong);
    scheduler.advance(60_000);
    expect(server.sockets).toHaveLength(1);
  });

  it('rejects connect with EXECUTION_VENUE_UNAVAILABLE when nothing listens', async () => {
    const closed = new FakeAcme(TOKEN);
    const url = await closed.ready();
    await closed.close();
    const scheduler = new ManualScheduler(T0_MS);
    const broker = new JsonWsBinaryBroker({
      protocol: ACME,
      url: new Secret(url),
      token: new Secret(TOKEN),
      clock: scheduler,
      scheduler,
    });
    await expect(broker.connect()).rejects.toMatchObject({
      code: 'EXECUTION_VENUE_UNAVAILABLE',
      shortMessage: expect.stringMatching(
        /^cannot reach acme: cannot connect to acme; reconnecting in \d+ ms$/,
      ),
    });
  });

  it('refuses requests before connect and orders it cannot place, without sending them', async () => {
    const { server, broker } = await setup();
    await expect(broker.buy(ORDER)).rejects.toMatchObject({
      code: 'EXECUTION_VENUE_UNAVAILABLE',
      shortMessage: 'not connected to acme',
    });
    await broker.connect();
    await expect(broker.buy({ ...ORDER, stake: 0.5, maxPrice: 0.5 })).rejects.toMatchObject({
      code: 'EXECUTION_REJECTED',
      shortMessage: 'acme: stake 0.5 is below the minimum 1 (not sent)',
    });
    await expect(broker.buy({ ...ORDER, durationUnit: 'd' })).rejects.toMatchObject({
      code: 'EXECUTION_REJECTED',
      shortMessage: 'acme: the platform takes no duration unit "d" (not sent)',
    });
    expect(server.framesOf('trade')).toEqual([]);
  });

  it('sends unwatch when a follow is stopped and delivers nothing after', async () => {
    const { server, broker } = await setup();
    await broker.connect();
    await broker.buy(ORDER);
    const updates = updateLog();
    const stop = await broker.follow('9001', updates.onUpdate);
    stop();
    await server.waitForOp('unwatch');
    expect(server.framesOf('unwatch')).toEqual([{ op: 'unwatch', rid: 5, tradeId: 9001 }]);
    expect(updates.updates).toEqual([]);
  });
});
