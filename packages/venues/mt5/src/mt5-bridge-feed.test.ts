import type { Alert } from '@omni/core';
import { takeTicks } from '@omni/feeds';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge, tickLine } from './fake-bridge.fixture.js';
import { Mt5BridgeFeed } from './mt5-bridge-feed.js';

const bridges: FakeBridge[] = [];
const feeds: Mt5BridgeFeed[] = [];
afterEach(async () => {
  for (const f of feeds.splice(0)) await f.stop();
  for (const b of bridges.splice(0)) await b.close();
});

describe('Mt5BridgeFeed', () => {
  it('subscribes and turns tick lines (split across TCP chunks) into mid-price ticks', async () => {
    const bridge = new FakeBridge();
    bridges.push(bridge);
    const port = await bridge.listen();
    bridge.onConnect((socket) => {
      const text =
        tickLine('EURUSD', 1_700_000_000_123, 1.0861, 1.0863) +
        tickLine('EURUSD', 1_700_000_000_200, 1.0862, 1.0864);
      socket.write(text.slice(0, 30));
      setTimeout(() => socket.write(text.slice(30)), 10);
    });
    const feed = new Mt5BridgeFeed({ port, symbols: ['EURUSD'] });
    feeds.push(feed);
    const ticks = await takeTicks(feed, 2);
    expect(bridge.received[0]).toBe('{"type":"subscribe","symbols":["EURUSD"]}');
    expect(ticks[0]).toEqual({
      symbol: 'EURUSD',
      tsMs: 1_700_000_000_123,
      price: (1.0861 + 1.0863) / 2,
      bid: 1.0861,
      ask: 1.0863,
      volume: 0,
      source: 'mt5:EURUSD',
    });
    expect(ticks[1]?.tsMs).toBe(1_700_000_000_200);
  });

  it('ignores heartbeats, alerts on garbage lines and bridge errors, and keeps the good ticks', async () => {
    const bridge = new FakeBridge();
    bridges.push(bridge);
    const port = await bridge.listen();
    bridge.onConnect((socket) => {
      socket.write(tickLine('XAUUSD', 1000, 2000.1, 2000.5));
      socket.write('{"type":"heartbeat","time_msc":1001}\n');
      socket.write('garbage\n');
      socket.write('{"type":"tick","symbol":"XAUUSD"}\n');
      socket.write('{"type":"error","message":"unknown symbol FOO"}\n');
      socket.write(tickLine('XAUUSD', 1002, 2000.2, 2000.6));
    });
    const alerts: Alert[] = [];
    const feed = new Mt5BridgeFeed({ port, symbols: ['XAUUSD'], onAlert: (a) => alerts.push(a) });
    feeds.push(feed);
    const ticks = await takeTicks(feed, 2);
    expect(ticks.map((t) => t.tsMs)).toEqual([1000, 1002]);
    expect(alerts.map((a) => [a.code, a.message])).toEqual([
      ['FEED_PROTOCOL', 'skipped: line is not JSON'],
      ['FEED_PROTOCOL', 'skipped: expected {"type":"tick","symbol","time_msc",...}'],
      ['FEED_PROTOCOL', 'bridge reported: unknown symbol FOO'],
    ]);
  });

  it('reconnects after the bridge drops the connection and subscribes again', async () => {
    const bridge = new FakeBridge();
    bridges.push(bridge);
    const port = await bridge.listen();
    bridge.onConnect((socket, n) => {
      if (n === 1) {
        socket.write(tickLine('EURUSD', 1000, 1.1, 1.1002));
        setTimeout(() => socket.destroy(), 20);
      } else {
        // onConnect runs once the resubscription has arrived.
        socket.write(tickLine('EURUSD', 2000, 1.2, 1.2002));
      }
    });
    const feed = new Mt5BridgeFeed({ port, symbols: ['EURUSD'], backoff: { initialMs: 20 } });
    feeds.push(feed);
    const ticks = await takeTicks(feed, 2);
    expect(ticks.map((t) => t.tsMs)).toEqual([1000, 2000]);
    expect(bridge.received.filter((l) => l.includes('subscribe'))).toHaveLength(2);
    expect(feed.connections).toBe(2);
  });

  it('throws FEED_PROTOCOL on a garbage line under reject', async () => {
    const bridge = new FakeBridge();
    bridges.push(bridge);
    const port = await bridge.listen();
    bridge.onConnect((socket) => socket.write('nope\n'));
    const feed = new Mt5BridgeFeed({ port, symbols: ['EURUSD'], policy: 'reject' });
    feeds.push(feed);
    await expect(takeTicks(feed, 1)).rejects.toMatchObject({ code: 'FEED_PROTOCOL' });
  });
});
