import { RuntimeError } from '@omni/core';

/** A point of a {@link PriceSketch}: a tick's time and price, as it was added. */
export interface SketchPoint {
  readonly tsMs: number;
  readonly price: number;
}

/** Options of a {@link PriceSketch}. */
export interface PriceSketchOptions {
  /** Most points {@link PriceSketch.points} returns; at least 8. Default {@link DEFAULT_SKETCH_POINTS}. */
  readonly maxPoints?: number;
}

/** The default bound of a {@link PriceSketch}: enough for a chart, a few hundred KB of typed arrays. */
export const DEFAULT_SKETCH_POINTS = 4000;

// A bucket keeps four points (first, min, max, last), each as tick index, time and price.
const FIRST = 0;
const MIN = 3;
const MAX = 6;
const LAST = 9;
const STRIDE = 12;

/**
 * A bounded, deterministic downsampler of a price series for charts: `add` is O(1) amortised and
 * allocates nothing (typed arrays sized once), so it can ride along every tick of a backtest.
 * Up to `maxPoints` ticks it keeps them all ({@link points} is an exact copy). Beyond that it keeps
 * at most `maxPoints / 4` buckets of equal tick counts; each bucket keeps its first, lowest,
 * highest and last tick, so a spike inside a bucket stays on the chart. When the buckets are full,
 * neighbouring pairs merge and the bucket width doubles (the M4 idea of Jugel et al., VLDB 2014,
 * over tick counts instead of pixels). Therefore the first, the last, the lowest and the highest
 * price of the whole series are always among the points.
 *
 * @example
 * const sketch = new PriceSketch({ maxPoints: 4000 });
 * for (const tick of ticks) sketch.add(tick.tsMs, tick.price);
 * sketch.points(); // ≤ 4000 points in input (time) order
 */
export class PriceSketch {
  readonly maxPoints: number;
  readonly #rawTs: Float64Array;
  readonly #rawPrice: Float64Array;
  readonly #buckets: Float64Array;
  readonly #maxBuckets: number;
  #count = 0;
  #firstTs = 0;
  #lastTs = 0;
  /** Buckets in use, the current (maybe partly filled) one included; 0 while ticks are kept raw. */
  #used = 0;
  /** Ticks per full bucket. */
  #width = 1;
  /** Ticks in the current bucket. */
  #fill = 0;

  constructor(options: PriceSketchOptions = {}) {
    const maxPoints = options.maxPoints ?? DEFAULT_SKETCH_POINTS;
    if (!(Number.isInteger(maxPoints) && maxPoints >= 8)) {
      throw new RuntimeError('RUNTIME_BAD_INPUT', 'a price sketch needs maxPoints >= 8 (an integer)', {
        maxPoints,
      });
    }
    this.maxPoints = maxPoints;
    this.#rawTs = new Float64Array(maxPoints);
    this.#rawPrice = new Float64Array(maxPoints);
    // An even number of buckets, so pairs merge without a leftover; 4 points each stay within maxPoints.
    this.#maxBuckets = 2 * Math.floor(maxPoints / 8);
    this.#buckets = new Float64Array(this.#maxBuckets * STRIDE);
  }

  /** Ticks added so far. */
  get count(): number {
    return this.#count;
  }

  /** Time of the first tick added, or null before any. */
  get firstTsMs(): number | null {
    return this.#count > 0 ? this.#firstTs : null;
  }

  /** Time of the last tick added, or null before any. */
  get lastTsMs(): number | null {
    return this.#count > 0 ? this.#lastTs : null;
  }

  /** Adds the next tick (in time order). O(1) amortised, no allocation. */
  add(tsMs: number, price: number): void {
    const index = this.#count;
    if (index === 0) this.#firstTs = tsMs;
    this.#lastTs = tsMs;
    this.#count = index + 1;
    if (index < this.maxPoints) {
      this.#rawTs[index] = tsMs;
      this.#rawPrice[index] = price;
      return;
    }
    if (this.#used === 0) {
      // The first tick past the raw capacity: bucket the raw ticks, then go on bucketing.
      for (let i = 0; i < this.maxPoints; i++) {
        this.#bucketAdd(i, this.#rawTs[i] as number, this.#rawPrice[i] as number);
      }
    }
    this.#bucketAdd(index, tsMs, price);
  }

  /**
   * The plotted series, in input (time) order: every tick while there are at most `maxPoints`,
   * else each bucket's first, lowest, highest and last tick (each tick once).
   */
  points(): SketchPoint[] {
    const out: SketchPoint[] = [];
    if (this.#used === 0) {
      for (let i = 0; i < this.#count; i++) {
        out.push({ tsMs: this.#rawTs[i] as number, price: this.#rawPrice[i] as number });
      }
      return out;
    }
    const b = this.#buckets;
    for (let k = 0; k < this.#used; k++) {
      const base = k * STRIDE;
      const [lo, hi] = (b[base + MIN] as number) <= (b[base + MAX] as number) ? [MIN, MAX] : [MAX, MIN];
      let previous = -1;
      for (const slot of [FIRST, lo, hi, LAST]) {
        const index = b[base + slot] as number;
        if (index === previous) continue;
        previous = index;
        out.push({ tsMs: b[base + slot + 1] as number, price: b[base + slot + 2] as number });
      }
    }
    return out;
  }

  #bucketAdd(index: number, tsMs: number, price: number): void {
    const b = this.#buckets;
    if (this.#used === 0 || this.#fill === this.#width) {
      if (this.#used === this.#maxBuckets) this.#mergePairs();
      const base = this.#used * STRIDE;
      setPoint(b, base + FIRST, index, tsMs, price);
      setPoint(b, base + MIN, index, tsMs, price);
      setPoint(b, base + MAX, index, tsMs, price);
      setPoint(b, base + LAST, index, tsMs, price);
      this.#used++;
      this.#fill = 1;
      return;
    }
    const base = (this.#used - 1) * STRIDE;
    // Strict comparisons: on a tie the earlier tick stays, so equal input gives equal output.
    if (price < (b[base + MIN + 2] as number)) setPoint(b, base + MIN, index, tsMs, price);
    if (price > (b[base + MAX + 2] as number)) setPoint(b, base + MAX, index, tsMs, price);
    setPoint(b, base + LAST, index, tsMs, price);
    this.#fill++;
  }

  /** Every bucket is full: bucket k becomes buckets 2k and 2k+1 merged, and the width doubles. */
  #mergePairs(): void {
    const b = this.#buckets;
    const half = this.#maxBuckets / 2;
    for (let k = 0; k < half; k++) {
      const to = k * STRIDE;
      const a = 2 * k * STRIDE;
      const c = a + STRIDE;
      copyPoint(b, a + FIRST, to + FIRST);
      copyPoint(b, (b[c + MIN + 2] as number) < (b[a + MIN + 2] as number) ? c + MIN : a + MIN, to + MIN);
      copyPoint(b, (b[c + MAX + 2] as number) > (b[a + MAX + 2] as number) ? c + MAX : a + MAX, to + MAX);
      copyPoint(b, c + LAST, to + LAST);
    }
    this.#used = half;
    this.#width *= 2;
  }
}

function setPoint(b: Float64Array, at: number, index: number, tsMs: number, price: number): void {
  b[at] = index;
  b[at + 1] = tsMs;
  b[at + 2] = price;
}

function copyPoint(b: Float64Array, from: number, to: number): void {
  b[to] = b[from] as number;
  b[to + 1] = b[from + 1] as number;
  b[to + 2] = b[from + 2] as number;
}
