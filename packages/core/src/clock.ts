import { RuntimeError } from './errors.js';
/**
 * The only source of "now" in the engine. Live and shadow runs use {@link SystemClock};
 * backtests use a {@link ManualClock} driven by the tick timestamps, so a run never reads the
 * wall clock and two runs over the same data are identical.
 */
export interface Clock {
  /** Current time in epoch milliseconds. */
  nowMs(): number;
}

/** Wall-clock time. The one place in the product that may read `Date.now()`. */
export class SystemClock implements Clock {
  nowMs(): number {
    return Date.now();
  }
}

/**
 * A clock that only moves when told to. Time never goes backwards: `set` to an earlier time
 * throws, because a backtest that rewinds its clock has a bug upstream.
 *
 * @example
 * const clock = new ManualClock(tick.tsMs);
 * clock.set(nextTick.tsMs);
 */
export class ManualClock implements Clock {
  #now: number;

  constructor(startMs = 0) {
    if (!Number.isFinite(startMs))
      throw new RuntimeError('RUNTIME_BAD_INPUT', 'ManualClock start must be a finite time in epoch ms', {
        startMs,
      });
    this.#now = startMs;
  }

  nowMs(): number {
    return this.#now;
  }

  /** Moves the clock to `tsMs` (must not be earlier than now). */
  set(tsMs: number): void {
    if (!Number.isFinite(tsMs))
      throw new RuntimeError('RUNTIME_BAD_INPUT', 'ManualClock time must be a finite time in epoch ms', {
        tsMs,
      });
    if (tsMs < this.#now) {
      throw new RuntimeError('RUNTIME_BAD_INPUT', 'ManualClock cannot go backwards', {
        nowMs: this.#now,
        tsMs,
      });
    }
    this.#now = tsMs;
  }

  /** Moves the clock forward by `deltaMs` (>= 0). */
  advance(deltaMs: number): void {
    this.set(this.#now + deltaMs);
  }
}
