import { type Clock, ManualClock } from '@omni/core';

/** A timer armed by a {@link Scheduler}. `cancel()` may be called any number of times. */
export interface ScheduledTimer {
  cancel(): void;
}

/**
 * Where connection code arms its timers: the process timers in production ({@link systemScheduler}),
 * a {@link ManualScheduler} in tests and simulations, where time moves only when told to.
 */
export interface Scheduler {
  /** Runs `callback` once, `delayMs` from now. */
  after(delayMs: number, callback: () => void): ScheduledTimer;
  /** Runs `callback` every `intervalMs` until cancelled. */
  every(intervalMs: number, callback: () => void): ScheduledTimer;
}

/** The process timers (`setTimeout` / `setInterval`). */
export const systemScheduler: Scheduler = {
  after(delayMs, callback) {
    const timer = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(timer) };
  },
  every(intervalMs, callback) {
    const timer = setInterval(callback, intervalMs);
    return { cancel: () => clearInterval(timer) };
  },
};

interface ManualTimer {
  dueMs: number;
  readonly order: number;
  readonly intervalMs: number | undefined;
  readonly callback: () => void;
}

/**
 * A scheduler and clock in one that only moves when told to: {@link ManualScheduler.advance} fires
 * every timer that falls due, in time order (ties in the order they were armed), with `nowMs()`
 * set to each timer's due time while it runs. Tests of timeouts, heartbeats and backoff need no
 * sleeps and give the same result on a busy machine.
 *
 * @example
 * const scheduler = new ManualScheduler();
 * scheduler.after(500, () => console.log('fired at', scheduler.nowMs()));
 * scheduler.advance(499); // nothing
 * scheduler.advance(1); // fired at 500
 */
export class ManualScheduler implements Scheduler, Clock {
  readonly #clock: ManualClock;
  readonly #timers = new Set<ManualTimer>();
  #armed = 0;

  constructor(startMs = 0) {
    this.#clock = new ManualClock(startMs);
  }

  nowMs(): number {
    return this.#clock.nowMs();
  }

  /** Timers armed and not yet fired (one-shot) or cancelled. */
  get pending(): number {
    return this.#timers.size;
  }

  after(delayMs: number, callback: () => void): ScheduledTimer {
    return this.#arm(Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0, undefined, callback);
  }

  every(intervalMs: number, callback: () => void): ScheduledTimer {
    const interval = Number.isFinite(intervalMs) && intervalMs >= 1 ? intervalMs : 1;
    return this.#arm(interval, interval, callback);
  }

  /** Moves time forward by `deltaMs`, firing every timer that falls due on the way. */
  advance(deltaMs: number): void {
    const target = this.#clock.nowMs() + deltaMs;
    for (let next = this.#next(target); next !== undefined; next = this.#next(target)) {
      this.#clock.set(next.dueMs);
      if (next.intervalMs === undefined) this.#timers.delete(next);
      else next.dueMs += next.intervalMs;
      next.callback();
    }
    this.#clock.set(target);
  }

  #arm(delayMs: number, intervalMs: number | undefined, callback: () => void): ScheduledTimer {
    const timer: ManualTimer = {
      dueMs: this.#clock.nowMs() + delayMs,
      order: this.#armed++,
      intervalMs,
      callback,
    };
    this.#timers.add(timer);
    return { cancel: () => this.#timers.delete(timer) };
  }

  /** The earliest timer due at or before `targetMs`. */
  #next(targetMs: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.dueMs > targetMs) continue;
      if (
        best === undefined ||
        timer.dueMs < best.dueMs ||
        (timer.dueMs === best.dueMs && timer.order < best.order)
      )
        best = timer;
    }
    return best;
  }
}
