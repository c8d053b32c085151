import { type Alert, type BinaryDecision, ManualClock, OmniConfigSchema, type Tick } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { BrokerBinaryExecutor } from './broker-binary-executor.js';
import { FailoverExecutor, type LiveAllowance } from './failover-executor.js';
import { FakeBinaryBroker, flush } from './fake-binary-broker.fixture.js';
import { createLiveExecutionHub } from './live-execution-hub.js';
import { ShadowBinaryExecutor } from './shadow-binary-executor.js';

const T0 = 1_700_000_000_000;
const tick = (tsMs: number, price: number): Tick => ({ symbol: 'R_100', tsMs, price, source: 'test' });
const decision = (id: string): BinaryDecision => ({
  engine: 'binary',
  id,
  tsMs: T0,
  confidence: 0.6,
  reasons: [],
  symbol: 'R_100',
  direction: 'call',
  stakeUsd: 1,
  expirySec: 60,
});

function setup() {
  const clock = new ManualClock(T0);
  const broker = new FakeBinaryBroker(clock);
  const alerts: Alert[] = [];
  let allowance: LiveAllowance | undefined;
  const onAlert = (a: Alert): void => void alerts.push(a);
  const live = new BrokerBinaryExecutor({
    port: broker,
    clock,
    onAlert,
    shadow: { payout: 0.95, tieRule: 'refund' },
  });
  const failover = new FailoverExecutor<BinaryDecision>({
    live,
    shadow: new ShadowBinaryExecutor({ payout: 0.95, tieRule: 'refund' }),
    clock,
    onAlert,
    allowance: () => allowance,
  });
  return { clock, broker, alerts, failover, allow: (a: LiveAllowance) => (allowance = a) };
}

describe('FailoverExecutor (runbook 5.1)', () => {
  it('goes live once started, falls back to shadow on a disconnect, and resumes live only when healthy and allowed', async () => {
    const { clock, broker, alerts, failover, allow } = setup();
    expect(failover.route.to).toBe('shadow');
    await failover.start();
    expect(failover.route).toEqual({ to: 'live' });
    expect((await failover.execute(decision('d1'), tick(T0, 100))).venue).toBe('fakebroker');

    clock.set(T0 + 5_000);
    broker.drop('connection closed by the server');
    expect(failover.route).toMatchObject({ to: 'shadow', since: T0 + 5_000 });
    expect((await failover.execute(decision('d2'), tick(T0 + 5_000, 100))).venue).toBe('shadow');

    broker.restore();
    await flush();
    expect(failover.route).toMatchObject({ to: 'shadow', recovered: true });
    allow({ tsMs: T0 + 1_000, operator: 'ops', reason: 'before the incident: does not count' });
    failover.onTick(tick(T0 + 6_000, 100));
    expect(failover.route.to).toBe('shadow');
    clock.set(T0 + 9_000);
    allow({ tsMs: T0 + 9_000, operator: 'ops', reason: 'broker back, checked' });
    failover.onTick(tick(T0 + 9_000, 100));
    expect(failover.route).toEqual({ to: 'live' });
    expect((await failover.execute(decision('d3'), tick(T0 + 9_000, 100))).venue).toBe('fakebroker');
    expect(
      alerts.map((a) => a.code).filter((c) => c.startsWith('VENUE_') && c !== 'VENUE_CONNECTED'),
    ).toEqual(['VENUE_FAILOVER', 'VENUE_RECOVERED', 'VENUE_LIVE_RESUMED']);
    // The shadow position from the outage settles from later prices, beside the live ones.
    expect(failover.pending().map((p) => [p.decisionId, p.venue])).toEqual([
      ['d1', 'fakebroker'],
      ['d3', 'fakebroker'],
      ['d2', 'shadow'],
    ]);
    clock.set(T0 + 66_000);
    expect(failover.onTick(tick(T0 + 66_000, 101)).map((o) => [o.decisionId, o.pnl])).toEqual([['d2', 0.95]]);
  });

  it('after a restart, the live hub hands a shadow position of an outage back to the failover (it settles from prices)', async () => {
    const clock = new ManualClock(T0);
    const broker = new FakeBinaryBroker(clock);
    const live = new BrokerBinaryExecutor({
      port: broker,
      clock,
      onAlert: () => {},
      shadow: { payout: 0.95, tieRule: 'refund' },
    });
    const { hub } = createLiveExecutionHub({
      engines: OmniConfigSchema.parse({}).engines,
      live: { binary: live },
      clock,
      onAlert: () => {},
      allowance: () => undefined,
    });
    const position = {
      decisionId: 'd7',
      market: 'binary' as const,
      symbol: 'R_100',
      venue: 'shadow',
      riskUsd: 1,
      openedTs: T0,
      entryTs: T0,
      entryPrice: 100,
      decision: decision('d7'),
    };
    expect([hub.adopt(position), hub.adopt({ ...position, decisionId: 'd8', venue: 'elsewhere' })]).toEqual([
      true,
      false,
    ]);
    expect(hub.onTick(tick(T0 + 60_000, 101)).map((o) => [o.decisionId, o.pnl])).toEqual([['d7', 0.8]]); // the config's payout
  });

  it('builds a live hub: binary through the failover, spot and arbitrage in shadow', async () => {
    const clock = new ManualClock(T0);
    const broker = new FakeBinaryBroker(clock);
    const live = new BrokerBinaryExecutor({
      port: broker,
      clock,
      onAlert: () => {},
      shadow: { payout: 0.95, tieRule: 'refund' },
    });
    const engines = OmniConfigSchema.parse({}).engines;
    const { hub, failovers } = createLiveExecutionHub({
      engines,
      live: { binary: live },
      clock,
      onAlert: () => {},
      allowance: () => undefined,
    });
    await hub.start();
    expect([
      hub.name,
      failovers.binary?.route.to,
      hub.executorFor('spot')?.venue,
      hub.executorFor('arbitrage'),
    ]).toEqual(['live', 'live', 'shadow', undefined]);
    await hub.stop();
    expect(live.ready).toBe(false);
  });
});
