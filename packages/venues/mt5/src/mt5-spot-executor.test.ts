import type { OpenPosition, SpotDecision, Tick, TradeOutcome } from '@omni/core';
import { TradeOutcomeSchema } from '@omni/core';
import { type BrokerHealthReport, BrokerOrderBook } from '@omni/execution';
import { afterEach, describe, expect, it } from 'vitest';
import { nextEvent, nextMessage, SECRET, startBridge, T0 } from './bridge-kit.fixture.js';
import { FakeEa } from './fake-ea.fixture.js';
import { Mt5SpotExecutor } from './mt5-spot-executor.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A 20 000 EURUSD buy: stop 1.0980, half at 1.1010, the rest at 1.1030. */
const decision = (id = 'd1', over: Partial<SpotDecision> = {}): SpotDecision => ({
  engine: 'spot',
  id,
  tsMs: T0,
  confidence: 0.6,
  reasons: [],
  symbol: 'EURUSD',
  side: 'buy',
  size: 20_000,
  entryPrice: 1.1,
  stopPrice: 1.098,
  takeProfits: [
    { price: 1.103, fraction: 0.5 },
    { price: 1.101, fraction: 0.5 },
  ],
  ...over,
});
const tick: Tick = {
  symbol: 'EURUSD',
  tsMs: T0,
  price: 1.09995,
  bid: 1.0999,
  ask: 1.1,
  source: 'mt5:EURUSD',
};

async function setup(options: { book?: BrokerOrderBook } = {}) {
  const kit = await startBridge();
  cleanup.push(() => kit.bridge.stop());
  const states: [string, unknown][] = [];
  const health: BrokerHealthReport[] = [];
  const alerts = kit.alerts;
  const spot = new Mt5SpotExecutor({
    bridge: kit.bridge,
    clock: kit.scheduler,
    scheduler: kit.scheduler,
    ...(options.book ? { book: options.book } : {}),
    onPositionState: (id, patch) => states.push([id, patch]),
    onAlert: (a) => alerts.push(a),
  });
  spot.onHealth((h) => health.push(h));
  await spot.start();
  cleanup.push(() => spot.stop());
  const ea = new FakeEa({ port: kit.port, secret: SECRET, commissionPerLot: 3.5 });
  cleanup.push(() => ea.disconnect());
  /** Connects the EA and waits until the executor has reconciled with its positions. */
  const connect = async () => {
    const reconciled = new Promise<void>((resolve) => {
      const off = spot.onHealth((h) => {
        if (!h.ok) return;
        off();
        resolve();
      });
    });
    expect(await ea.connect()).toBe('welcome');
    await reconciled;
  };
  /** Sends an EA tick and waits until the bridge (and so the executor) has seen `after` lines of `type`. */
  const step = async (type: string, action: () => void) => {
    const seen = nextMessage(kit.bridge, type);
    action();
    await seen;
  };
  return { ...kit, spot, ea, states, health, connect, step };
}

const parse = (outcomes: readonly TradeOutcome[]) => outcomes.map((o) => TradeOutcomeSchema.parse(o));

describe('Mt5SpotExecutor', () => {
  it('follows an order to its fill, a partial close at TP1, a stop at break-even, and books the broker numbers', async () => {
    const { spot, ea, states, health, connect, step, bridge } = await setup();
    await connect();
    ea.tick('EURUSD', 1.0999, 1.1, T0);
    await nextMessage(bridge, 'tick');
    const filled = nextMessage(bridge, 'fill');
    expect(await spot.execute(decision(), tick)).toEqual({
      status: 'accepted',
      decisionId: 'd1',
      engine: 'spot',
      venue: 'mt5',
      tsMs: T0,
    });
    expect(spot.pending()).toEqual([
      { decisionId: 'd1', engine: 'spot', symbol: 'EURUSD', venue: 'mt5', state: 'awaiting-fill' },
    ]);
    await filled;
    expect(ea.linesOf('order')).toEqual([
      {
        v: 1,
        type: 'order',
        client_id: 'd1',
        symbol: 'EURUSD',
        side: 'buy',
        volume: 0.2,
        sl: 1.098,
        tp: 1.103,
      },
    ]);
    // The rungs are checked on the EA's ticks of the symbol, so the executor subscribes it.
    expect(ea.linesOf('subscribe')).toEqual([{ v: 1, type: 'subscribe', symbols: ['EURUSD'] }]);
    expect(spot.pending()).toEqual([
      {
        decisionId: 'd1',
        engine: 'spot',
        symbol: 'EURUSD',
        venue: 'mt5',
        state: 'open',
        entryTs: T0,
        entryPrice: 1.1,
      },
    ]);
    expect(states[0]).toEqual(['d1', expect.objectContaining({ entryTs: T0, entryPrice: 1.1 })]);
    // TP1 crossed at the bid: half closed at the quote, then the stop moves to the entry.
    await step('closed', () => ea.tick('EURUSD', 1.1012, 1.1013, T0 + 1_000));
    await ea.waitFor((m) => m.type === 'modify');
    expect(ea.linesOf('close')).toEqual([{ v: 1, type: 'close', client_id: 'd1', volume: 0.1 }]);
    expect(ea.linesOf('modify')).toEqual([{ v: 1, type: 'modify', client_id: 'd1', sl: 1.1, tp: 1.103 }]);
    expect(spot.onTick(tick)).toEqual([]);
    // Back to the entry: the broker's stop closes the rest.
    await step('closed', () => ea.tick('EURUSD', 1.1, 1.1001, T0 + 2_000));
    const [outcome, ...more] = parse(spot.onTick(tick));
    expect(more).toEqual([]);
    expect(outcome).toMatchObject({
      decisionId: 'd1',
      engine: 'spot',
      symbol: 'EURUSD',
      direction: 'buy',
      entryTs: T0,
      entryPrice: 1.1,
      settleTs: T0 + 2_000,
      size: 20_000,
      // commissions 0.70 in, 0.35 + 0.35 out; profit 12.00 on the half closed at 1.1012, 0 at the entry.
      fees: 1.4,
      pnl: 10.6,
      quoteUsd: 1,
      rule: 'mt5-tp-1+sl',
      exit: { kind: 'stop', gap: false, bothCrossed: false },
      legs: [
        { kind: 'take-profit', level: 1, of: 2 },
        { kind: 'stop', gap: false, bothCrossed: false },
      ],
      stop: 1.098,
      takeProfits: [
        { price: 1.101, fraction: 0.5 },
        { price: 1.103, fraction: 0.5 },
      ],
    });
    expect(outcome?.settlePrice).toBeCloseTo(1.1006, 12);
    expect(spot.pending()).toEqual([]);
    expect(spot.onTick(tick)).toEqual([]);
    expect(health).toEqual([{ market: 'spot', venue: 'mt5', ok: true }]);
  });

  it('turns a broker refusal into a cancelled outcome of size 0', async () => {
    const { spot, ea, connect, bridge } = await setup();
    await connect();
    ea.answers.push({ kind: 'reject', retcode: 10019, message: 'No money' });
    const rejected = nextMessage(bridge, 'reject');
    await spot.execute(decision(), tick);
    await rejected;
    expect(parse(spot.onTick(tick))).toEqual([
      {
        decisionId: 'd1',
        engine: 'spot',
        symbol: 'EURUSD',
        direction: 'buy',
        entryTs: T0,
        entryPrice: 1.1,
        settleTs: T0,
        settlePrice: 1.1,
        size: 0,
        fees: 0,
        pnl: 0,
        quoteUsd: 1,
        rule: 'mt5-never-opened',
        exit: { kind: 'cancelled', reason: 'refused by MT5 (retcode 10019): No money' },
        legs: [{ kind: 'cancelled', reason: 'refused by MT5 (retcode 10019): No money' }],
        stop: 1.098,
        takeProfits: [
          { price: 1.101, fraction: 0.5 },
          { price: 1.103, fraction: 0.5 },
        ],
      },
    ]);
    expect(spot.pending()).toEqual([]);
  });

  it('refuses without an EA session, and a decision that already has an order', async () => {
    const { spot, connect } = await setup();
    expect(await spot.execute(decision(), tick)).toMatchObject({
      status: 'rejected',
      code: 'EXECUTION_VENUE_UNAVAILABLE',
      reason: 'no EA session on the bridge',
    });
    await connect();
    expect((await spot.execute(decision(), tick)).status).toBe('accepted');
    expect(await spot.execute(decision(), tick)).toMatchObject({
      status: 'rejected',
      code: 'EXECUTION_DUPLICATE_ORDER',
    });
  });

  it('resolves an unanswered order from the positions after a reconnect, never sending it twice', async () => {
    const book = new BrokerOrderBook('mt5');
    const { spot, ea, connect, scheduler, bridge, alerts, health } = await setup({ book });
    await connect();
    ea.tick('EURUSD', 1.0999, 1.1, T0);
    ea.answers.push({ kind: 'open-silently', price: 1.1001 });
    await spot.execute(decision(), tick);
    await ea.waitFor((m) => m.type === 'order');
    const down = nextEvent(bridge, (e) => e.kind === 'down');
    await ea.disconnect();
    await down;
    scheduler.advance(10_000);
    expect(book.get('d1')?.state).toBe('unanswered');
    expect(alerts.map((a) => a.code)).toContain('MT5_ORDER_UNANSWERED');
    expect(await spot.execute(decision('d2'), tick)).toMatchObject({ code: 'EXECUTION_VENUE_UNAVAILABLE' });
    await connect();
    expect(book.get('d1')).toMatchObject({ state: 'open', brokerRef: '1001' });
    expect(spot.pending()).toEqual([
      {
        decisionId: 'd1',
        engine: 'spot',
        symbol: 'EURUSD',
        venue: 'mt5',
        state: 'open',
        entryTs: T0,
        entryPrice: 1.1001,
      },
    ]);
    expect(await spot.execute(decision(), tick)).toMatchObject({ code: 'EXECUTION_DUPLICATE_ORDER' });
    expect(ea.linesOf('order')).toHaveLength(1);
    expect(health.map((h) => h.ok)).toEqual([true, false, true]);
  });

  it('settles an order the EA never received as never opened, from a later positions snapshot', async () => {
    const book = new BrokerOrderBook('mt5');
    const { spot, ea, connect, scheduler, bridge } = await setup({ book });
    await connect();
    ea.answers.push({ kind: 'ignore' });
    await spot.execute(decision(), tick);
    const snapshot = nextEvent(
      bridge,
      (e) => e.kind === 'message' && e.message.type === 'positions' && e.message.req === 2,
    );
    scheduler.advance(10_000);
    await snapshot;
    expect(parse(spot.onTick(tick))).toMatchObject([
      {
        decisionId: 'd1',
        size: 0,
        pnl: 0,
        exit: { kind: 'cancelled', reason: 'never opened: not among the positions at the broker' },
      },
    ]);
    expect(book.get('d1')?.state).toBe('closed');
    expect(ea.linesOf('order')).toHaveLength(1);
  });

  it('follows a position across a reconnect, and books a stop hit while the bridge was down', async () => {
    const { spot, ea, connect, step, bridge, health } = await setup();
    await connect();
    ea.tick('EURUSD', 1.0999, 1.1, T0);
    await step('fill', () => void spot.execute(decision(), tick));
    const down = nextEvent(bridge, (e) => e.kind === 'down');
    await ea.disconnect();
    await down;
    ea.tick('EURUSD', 1.0979, 1.098, T0 + 5_000); // the broker's SL closes it; the EA keeps the report
    expect(spot.onTick(tick)).toEqual([]);
    await connect();
    const [outcome] = parse(spot.onTick(tick));
    expect(outcome).toMatchObject({
      settleTs: T0 + 5_000,
      settlePrice: 1.0979,
      size: 20_000,
      fees: 1.4,
      // (1.0979 − 1.1) × 0.2 × 100 000 = −42.00, commissions −1.40
      pnl: -43.4,
      exit: { kind: 'stop', gap: true, bothCrossed: false },
      rule: 'mt5-sl',
    });
    expect(health.map((h) => h.ok)).toEqual([true, false, true]);
  });

  it('takes every rung when one tick jumps past the last take-profit', async () => {
    const { spot, ea, connect, step } = await setup();
    await connect();
    ea.tick('EURUSD', 1.0999, 1.1, T0);
    await step('fill', () => void spot.execute(decision(), tick));
    await step('closed', () => ea.tick('EURUSD', 1.1035, 1.1036, T0 + 1_000));
    const [outcome] = parse(spot.onTick(tick));
    expect(outcome).toMatchObject({
      settlePrice: 1.103,
      pnl: 58.6, // (1.103 − 1.1) × 20 000 = 60.00, commissions −1.40
      legs: [
        { kind: 'take-profit', level: 1, of: 2 },
        { kind: 'take-profit', level: 2, of: 2 },
      ],
      exit: { kind: 'take-profit', level: 2, of: 2 },
    });
  });

  it('closes every open position on cancelAll', async () => {
    const { spot, ea, connect, step, bridge } = await setup();
    await connect();
    ea.tick('EURUSD', 1.0999, 1.1, T0);
    await step('fill', () => void spot.execute(decision('a'), tick));
    await step('fill', () => void spot.execute(decision('b', { size: 10_000 }), tick));
    const second = nextEvent(
      bridge,
      (e) => e.kind === 'message' && e.message.type === 'closed' && e.message.client_id === 'b',
    );
    expect(await spot.cancelAll()).toBe(2);
    await second;
    const outcomes = parse(spot.onTick(tick));
    // Closed at the bid 1.0999, bought at 1.1000: −1 pip × lots × 100 000, plus 3.50 per lot in and out.
    expect(outcomes.map((o) => [o.decisionId, o.size, o.pnl, o.exit])).toEqual([
      ['a', 20_000, -3.4, { kind: 'cancelled', reason: 'closed at market by cancelAll' }],
      ['b', 10_000, -1.7, { kind: 'cancelled', reason: 'closed at market by cancelAll' }],
    ]);
    expect(await spot.cancelAll()).toBe(0);
  });

  it('adopts an mt5 position of the ledger and follows it to its take-profit', async () => {
    const book = new BrokerOrderBook('mt5');
    const { spot, ea, connect, step } = await setup({ book });
    const position: OpenPosition = {
      decisionId: 'old',
      market: 'spot',
      symbol: 'EURUSD',
      venue: 'mt5',
      riskUsd: 40,
      openedTs: T0,
      decision: decision('old'),
      entryTs: T0,
      entryPrice: 1.1,
      brokerRef: '1001',
      executorState: { ticket: '1001', filledLots: 0.2, remainingLots: 0.2 },
    };
    expect(spot.adopt(position)).toBe(true);
    expect(spot.adopt({ ...position, venue: 'shadow' })).toBe(false);
    // The EA still holds it (it opened in an earlier run).
    ea.positions.set('old', {
      client_id: 'old',
      ticket: '1001',
      symbol: 'EURUSD',
      side: 'buy',
      volume: 0.2,
      open_price: 1.1,
      sl: 1.098,
      tp: 1.103,
      time_msc: T0,
    });
    await connect();
    expect(book.get('old')?.state).toBe('open');
    await step('closed', () => ea.tick('EURUSD', 1.1031, 1.1032, T0 + 1_000));
    const [outcome] = parse(spot.onTick(tick));
    expect(outcome).toMatchObject({
      decisionId: 'old',
      pnl: 59.3,
      exit: { kind: 'take-profit', level: 2, of: 2 },
    });
  });

  it('settles an open position that vanished with its report (the EA restarted) with a critical alert', async () => {
    const { spot, ea, connect, step, bridge, alerts, port } = await setup();
    await connect();
    ea.tick('EURUSD', 1.0999, 1.1, T0);
    await step('fill', () => void spot.execute(decision(), tick));
    const down = nextEvent(bridge, (e) => e.kind === 'down');
    await ea.disconnect();
    await down;
    // A new EA process: no position of ours any more, no outbox.
    const restarted = new FakeEa({ port, secret: SECRET });
    cleanup.push(() => restarted.disconnect());
    const healthy = new Promise<void>((resolve) => spot.onHealth((h) => h.ok && resolve()));
    await restarted.connect();
    await healthy;
    expect(parse(spot.onTick(tick))).toMatchObject([
      {
        decisionId: 'd1',
        size: 20_000,
        pnl: -0.7,
        exit: {
          kind: 'cancelled',
          reason: 'closed at the broker while the bridge was down; result not reported',
        },
      },
    ]);
    expect(alerts.filter((a) => a.code === 'MT5_ORDER_NOT_FOUND').map((a) => a.level)).toEqual(['critical']);
  });

  it('reconciles booked orders no decision was adopted for: absent → closed, present → an alert', async () => {
    const book = new BrokerOrderBook('mt5');
    book.begin('gone', T0, { symbol: 'EURUSD' });
    book.begin('kept', T0, { symbol: 'EURUSD' });
    const { ea, connect, alerts } = await setup({ book });
    ea.positions.set('kept', {
      client_id: 'kept',
      ticket: '77',
      symbol: 'EURUSD',
      side: 'sell',
      volume: 0.01,
      open_price: 1.1,
      sl: 1.102,
      tp: 1.09,
      time_msc: T0,
    });
    await connect();
    expect([book.get('gone')?.state, book.get('kept')?.state, book.get('kept')?.brokerRef]).toEqual([
      'closed',
      'open',
      '77',
    ]);
    expect(alerts.filter((a) => a.source === 'mt5-spot').map((a) => a.code)).toEqual([
      'MT5_ORDER_NOT_FOUND',
      'MT5_ORDER_UNFOLLOWED',
    ]);
  });
});
