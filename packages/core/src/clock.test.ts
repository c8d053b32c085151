import { describe, expect, it } from 'vitest';
import { ManualClock, SystemClock } from './clock.js';

describe('ManualClock', () => {
  it('only moves when set or advanced', () => {
    const clock = new ManualClock(1_000);
    expect(clock.nowMs()).toBe(1_000);
    clock.advance(500);
    expect(clock.nowMs()).toBe(1_500);
    clock.set(2_000);
    expect(clock.nowMs()).toBe(2_000);
  });

  it('refuses to go backwards', () => {
    const clock = new ManualClock(1_000);
    expect(() => clock.set(999)).toThrow(/cannot go backwards/);
    expect(clock.nowMs()).toBe(1_000);
  });

  it('refuses non-finite times', () => {
    expect(() => new ManualClock(Number.NaN)).toThrow(/RUNTIME_BAD_INPUT/);
    expect(() => new ManualClock(0).set(Number.POSITIVE_INFINITY)).toThrow(/RUNTIME_BAD_INPUT/);
  });
});

describe('SystemClock', () => {
  it('returns epoch milliseconds after 2020', () => {
    expect(new SystemClock().nowMs()).toBeGreaterThan(1_577_836_800_000);
  });
});
