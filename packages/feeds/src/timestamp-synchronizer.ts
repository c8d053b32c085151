import { type Clock, FeedError, SystemClock, type Tick } from '@omni/core';
import type { AlertSink, BadInputPolicy, PriceFeed } from './price-feed.js';

/** Options of a {@link TimestampSynchronizer}. */
export interface TimestampSynchronizerOptions {
  /** How far (ms) a source may deliver out of order and still be merged in order. Default 0. */
  readonly allowedLatenessMs?: number;
  /** Late ticks: `skip-and-alert` (default: alert FEED_LATE_TICK and drop) or `reject` (throw). */
  readonly policy?: BadInputPolicy;
  readonly onAlert?: AlertSink;
  /**
   * Live feeds only: a source silent for this long (clock time) stops holding the merge back.
   * Default: never (replays wait for every source, which keeps the merge deterministic).
   */
  readonly idleTimeoutMs?: number;
  /** Clock for idleness. Default SystemClock. */
  readonly clock?: Clock;
  /** Sleep used to wake up for idleness checks. Default: a `setTimeout` promise. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A source that is ahead stops being read once it has this many ticks buffered. Default 10 000. */
  readonly maxBufferedPerSource?: number;
  /** Feed name. Default `sync(<names>)`. */
  readonly name?: string;
}

interface Arrival {
  readonly index: number;
  readonly result: IteratorResult<Tick>;
}

const WAKE: unique symbol = Symbol('wake');

/**
 * Merges several feeds into one time-ordered stream (the specification's TimestampSynchronizer):
 * a k-way merge over a binary heap with a bounded-lateness watermark.
 *
 * Each source s has the watermark maxTs(s) − allowedLateness; the merge emits, in (tsMs, source
 * index) order, every buffered tick older than the minimum watermark of the active sources
 * (the Flink/Dataflow model). A tick below its own source's watermark, or older than a tick
 * already emitted, is late: it is alerted (or thrown under `reject`), never silently reordered.
 * For replays the output depends only on each source's sequence, not on read timing.
 *
 * @example
 * const merged = new TimestampSynchronizer([eurusd, usdjpy], { allowedLatenessMs: 250, onAlert });
 * for await (const tick of merged) features.update(tick);
 */
export class TimestampSynchronizer implements PriceFeed {
  readonly name: string;
  readonly #feeds: readonly PriceFeed[];
  readonly #lateness: number;
  readonly #policy: BadInputPolicy;
  readonly #onAlert: AlertSink | undefined;
  readonly #idleMs: number;
  readonly #clock: Clock;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #cap: number;
  // Binary min-heap in parallel arrays, ordered by (tsMs, source index, arrival sequence).
  readonly #heapTicks: Tick[] = [];
  readonly #heapSrc: number[] = [];
  readonly #heapSeq: number[] = [];
  #seq = 0;
  #stopped = false;
  #started = false;
  #lateCount = 0;
  #iterators: AsyncIterator<Tick>[] = [];

  constructor(feeds: readonly PriceFeed[], options: TimestampSynchronizerOptions = {}) {
    if (feeds.length === 0)
      throw new FeedError('FEED_BAD_OPTION', 'TimestampSynchronizer needs at least one feed', {});
    this.#feeds = feeds;
    this.#lateness = options.allowedLatenessMs ?? 0;
    this.#policy = options.policy ?? 'skip-and-alert';
    this.#onAlert = options.onAlert;
    this.#idleMs = options.idleTimeoutMs ?? Number.POSITIVE_INFINITY;
    this.#clock = options.clock ?? new SystemClock();
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#cap = options.maxBufferedPerSource ?? 10_000;
    if (!(this.#lateness >= 0) || !(this.#idleMs > 0) || !(this.#cap >= 1)) {
      throw new FeedError(
        'FEED_BAD_OPTION',
        'allowedLatenessMs must be >= 0, idleTimeoutMs > 0, maxBufferedPerSource >= 1',
        {
          allowedLatenessMs: options.allowedLatenessMs,
          idleTimeoutMs: options.idleTimeoutMs,
          maxBufferedPerSource: options.maxBufferedPerSource,
        },
      );
    }
    this.name = options.name ?? `sync(${feeds.map((f) => f.name).join(',')})`;
  }

  /** Late ticks seen so far (alerted or thrown). */
  get lateTicks(): number {
    return this.#lateCount;
  }

  async start(): Promise<void> {
    await Promise.all(this.#feeds.map((f) => f.start()));
    this.#started = true;
    this.#stopped = false;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#feeds.map((f) => f.stop()));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Tick> {
    if (!this.#started) await this.start();
    const k = this.#feeds.length;
    this.#iterators = this.#feeds.map((f) => f[Symbol.asyncIterator]());
    const pending: (Promise<Arrival> | undefined)[] = new Array(k).fill(undefined);
    const done: boolean[] = new Array(k).fill(false);
    const maxTs: number[] = new Array(k).fill(Number.NEGATIVE_INFINITY);
    const buffered: number[] = new Array(k).fill(0);
    const lastArrival: number[] = new Array(k).fill(this.#clock.nowMs());
    let lastEmitted = Number.NEGATIVE_INFINITY;
    let timer: Promise<typeof WAKE> | undefined;
    try {
      for (;;) {
        const now = this.#idleMs === Number.POSITIVE_INFINITY ? 0 : this.#clock.nowMs();
        let watermark = Number.POSITIVE_INFINITY;
        let active = 0;
        for (let i = 0; i < k; i++) {
          if (done[i]) continue;
          active++;
          if (now - (lastArrival[i] as number) >= this.#idleMs) continue;
          const wm = (maxTs[i] as number) - this.#lateness;
          if (wm < watermark) watermark = wm;
        }
        while (
          this.#heapTicks.length > 0 &&
          (active === 0 || (this.#heapTicks[0] as Tick).tsMs < watermark)
        ) {
          const src = this.#heapSrc[0] as number;
          const tick = this.#pop();
          buffered[src] = (buffered[src] as number) - 1;
          lastEmitted = tick.tsMs;
          if (this.#stopped) return;
          yield tick;
        }
        if (active === 0 || this.#stopped) return;

        const waits: Promise<Arrival | typeof WAKE>[] = [];
        for (let i = 0; i < k; i++) {
          if (done[i]) continue;
          const bottleneck = (maxTs[i] as number) - this.#lateness <= watermark;
          if (pending[i] === undefined && ((buffered[i] as number) < this.#cap || bottleneck)) {
            const index = i;
            pending[i] = (this.#iterators[i] as AsyncIterator<Tick>)
              .next()
              .then((result) => ({ index, result }));
          }
          const p = pending[i];
          if (p !== undefined) waits.push(p);
        }
        if (this.#idleMs !== Number.POSITIVE_INFINITY) {
          timer ??= this.#sleep(this.#idleMs).then(() => WAKE);
          waits.push(timer);
        }
        const arrival = await Promise.race(waits);
        if (arrival === WAKE) {
          timer = undefined;
          continue;
        }
        const { index, result } = arrival;
        pending[index] = undefined;
        if (this.#idleMs !== Number.POSITIVE_INFINITY) lastArrival[index] = this.#clock.nowMs();
        if (result.done) {
          done[index] = true;
          continue;
        }
        const tick = result.value;
        const ownWatermark = (maxTs[index] as number) - this.#lateness;
        if (tick.tsMs < ownWatermark || tick.tsMs < lastEmitted) {
          this.#late(tick, index, Math.max(ownWatermark, lastEmitted));
          continue;
        }
        if (tick.tsMs > (maxTs[index] as number)) maxTs[index] = tick.tsMs;
        buffered[index] = (buffered[index] as number) + 1;
        this.#push(tick, index);
      }
    } finally {
      for (const it of this.#iterators) void it.return?.();
    }
  }

  #late(tick: Tick, index: number, watermarkMs: number): void {
    this.#lateCount++;
    const feed = (this.#feeds[index] as PriceFeed).name;
    const context = {
      feed,
      symbol: tick.symbol,
      tsMs: tick.tsMs,
      watermarkMs,
      allowedLatenessMs: this.#lateness,
    };
    const message = `tick from ${feed} is ${watermarkMs - tick.tsMs} ms behind the merge watermark`;
    if (this.#policy === 'reject') throw new FeedError('FEED_LATE_TICK', message, context);
    this.#onAlert?.({
      tsMs: tick.tsMs,
      level: 'warn',
      code: 'FEED_LATE_TICK',
      message: `dropped: ${message}`,
      source: this.name,
      context,
    });
  }

  #less(a: number, b: number): boolean {
    const ta = (this.#heapTicks[a] as Tick).tsMs;
    const tb = (this.#heapTicks[b] as Tick).tsMs;
    if (ta !== tb) return ta < tb;
    const sa = this.#heapSrc[a] as number;
    const sb = this.#heapSrc[b] as number;
    if (sa !== sb) return sa < sb;
    return (this.#heapSeq[a] as number) < (this.#heapSeq[b] as number);
  }

  #swap(a: number, b: number): void {
    const t = this.#heapTicks[a] as Tick;
    this.#heapTicks[a] = this.#heapTicks[b] as Tick;
    this.#heapTicks[b] = t;
    const s = this.#heapSrc[a] as number;
    this.#heapSrc[a] = this.#heapSrc[b] as number;
    this.#heapSrc[b] = s;
    const q = this.#heapSeq[a] as number;
    this.#heapSeq[a] = this.#heapSeq[b] as number;
    this.#heapSeq[b] = q;
  }

  #push(tick: Tick, src: number): void {
    this.#heapTicks.push(tick);
    this.#heapSrc.push(src);
    this.#heapSeq.push(this.#seq++);
    let i = this.#heapTicks.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #pop(): Tick {
    const top = this.#heapTicks[0] as Tick;
    const last = this.#heapTicks.length - 1;
    this.#swap(0, last);
    this.#heapTicks.pop();
    this.#heapSrc.pop();
    this.#heapSeq.pop();
    let i = 0;
    const n = this.#heapTicks.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.#less(l, m)) m = l;
      if (r < n && this.#less(r, m)) m = r;
      if (m === i) break;
      this.#swap(i, m);
      i = m;
    }
    return top;
  }
}
