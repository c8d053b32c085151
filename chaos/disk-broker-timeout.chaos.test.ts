/**
 * A broker that takes orders and never answers them: the real DerivClient and DerivBinaryBroker
 * against the fake Deriv server on 127.0.0.1, which makes each contract and swallows the answer,
 * under BrokerBinaryExecutor. The documented path (execution README, BrokerBinaryExecutor): the tick
 * loop never waits (`execute` answers `accepted` at once), each unanswered buy times out as
 * EXECUTION_TIMEOUT, three in a row mark the venue unhealthy (no new orders), and each is then
 * found in the account's contracts and followed — never bought a second time.
 */
import { ManualScheduler } from '@omni/connection';
import { type Alert, type BinaryDecision, ManualClock, Secret, type Tick } from '@omni/core';
import { BrokerBinaryExecutor, type BrokerHealthReport } from '@omni/execution';
import { DerivBinaryBroker, DerivClient } from '@omni/venue-deriv';
import { FakeDerivServer } from '@omni/venue-deriv/testing';
import { afterAll, describe, expect, it } from 'vitest';

const T0 = 1_700_000_000_000;
const TIMEOUT_MS = 3_000;

const decision = (id: string): BinaryDecision => ({
  engine: 'binary',
  id,
  tsMs: T0,
  confidence: 0.6,
  reasons: ['chaos'],
  symbol: 'R_100',
  direction: 'call',
  stakeUsd: 1,
  expirySec: 60,
});
const tick = (tsMs: number): Tick => ({ symbol: 'R_100', tsMs, price: 100, source: 'chaos' });

/** Waits for `condition` (an event on the local socket), checking after each turn of the event loop. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 5_000; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`never happened: ${what}`);
}

let server: FakeDerivServer | undefined;
let client: DerivClient | undefined;
let summary = '';
afterAll(async () => {
  await client?.close();
  await server?.close();
  if (summary) console.log(summary);
});

describe('broker: orders taken and never answered', () => {
  it('times out, marks the venue unhealthy, finds each contract in the account and never buys twice', async () => {
    server = await FakeDerivServer.start({ seed: 18 });
    const scheduler = new ManualScheduler(T0);
    const alerts: Alert[] = [];
    client = new DerivClient({
      appId: '1089',
      wsUrl: server.url,
      token: new Secret(server.token),
      seed: 18,
      scheduler,
      requestTimeoutMs: TIMEOUT_MS,
      onAlert: (a) => alerts.push(a),
    });
    const clock = new ManualClock(T0);
    const health: BrokerHealthReport[] = [];
    const executor = new BrokerBinaryExecutor({
      port: new DerivBinaryBroker(client),
      clock,
      onAlert: (a) => alerts.push(a),
      shadow: { payout: 0.95, tieRule: 'refund' },
    });
    executor.onHealth((h) => health.push(h));
    await executor.start();
    await until(() => executor.ready, 'executor ready');

    const reportsBefore = health.length;
    const ids = ['d1', 'd2', 'd3'];
    server.swallowNextBuy(ids.length);
    const reports = [];
    for (const id of ids) reports.push(await executor.execute(decision(id), tick(T0)));
    expect(reports.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    await server.waitFor('buy', ids.length);
    const fake = server;
    expect(ids.map((id) => fake.buysFor(id))).toEqual([1, 1, 1]);

    scheduler.advance(TIMEOUT_MS);
    await until(() => health.slice(reportsBefore).some((h) => !h.ok), 'venue marked unhealthy');
    expect(health.slice(reportsBefore).find((h) => !h.ok)?.reason).toBe('3 requests failed in a row');
    expect(await executor.execute(decision('d4'), tick(T0 + 1))).toMatchObject({
      status: 'rejected',
      code: 'EXECUTION_VENUE_UNAVAILABLE',
    });
    expect(ids.map((id) => executor.book.get(id)?.state)).toEqual(['unanswered', 'unanswered', 'unanswered']);
    const unanswered = ids.filter((id) => executor.book.get(id)?.state === 'unanswered').length;

    // The next lookup of unanswered buys (every 5 s while the link is up) finds the contracts.
    clock.set(T0 + 5_000);
    executor.onTick(tick(T0 + 5_000));
    await until(
      () => ids.every((id) => executor.book.get(id)?.state === 'open'),
      'contracts found in the account',
    );
    await until(() => health.at(-1)?.ok === true, 'venue healthy again');
    expect(ids.map((id) => fake.buysFor(id))).toEqual([1, 1, 1]);
    expect(fake.buysFor('d4')).toBe(0);
    summary = `CHAOS broker-timeout orders=${ids.length} unanswered=${unanswered} second-buys=${ids.reduce((n, id) => n + fake.buysFor(id) - 1, 0)} unhealthy-reports=${health.slice(reportsBefore).filter((h) => !h.ok).length} found-in-account=${ids.length}`;
    await executor.stop();
  });
});
