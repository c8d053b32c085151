import type { FeedError, Tick } from '@omni/core';

/** What a {@link TickQueue} reports about its overload episodes (for the feed's alerts). */
export type BackpressureEvent =
  | { readonly kind: 'conflating'; readonly queued: number }
  | { readonly kind: 'dropping'; readonly queued: number }
  | {
      readonly kind: 'caught-up';
      readonly queued: number;
      readonly conflated: number;
      readonly dropped: number;
    };

/** Counters of a {@link TickQueue} since it was created (or last reset). */
export interface BackpressureStats {
  /** Ticks waiting for the consumer now. */
  readonly queued: number;
  /** Largest number of ticks ever waiting at once. */
  readonly peakQueue: number;
  /** Quotes replaced by a newer quote of the same symbol before the consumer read them. */
  readonly conflated: number;
  /** Ticks thrown away because the queue held `maxQueue` ticks that cannot be conflated. */
  readonly dropped: number;
  /** Times the producer was paused. */
  readonly pauses: number;
}

/** Options of a {@link TickQueue}. */
export interface TickQueueOptions {
  /** At this many waiting ticks the consumer is behind: quotes conflate (or, without conflation, the producer pauses). */
  readonly highWaterMark: number;
  /** The consumer has caught up (producer resumed, conflation ends) once this few ticks wait. */
  readonly lowWaterMark: number;
  /**
   * Hard bound of ticks that cannot be conflated (trades, and quotes queued before the consumer fell
   * behind); at least {@link pauseThreshold}.
   */
  readonly maxQueue: number;
  /** Conflate quotes (ticks with bid and ask and no volume) per symbol while behind. */
  readonly conflateQuotes: boolean;
  readonly onPause: () => void;
  readonly onResume: () => void;
  readonly onEvent?: (event: BackpressureEvent) => void;
}

/** The latest quote of one symbol waiting while the consumer is behind, with its arrival number. */
interface PendingQuote {
  tick: Tick;
  seq: number;
}

/**
 * The hand-off between a push source (socket) and a pulling consumer (`for await`), with a
 * bounded, documented overload policy:
 *
 * - below `highWaterMark` waiting ticks every tick is queued in arrival order;
 * - from `highWaterMark` until the queue drains to `lowWaterMark` the consumer is *behind*: with
 *   `conflateQuotes`, a quote (bid and ask, no volume) waits in a per-symbol slot that keeps only
 *   the latest quote of its symbol (the older one is counted as conflated, and the newer takes the
 *   later place in the arrival order, so ticks stay in arrival order); trades are never conflated;
 * - `onPause` runs when a tick that cannot be conflated is queued while {@link pauseThreshold} such
 *   ticks wait (`highWaterMark` without conflation, 2 × `highWaterMark` with it, so a quote flood
 *   with a few trades does not stop the socket and the consumer stays close to the market); trades
 *   are then not lost: the socket stops until the consumer drains to `lowWaterMark`;
 * - a tick that cannot be conflated arriving while `maxQueue` wait is dropped and counted (only
 *   possible when `maxQueue` leaves less room above the pause threshold than what the socket had
 *   already read when it was paused: the default leaves 65 536 ticks, more than one 64 KiB read).
 *
 * Memory: at most `maxQueue` ticks plus one quote per symbol. Amortised O(1) per tick; below the
 * high-water mark no Map is touched.
 */
export class TickQueue {
  readonly #o: TickQueueOptions;
  readonly #pauseAt: number;
  readonly #ring: (Tick | undefined)[];
  readonly #seqs: Float64Array;
  readonly #pending = new Map<string, PendingQuote>();
  #head = 0;
  #tail = 0;
  #nextSeq = 0;
  #waiter: (() => void) | undefined;
  #failure: FeedError | undefined;
  #ended = false;
  #paused = false;
  #behind = false;
  #episodeConflated = 0;
  #episodeDropped = 0;
  #conflated = 0;
  #dropped = 0;
  #peak = 0;
  #pauses = 0;

  constructor(options: TickQueueOptions) {
    this.#o = options;
    this.#pauseAt = pauseThreshold(options.highWaterMark, options.conflateQuotes);
    this.#ring = new Array<Tick | undefined>(options.maxQueue).fill(undefined);
    this.#seqs = new Float64Array(options.maxQueue);
  }

  /** True while the producer is paused because the consumer is behind. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Ticks waiting for the consumer. */
  get size(): number {
    return this.#tail - this.#head + this.#pending.size;
  }

  /** Counters since creation or the last {@link TickQueue.reset}. */
  stats(): BackpressureStats {
    return {
      queued: this.size,
      peakQueue: this.#peak,
      conflated: this.#conflated,
      dropped: this.#dropped,
      pauses: this.#pauses,
    };
  }

  push(tick: Tick): void {
    const seq = this.#nextSeq++;
    if (!this.#behind && this.size + 1 >= this.#o.highWaterMark) this.#behind = true;
    if (this.#behind && this.#o.conflateQuotes && isQuote(tick)) {
      this.#pushQuote(tick, seq);
    } else {
      const ring = this.#tail - this.#head;
      if (ring >= this.#o.maxQueue) {
        this.#dropped++;
        if (this.#episodeDropped++ === 0) this.#o.onEvent?.({ kind: 'dropping', queued: this.size });
        return;
      }
      const slot = this.#tail % this.#o.maxQueue;
      this.#ring[slot] = tick;
      this.#seqs[slot] = seq;
      this.#tail++;
      if (!this.#paused && ring + 1 >= this.#pauseAt) {
        this.#paused = true;
        this.#pauses++;
        this.#o.onPause();
      }
    }
    const size = this.size;
    if (size > this.#peak) this.#peak = size;
    this.#wake();
  }

  /** Ends the stream with an error: the consumer gets the queued ticks, then the error. */
  fail(err: FeedError): void {
    this.#failure ??= err;
    this.#wake();
  }

  /** Ends the stream: the consumer gets the queued ticks, then completes. */
  end(): void {
    this.#ended = true;
    this.#wake();
  }

  /** Clears the queue, the end/failure state and the counters for a restart. */
  reset(): void {
    this.#ended = false;
    this.#failure = undefined;
    this.#ring.fill(undefined);
    this.#pending.clear();
    this.#head = 0;
    this.#tail = 0;
    this.#paused = false;
    this.#behind = false;
    this.#episodeConflated = 0;
    this.#episodeDropped = 0;
    this.#conflated = 0;
    this.#dropped = 0;
    this.#peak = 0;
    this.#pauses = 0;
  }

  /** Yields queued ticks, in arrival order, as they arrive until `end()` or `fail()`. */
  async *drain(): AsyncGenerator<Tick> {
    for (;;) {
      const tick = this.#take();
      if (tick !== undefined) {
        if (this.size <= this.#o.lowWaterMark) this.#caughtUp();
        yield tick;
        continue;
      }
      if (this.#failure) throw this.#failure;
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
    }
  }

  #pushQuote(tick: Tick, seq: number): void {
    const pending = this.#pending.get(tick.symbol);
    if (pending === undefined) {
      this.#pending.set(tick.symbol, { tick, seq });
      return;
    }
    // The newer quote replaces the waiting one and takes its own (later) place in arrival order.
    pending.tick = tick;
    pending.seq = seq;
    this.#pending.delete(tick.symbol);
    this.#pending.set(tick.symbol, pending);
    this.#conflated++;
    if (this.#episodeConflated++ === 0) this.#o.onEvent?.({ kind: 'conflating', queued: this.size });
  }

  /** The next tick in arrival order: the ring's head or the earliest-arrived pending quote. */
  #take(): Tick | undefined {
    const hasRing = this.#head < this.#tail;
    let first: PendingQuote | undefined;
    if (this.#pending.size > 0) {
      for (const p of this.#pending.values()) {
        first = p;
        break;
      }
    }
    const slot = this.#head % this.#o.maxQueue;
    if (hasRing && (first === undefined || (this.#seqs[slot] as number) < first.seq)) {
      const tick = this.#ring[slot] as Tick;
      this.#ring[slot] = undefined;
      this.#head++;
      return tick;
    }
    if (first === undefined) return undefined;
    this.#pending.delete(first.tick.symbol);
    return first.tick;
  }

  #caughtUp(): void {
    if (this.#paused) {
      this.#paused = false;
      this.#o.onResume();
    }
    if (!this.#behind) return;
    this.#behind = false;
    if (this.#episodeConflated > 0 || this.#episodeDropped > 0) {
      this.#o.onEvent?.({
        kind: 'caught-up',
        queued: this.size,
        conflated: this.#episodeConflated,
        dropped: this.#episodeDropped,
      });
    }
    this.#episodeConflated = 0;
    this.#episodeDropped = 0;
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }
}

/** Waiting ticks that cannot be conflated at which the producer is paused: H, or 2 × H with conflation. */
export function pauseThreshold(highWaterMark: number, conflateQuotes: boolean): number {
  return conflateQuotes ? 2 * highWaterMark : highWaterMark;
}

/** Room above the pause threshold in the default `maxQueue`: more ticks than one 64 KiB socket read holds. */
export const DEFAULT_QUEUE_HEADROOM = 65_536;

/** A quote (conflatable): bid and ask and no traded volume. A trade or a last price is not. */
export function isQuote(tick: Tick): boolean {
  return tick.bid !== undefined && tick.ask !== undefined && tick.volume === undefined;
}
