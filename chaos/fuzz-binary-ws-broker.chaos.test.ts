/**
 * Fuzz of the binary-ws configured broker (`JsonWsBinaryBroker`, ACME protocol) against its fake
 * platform: after a buy and a follow, the platform pushes fuzzed frames (mutated trade updates, stale
 * replies, errors, arbitrary text) on the broker's connection. Property: every update the broker
 * reports is a contract of the declared shape with finite numbers; the garbage sends no order; the
 * next buy still gives a contract or a typed error — nothing throws.
 */
import { isOmniError } from '@omni/core';
import type { BinaryContract } from '@omni/execution';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerRig, ORDER, updateLog } from '../packages/venues/binary-ws/src/test-support.fixture.js';
import { allNumbersFinite, BoundaryTally, jsonFrames, prototypeLeaks, seededSample } from './fuzz-support.js';

const PUSH_RUNS = 1_500;
const tally = new BoundaryTally('binary-ws-broker-pushes');
afterAll(() => {
  expect(prototypeLeaks()).toEqual([]);
  console.log(tally.line());
});

const { setup } = brokerRig();
const STATUSES = new Set(['open', 'won', 'lost', 'sold']);

/** A contract as the port promises it: known status and direction, string ids, finite numbers. */
function wellFormed(c: BinaryContract): boolean {
  return (
    STATUSES.has(c.status) &&
    (c.direction === 'call' || c.direction === 'put') &&
    typeof c.contractId === 'string' &&
    typeof c.symbol === 'string' &&
    Number.isSafeInteger(c.purchaseTsMs) &&
    allNumbersFinite(c)
  );
}

const TRADE = {
  id: 9001,
  asset: 'EURUSD',
  side: 'HIGHER',
  cost: 10,
  payout: 18.5,
  openedAt: 1_700_000_000,
  openPrice: 1.0842,
  state: 'active',
  tag: 'd-1',
};
const PUSHES = [
  { type: 'trade_update', trade: TRADE },
  {
    type: 'trade_update',
    trade: { ...TRADE, state: 'win', profit: 8.5, returned: 18.5, closedAt: 1_700_000_300 },
  },
  { rid: 3, type: 'trade', trade: TRADE },
  { rid: 99, type: 'balance', balance: { amount: 990, currency: 'USD' } },
  { rid: 98, type: 'error', error: { code: 'MARKET_CLOSED', text: 'EURUSD is closed' } },
];

describe('fuzz: binary-ws broker pushes', () => {
  it(`stays well-formed under ${PUSH_RUNS} fuzzed frames pushed on its connection`, async () => {
    const { server, broker, log } = await setup();
    await broker.connect();
    await broker.buy(ORDER);
    const follow = updateLog();
    await broker.follow('9001', follow.onUpdate);
    const before = { alerts: log.alerts.length, updates: follow.updates.length };
    const frames = seededSample(jsonFrames(PUSHES), PUSH_RUNS);
    const socket = server.sockets[0];
    if (socket === undefined) throw new Error('the broker did not connect');
    for (const f of frames) socket.send(f);

    // Frames are read in order: the answer to this buy comes after every pushed frame.
    let next: BinaryContract | undefined;
    try {
      next = await broker.buy({ ...ORDER, clientId: 'd-2' });
    } catch (err) {
      expect(isOmniError(err)).toBe(true);
    }
    if (next !== undefined) expect(wellFormed(next)).toBe(true);
    for (const u of follow.updates) expect(wellFormed(u)).toBe(true);
    expect(server.framesOf('trade').length).toBe(2); // the garbage sent no order
    const alerts = log.alerts.length - before.alerts;
    const updates = follow.updates.length - before.updates;
    tally.add('alert', alerts);
    tally.add('accepted', updates);
    tally.add('ignored', Math.max(0, PUSH_RUNS - alerts - updates));
  });
});
