import type { ManualClock, Tick } from '@omni/core';
import { hasTickBatches } from '@omni/feeds';
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
  /** Called once when a stop is requested (signal or abort), e.g. to stop the feed and tell the user. */
  readonly onStopRequested?: (why: LoopEnd) => void;
  /** Skip ticks before this time (epoch ms) and stop after `toMs`. */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** Sees every tick the runtime processes (e.g. a PriceSketch for the report); must be O(1). */
  readonly prices?: { add(tsMs: number, price: number): void };
  /**
   * Called once when the loop ends, before the runtime shuts down, while the journals are still
   * open (e.g. to close a live venue whose goodbye alerts belong in alerts.jsonl). Its failure does
   * not stop the shutdown.
   */
  readonly beforeShutdown?: () => Promise<void>;
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
 *
 * A stop (signal or abort) takes effect at once, also while the feed is waiting for data (a live
 * feed in an outage): the loop stops waiting for the feed's next tick and the caller stops the feed.
 * Further signals during the stop are absorbed, so a second Ctrl-C does not kill the process
 * before its state is saved.
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
  let wake: (() => void) | undefined;
  const stopped = new Promise<typeof STOP>((resolve) => {
    wake = () => resolve(STOP);
  });
  const requestStop = (why: LoopEnd): void => {
    if (stopRequested === undefined) {
      stopRequested = why;
      options.onStopRequested?.(why);
    }
    wake?.();
  };
  const onSignal = (): void => requestStop('signal');
  const onAbort = (): void => requestStop('aborted');
  if (options.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  if (options.signal?.aborted) requestStop('aborted');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Racing each read against the stop costs a promise per read: only runs that can be stopped pay it.
  const interruptible = options.handleSignals === true || options.signal !== undefined;
  // A recorded feed that offers batches is drained a batch at a time: one await per batch, and none
  // per tick unless the tick itself waits (a trade sent, an inference run).
  const source: AsyncIterable<Tick | readonly Tick[]> = hasTickBatches(feed) ? feed.batches() : feed;
  const batched = source !== feed;
  const iterator = source[Symbol.asyncIterator]();
  let pending = false;
  const take = (tick: Tick): boolean | Promise<boolean> => {
    if (options.fromMs !== undefined && tick.tsMs < options.fromMs) return true;
    if (options.toMs !== undefined && tick.tsMs > options.toMs) return false;
    options.clock?.set(tick.tsMs);
    options.prices?.add(tick.tsMs, tick.price);
    const result = runtime.advance(tick);
    if (result instanceof Promise) return result.then(() => counted(tick));
    return counted(tick);
  };
  const counted = (tick: Tick): boolean => {
    ticks++;
    lastTsMs = tick.tsMs;
    if (options.onProgress && ticks % every === 0) {
      options.onProgress({ ticks, tsMs: tick.tsMs, decisions: runtime.decisions });
    }
    return true;
  };
  try {
    reading: for (;;) {
      if (stopRequested !== undefined) {
        end = stopRequested;
        break;
      }
      pending = true;
      const next = interruptible ? await Promise.race([iterator.next(), stopped]) : await iterator.next();
      if (next === STOP) {
        end = stopRequested ?? 'signal';
        break;
      }
      pending = false;
      if (next.done) break;
      if (!batched) {
        const more = take(next.value as Tick);
        if (!(more instanceof Promise ? await more : more)) break;
        continue;
      }
      const batch = inBounds(next.value as readonly Tick[], options.fromMs, options.toMs);
      const prefetched = runtime.prefetch(batch);
      if (prefetched) await prefetched;
      for (let i = 0; i < batch.length; i++) {
        if (stopRequested !== undefined) continue reading;
        const more = take(batch[i] as Tick);
        if (!(more instanceof Promise ? await more : more)) break reading;
      }
    }
    if (options.onProgress && lastTsMs !== undefined) {
      options.onProgress({ ticks, tsMs: lastTsMs, decisions: runtime.decisions });
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    // A read still pending (the feed is waiting) is abandoned: the caller's feed.stop() ends it.
    if (!pending) await closeIterator(iterator);
    else void closeIterator(iterator);
    try {
      await options.beforeShutdown?.().catch(() => undefined);
      await runtime.shutdown();
    } finally {
      if (options.handleSignals) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }
  }
  return { ticks, end, lastTsMs };
}

const STOP: unique symbol = Symbol('stop');

/** The ticks of `batch` the loop will hand to the runtime: none before `fromMs`, and up to the first after `toMs`. */
function inBounds(
  batch: readonly Tick[],
  fromMs: number | undefined,
  toMs: number | undefined,
): readonly Tick[] {
  if (fromMs === undefined && toMs === undefined) return batch;
  let first = 0;
  if (fromMs !== undefined) while (first < batch.length && (batch[first] as Tick).tsMs < fromMs) first++;
  let end = first;
  while (end < batch.length && (toMs === undefined || (batch[end] as Tick).tsMs <= toMs)) end++;
  // Keep the first tick past toMs: the loop stops on it, as with an unbatched feed.
  return batch.slice(first, Math.min(batch.length, end + 1));
}

async function closeIterator(iterator: AsyncIterator<unknown>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // The feed failed while closing: the loop's result (or its own error) is what matters.
  }
}
