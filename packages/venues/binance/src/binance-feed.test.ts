import { backoffDelayMs } from '@omni/connection';
import { type Alert, ManualClock, Rng, type Tick } from '@omni/core';
import { takeTicks } from '@omni/feeds';
import { afterEach, describe, expect, it } from 'vitest';
import { BinanceFeed } from './binance-feed.js';
import { bookTicker, FakeBinance, trade } from './fake-binance.fixture.js';

const servers: FakeBinance[] = [];
const feeds: BinanceFeed[] = [];
afterEach(async () => {
  for (const f of feeds.splice(0)) await f.stop();
  for (const s of servers.splice(0)) await s.close();
});

function setup(): FakeBinance {
  const s = new FakeBinance();
  servers.push(s);
  return s;
}

function track(feed: BinanceFeed): BinanceFeed {
  feeds.push(feed);
  return feed;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('BinanceFeed', () => {
  it('connects to the combined-stream URL and turns trade and bookTicker messages into ticks', async () => {
    const server = setup();
    const baseUrl = await server.ready();
    server.onConnect((ws) => {
      ws.send(trade('BTCUSDT', 1, '42000.10', '0.0150', 1_700_000_000_000));
      ws.send(bookTicker('BTCUSDT', 400900217, '42000.00', '42000.20'));
    });
    const clock = new ManualClock(1_700_000_000_005);
    const feed = track(new BinanceFeed({ baseUrl, streams: ['BTCUSDT@trade', 'btcusdt@bookTicker'], clock }));
    const ticks = await takeTicks(feed, 2);
    expect(server.urls).toEqual(['/stream?streams=btcusdt@trade/btcusdt@bookTicker']);
    expect(ticks).toEqual([
      {
        symbol: 'BTCUSDT',
        tsMs: 1_700_000_000_000,
        price: 42000.1,
        volume: 0.015,
        source: 'binance:btcusdt@trade',
      },
      {
        symbol: 'BTCUSDT',
        tsMs: 1_700_000_000_005,
        price: 42000.1,
        bid: 42000,
        ask: 42000.2,
        source: 'binance:btcusdt@bookTicker',
      },
    ]);
  });

  it('alerts on garbage frames and keeps delivering the good messages around them', async () => {
    const server = setup();
    const baseUrl = await server.ready();
    server.onConnect((ws) => {
      ws.send(trade('ETHUSDT', 1, '2000.5', '1', 1000));
      ws.send('not json at all');
      ws.send(Buffer.from([1, 2, 3]), { binary: true });
      ws.send(JSON.stringify({ e: 'trade', s: 'ETHUSDT' }));
      ws.send(JSON.stringify({ stream: 'ethusdt@trade', data: { e: 'trade', s: 'ETHUSDT', p: 'x' } }));
      ws.send(
        JSON.stringify({
          stream: 'ethusdt@trade',
          data: { e: 'trade', s: 'ETHUSDT', p: 'NaN', q: '1', T: 1001 },
        }),
      );
      ws.send(trade('ETHUSDT', 2, '2000.75', '2', 1002));
    });
    const alerts: Alert[] = [];
    const feed = track(
      new BinanceFeed({ baseUrl, streams: ['ethusdt@trade'], onAlert: (a) => alerts.push(a) }),
    );
    const ticks = await takeTicks(feed, 2);
    expect(ticks.map((t) => t.price)).toEqual([2000.5, 2000.75]);
    expect(alerts.map((a) => a.code)).toEqual([
      'FEED_PROTOCOL',
      'FEED_PROTOCOL',
      'FEED_PROTOCOL',
      'FEED_PROTOCOL',
      'FEED_BAD_PRICE',
    ]);
    expect(alerts[0]?.context?.['message']).toBe('not json at all');
  });

  it('throws FEED_PROTOCOL from the iterator on a garbage frame under reject', async () => {
    const server = setup();
    const baseUrl = await server.ready();
    server.onConnect((ws) => ws.send('{"stream":"ethusdt@trade","data":{"e":"kline"}}'));
    const feed = track(new BinanceFeed({ baseUrl, streams: ['ethusdt@trade'], policy: 'reject' }));
    await expect(takeTicks(feed, 1)).rejects.toMatchObject({ code: 'FEED_PROTOCOL' });
  });

  it('reconnects after a disconnect with the seeded backoff delay and resubscribes every stream', async () => {
    const server = setup();
    const baseUrl = await server.ready();
    server.onConnect((ws, n) => {
      if (n === 1) {
        ws.send(trade('BTCUSDT', 1, '100', '1', 1000));
        // Drop the connection once the client's SUBSCRIBE arrives (no timer: robust under load).
        ws.once('message', () => setImmediate(() => ws.terminate()));
      } else {
        ws.send(trade('BTCUSDT', 2, '101', '1', 2000));
      }
    });
    const alerts: Alert[] = [];
    const backoff = { initialMs: 40, maxMs: 1000, jitter: 0.5 };
    const feed = track(
      new BinanceFeed({
        baseUrl,
        streams: ['btcusdt@trade'],
        seed: 77,
        backoff,
        onAlert: (a) => alerts.push(a),
      }),
    );
    const ticks: Tick[] = [];
    for await (const t of feed) {
      ticks.push(t);
      if (ticks.length === 1) feed.subscribe(['ethusdt@bookTicker']);
      if (ticks.length === 2) break;
    }
    expect(ticks.map((t) => t.price)).toEqual([100, 101]);
    expect(server.received).toEqual([
      JSON.stringify({ method: 'SUBSCRIBE', params: ['ethusdt@bookTicker'], id: 1 }),
    ]);
    expect(server.urls[1]).toBe('/stream?streams=btcusdt@trade/ethusdt@bookTicker');
    const expectedDelay = backoffDelayMs(0, backoff, new Rng(77).fork('binance/backoff'));
    const reconnect = alerts.find((a) => a.code === 'FEED_CONNECTION' && a.level === 'warn');
    expect(reconnect?.context).toMatchObject({ attempt: 1, delayMs: expectedDelay });
    expect(alerts.some((a) => a.message === 'reconnected and resubscribed')).toBe(true);
    expect(feed.connections).toBe(2);
  });

  it('detects a stale stream, drops the socket and reconnects', async () => {
    const server = setup();
    const baseUrl = await server.ready();
    server.onConnect((ws, n) => {
      if (n === 2) ws.send(trade('BTCUSDT', 1, '100', '1', 1000));
      // The first connection stays open but silent.
    });
    const alerts: Alert[] = [];
    const feed = track(
      new BinanceFeed({
        baseUrl,
        streams: ['btcusdt@trade'],
        staleTimeoutMs: 120,
        backoff: { initialMs: 10 },
        onAlert: (a) => alerts.push(a),
      }),
    );
    const ticks = await takeTicks(feed, 1);
    expect(ticks[0]?.price).toBe(100);
    expect(alerts.map((a) => a.code)).toContain('FEED_STALE');
    expect(server.urls).toHaveLength(2);
  });

  it('answers server pings with pongs and sends its own pings', async () => {
    const server = setup();
    const baseUrl = await server.ready();
    server.onConnect((ws) => {
      ws.ping(Buffer.from('hi'));
      // Send the trade once the pong and two client pings have arrived (event-driven, no timer race).
      let sent = false;
      const maybeSend = (): void => {
        if (!sent && server.pongs >= 1 && server.pings >= 2) {
          sent = true;
          ws.send(trade('BTCUSDT', 1, '100', '1', 1000));
        }
      };
      ws.on('ping', maybeSend);
      ws.on('pong', maybeSend);
    });
    const feed = track(new BinanceFeed({ baseUrl, streams: ['btcusdt@trade'], pingIntervalMs: 30 }));
    await takeTicks(feed, 1);
    expect(server.pongs).toBeGreaterThanOrEqual(1);
    expect(server.pings).toBeGreaterThanOrEqual(2);
  });

  it('pauses the socket for a slow consumer and loses nothing', async () => {
    const server = setup();
    const baseUrl = await server.ready();
    const total = 1_000;
    server.onConnect((ws) => {
      for (let i = 0; i < total; i++)
        ws.send(trade('BTCUSDT', i, (100 + i * 0.01).toFixed(2), '1', 1_000 + i));
    });
    const feed = track(
      new BinanceFeed({
        baseUrl,
        streams: ['btcusdt@trade'],
        highWaterMark: 100,
        lowWaterMark: 20,
        staleTimeoutMs: 5_000,
      }),
    );
    const seen: number[] = [];
    let sawPause = false;
    for await (const t of feed) {
      seen.push(t.tsMs);
      sawPause ||= feed.paused;
      if (seen.length % 100 === 0) await sleep(2);
      if (seen.length === total) break;
    }
    expect({ sawPause, seen }).toEqual({
      sawPause: true,
      seen: Array.from({ length: total }, (_, i) => 1_000 + i),
    });
  });

  it('gives up with FEED_CONNECTION after maxReconnects failed attempts', async () => {
    const server = setup();
    const baseUrl = await server.ready();
    await server.close();
    servers.pop();
    const feed = track(
      new BinanceFeed({ baseUrl, streams: ['btcusdt@trade'], maxReconnects: 2, backoff: { initialMs: 5 } }),
    );
    await expect(takeTicks(feed, 1)).rejects.toMatchObject({ code: 'FEED_CONNECTION' });
  });
});
