import type { FeedError, Tick } from '@omni/core';

/**
 * The hand-off between a push source (socket) and a pulling consumer (`for await`), with
 * backpressure: `onPause` runs when `highWaterMark` ticks are waiting, `onResume` once the
 * consumer has drained it to `lowWaterMark`. Amortised O(1) per tick (head index, periodic compaction).
 */
export class TickQueue {
  readonly #high: number;
  readonly #low: number;
  readonly #onPause: () => void;
  readonly #onResume: () => void;
  #items: (Tick | undefined)[] = [];
  #head = 0;
  #waiter: (() => void) | undefined;
  #failure: FeedError | undefined;
  #ended = false;
  #paused = false;

  constructor(highWaterMark: number, lowWaterMark: number, onPause: () => void, onResume: () => void) {
    this.#high = highWaterMark;
    this.#low = lowWaterMark;
    this.#onPause = onPause;
    this.#onResume = onResume;
  }

  /** True while the producer is paused because the consumer is behind. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Ticks waiting for the consumer. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  push(tick: Tick): void {
    this.#items.push(tick);
    if (!this.#paused && this.size >= this.#high) {
      this.#paused = true;
      this.#onPause();
    }
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

  /** Clears the end/failure state for a restart. */
  reset(): void {
    this.#ended = false;
    this.#failure = undefined;
    this.#items = [];
    this.#head = 0;
    this.#paused = false;
  }

  /** Yields queued ticks as they arrive until `end()` or `fail()`. */
  async *drain(): AsyncGenerator<Tick> {
    for (;;) {
      if (this.#head < this.#items.length) {
        const tick = this.#items[this.#head] as Tick;
        this.#items[this.#head] = undefined;
        this.#head++;
        if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
          this.#items = this.#items.slice(this.#head);
          this.#head = 0;
        }
        if (this.#paused && this.size <= this.#low) {
          this.#paused = false;
          this.#onResume();
        }
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

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }
}
