import { Rng } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, ReconnectSchedule } from './reconnect-schedule.js';
import { ManualScheduler } from './scheduler.js';

describe('backoffDelayMs', () => {
  it('grows exponentially to the cap with seeded jitter within ±jitter', () => {
    const options = { initialMs: 100, maxMs: 1_000, multiplier: 2, jitter: 0.25 };
    const a = new Rng(5);
    const b = new Rng(5);
    const delays = [0, 1, 2, 3, 4, 5].map((k) => backoffDelayMs(k, options, a));
    expect([0, 1, 2, 3, 4, 5].map((k) => backoffDelayMs(k, options, b))).toEqual(delays);
    const bases = [100, 200, 400, 800, 1000, 1000];
    delays.forEach((d, k) => {
      expect(d).toBeGreaterThanOrEqual(Math.floor((bases[k] as number) * 0.75));
      expect(d).toBeLessThanOrEqual(Math.ceil((bases[k] as number) * 1.25));
    });
  });

  it('is exactly the capped exponential without jitter', () => {
    const options = { initialMs: 500, maxMs: 30_000, multiplier: 2, jitter: 0 };
    const rng = new Rng(1);
    expect([0, 1, 2, 5, 6, 10].map((k) => backoffDelayMs(k, options, rng))).toEqual([
      500, 1_000, 2_000, 16_000, 30_000, 30_000,
    ]);
  });
});

describe('ReconnectSchedule', () => {
  const backoff = { initialMs: 100, maxMs: 1_000, jitter: 0.5 };

  it('runs the reconnect after the seeded delay of each attempt, not before', () => {
    const scheduler = new ManualScheduler();
    const schedule = new ReconnectSchedule({ seed: 9, label: 'test/backoff', backoff, scheduler });
    const expected = new Rng(9).fork('test/backoff');
    let reconnects = 0;
    const first = schedule.schedule(() => reconnects++);
    expect(first).toBe(backoffDelayMs(0, backoff, expected));
    scheduler.advance(first - 1);
    expect({ reconnects, waiting: schedule.waiting }).toEqual({ reconnects: 0, waiting: true });
    scheduler.advance(1);
    expect({ reconnects, waiting: schedule.waiting, attempt: schedule.attempt }).toEqual({
      reconnects: 1,
      waiting: false,
      attempt: 1,
    });
    expect(schedule.schedule(() => reconnects++)).toBe(backoffDelayMs(1, backoff, expected));
  });

  it('is exhausted after maxReconnects attempts and starts over after a healthy connection', () => {
    const scheduler = new ManualScheduler();
    const schedule = new ReconnectSchedule({ seed: 1, label: 'x', maxReconnects: 2, backoff, scheduler });
    schedule.schedule(() => {});
    schedule.schedule(() => {});
    expect({ attempt: schedule.attempt, exhausted: schedule.exhausted }).toEqual({
      attempt: 2,
      exhausted: true,
    });
    schedule.succeeded();
    expect({ attempt: schedule.attempt, exhausted: schedule.exhausted }).toEqual({
      attempt: 0,
      exhausted: false,
    });
  });

  it('keeps one pending timer: a new schedule or cancel drops the earlier one', () => {
    const scheduler = new ManualScheduler();
    const schedule = new ReconnectSchedule({ seed: 1, label: 'x', backoff, scheduler });
    const ran: string[] = [];
    schedule.schedule(() => ran.push('first'));
    schedule.schedule(() => ran.push('second'));
    expect(scheduler.pending).toBe(1);
    scheduler.advance(10_000);
    schedule.schedule(() => ran.push('cancelled'));
    schedule.cancel();
    scheduler.advance(10_000);
    expect({ ran, pending: scheduler.pending }).toEqual({ ran: ['second'], pending: 0 });
  });
});
