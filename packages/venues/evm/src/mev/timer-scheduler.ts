/** A timer armed by a {@link TimerScheduler}; `cancel()` may be called any number of times. */
export interface ArmedTimer {
  cancel(): void;
}

/**
 * Where the MEV and RPC-health code arms its timeouts. Structurally the `after` half of the
 * `Scheduler` of @omni/connection, so its `ManualScheduler` fits; tests drive time by hand and
 * never sleep.
 */
export interface TimerScheduler {
  /** Runs `callback` once, `delayMs` from now. */
  after(delayMs: number, callback: () => void): ArmedTimer;
}

/** The process timers (`setTimeout`); the default outside tests. */
export const processTimers: TimerScheduler = {
  after(delayMs, callback) {
    const timer = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(timer) };
  },
};
