import { type Alert, ManualClock, type Tick } from '@omni/core';
import { takeTicks } from '@omni/feeds';
import { afterEach, describe, expect, it } from 'vitest';
import { DerivFeed } from './deriv-feed.js';
import { fakeServer } from './test-kit.fixture.js';

const feeds: DerivFeed[] = [];
afterEach(async () => {
  for (const feed of feeds.splice(0)) await feed.stop();
});

function track(feed: DerivFeed): DerivFeed {
  feeds.push(feed);
  return feed;
}

describe('DerivFeed', () => {
  it('subscribes to ticks of every symbol and turns quote and epoch into ticks', async () => {
    const server = await fakeServer({ symbols: { R_100: 1000, frxEURUSD: 1.0842 } });
    const feed = track(
      new DerivFeed({
        symbols: ['R_100', 'frxEURUSD'],
        appId: '1089',
        wsUrl: server.url,
        clock: new ManualClock(0),
      }),
    );
    const iterator = feed[Symbol.asyncIterator]();
    const first = [await iterator.next(), await iterator.next()].map((r) => r.value as Tick);
    const emitted = server.emitTick('frxEURUSD');
    const third = (await iterator.next()).value as Tick;
    expect(server.requests('ticks')).toEqual([
      { ticks: 'R_100', subscribe: 1, req_id: 1 },
      { ticks: 'frxEURUSD', subscribe: 1, req_id: 2 },
    ]);
    expect([...first, third]).toEqual([
      { symbol: 'R_100', tsMs: 1_700_000_000_000, price: 1000, bid: 1000, ask: 1000, source: 'deriv:R_100' },
      {
        symbol: 'frxEURUSD',
        tsMs: 1_700_000_000_000,
        price: 1.0842,
        bid: 1.0842,
        ask: 1.0842,
        source: 'deriv:frxEURUSD',
      },
      {
        symbol: 'frxEURUSD',
        tsMs: emitted.epoch * 1000,
        price: emitted.quote,
        bid: emitted.quote,
        ask: emitted.quote,
        source: 'deriv:frxEURUSD',
      },
    ]);
    expect(feed.name).toBe('deriv:R_100,frxEURUSD');
  });

  it('resubscribes after a dropped connection and keeps delivering', async () => {
    const server = await fakeServer();
    const alerts: Alert[] = [];
    const feed = track(
      new DerivFeed({
        symbols: ['R_100'],
        appId: '1089',
        wsUrl: server.url,
        backoff: { initialMs: 5, maxMs: 5 },
        onAlert: (a) => alerts.push(a),
      }),
    );
    const prices: number[] = [];
    for await (const tick of feed) {
      prices.push(tick.price);
      if (prices.length === 1) {
        server.dropConnections();
        server.waitFor('ticks', 2).then(() => server.emitTick());
      }
      if (prices.length === 2) break;
    }
    expect(prices[0]).toBe(1000);
    expect(prices[1]).toBe(server.market.last('R_100')?.quote);
    expect(server.requests('ticks')).toHaveLength(2);
    expect(alerts.some((a) => a.message === 'reconnected and resubscribed')).toBe(true);
  });

  it('alerts on malformed frames and refused subscriptions, and keeps the good ticks', async () => {
    const server = await fakeServer();
    server.failNext('ticks', 'InvalidSymbol', 'Symbol R_999 is invalid.');
    const alerts: Alert[] = [];
    const feed = track(
      new DerivFeed({
        symbols: ['R_999', 'R_100'],
        appId: '1089',
        wsUrl: server.url,
        onAlert: (a) => alerts.push(a),
      }),
    );
    server.waitFor('ticks', 2).then(() => {
      server.sendRaw('not json');
      server.emitTick();
    });
    const ticks = await takeTicks(feed, 2);
    expect(ticks.map((t) => t.symbol)).toEqual(['R_100', 'R_100']);
    expect(alerts.map((a) => [a.code, a.message])).toEqual([
      ['FEED_PROTOCOL', 'skipped: Deriv answered tick with InvalidSymbol: Symbol R_999 is invalid.'],
      ['FEED_PROTOCOL', 'skipped: message is not JSON'],
    ]);
  });

  it('reads ticks the server emits on an interval the test opted into', async () => {
    const server = await fakeServer();
    const feed = track(new DerivFeed({ symbols: ['R_100'], appId: '1089', wsUrl: server.url }));
    server.waitFor('ticks').then(() => server.autoTick(2));
    const ticks = await takeTicks(feed, 4);
    server.stopAutoTick();
    expect(ticks.map((t) => t.tsMs)).toEqual([0, 1, 2, 3].map((i) => (1_700_000_000 + i) * 1000));
  });

  it('refuses an empty symbol list or a bad app id', () => {
    expect(() => new DerivFeed({ symbols: [], appId: '1089' })).toThrow(
      expect.objectContaining({ code: 'FEED_BAD_OPTION' }),
    );
    expect(() => new DerivFeed({ symbols: ['R_100'], appId: 'x' })).toThrow(
      expect.objectContaining({ code: 'FEED_BAD_OPTION' }),
    );
  });
});
