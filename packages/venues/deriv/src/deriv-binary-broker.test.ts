import { ManualScheduler } from '@omni/connection';
import { ExecutionError } from '@omni/core';
import type { BinaryContract, BinaryOrderRequest } from '@omni/execution';
import { describe, expect, it } from 'vitest';
import { DerivBinaryBroker } from './deriv-binary-broker.js';
import type { FakeDerivServer } from './fake-deriv-server.fixture.js';
import { clientOf, fakeServer, nextLinkState } from './test-kit.fixture.js';

const order = (over: Partial<BinaryOrderRequest> = {}): BinaryOrderRequest => ({
  clientId: 'decision-1',
  symbol: 'R_100',
  direction: 'call',
  stake: 1,
  currency: 'USD',
  duration: 5,
  durationUnit: 't',
  maxPrice: 1,
  ...over,
});

async function brokerOf(server: FakeDerivServer, options: Parameters<typeof clientOf>[1] = {}) {
  const { client, alerts } = clientOf(server, options);
  const broker = new DerivBinaryBroker(client);
  return { broker, client, alerts };
}

/**
 * Follows `contractId`, then runs `drive` (default: six ticks, enough for a 5-tick contract: entry
 * and five more) and resolves with every update once the broker reports it settled.
 */
async function settle(
  server: FakeDerivServer,
  broker: DerivBinaryBroker,
  contractId: string,
  drive: () => void = () => {
    for (let i = 0; i < 6; i++) server.emitTick();
  },
): Promise<BinaryContract[]> {
  const updates: BinaryContract[] = [];
  let done: () => void = () => {};
  const settled = new Promise<void>((resolve) => {
    done = resolve;
  });
  await broker.follow(contractId, (c) => {
    updates.push(c);
    if (c.status !== 'open') done();
  });
  drive();
  await settled;
  return updates;
}

describe('DerivBinaryBroker', () => {
  it('connects: the account as currency, balance and login id', async () => {
    const server = await fakeServer({ balance: 99.5, loginid: 'VRTC42' });
    const { broker } = await brokerOf(server);
    expect(await broker.connect()).toEqual({ currency: 'USD', balance: 99.5, accountId: 'VRTC42' });
    expect(broker.minStake).toBe(0.35);
    expect(broker.venue).toBe('deriv');
  });

  it('buys through proposal then buy with the price cap and the client id, and follows it to the exact settlement', async () => {
    const server = await fakeServer();
    const { broker } = await brokerOf(server);
    await broker.connect();
    const bought = await broker.buy(order({ maxPrice: 1.2 }));
    expect(server.requests('proposal')[0]).toEqual({
      proposal: 1,
      amount: 1,
      basis: 'stake',
      contract_type: 'CALL',
      currency: 'USD',
      duration: 5,
      duration_unit: 't',
      symbol: 'R_100',
      passthrough: { clientId: 'decision-1' },
      req_id: 2,
    });
    expect(server.requests('buy')[0]).toEqual({
      buy: 'fake-proposal-000001',
      price: 1.2,
      passthrough: { clientId: 'decision-1' },
      req_id: 3,
    });
    expect(bought).toEqual({
      contractId: '250000001',
      symbol: 'R_100',
      direction: 'call',
      buyPrice: 1,
      payout: 1.95,
      purchaseTsMs: 1_700_000_000_000,
      status: 'open',
      clientId: 'decision-1',
    });
    const updates = await settle(server, broker, bought.contractId);
    const final = updates[updates.length - 1] as BinaryContract;
    const truth = server.market.contracts.get(250_000_001);
    const entry = truth?.entry?.quote as number;
    const exit = truth?.exit?.quote as number;
    const won = exit > entry;
    expect(final).toEqual({
      ...bought,
      clientId: undefined,
      status: won ? 'won' : 'lost',
      entrySpot: entry,
      entryTsMs: 1_700_000_001_000,
      exitSpot: exit,
      exitTsMs: 1_700_000_006_000,
      profit: won ? 0.95 : -1,
      sellPrice: won ? 1.95 : 0,
    });
    expect(final.profit).toBe(truth?.profit);
    // Hand-checked against the seed-7 walk: 1000.69 (entry), …, 998.88 (fifth tick after): a CALL loses its stake.
    expect(final).toMatchObject({
      status: 'lost',
      entrySpot: 1000.69,
      exitSpot: 998.88,
      profit: -1,
      sellPrice: 0,
    });
    expect(server.buysFor('decision-1')).toBe(1);
  });

  it('settles a PUT lost or won by the same rule, with the profit the server computed', async () => {
    const server = await fakeServer({ seed: 3 });
    const { broker } = await brokerOf(server);
    await broker.connect();
    const bought = await broker.buy(order({ clientId: 'put-1', direction: 'put', stake: 2, maxPrice: 2 }));
    const updates = await settle(server, broker, bought.contractId);
    const final = updates[updates.length - 1] as BinaryContract;
    const truth = server.market.contracts.get(Number(bought.contractId));
    const won = (truth?.exit?.quote as number) < (truth?.entry?.quote as number);
    expect({
      status: final.status,
      profit: final.profit,
      entry: final.entrySpot,
      exit: final.exitSpot,
    }).toEqual({
      entry: 999.92,
      exit: 999.42,
      status: won ? 'won' : 'lost',
      profit: won ? 1.9 : -2,
    });
    // Hand-checked against the seed-3 walk: entry 999.92, exit 999.42 — a PUT wins 3.90 − 2.
    expect(won).toBe(true);
  });

  it('survives a connection dropped mid-contract: re-authorizes, follows again, one buy on the server', async () => {
    const server = await fakeServer();
    const { broker, client } = await brokerOf(server);
    await broker.connect();
    const bought = await broker.buy(order({ clientId: 'decision-9' }));
    const first: BinaryContract[] = [];
    await broker.follow(bought.contractId, (c) => first.push(c));
    server.holdSettlement();
    const down = nextLinkState(client, (s) => !s.up);
    const up = nextLinkState(client, (s) => s.up);
    server.dropConnections();
    await down;
    for (let i = 0; i < 6; i++) server.emitTick();
    await up;
    const updates = await settle(server, broker, bought.contractId, () => server.releaseSettlement());
    const final = updates[updates.length - 1] as BinaryContract;
    expect(final.status).not.toBe('open');
    expect(final.profit).toBe(server.market.contracts.get(Number(bought.contractId))?.profit);
    expect(first.every((c) => c.status === 'open')).toBe(true);
    expect({ buys: server.buysFor('decision-9'), authorizations: server.authorizations }).toEqual({
      buys: 1,
      authorizations: 2,
    });
  });

  it('rejects an unanswered buy with EXECUTION_TIMEOUT, and contractsSince finds the contract', async () => {
    const server = await fakeServer();
    const scheduler = new ManualScheduler(0);
    const { broker } = await brokerOf(server, { scheduler, requestTimeoutMs: 3_000 });
    await broker.connect();
    server.swallowNextBuy();
    const outcome = broker.buy(order({ clientId: 'lost-answer' })).catch((err: unknown) => err);
    await server.waitFor('buy');
    scheduler.advance(3_000);
    const err = await outcome;
    expect(err).toBeInstanceOf(ExecutionError);
    expect(err).toMatchObject({
      code: 'EXECUTION_TIMEOUT',
      context: { venue: 'deriv', derivCode: 'DERIV_TIMEOUT' },
    });
    expect((err as ExecutionError).cause).toMatchObject({ name: 'DerivError', code: 'DERIV_TIMEOUT' });
    const open = await broker.contractsSince(1_700_000_000_000);
    expect(open).toEqual([
      {
        contractId: '250000001',
        symbol: 'R_100',
        direction: 'call',
        buyPrice: 1,
        payout: 1.95,
        purchaseTsMs: 1_700_000_000_000,
        status: 'open',
      },
    ]);
    for (let i = 0; i < 6; i++) server.emitTick();
    const truth = server.market.contracts.get(250_000_001);
    const settled = await broker.contractsSince(1_700_000_000_000);
    expect(settled).toEqual([
      {
        ...open[0],
        status: truth?.status,
        profit: truth?.profit,
        sellPrice: truth?.sellPrice,
      },
    ]);
    expect(await broker.contractsSince(1_700_000_001_000)).toEqual([]);
    expect(server.buysFor('lost-answer')).toBe(1);
  });

  it('maps a buy whose link dropped before the answer to EXECUTION_TIMEOUT (unanswered)', async () => {
    const server = await fakeServer();
    const { broker } = await brokerOf(server);
    await broker.connect();
    server.swallowNextBuy();
    const outcome = broker.buy(order({ clientId: 'dropped' })).catch((err: unknown) => err);
    await server.waitFor('buy');
    server.dropConnections();
    expect(await outcome).toMatchObject({
      code: 'EXECUTION_TIMEOUT',
      context: { derivCode: 'DERIV_DISCONNECTED', unanswered: true },
    });
  });

  it.each([
    ['InsufficientBalance', { balance: 0.5 }, {}],
    ['PriceMoved', {}, { stake: 2, maxPrice: 2, clientId: 'x' }],
  ] as const)(
    'rejects a %s buy with EXECUTION_REJECTED and the broker code',
    async (code, serverOptions, over) => {
      const server = await fakeServer(serverOptions);
      const { broker } = await brokerOf(server);
      await broker.connect();
      if (code === 'PriceMoved') server.failNext('buy', 'PriceMoved', 'The underlying market has moved.');
      const err = await broker.buy(order(over)).catch((e: unknown) => e);
      expect(err).toMatchObject({
        name: 'ExecutionError',
        code: 'EXECUTION_REJECTED',
        context: { venue: 'deriv', derivCode: 'DERIV_REFUSED', brokerCode: code },
      });
      expect(server.market.contracts.size).toBe(0);
    },
  );

  it('rejects a rate-limited buy with EXECUTION_REJECTED and sends it once', async () => {
    const server = await fakeServer();
    const { broker } = await brokerOf(server);
    await broker.connect();
    server.failNext('buy', 'RateLimit', 'You have reached the rate limit for buy.');
    await expect(broker.buy(order())).rejects.toMatchObject({
      code: 'EXECUTION_REJECTED',
      context: { brokerCode: 'RateLimit', derivCode: 'DERIV_RATE_LIMITED' },
    });
    expect(server.requests('buy')).toHaveLength(1);
  });

  it('retries a rate-limited proposal and buys once', async () => {
    const server = await fakeServer();
    const { broker } = await brokerOf(server, { rateLimitBackoff: { initialMs: 1 } });
    await broker.connect();
    server.failNext('proposal', 'RateLimit');
    const bought = await broker.buy(order({ clientId: 'after-limit' }));
    expect(bought.contractId).toBe('250000001');
    expect(server.requests('proposal')).toHaveLength(2);
    expect(server.buysFor('after-limit')).toBe(1);
  });

  it('maps an unknown broker error to EXECUTION_BROKER_ERROR and a closed client to EXECUTION_VENUE_UNAVAILABLE', async () => {
    const server = await fakeServer();
    const { broker } = await brokerOf(server);
    await broker.connect();
    server.failNext('proposal', 'InternalServerError', 'Sorry, an error occurred.');
    await expect(broker.buy(order())).rejects.toMatchObject({
      code: 'EXECUTION_BROKER_ERROR',
      context: { brokerCode: 'InternalServerError' },
    });
    await broker.close();
    await expect(broker.buy(order())).rejects.toMatchObject({
      code: 'EXECUTION_VENUE_UNAVAILABLE',
      context: { derivCode: 'DERIV_DISCONNECTED' },
    });
  });

  it('refuses an order below the minimum stake before sending anything', async () => {
    const server = await fakeServer();
    const { broker } = await brokerOf(server);
    await broker.connect();
    await expect(broker.buy(order({ stake: 0.2, maxPrice: 0.2 }))).rejects.toMatchObject({
      code: 'EXECUTION_REJECTED',
      details: ['stake 0.2 is below the minimum 0.35'],
    });
    expect(server.requests('proposal')).toEqual([]);
  });

  it('refuses to follow a contract Deriv does not know', async () => {
    const server = await fakeServer();
    const { broker } = await brokerOf(server);
    await broker.connect();
    await expect(broker.follow('123', () => {})).rejects.toMatchObject({
      code: 'EXECUTION_BROKER_ERROR',
      context: { contractId: '123' },
    });
  });
});
