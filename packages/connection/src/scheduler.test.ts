import { describe, expect, it } from 'vitest';
import { ManualScheduler } from './scheduler.js';

describe('ManualScheduler', () => {
  it('fires due timers in time order, ties in arming order, with the clock at each due time', () => {
    const scheduler = new ManualScheduler(1_000);
    const fired: string[] = [];
    const log = (name: string) => () => fired.push(`${name}@${scheduler.nowMs()}`);
    scheduler.after(30, log('c'));
    scheduler.after(10, log('a'));
    scheduler.after(10, log('b'));
    scheduler.after(31, log('late'));
    scheduler.advance(30);
    expect(fired).toEqual(['a@1010', 'b@1010', 'c@1030']);
    expect(scheduler.nowMs()).toBe(1_030);
    expect(scheduler.pending).toBe(1);
  });

  it('repeats an interval until it is cancelled', () => {
    const scheduler = new ManualScheduler();
    const at: number[] = [];
    const timer = scheduler.every(25, () => at.push(scheduler.nowMs()));
    scheduler.advance(100);
    timer.cancel();
    scheduler.advance(100);
    expect(at).toEqual([25, 50, 75, 100]);
    expect(scheduler.pending).toBe(0);
  });

  it('runs a timer armed by a firing timer when it falls due within the same advance', () => {
    const scheduler = new ManualScheduler();
    const at: number[] = [];
    scheduler.after(10, () => scheduler.after(5, () => at.push(scheduler.nowMs())));
    scheduler.advance(20);
    expect(at).toEqual([15]);
  });

  it('never fires a cancelled one-shot timer', () => {
    const scheduler = new ManualScheduler();
    let fired = 0;
    const timer = scheduler.after(10, () => fired++);
    timer.cancel();
    timer.cancel();
    scheduler.advance(50);
    expect({ fired, pending: scheduler.pending }).toEqual({ fired: 0, pending: 0 });
  });
});
