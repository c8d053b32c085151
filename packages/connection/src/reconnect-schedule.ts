import { Rng } from '@omni/core';
import { z } from 'zod';
import { type ScheduledTimer, type Scheduler, systemScheduler } from './scheduler.js';

/** Reconnect backoff: delay = min(maxMs, initialMs · multiplier^attempt) · (1 ± jitter), jitter drawn from a seeded Rng. */
export const BackoffSchema = z.strictObject({
  /** Default 500 ms. */
  initialMs: z.number().nonnegative().optional(),
  /** Default 30 000 ms. */
  maxMs: z.number().nonnegative().optional(),
  /** Default 2. */
  multiplier: z.number().min(1).optional(),
  /** Relative jitter in [0, 1]. Default 0.3 (±30 %). */
  jitter: z.number().min(0).max(1).optional(),
});
/** Reconnect backoff settings; every field has a default (see {@link BackoffSchema}). */
export type BackoffOptions = Readonly<z.infer<typeof BackoffSchema>>;

/**
 * The delay before reconnect attempt `attempt` (0-based): exponential backoff capped at `maxMs`,
 * with ± `jitter` spread so that many clients do not reconnect in lockstep (AWS "backoff and jitter").
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, rng: Rng): number {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const multiplier = options.multiplier ?? 2;
  const jitter = options.jitter ?? 0.3;
  const base = Math.min(max, initial * multiplier ** attempt);
  return Math.max(0, Math.round(base * (1 - jitter + 2 * jitter * rng.float())));
}

/** Options of a {@link ReconnectSchedule}. */
export interface ReconnectScheduleOptions {
  /** Seed of the jitter; the stream is `new Rng(seed).fork(label)`. */
  readonly seed: number | string;
  readonly label: string;
  readonly backoff?: BackoffOptions;
  /** Consecutive failed reconnects allowed before giving up. Default unlimited. */
  readonly maxReconnects?: number;
  /** Where the reconnect timer is armed. Default {@link systemScheduler}. */
  readonly scheduler?: Scheduler;
}

/**
 * The reconnect policy every connection shares: seeded exponential backoff with jitter, a cap
 * on consecutive attempts, one pending timer at a time, and a reset after a healthy connection.
 *
 * @example
 * const schedule = new ReconnectSchedule({ seed: 7, label: 'deriv/backoff', maxReconnects: 10 });
 * if (schedule.exhausted) giveUp();
 * else schedule.schedule(() => connect()); // returns the delay in ms
 */
export class ReconnectSchedule {
  readonly #rng: Rng;
  readonly #backoff: BackoffOptions;
  readonly #max: number;
  readonly #scheduler: Scheduler;
  #attempt = 0;
  #timer: ScheduledTimer | undefined;

  constructor(options: ReconnectScheduleOptions) {
    this.#rng = new Rng(options.seed).fork(options.label);
    this.#backoff = options.backoff ?? {};
    this.#max = options.maxReconnects ?? Number.POSITIVE_INFINITY;
    this.#scheduler = options.scheduler ?? systemScheduler;
  }

  /** Consecutive reconnect attempts since the last healthy connection. */
  get attempt(): number {
    return this.#attempt;
  }

  /** True when another attempt would exceed `maxReconnects`. */
  get exhausted(): boolean {
    return this.#attempt >= this.#max;
  }

  /** True while a reconnect is scheduled and has not run yet. */
  get waiting(): boolean {
    return this.#timer !== undefined;
  }

  /** Schedules `reconnect` after the next backoff delay and returns that delay (ms). */
  schedule(reconnect: () => void): number {
    const delayMs = backoffDelayMs(this.#attempt, this.#backoff, this.#rng);
    this.#attempt++;
    this.cancel();
    this.#timer = this.#scheduler.after(delayMs, () => {
      this.#timer = undefined;
      reconnect();
    });
    return delayMs;
  }

  /** A connection delivered data: the next failure starts from the first delay again. */
  succeeded(): void {
    this.#attempt = 0;
  }

  /** Cancels a pending reconnect. */
  cancel(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}
