import { ManualScheduler } from '@omni/connection';
import { Secret } from '@omni/core';
import type { BinaryContract } from '@omni/execution';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAcme } from '../fake-acme.fixture.js';
import { ORDER, T0_MS, TOKEN } from '../test-support.fixture.js';
import { MyBroker } from './my-broker.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(token = TOKEN) {
  const server = new FakeAcme(TOKEN);
  cleanups.push(() => server.close());
  const url = await server.ready();
  const scheduler = new ManualScheduler(T0_MS);
  const broker = new MyBroker(new Secret(url), new Secret(token), scheduler, scheduler);
  cleanups.push(() => broker.close());
  return { server, scheduler, broker };
}

describe('the adapter template (MyBroker)', () => {
  it('logs in, buys and follows a contract to its settlement on the ACME fake server', async () => {
    const { server, broker } = await setup();
    expect(await broker.connect()).toEqual({ currency: 'USD', balance: 1000 });
    const contract = await broker.buy(ORDER);
    expect(contract).toEqual({
      contractId: '9001',
      symbol: 'EURUSD',
      direction: 'call',
      buyPrice: 10,
      payout: 18.5,
      purchaseTsMs: T0_MS,
      status: 'open',
    });
    const settled = new Promise<BinaryContract>((resolve) => {
      void broker
        .follow(contract.contractId, (c) => c.status !== 'open' && resolve(c))
        .then(() => server.settle(9001, 'win', 1.09));
    });
    expect(await settled).toMatchObject({ status: 'won', profit: 8.5 });
    expect(await broker.contractsSince(T0_MS)).toHaveLength(1);
  });

  it('maps a refusal to EXECUTION_REJECTED and a silent buy to EXECUTION_TIMEOUT', async () => {
    const { server, scheduler, broker } = await setup();
    await broker.connect();
    server.tradeReplies.push({ code: 'MARKET_CLOSED', text: 'closed' }, 'silent');
    await expect(broker.buy(ORDER)).rejects.toMatchObject({
      code: 'EXECUTION_REJECTED',
      context: { brokerCode: 'MARKET_CLOSED' },
    });
    const silent = broker.buy(ORDER);
    await server.waitForOp('trade', 2);
    scheduler.advance(10_000);
    await expect(silent).rejects.toMatchObject({ code: 'EXECUTION_TIMEOUT' });
  });

  it('fails connect on a wrong token without showing it', async () => {
    const wrong = 'not-the-key-42424242';
    const { broker } = await setup(wrong);
    const err = await broker.connect().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EXECUTION_REJECTED', context: { brokerCode: 'BAD_KEY' } });
    expect(String(err)).not.toContain(wrong);
  });
});
