import { takeTicks } from '@omni/feeds';
import { afterEach, describe, expect, it } from 'vitest';
import { nextEvent, SECRET, startBridge } from './bridge-kit.fixture.js';
import { FakeEa } from './fake-ea.fixture.js';
import { Mt5Feed } from './mt5-feed.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('Mt5Feed', () => {
  it('subscribes on the EA session and turns its tick lines into mid-price ticks', async () => {
    const { bridge, port, scheduler } = await startBridge();
    cleanup.push(() => bridge.stop());
    const ea = new FakeEa({ port, secret: SECRET });
    cleanup.push(() => ea.disconnect());
    const feed = new Mt5Feed({ bridge, symbols: ['EURUSD', 'XAUUSD'], clock: scheduler, scheduler });
    cleanup.push(() => feed.stop());
    const ticks = takeTicks(feed, 2);
    await ea.connect();
    const sub = await ea.waitFor((m) => m.type === 'subscribe');
    expect(sub).toEqual({ v: 1, type: 'subscribe', symbols: ['EURUSD', 'XAUUSD'] });
    ea.tick('EURUSD', 1.0861, 1.0863, 1_700_000_000_123);
    ea.tick('XAUUSD', 2000.1, 2000.5, 1_700_000_000_200);
    expect(await ticks).toEqual([
      {
        symbol: 'EURUSD',
        tsMs: 1_700_000_000_123,
        price: (1.0861 + 1.0863) / 2,
        bid: 1.0861,
        ask: 1.0863,
        source: 'mt5:EURUSD',
      },
      {
        symbol: 'XAUUSD',
        tsMs: 1_700_000_000_200,
        price: (2000.1 + 2000.5) / 2,
        bid: 2000.1,
        ask: 2000.5,
        source: 'mt5:XAUUSD',
      },
    ]);
  });

  it('subscribes again on a new EA session after a reconnect and keeps delivering', async () => {
    const { bridge, port, scheduler } = await startBridge();
    cleanup.push(() => bridge.stop());
    const ea = new FakeEa({ port, secret: SECRET });
    cleanup.push(() => ea.disconnect());
    const feed = new Mt5Feed({
      bridge,
      symbols: ['EURUSD'],
      clock: scheduler,
      scheduler,
      backoff: { initialMs: 10 },
    });
    cleanup.push(() => feed.stop());
    const ticks = takeTicks(feed, 2);
    await ea.connect();
    await ea.waitFor((m) => m.type === 'subscribe');
    ea.tick('EURUSD', 1.1, 1.1002, 1_000);
    const down = nextEvent(bridge, (e) => e.kind === 'down');
    await ea.disconnect();
    await down;
    await ea.connect();
    scheduler.advance(100); // the feed's re-attach backoff
    await ea.waitFor(
      (m) => m.type === 'subscribe',
      ea.received.findIndex((m) => m.type === 'welcome' && m['session'] === 's2'),
    );
    ea.tick('EURUSD', 1.2, 1.2002, 2_000);
    expect((await ticks).map((t) => t.tsMs)).toEqual([1_000, 2_000]);
    expect(ea.linesOf('subscribe')).toHaveLength(2);
    expect(feed.connections).toBe(2);
  });

  it('starts the bridge it is given and releases it on stop', async () => {
    const { bridge, port, scheduler } = await startBridge();
    const feed = new Mt5Feed({ bridge, symbols: ['EURUSD'], clock: scheduler, scheduler });
    await feed.start();
    await bridge.stop(); // the kit's user; the feed still holds it
    expect(bridge.address.port).toBe(port);
    const ea = new FakeEa({ port, secret: SECRET });
    expect(await ea.connect()).toBe('welcome');
    await feed.stop();
    await ea.closedByBridge();
  });
});
