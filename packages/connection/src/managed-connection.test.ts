import { Rng } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { ManagedConnection, type ReconnectNotice } from './managed-connection.js';
import { ManualLink } from './manual-link.js';
import { backoffDelayMs } from './reconnect-schedule.js';
import { ManualScheduler } from './scheduler.js';

const backoff = { initialMs: 100, maxMs: 1_000, jitter: 0.5 };

function setup(extra: { maxReconnects?: number; pingIntervalMs?: number } = {}) {
  const scheduler = new ManualScheduler(1_000);
  const links: ManualLink[] = [];
  const log: string[] = [];
  const notices: ReconnectNotice[] = [];
  const connection = new ManagedConnection<ManualLink>({
    seed: 3,
    label: 'test/backoff',
    backoff,
    clock: scheduler,
    scheduler,
    staleTimeoutMs: 200,
    ...extra,
    open: (events) => {
      const link = new ManualLink(events);
      links.push(link);
      return link;
    },
    onOpen: (_link, n) => log.push(`open ${n}`),
    onStale: (silentMs) => log.push(`stale ${silentMs}`),
    onReconnecting: (notice) => notices.push(notice),
    onGiveUp: (why, attempts) => log.push(`give up after ${attempts}: ${why}`),
  });
  const delays = new Rng(3).fork('test/backoff');
  const delay = (attempt: number): number => backoffDelayMs(attempt, backoff, delays);
  return { scheduler, links, log, notices, connection, delay };
}

describe('ManagedConnection', () => {
  it('opens a link on start and reports it open', () => {
    const { links, log, connection } = setup();
    connection.start();
    expect(connection.state).toBe('connecting');
    links[0]?.events.opened();
    expect({ state: connection.state, connections: connection.connections, log }).toEqual({
      state: 'open',
      connections: 1,
      log: ['open 1'],
    });
    expect(connection.link).toBe(links[0]);
  });

  it('drops a stale link and reconnects after the seeded backoff delay', () => {
    const { scheduler, links, log, notices, connection, delay } = setup();
    connection.start();
    links[0]?.events.opened();
    scheduler.advance(200);
    const first = delay(0);
    expect(log).toEqual(['open 1', 'stale 200']);
    expect(links[0]?.calls).toEqual(['destroy']);
    expect(notices).toEqual([{ why: 'socket closed (code 1006)', attempt: 1, delayMs: first }]);
    expect(connection.state).toBe('reconnecting');
    scheduler.advance(first - 1);
    expect(links).toHaveLength(1);
    scheduler.advance(1);
    links[1]?.events.opened();
    expect({ links: links.length, connections: connection.connections, state: connection.state }).toEqual({
      links: 2,
      connections: 2,
      state: 'open',
    });
  });

  it('keeps a link that receives data open, and sends pings on it', () => {
    const { scheduler, links, log, connection } = setup({ pingIntervalMs: 150 });
    connection.start();
    links[0]?.events.opened();
    for (let i = 0; i < 10; i++) {
      scheduler.advance(100);
      expect(links[0]?.events.received()).toBe(true);
    }
    expect(log).toEqual(['open 1']);
    expect(links[0]?.calls).toEqual(['ping', 'ping', 'ping', 'ping', 'ping', 'ping']);
  });

  it('says why a link closed before it opened, and grows the delay while attempts fail', () => {
    const { scheduler, links, notices, connection, delay } = setup();
    connection.start();
    links[0]?.events.closed('ignored: never opened');
    scheduler.advance(delay(0));
    links[1]?.events.closed('ignored: never opened');
    expect(notices.map((n) => [n.why, n.attempt])).toEqual([
      ['connection failed', 1],
      ['connection failed', 2],
    ]);
    expect(notices[1]?.delayMs).toBe(delay(1));
  });

  it('starts again from the first delay after healthy data', () => {
    const { scheduler, links, notices, connection, delay } = setup();
    connection.start();
    links[0]?.events.closed('');
    scheduler.advance(delay(0));
    links[1]?.events.opened();
    connection.healthy();
    links[1]?.events.closed('socket closed (code 1001)');
    expect(notices.map((n) => [n.why, n.attempt])).toEqual([
      ['connection failed', 1],
      ['socket closed (code 1001)', 1],
    ]);
  });

  it('gives up after maxReconnects failed attempts in a row and leaves no timer', () => {
    const { scheduler, links, log, notices, connection, delay } = setup({ maxReconnects: 2 });
    connection.start();
    links[0]?.events.closed('');
    scheduler.advance(delay(0));
    links[1]?.events.closed('');
    scheduler.advance(delay(1));
    links[2]?.events.closed('');
    expect(notices).toHaveLength(2);
    expect(log).toEqual(['give up after 2: connection failed']);
    expect({ state: connection.state, timers: scheduler.pending, links: links.length }).toEqual({
      state: 'stopped',
      timers: 0,
      links: 3,
    });
  });

  it('ignores the events of a link it has replaced', () => {
    const { scheduler, links, notices, connection, delay } = setup();
    connection.start();
    const old = links[0] as ManualLink;
    old.events.opened();
    old.events.closed('socket closed (code 1006)');
    scheduler.advance(delay(0));
    links[1]?.events.opened();
    expect(old.events.received()).toBe(false);
    old.events.closed('late close');
    old.events.opened();
    expect({ notices: notices.length, connections: connection.connections, link: connection.link }).toEqual({
      notices: 1,
      connections: 2,
      link: links[1],
    });
  });

  it('stops for good: destroys the link, cancels heartbeat and reconnect, ignores later events', () => {
    const { scheduler, links, notices, connection } = setup({ pingIntervalMs: 50 });
    connection.start();
    links[0]?.events.opened();
    connection.stop();
    links[0]?.events.closed('late');
    scheduler.advance(10_000);
    expect({ state: connection.state, timers: scheduler.pending, notices, links: links.length }).toEqual({
      state: 'stopped',
      timers: 0,
      notices: [],
      links: 1,
    });
    expect(links[0]?.calls).toEqual(['destroy']);
  });

  it('does not call a paused stream stale, and opens a new link paused while the consumer is behind', () => {
    const { scheduler, links, log, connection, delay } = setup();
    connection.start();
    links[0]?.events.opened();
    connection.pause();
    scheduler.advance(5_000);
    expect(log).toEqual(['open 1']);
    links[0]?.events.closed('socket closed (code 1006)');
    scheduler.advance(delay(0));
    links[1]?.events.opened();
    expect(links[1]?.calls).toEqual(['pause']);
    connection.resume();
    expect(links[1]?.calls).toEqual(['pause', 'resume']);
  });
});
