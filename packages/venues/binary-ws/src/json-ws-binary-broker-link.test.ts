import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonWsProtocol } from './protocol-load.js';
import {
  ACME_FILE,
  brokerRig,
  OPEN_CONTRACT,
  ORDER,
  T0_MS,
  TOKEN,
  updateLog,
} from './test-support.fixture.js';

const { setup } = brokerRig();

describe('JsonWsBinaryBroker link and edge cases', () => {
  it('stops reconnecting when the login is refused after a reconnect, with a critical alert', async () => {
    const { server, scheduler, broker, log, nextLink } = await setup();
    await broker.connect();
    server.validKey = 'rotated-key-000000';
    const down = nextLink(false);
    server.dropAll();
    await down;
    const refused = log.waitFor((a) => a.level === 'critical');
    scheduler.advance(100);
    expect(await refused).toMatchObject({
      code: 'EXECUTION_VENUE_UNAVAILABLE',
      message:
        'acme link down: acme refused the login after a reconnect; stopped reconnecting: check the token',
      context: { brokerCode: 'BAD_KEY' },
    });
    scheduler.advance(60_000);
    expect(server.sockets).toHaveLength(2);
    await expect(broker.buy(ORDER)).rejects.toMatchObject({ code: 'EXECUTION_VENUE_UNAVAILABLE' });
    expect(JSON.stringify(log.alerts)).not.toContain(TOKEN);
  });

  it('drops the link on a frame over maxFrameBytes, then reconnects and logs in again', async () => {
    const json = JSON.parse(readFileSync(ACME_FILE, 'utf8')) as Record<string, unknown>;
    const small = parseJsonWsProtocol({ ...json, maxFrameBytes: 1024 });
    const { server, scheduler, broker, nextLink } = await setup(TOKEN, small);
    await broker.connect();
    const down = nextLink(false);
    server.raw(JSON.stringify({ type: 'trade_update', pad: 'x'.repeat(2048) }));
    expect(await down).toEqual({
      up: false,
      reason: 'socket closed (code 1006: Max payload size exceeded); reconnecting in 100 ms',
    });
    const up = nextLink(true);
    scheduler.advance(100);
    await up;
    expect(server.framesOf('login')).toHaveLength(2);
  });

  it('delivers the contract a follow reply carries (platforms that answer with the contract)', async () => {
    const { server, broker } = await setup();
    await broker.connect();
    await broker.buy(ORDER);
    server.watchCarriesTrade = true;
    const updates = updateLog();
    await broker.follow('9001', updates.onUpdate);
    expect(updates.updates).toEqual([OPEN_CONTRACT]);
  });

  it('refuses a second connect while connected', async () => {
    const { broker } = await setup();
    await broker.connect();
    await expect(broker.connect()).rejects.toMatchObject({ code: 'EXECUTION_BAD_INPUT' });
  });
});

describe('JsonWsBinaryBroker matching replies by type', () => {
  it('runs the lifecycle and a refusal when replies are matched by their type, not an echoed id', async () => {
    const json = JSON.parse(readFileSync(ACME_FILE, 'utf8')) as {
      operations: Record<string, Record<string, unknown>>;
    };
    const types: Record<string, string> = {
      auth: 'login',
      balance: 'balance',
      buy: 'trade',
      follow: 'watch',
      contractsSince: 'history',
      ticks: 'quotes',
    };
    for (const [op, type] of Object.entries(types)) {
      const spec = json.operations[op] as Record<string, unknown>;
      spec['replyType'] = type;
    }
    (json.operations['follow']?.['unfollow'] as Record<string, unknown>)['replyType'] = 'unwatch';
    const byType = parseJsonWsProtocol({ ...json, match: { by: 'type', path: 'type' } });
    const { server, broker } = await setup(TOKEN, byType);
    expect(await broker.connect()).toEqual({ currency: 'USD', balance: 1000, accountId: 'ACME-42' });
    server.tradeReplies.push({ code: 'MARKET_CLOSED', text: 'closed' });
    await expect(broker.buy(ORDER)).rejects.toMatchObject({
      code: 'EXECUTION_REJECTED',
      context: { brokerCode: 'MARKET_CLOSED' },
    });
    const contract = await broker.buy(ORDER);
    const updates = updateLog();
    await broker.follow(contract.contractId, updates.onUpdate);
    server.settle(9001, 'loss', 1.08);
    expect(await updates.settled).toMatchObject({ contractId: '9001', status: 'lost', profit: -10 });
    expect(await broker.contractsSince(T0_MS)).toHaveLength(1);
  });
});
