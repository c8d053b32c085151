import type { Clock } from '@omni/core';
import type { ScheduledTimer, Scheduler } from './scheduler.js';

/** Options of a {@link Heartbeat}. */
export interface HeartbeatOptions {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Silence (no inbound data) this long makes the stream stale. */
  readonly staleTimeoutMs: number;
  /** Sends `ping` this often while running, when both are given (a keep-alive the peer answers). */
  readonly pingIntervalMs?: number;
  readonly ping?: () => void;
  /** Called once when the stream goes stale; the heartbeat stops itself first. */
  readonly onStale: (silentMs: number) => void;
}

/**
 * Keep-alive pings and stale-stream detection for one open link. The silence is checked every
 * `max(10, staleTimeoutMs / 4)` ms, so a stale stream is noticed between `staleTimeoutMs` and
 * 1.25 × `staleTimeoutMs` after its last data. While held (the consumer is behind and reading is
 * paused on purpose) silence does not count.
 *
 * @example
 * const heartbeat = new Heartbeat({ clock, scheduler, staleTimeoutMs: 15_000, onStale: () => socket.destroy() });
 * heartbeat.start();
 * socket.on('data', () => heartbeat.seen());
 */
export class Heartbeat {
  readonly #options: HeartbeatOptions;
  #lastSeenMs = 0;
  #held = false;
  #check: ScheduledTimer | undefined;
  #ping: ScheduledTimer | undefined;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
  }

  /** True between `start()` and `stop()` (or the stale call). */
  get running(): boolean {
    return this.#check !== undefined;
  }

  /** Milliseconds since the last data (or since `start`/release of a hold). */
  get silentMs(): number {
    return this.#options.clock.nowMs() - this.#lastSeenMs;
  }

  /** Starts watching (and pinging); the silence counts from now. Restarts if already running. */
  start(): void {
    this.stop();
    const { scheduler, staleTimeoutMs, pingIntervalMs, ping } = this.#options;
    this.#lastSeenMs = this.#options.clock.nowMs();
    this.#check = scheduler.every(Math.max(10, Math.floor(staleTimeoutMs / 4)), () => this.#checkSilence());
    if (pingIntervalMs !== undefined && ping !== undefined)
      this.#ping = scheduler.every(pingIntervalMs, ping);
  }

  /** Inbound data arrived. */
  seen(): void {
    this.#lastSeenMs = this.#options.clock.nowMs();
  }

  /** While `held` is true silence does not count; releasing the hold restarts the count. */
  hold(held: boolean): void {
    this.#held = held;
    this.seen();
  }

  /** Cancels both timers. */
  stop(): void {
    this.#check?.cancel();
    this.#ping?.cancel();
    this.#check = undefined;
    this.#ping = undefined;
  }

  #checkSilence(): void {
    if (this.#held) {
      this.seen();
      return;
    }
    const silentMs = this.silentMs;
    if (silentMs < this.#options.staleTimeoutMs) return;
    this.stop();
    this.#options.onStale(silentMs);
  }
}
