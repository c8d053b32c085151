import type { Swing } from '@omni/core';
import { FIB_RETRACEMENT_RATIOS, retracementPrice } from './fib-levels.js';

/**
 * The values {@link FibonacciClusterAI} clusters — the recent swing prices (oldest first), then the fib retracements
 * of the last legs — in input order and sorted, with the cluster label of each value. Typed arrays sized once and
 * reused by every call.
 * Why a class of its own: sorting is most of the work besides the k-means fit. The sorted prices of a sliding swing
 * window are kept between calls ({@link slide}: one removal and one insertion per swing instead of a sort of the
 * whole window), the fib levels are sorted apart (15 values) and the two merged without branches on the values.
 * The sorted array is the ascending order of the same numbers whatever the route, so everything computed from it is
 * the same bit for bit; with a NaN or ±Infinity among the values the plain stable insertion sort of all values is
 * used, as before.
 */
export class ZoneValues {
  /** Values in input order: [0, recentCount) swing prices, then fib levels, n in all. */
  readonly values: Float64Array;
  /** The n values in ascending order. */
  readonly sorted: Float64Array;
  /** Cluster of each value (by input index), after {@link label}. */
  readonly labels: Int32Array;
  n = 0;
  recentCount = 0;
  /** Index in the swing list of the oldest swing used. */
  first = 0;
  /** Number of distinct values. */
  distinct = 0;
  readonly #swingWindow: number;
  readonly #fibLegs: number;
  /** Sorted finite prices of the window fed to {@link slide}, +∞ after them. */
  readonly #window: Float64Array;
  #windowCount = 0;
  /** Scratch: sorted swing prices (+∞ after them), sorted fib levels (+∞ after them), input order of sorted. */
  readonly #swingSorted: Float64Array;
  readonly #fibSorted: Float64Array;
  readonly #order: Int32Array;
  /** Scratch of {@link label}: bound[q] = least value of cluster q. */
  readonly #bound: Float64Array;
  readonly #pick = new Float64Array(2);
  /** Whether the last {@link load} sorted through #order (non-finite values). */
  #ordered = false;

  constructor(swingWindow: number, fibLegs: number, kMax: number) {
    this.#swingWindow = swingWindow;
    this.#fibLegs = fibLegs;
    const fibCount = FIB_RETRACEMENT_RATIOS.length * fibLegs;
    const capacity = swingWindow + fibCount;
    this.values = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
    this.labels = new Int32Array(capacity);
    this.#window = new Float64Array(swingWindow + 1).fill(Number.POSITIVE_INFINITY);
    this.#swingSorted = new Float64Array(swingWindow + 1);
    this.#fibSorted = new Float64Array(fibCount + 1);
    this.#order = new Int32Array(capacity);
    this.#bound = new Float64Array(kMax);
  }

  /**
   * Moves the kept window by one swing: adds `added`'s price and, when the window was full, removes `removed`'s.
   * The caller keeps the swings themselves; {@link load} with `windowed` then trusts this window.
   */
  slide(added: Swing, removed: Swing | undefined): void {
    if (removed) this.#remove(removed.price);
    const price = added.price;
    if (!Number.isFinite(price)) return; // load sorts from scratch while the window holds one
    const w = this.#window;
    let j = this.#windowCount++;
    while (j > 0 && (w[j - 1] as number) > price) {
      w[j] = w[j - 1] as number;
      j--;
    }
    w[j] = price;
    w[this.#windowCount] = Number.POSITIVE_INFINITY;
  }

  /** Forgets the kept window. */
  clearWindow(): void {
    this.#windowCount = 0;
    this.#window[0] = Number.POSITIVE_INFINITY;
  }

  /**
   * Fills values, sorted and distinct from the last swingWindow swings of `swings` and the retracements of their last
   * fibLegs legs. `windowed`: `swings` is exactly the window kept by {@link slide}.
   */
  load(swings: readonly Swing[], windowed: boolean): void {
    const values = this.values;
    const first = Math.max(0, swings.length - this.#swingWindow);
    let n = 0;
    let finite = true;
    for (let i = first; i < swings.length; i++) {
      const price = (swings[i] as Swing).price;
      values[n++] = price;
      finite &&= Number.isFinite(price);
    }
    const recentCount = n;
    for (let leg = 0; leg < this.#fibLegs; leg++) {
      const endAt = swings.length - 1 - leg;
      if (endAt - 1 < first) break;
      const start = (swings[endAt - 1] as Swing).price;
      const end = (swings[endAt] as Swing).price;
      if (start === end) break;
      for (const r of FIB_RETRACEMENT_RATIOS) {
        const level = retracementPrice(start, end, r);
        values[n++] = level;
        finite &&= Number.isFinite(level);
      }
    }
    this.n = n;
    this.recentCount = recentCount;
    this.first = first;
    this.#ordered = !finite;
    if (!finite) {
      this.distinct = this.#sortWithOrder(n);
      return;
    }
    const swingSorted = windowed ? this.#window : this.#sortInto(this.#swingSorted, 0, recentCount);

    const fibSorted = this.#sortInto(this.#fibSorted, recentCount, n);
    this.distinct = this.#merge(swingSorted, recentCount, fibSorted, n - recentCount);
  }

  /**
   * Labels every value with its cluster; cluster c is sorted[starts[c] .. starts[c + 1]) (k clusters, contiguous,
   * never splitting a run of equal values).
   */
  label(starts: Int32Array, k: number): void {
    const labels = this.labels;
    const n = this.n;
    if (this.#ordered) {
      const order = this.#order;
      for (let c = 0; c < k; c++) {
        const end = c + 1 < k ? (starts[c + 1] as number) : n;
        for (let p = starts[c] as number; p < end; p++) labels[order[p] as number] = c;
      }
      return;
    }
    // A finite value is in cluster c = #{q ≥ 1 : first sorted value of cluster q ≤ value}; counted without branches.
    const values = this.values;
    const sorted = this.sorted;
    const bound = this.#bound;
    for (let q = 1; q < k; q++) bound[q] = sorted[starts[q] as number] as number;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      let c = 0;
      for (let q = 1; q < k; q++) c += +((bound[q] as number) <= v);
      labels[i] = c;
    }
  }

  #remove(price: number): void {
    if (!Number.isFinite(price)) return;
    const w = this.#window;
    const count = this.#windowCount;
    let j = 0;
    while (j < count && (w[j] as number) !== price) j++;
    for (; j < count; j++) w[j] = w[j + 1] as number; // the +∞ after them moves down too
    this.#windowCount = count - 1;
  }

  /** Insertion-sorts values[from, to) into out[0, to − from) and puts +∞ after them (the merge's sentinel). */
  #sortInto(out: Float64Array, from: number, to: number): Float64Array {
    const values = this.values;
    for (let i = from; i < to; i++) {
      const v = values[i] as number;
      let j = i - from;
      while (j > 0 && (out[j - 1] as number) > v) {
        out[j] = out[j - 1] as number;
        j--;
      }
      out[j] = v;
    }
    out[to - from] = Number.POSITIVE_INFINITY;
    return out;
  }

  /**
   * Merges the finite ascending a[0, aCount) and b[0, bCount) (each followed by +∞) into sorted; returns the number
   * of distinct values. The comparison result picks the element (0/1 index), so the merge does not branch on values.
   */
  #merge(a: Float64Array, aCount: number, b: Float64Array, bCount: number): number {
    const sorted = this.sorted;
    const pick = this.#pick;
    const n = aCount + bCount;
    let ia = 0;
    let ib = 0;
    let distinct = 0;
    let last = Number.NaN;
    for (let o = 0; o < n; o++) {
      const x = a[ia] as number;
      const y = b[ib] as number;
      const fromB = +(y < x);
      pick[0] = x;
      pick[1] = y;
      const v = pick[fromB] as number;
      sorted[o] = v;
      distinct += +(v !== last);
      last = v;
      ia += 1 - fromB;
      ib += fromB;
    }
    return distinct;
  }

  /** The stable insertion sort of all n values with their input order (any values, NaN included). */
  #sortWithOrder(n: number): number {
    const values = this.values;
    const sorted = this.sorted;
    const order = this.#order;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      let j = i;
      while (j > 0 && (sorted[j - 1] as number) > v) {
        sorted[j] = sorted[j - 1] as number;
        order[j] = order[j - 1] as number;
        j--;
      }
      sorted[j] = v;
      order[j] = i;
    }
    let distinct = 0;
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
    return distinct;
  }
}
