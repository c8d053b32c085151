import { describe, expect, it } from 'vitest';
import { Heartbeat } from './heartbeat.js';
import { ManualScheduler } from './scheduler.js';

function setup(pingIntervalMs?: number) {
  const scheduler = new ManualScheduler();
  const stale: number[] = [];
  let pings = 0;
  const heartbeat = new Heartbeat({
    clock: scheduler,
    scheduler,
    staleTimeoutMs: 100,
    ...(pingIntervalMs !== undefined ? { pingIntervalMs } : {}),
    ping: () => pings++,
    onStale: (silentMs) => stale.push(silentMs),
  });
  return { scheduler, heartbeat, stale, pings: () => pings };
}

describe('Heartbeat', () => {
  it('calls onStale once, at the first check (every staleTimeoutMs / 4) after the silence reaches the timeout', () => {
    const { scheduler, heartbeat, stale } = setup();
    heartbeat.start();
    scheduler.advance(60);
    heartbeat.seen();
    // Checks at 75, 100, 125, 150 see 15..90 ms of silence; the one at 175 sees 115 ms.
    scheduler.advance(114);
    expect(stale).toEqual([]);
    scheduler.advance(1);
    expect(stale).toEqual([115]);
    scheduler.advance(1_000);
    expect({ stale, running: heartbeat.running, pending: scheduler.pending }).toEqual({
      stale: [115],
      running: false,
      pending: 0,
    });
  });

  it('sends a ping every pingIntervalMs while running', () => {
    const { scheduler, heartbeat, pings } = setup(30);
    heartbeat.start();
    for (let t = 0; t < 4; t++) {
      scheduler.advance(30);
      heartbeat.seen();
    }
    heartbeat.stop();
    scheduler.advance(300);
    expect({ pings: pings(), pending: scheduler.pending }).toEqual({ pings: 4, pending: 0 });
  });

  it('does not count silence while held, and counts again from the release', () => {
    const { scheduler, heartbeat, stale } = setup();
    heartbeat.start();
    heartbeat.hold(true);
    scheduler.advance(1_000);
    expect(stale).toEqual([]);
    heartbeat.hold(false);
    scheduler.advance(99);
    expect(stale).toEqual([]);
    scheduler.advance(1);
    expect(stale).toEqual([100]);
  });
});
