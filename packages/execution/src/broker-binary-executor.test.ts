import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Alert, type BinaryDecision, ManualClock, type OpenPosition, type Tick } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { BrokerBinaryExecutor } from './broker-binary-executor.js';
import { BrokerOrderBook } from './broker-order-book.js';
import type { BrokerHealthReport } from './executor.js';
import { FakeBinaryBroker, flush } from './fake-binary-broker.fixture.js';

const T0 = 1_700_000_000_000;

function tick(tsMs: number, price: number): Tick {
  return { symbol: 'R_100', tsMs, price, source: 'test' };
}

function decision(id: string, direction: 'call' | 'put' = 'call', stakeUsd = 1): BinaryDecision {
  return {
    engine: 'binary',
    id,
    tsMs: T0,
    confidence: 0.6,
    reasons: [],
    symbol: 'R_100',
    direction,
    stakeUsd,
    expirySec: 60,
  };
}

function setup(bookPath?: string) {
  const clock = new ManualClock(T0);
  const broker = new FakeBinaryBroker(clock);
  const alerts: Alert[] = [];
  const health: BrokerHealthReport[] = [];
  const states: [string, Record<string, unknown>][] = [];
  const executor = new BrokerBinaryExecutor({
    port: broker,
    clock,
    onAlert: (a) => alerts.push(a),
    shadow: { payout: 0.95, tieRule: 'refund' },
    book: BrokerOrderBook.open(bookPath, broker.venue),
    onPositionState: (id, patch) => states.push([id, patch]),
  });
  executor.onHealth((h) => health.push(h));
  return { clock, broker, alerts, health, states, executor };
}

describe('BrokerBinaryExecutor', () => {
  it('buys in the background, follows the contract and settles with the broker’s own numbers', async () => {
    const { clock, broker, executor, health, states } = setup();
    await executor.start();
    const report = await executor.execute(decision('d1'), tick(T0, 100));
    expect(report).toMatchObject({ status: 'accepted', decisionId: 'd1', venue: 'fakebroker' });
    await flush();
    expect(executor.book.get('d1')).toMatchObject({ state: 'open', brokerRef: '1001' });
    clock.set(T0 + 61_000);
    broker.settle('1001', true, 100.5, 101);
    const settled = executor.onTick(tick(T0 + 61_000, 101));
    expect(settled).toEqual([
      expect.objectContaining({
        decisionId: 'd1',
        stake: 1,
        pnl: 0.95,
        entryPrice: 100.5,
        settlePrice: 101,
        exit: { kind: 'expiry', result: 'win' },
        rule: 'binary-fakebroker-won',
      }),
    ]);
    expect(executor.onTick(tick(T0 + 62_000, 101))).toEqual([]); // delivered once
    expect(states.map(([id, p]) => [id, p['entryPrice'] ?? null])).toEqual([
      ['d1', null],
      ['d1', 100.5],
    ]);
    expect(health).toEqual([expect.objectContaining({ ok: true })]);
    expect(executor.book.get('d1')?.state).toBe('closed');
  });

  it('refuses a second order for a decision, and a refused buy settles as never opened', async () => {
    const { broker, executor } = setup();
    await executor.start();
    broker.next.push('refuse');
    await executor.execute(decision('d1'), tick(T0, 100));
    const again = await executor.execute(decision('d1'), tick(T0 + 1, 100));
    expect(again).toMatchObject({ status: 'rejected', code: 'EXECUTION_DUPLICATE_ORDER' });
    await flush();
    const [out] = executor.onTick(tick(T0 + 2, 100));
    expect(out).toMatchObject({ decisionId: 'd1', pnl: 0, stake: 0, exit: { kind: 'cancelled' } });
    expect(String(out?.exit?.kind === 'cancelled' && out.exit.reason)).toContain('insufficient balance');
    expect(broker.buysByClient.get('d1')).toBeUndefined();
  });

  it('resolves an unanswered buy from the account — bought: followed and settled, never bought twice', async () => {
    const { clock, broker, executor, alerts } = setup();
    await executor.start();
    broker.next.push('bought-unanswered');
    await executor.execute(decision('d1'), tick(T0, 100));
    await flush();
    expect(executor.book.get('d1')?.state).toBe('unanswered');
    clock.set(T0 + 1000);
    executor.onTick(tick(T0 + 1000, 100)); // starts the lookup
    await flush();
    expect(executor.book.get('d1')).toMatchObject({ state: 'open', brokerRef: '1001' });
    broker.settle('1001', false, 100, 99);
    expect(executor.onTick(tick(T0 + 61_000, 99))).toEqual([expect.objectContaining({ pnl: -1 })]);
    expect(broker.buysByClient.get('d1')).toBe(1);
    expect(alerts.map((a) => a.code)).toEqual([
      'VENUE_CONNECTED',
      'VENUE_ORDER_UNANSWERED',
      'VENUE_ORDER_FOUND',
    ]);
  });

  it('declares an unanswered buy not bought only after the grace period', async () => {
    const { clock, broker, executor } = setup();
    await executor.start();
    broker.next.push('lost-unanswered');
    await executor.execute(decision('d1'), tick(T0, 100));
    await flush();
    clock.set(T0 + 30_000);
    expect(executor.onTick(tick(T0 + 30_000, 100))).toEqual([]);
    await flush();
    expect(executor.book.get('d1')?.state).toBe('unanswered');
    clock.set(T0 + 61_000);
    executor.onTick(tick(T0 + 61_000, 100));
    await flush();
    const [out] = executor.onTick(tick(T0 + 61_001, 100));
    expect(out).toMatchObject({ decisionId: 'd1', pnl: 0, exit: { kind: 'cancelled' } });
    expect(broker.contracts.size).toBe(0);
  });

  it('takes no order while the link is down, follows the open contract again after the reconnect', async () => {
    const { clock, broker, executor, health } = setup();
    await executor.start();
    await executor.execute(decision('d1'), tick(T0, 100));
    await flush();
    broker.drop('connection closed by the server');
    expect(await executor.execute(decision('d2'), tick(T0 + 1, 100))).toMatchObject({
      status: 'rejected',
      code: 'EXECUTION_VENUE_UNAVAILABLE',
    });
    broker.restore();
    await flush();
    expect([executor.ready, broker.following]).toEqual([true, 1]);
    clock.set(T0 + 61_000);
    broker.settle('1001', true, 100, 101);
    expect(executor.onTick(tick(T0 + 61_000, 101))).toHaveLength(1);
    expect(health.map((h) => h.ok)).toEqual([true, false, true]);
    expect([...broker.buysByClient.values()]).toEqual([1]);
  });

  it('marks the venue unhealthy after three requests in a row without an answer, and healthy at the next answer', async () => {
    const { clock, broker, executor, health } = setup();
    await executor.start();
    broker.next.push('lost-unanswered', 'lost-unanswered', 'lost-unanswered');
    for (const id of ['d1', 'd2', 'd3']) await executor.execute(decision(id), tick(T0, 100));
    await flush();
    expect(health.map((h) => [h.ok, h.reason ?? ''])).toEqual([
      [true, ''],
      [false, '3 requests failed in a row'],
    ]);
    expect(await executor.execute(decision('d4'), tick(T0, 100))).toMatchObject({
      code: 'EXECUTION_VENUE_UNAVAILABLE',
    });
    clock.set(T0 + 1_000);
    executor.onTick(tick(T0 + 1_000, 100)); // the lookup of the unanswered buys answers
    await flush();
    expect(health.map((h) => h.ok)).toEqual([true, false, true]);
    expect(broker.contracts.size).toBe(0);
  });

  it('after a restart, follows the contracts its book holds and looks up a buy the crash left unanswered', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'omni-broker-')), 'orders.json');
    const first = setup(path);
    await first.executor.start();
    await first.executor.execute(decision('d1'), tick(T0, 100));
    await first.executor.execute(decision('d2', 'put'), tick(T0 + 1, 100));
    await flush();
    // The crash: a new process, the same book file and the same broker account.
    const second = setup(path);
    for (const [id, c] of first.broker.contracts) second.broker.contracts.set(id, c);
    second.broker.contracts.delete('1002'); // d2's buy never reached the broker
    const book = second.executor.book;
    book.mark('d2', 'sending');
    second.clock.set(T0 + 70_000);
    await second.executor.start();
    expect(book.get('d1')?.state).toBe('open');
    expect(book.get('d2')?.state).toBe('closed'); // absent from the account after the grace period
    expect(second.broker.following).toBe(1);
    expect(second.broker.buysByClient.size).toBe(0);
  });

  it('adopts a ledger position by its contract id', async () => {
    const { broker, executor } = setup();
    broker.contracts.set('77', {
      contractId: '77',
      symbol: 'R_100',
      direction: 'call',
      buyPrice: 1,
      payout: 1.95,
      purchaseTsMs: T0,
      status: 'open',
    });
    const position: OpenPosition = {
      decisionId: 'd9',
      market: 'binary',
      symbol: 'R_100',
      venue: 'fakebroker',
      riskUsd: 1,
      openedTs: T0,
      brokerRef: '77',
      decision: decision('d9'),
    };
    expect(executor.adopt(position)).toBe(true);
    expect(executor.adopt({ ...position, venue: 'other' })).toBe(false);
    await executor.start();
    expect(broker.following).toBe(1);
  });

  it('after a crash between the broker’s settlement and the next tick, delivers the outcome once (the ledger still holds it)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'omni-broker-')), 'orders.json');
    const first = setup(path);
    await first.executor.start();
    await first.executor.execute(decision('d1'), tick(T0, 100));
    await flush();
    first.clock.set(T0 + 61_000);
    first.broker.settle('1001', true, 100.5, 101); // the book closes it; the outcome waits for a tick
    expect(first.executor.book.get('d1')?.state).toBe('closed');
    // SIGKILL here: no tick handed the outcome to the engine, so the ledger still holds d1.
    const second = setup(path);
    for (const [id, c] of first.broker.contracts) second.broker.contracts.set(id, c);
    const position: OpenPosition = {
      decisionId: 'd1',
      market: 'binary',
      symbol: 'R_100',
      venue: 'fakebroker',
      riskUsd: 1,
      openedTs: T0,
      entryTs: T0 + 1000,
      entryPrice: 100.5,
      decision: decision('d1'),
    };
    expect(second.executor.adopt(position)).toBe(true);
    second.clock.set(T0 + 70_000);
    await second.executor.start();
    const delivered = second.executor.onTick(tick(T0 + 70_000, 101));
    expect(delivered).toEqual([
      expect.objectContaining({ decisionId: 'd1', pnl: 0.95, stake: 1, rule: 'binary-fakebroker-won' }),
    ]);
    expect(second.executor.onTick(tick(T0 + 71_000, 101))).toEqual([]);
    expect(second.executor.book.get('d1')).toMatchObject({ state: 'closed', brokerRef: '1001' });
    expect(second.broker.buysByClient.size).toBe(0);
    expect(second.alerts.map((a) => a.code)).toContain('VENUE_OUTCOME_REDELIVERED');
  });

  it('after a crash before a refusal reached the engine, settles it as never opened once more', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'omni-broker-')), 'orders.json');
    const first = setup(path);
    await first.executor.start();
    first.broker.next.push('refuse');
    await first.executor.execute(decision('d1'), tick(T0, 100));
    await flush();
    expect(first.executor.book.get('d1')?.state).toBe('closed');
    const second = setup(path);
    const position: OpenPosition = {
      decisionId: 'd1',
      market: 'binary',
      symbol: 'R_100',
      venue: 'fakebroker',
      riskUsd: 1,
      openedTs: T0,
      decision: decision('d1'),
    };
    expect(second.executor.adopt(position)).toBe(true);
    await second.executor.start();
    const [out, ...rest] = second.executor.onTick(tick(T0 + 1000, 100));
    expect(rest).toEqual([]);
    expect(out).toMatchObject({ decisionId: 'd1', stake: 0, pnl: 0, exit: { kind: 'cancelled' } });
    expect(second.broker.buysByClient.size).toBe(0);
  });

  it('journals a settlement divergence when the broker and the shadow rules disagree', async () => {
    const { clock, broker, executor, alerts } = setup();
    await executor.start();
    await executor.execute(decision('d1'), tick(T0, 100));
    await flush();
    clock.set(T0 + 60_000);
    executor.onTick(tick(T0 + 60_000, 100.2)); // shadow: a call, above entry → win
    broker.settle('1001', false, 100.3, 100.2); // broker: its entry tick was higher → lost
    executor.onTick(tick(T0 + 60_001, 100.2));
    const divergence = alerts.find((a) => a.code === 'SETTLEMENT_DIVERGENCE');
    expect(divergence?.message).toBe('fakebroker settled d1 as loss but the shadow rules as win');
    expect(divergence?.context).toMatchObject({ broker: { pnl: -1 }, shadow: { pnl: 0.95 } });
    expect(executor.divergences).toBe(1);
  });
});
