/** Test support: timers that fire only when the test moves time (tests only). */
import type { ArmedTimer, TimerScheduler } from './timer-scheduler.js';

interface Timer {
  readonly dueMs: number;
  readonly order: number;
  readonly callback: () => void;
}

/**
 * A {@link TimerScheduler} whose time moves only with {@link ManualTimers.advance}: due timers fire
 * in time order (ties in arming order). Timeout tests need no sleeps.
 */
export class ManualTimers implements TimerScheduler {
  #nowMs = 0;
  #armed = 0;
  readonly #timers = new Set<Timer>();

  /** Time since the start, ms. */
  get nowMs(): number {
    return this.#nowMs;
  }

  /** Timers armed and neither fired nor cancelled. */
  get pending(): number {
    return this.#timers.size;
  }

  after(delayMs: number, callback: () => void): ArmedTimer {
    const timer: Timer = { dueMs: this.#nowMs + Math.max(0, delayMs), order: this.#armed++, callback };
    this.#timers.add(timer);
    return { cancel: () => this.#timers.delete(timer) };
  }

  /** Moves time forward by `deltaMs`, firing every timer that falls due. */
  advance(deltaMs: number): void {
    const target = this.#nowMs + deltaMs;
    for (;;) {
      let next: Timer | undefined;
      for (const timer of this.#timers) {
        if (timer.dueMs > target) continue;
        if (
          next === undefined ||
          timer.dueMs < next.dueMs ||
          (timer.dueMs === next.dueMs && timer.order < next.order)
        )
          next = timer;
      }
      if (next === undefined) break;
      this.#timers.delete(next);
      this.#nowMs = next.dueMs;
      next.callback();
    }
    this.#nowMs = target;
  }
}
