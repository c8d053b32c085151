import { backoffDelayMs, type LinkEvents, ManualLink, ManualScheduler } from '@omni/connection';
import { type Alert, FeedError, Rng, type Tick } from '@omni/core';
import { describe, expect, it } from 'vitest';
import type { RawTick } from './market-normalizer.js';
import { NetworkFeed, type NetworkFeedOptions } from './network-feed.js';
import { takeTicks } from './take-ticks.js';

/** A venue speaking `price,tsMs` lines over a {@link ManualLink}. */
class LineFeed extends NetworkFeed<ManualLink> {
  readonly links: ManualLink[] = [];
  readonly subscribed: ManualLink[] = [];

  constructor(options: NetworkFeedOptions) {
    super(options, {
      name: 'test:EURUSD',
      backoffLabel: 'test/backoff',
      defaultStaleTimeoutMs: 1_000,
      unreachable: 'cannot reach the test venue',
      silence: 'line',
      endpoint: { host: '127.0.0.1', port: 9 },
    });
  }

  /** The venue sends `line` on the newest link. */
  receive(line: string): void {
    if (!this.links.at(-1)?.events.received()) return;
    const [price, tsMs] = line.split(',');
    if (tsMs === undefined) this.protocol('expected price,tsMs', line);
    else this.deliver({ symbol: 'eurusd', tsMs: Number(tsMs), price: Number(price), source: 'test' }, line);
  }

  receiveRaw(raw: RawTick): void {
    if (this.links.at(-1)?.events.received()) this.deliver(raw, 'raw');
  }

  protected openLink(events: LinkEvents): ManualLink {
    const link = new ManualLink(events, 'link closed');
    this.links.push(link);
    return link;
  }

  protected opened(link: ManualLink): void {
    this.subscribed.push(link);
  }
}

const backoff = { initialMs: 100, jitter: 0.5 };

function setup(options: Partial<NetworkFeedOptions> = {}) {
  const scheduler = new ManualScheduler(1_700_000_000_000);
  const alerts: Alert[] = [];
  const feed = new LineFeed({
    clock: scheduler,
    scheduler,
    seed: 4,
    backoff,
    onAlert: (a) => alerts.push(a),
    ...options,
  });
  const delay = (attempt: number, rng = new Rng(4).fork('test/backoff')): number => {
    let d = 0;
    for (let k = 0; k <= attempt; k++) d = backoffDelayMs(k, backoff, rng);
    return d;
  };
  return { scheduler, alerts, feed, delay };
}

describe('NetworkFeed', () => {
  it('cleans what the venue sends and hands it to the consumer in order', async () => {
    const { feed } = setup();
    await feed.start();
    feed.links[0]?.events.opened();
    feed.receive('1.0861,1000');
    feed.receive('1.0862,1001');
    expect(await takeTicks(feed, 2)).toEqual([
      { symbol: 'EURUSD', tsMs: 1000, price: 1.0861, source: 'test' },
      { symbol: 'EURUSD', tsMs: 1001, price: 1.0862, source: 'test' },
    ]);
    expect(feed.subscribed).toEqual([feed.links[0]]);
    expect(feed.links[0]?.calls).toEqual(['destroy']);
  });

  it('fills the mid of a quote when it has no normalizer', async () => {
    const { feed } = setup({ normalizer: null });
    await feed.start();
    feed.links[0]?.events.opened();
    feed.receiveRaw({ symbol: 'EURUSD', tsMs: 5, bid: 1.1, ask: 1.1002, volume: 3, source: 'test' });
    expect(await takeTicks(feed, 1)).toEqual([
      {
        symbol: 'EURUSD',
        tsMs: 5,
        price: (1.1 + 1.1002) / 2,
        bid: 1.1,
        ask: 1.1002,
        volume: 3,
        source: 'test',
      },
    ]);
  });

  it('alerts a stale stream, the reconnect with its seeded delay, and the resubscription', async () => {
    const { scheduler, alerts, feed, delay } = setup();
    await feed.start();
    feed.links[0]?.events.opened();
    scheduler.advance(1_000);
    const first = delay(0);
    scheduler.advance(first);
    feed.links[1]?.events.opened();
    const t0 = 1_700_000_000_000;
    expect(alerts).toEqual([
      {
        tsMs: t0 + 1_000,
        level: 'warn',
        code: 'FEED_STALE',
        message: 'no line for 1000 ms; dropping the connection',
        source: 'test:EURUSD',
        context: { staleTimeoutMs: 1_000 },
      },
      {
        tsMs: t0 + 1_000,
        level: 'warn',
        code: 'FEED_CONNECTION',
        message: `link closed; reconnecting in ${first} ms`,
        source: 'test:EURUSD',
        context: { attempt: 1, delayMs: first, host: '127.0.0.1', port: 9 },
      },
      {
        tsMs: t0 + 1_000 + first,
        level: 'info',
        code: 'FEED_CONNECTION',
        message: 'reconnected and resubscribed',
        source: 'test:EURUSD',
        context: {},
      },
    ]);
    expect({ connections: feed.connections, subscribed: feed.subscribed.length }).toEqual({
      connections: 2,
      subscribed: 2,
    });
    await feed.stop();
  });

  it('gives up with FEED_CONNECTION naming the endpoint after maxReconnects failed attempts', async () => {
    const { scheduler, alerts, feed, delay } = setup({ maxReconnects: 1 });
    const reading = takeTicks(feed, 1).catch((e: unknown) => e); // starts the feed
    feed.links[0]?.events.closed('never opened');
    scheduler.advance(delay(0));
    feed.links[1]?.events.closed('never opened');
    const err = await reading;
    expect(err).toBeInstanceOf(FeedError);
    expect(err).toMatchObject({
      code: 'FEED_CONNECTION',
      shortMessage: 'giving up after 1 reconnect attempts: cannot reach the test venue',
      context: { feed: 'test:EURUSD', host: '127.0.0.1', port: 9 },
    });
    expect(alerts.map((a) => a.message)).toEqual([
      `cannot reach the test venue; reconnecting in ${delay(0)} ms`,
    ]);
    expect(scheduler.pending).toBe(0);
  });

  it('skips a message it cannot read with an alert', async () => {
    const { alerts, feed } = setup();
    await feed.start();
    feed.links[0]?.events.opened();
    feed.receive('garbage');
    feed.receive('1.2,7');
    expect((await takeTicks(feed, 1)).map((t: Tick) => t.tsMs)).toEqual([7]);
    expect(alerts.map((a) => [a.code, a.message, a.context])).toEqual([
      ['FEED_PROTOCOL', 'skipped: expected price,tsMs', { feed: 'test:EURUSD', message: 'garbage' }],
    ]);
  });

  it('ends the stream with FEED_PROTOCOL after the good ticks under reject, and drops the link', async () => {
    const { feed } = setup({ policy: 'reject' });
    const reading = feed[Symbol.asyncIterator]();
    const first = reading.next(); // starts the feed
    feed.links[0]?.events.opened();
    feed.receive('1.2,7');
    feed.receive('garbage');
    feed.receive('1.3,8');
    expect((await first).value).toMatchObject({ tsMs: 7 });
    await expect(reading.next()).rejects.toMatchObject({
      code: 'FEED_PROTOCOL',
      shortMessage: 'expected price,tsMs',
      context: { feed: 'test:EURUSD', message: 'garbage' },
    });
    expect(feed.links[0]?.calls).toEqual(['destroy']);
  });

  it('without conflation pauses the link while the consumer is behind and resumes it once drained to the low-water mark', async () => {
    const { feed } = setup({ highWaterMark: 3, lowWaterMark: 1, conflateQuotes: false });
    await feed.start();
    const link = feed.links[0] as ManualLink;
    link.events.opened();
    for (let t = 1; t <= 3; t++) feed.receive(`1.1,${t}`);
    expect({ paused: feed.paused, calls: [...link.calls] }).toEqual({ paused: true, calls: ['pause'] });
    const ticks = feed[Symbol.asyncIterator]();
    await ticks.next();
    expect(link.calls).toEqual(['pause']);
    await ticks.next();
    expect({ paused: feed.paused, calls: [...link.calls] }).toEqual({
      paused: false,
      calls: ['pause', 'resume'],
    });
    await ticks.return?.();
  });

  it('conflates quotes per symbol while the consumer is behind, with an alert when it starts and when it stops', async () => {
    const { feed, alerts } = setup({ highWaterMark: 3, lowWaterMark: 1 });
    await feed.start();
    const link = feed.links[0] as ManualLink;
    link.events.opened();
    for (let t = 1; t <= 6; t++)
      feed.receiveRaw({ symbol: 'eurusd', tsMs: t, bid: 1.1, ask: 1.1002, source: 'test' });
    expect(feed.backpressure).toEqual({ queued: 3, peakQueue: 3, conflated: 3, dropped: 0, pauses: 0 });
    expect(link.calls).toEqual([]);
    const ticks = await takeTicks(feed, 3);
    expect(ticks.map((t) => t.tsMs)).toEqual([1, 2, 6]);
    expect(alerts.filter((a) => a.code === 'FEED_BACKPRESSURE').map((a) => [a.level, a.message])).toEqual([
      [
        'warn',
        'consumer behind (3 ticks waiting): keeping only the latest quote per symbol until it catches up',
      ],
      ['info', 'consumer caught up: 3 quotes conflated and 0 ticks dropped while it was behind'],
    ]);
  });

  it('with conflation pauses for trades only at 2 × highWaterMark, so a few trades never stop the quotes', async () => {
    const { feed } = setup({ highWaterMark: 2, lowWaterMark: 1 });
    await feed.start();
    const link = feed.links[0] as ManualLink;
    link.events.opened();
    for (let t = 1; t <= 3; t++) feed.receive(`1.1,${t}`);
    expect(link.calls).toEqual([]);
    feed.receive('1.1,4');
    expect({ paused: feed.paused, calls: [...link.calls] }).toEqual({ paused: true, calls: ['pause'] });
    expect(() => setup({ highWaterMark: 3, maxQueue: 5 })).toThrow(
      expect.objectContaining({ code: 'FEED_BAD_OPTION' }),
    );
    await feed.stop();
  });

  it('refuses water marks out of order with FEED_BAD_OPTION', () => {
    expect(() => setup({ highWaterMark: 10, lowWaterMark: 10 })).toThrow(
      expect.objectContaining({
        code: 'FEED_BAD_OPTION',
        context: expect.objectContaining({ feed: 'test:EURUSD' }),
      }),
    );
  });
});
