import { type BackoffOptions, backoffDelayMs, type ScheduledTimer, type Scheduler } from '@omni/connection';
import type { Rng } from '@omni/core';
import { DerivError } from './deriv-error.js';
import { DERIV_READ_CALLS, type DerivCall, type DerivFrame } from './deriv-protocol.js';

/** Options of a {@link RateLimitRetry}. */
export interface RateLimitRetryOptions {
  readonly backoff: BackoffOptions;
  /** Retries of one request before its DERIV_RATE_LIMITED error stands. */
  readonly maxRetries: number;
  /** The jitter stream (a fork of the client's seed). */
  readonly rng: Rng;
  readonly scheduler: Scheduler;
  /** A retry was scheduled (1-based attempt). */
  readonly onRetry: (call: DerivCall, attempt: number, delayMs: number) => void;
}

/**
 * Deriv's `RateLimit` answer, handled once: a read (see `DERIV_READ_CALLS`) is sent again after an
 * exponential backoff with seeded jitter, up to `maxRetries` times; any other call — a `buy` above
 * all — fails at once (a retried buy is a second buy).
 */
export class RateLimitRetry {
  readonly #options: RateLimitRetryOptions;
  readonly #sleeps = new Set<{ timer: ScheduledTimer; wake: () => void }>();

  constructor(options: RateLimitRetryOptions) {
    this.#options = options;
  }

  /** Runs `once`, again after each RateLimit answer to a read. */
  async run(call: DerivCall, once: () => Promise<DerivFrame>): Promise<DerivFrame> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await once();
      } catch (err) {
        const limited = err instanceof DerivError && err.code === 'DERIV_RATE_LIMITED';
        if (!limited || !DERIV_READ_CALLS.has(call) || attempt >= this.#options.maxRetries) throw err;
        const delayMs = backoffDelayMs(attempt, this.#options.backoff, this.#options.rng);
        this.#options.onRetry(call, attempt + 1, delayMs);
        await this.#sleep(delayMs);
      }
    }
  }

  /** Ends every wait now (the client closed: the next attempt fails DERIV_DISCONNECTED). */
  wakeAll(): void {
    for (const sleep of [...this.#sleeps]) {
      sleep.timer.cancel();
      sleep.wake();
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let entry: { timer: ScheduledTimer; wake: () => void } | undefined;
      const wake = (): void => {
        if (entry !== undefined) this.#sleeps.delete(entry);
        resolve();
      };
      entry = { timer: this.#options.scheduler.after(ms, wake), wake };
      this.#sleeps.add(entry);
    });
  }
}
