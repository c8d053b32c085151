import type { ManualClock, Tick } from '@omni/core';
import type { OmniRuntime } from './omni-runtime.js';

/** Progress of a running loop. */
export interface LoopProgress {
  readonly ticks: number;
  readonly tsMs: number;
  readonly decisions: number;
}

/** Options of {@link omniMainLoop}. */
export interface MainLoopOptions {
  /** Backtests drive a ManualClock from tick time; live/shadow runs use the system clock and pass none. */
  readonly clock?: ManualClock;
  /** Called every `progressEvery` ticks and once at the end. */
  readonly onProgress?: (progress: LoopProgress) => void;
  readonly progressEvery?: number;
  /** Stops the loop after the current tick. */
  readonly signal?: AbortSignal;
  /** Stop cleanly on SIGINT/SIGTERM (persist state, close journals). Default false (libraries must opt in). */
  readonly handleSignals?: boolean;
  /** Skip ticks before this time (epoch ms) and stop after `toMs`. */
  readonly fromMs?: number;
  readonly toMs?: number;
}

/** Why the loop ended. */
export type LoopEnd = 'feed-ended' | 'aborted' | 'signal';

/** The result of {@link omniMainLoop}. */
export interface LoopResult {
  readonly ticks: number;
  readonly end: LoopEnd;
  readonly lastTsMs: number | undefined;
}

/**
 * The specification's omni_main_loop: reads the feed, advances the clock, calls
 * `runtime.onTick`, and on the feed's end, an abort or SIGINT/SIGTERM shuts the runtime down so
 * RL and safety state are persisted and journals closed. The runtime is always shut down, also
 * when a tick throws (the error is rethrown after).
 */
export async function omniMainLoop(
  feed: AsyncIterable<Tick>,
  runtime: OmniRuntime,
  options: MainLoopOptions = {},
): Promise<LoopResult> {
  const every = Math.max(1, options.progressEvery ?? 1000);
  let ticks = 0;
  let lastTsMs: number | undefined;
  let end: LoopEnd = 'feed-ended';
  let stopRequested: LoopEnd | undefined;
  const onSignal = (): void => {
    stopRequested = 'signal';
  };
  if (options.handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    for await (const tick of feed) {
      if (options.signal?.aborted) {
        end = 'aborted';
        break;
      }
      if (stopRequested) {
        end = stopRequested;
        break;
      }
      if (options.fromMs !== undefined && tick.tsMs < options.fromMs) continue;
      if (options.toMs !== undefined && tick.tsMs > options.toMs) break;
      options.clock?.set(tick.tsMs);
      await runtime.onTick(tick);
      ticks++;
      lastTsMs = tick.tsMs;
      if (options.onProgress && ticks % every === 0) {
        options.onProgress({ ticks, tsMs: tick.tsMs, decisions: runtime.decisions });
      }
    }
    if (options.onProgress && lastTsMs !== undefined) {
      options.onProgress({ ticks, tsMs: lastTsMs, decisions: runtime.decisions });
    }
  } finally {
    if (options.handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    await runtime.shutdown();
  }
  return { ticks, end, lastTsMs };
}
