import { RuntimeError } from '@omni/core';
import type { SilentReplayOptions } from './runtime-components.js';

/** What the runtime mutes while it replays ticks an earlier session journaled. */
export interface Mutable {
  mute(on: boolean): void;
}

/**
 * The state of a silent replay (see {@link OmniRuntime.replaySilently}): how many ticks are replayed,
 * and the checks and hand-over at its last tick. While it runs the journals are muted (the decision
 * journal keeps counting skipped decisions, so its file continues byte for byte afterwards).
 */
export class SilentReplay {
  readonly #journals: readonly Mutable[];
  #until = 0;
  #active = false;
  #options: SilentReplayOptions = {};

  constructor(journals: readonly Mutable[]) {
    this.#journals = journals;
  }

  /** True while ticks are replayed silently. */
  get active(): boolean {
    return this.#active;
  }

  /** Replays the first `ticks` ticks silently; `ticksSoFar` must be 0 (a replay starts a run). */
  start(ticks: number, options: SilentReplayOptions, ticksSoFar: number): void {
    if (ticksSoFar > 0) {
      throw new RuntimeError('RUNTIME_BAD_INPUT', 'a silent replay must start before the first tick', {
        ticks: ticksSoFar,
      });
    }
    this.#until = ticks;
    this.#options = options;
    this.#active = ticks > 0;
    if (ticks > 0) for (const j of this.#journals) j.mute(true);
    else options.onResumed?.();
  }

  /**
   * After tick number `ticks` (last tick at `tsMs`, `price`): at the replay's last tick checks that
   * it is the checkpoint's, unmutes and runs `onResumed`; returns true then. Throws when the feed
   * replayed is not the one checkpointed (still silent: nothing on disk is touched).
   */
  ended(ticks: number, tsMs: number, price: number): boolean {
    if (!this.#active || ticks !== this.#until) return false;
    const expected = this.#options.lastTick;
    if (expected && (expected.tsMs !== tsMs || expected.price !== price)) {
      throw new RuntimeError(
        'RUNTIME_BAD_INPUT',
        'the feed replayed to resume this run differs from the one it was checkpointed on',
        { tick: ticks, expectedTsMs: expected.tsMs, tsMs, expectedPrice: expected.price, price },
      );
    }
    this.#active = false;
    for (const j of this.#journals) j.mute(false);
    const resumed = this.#options.onResumed;
    this.#options = {};
    resumed?.();
    return true;
  }
}
