import { AnalysisError, type Swing, stablePow } from '@omni/core';
import { FIB_RETRACEMENT_RATIOS, retracementPrice } from './fib-levels.js';
import type { ClusterResult, ClusterZone, FibonacciClusterOptions } from './fibonacci-cluster-ai.js';
import { ReferenceKMeans1D } from './kmeans-1d.fixture.js';

// Test and bench support: contiguousSilhouette and FibonacciClusterAI as committed in 75e7080, frozen as the
// reference the optimised learnZones must equal bit for bit (same k, boundaries, zones, numbers). Not exported from
// the package; do not change it to follow the optimised code.

/**
 * The mean silhouette of {@link silhouetteScore} in O(n + k) for clusters that are contiguous runs of sorted values:
 * cluster c is sorted[starts[c] .. starts[c + 1]) (starts[k] read as n). Same definition (singletons 0, mean over
 * all n points); equal to {@link silhouetteScore} up to float rounding.
 * Why: on sorted data the summed distance of x_i to a contiguous block is a difference of prefix sums, and the
 * nearest other cluster by mean distance is always an adjacent one. Sums are kept relative to each cluster's first
 * value, so every term is a sum of non-negative parts (no cancellation against the price level). Allocates nothing.
 *
 * @example
 * contiguousSilhouette([1, 2, 10, 11], 4, [0, 2], 2); // = silhouetteScore([1, 2, 10, 11], [0, 0, 1, 1], 2)
 */
export function referenceContiguousSilhouette(
  sorted: ArrayLike<number>,
  n: number,
  starts: ArrayLike<number>,
  k: number,
): number {
  if (!Number.isInteger(n) || n > sorted.length || !Number.isInteger(k) || k > starts.length) {
    throw new AnalysisError(
      'ANALYSIS_BAD_INPUT',
      'contiguousSilhouette needs n <= sorted.length and k <= starts.length',
      {
        n,
        length: sorted.length,
        k,
        starts: starts.length,
      },
    );
  }
  if (n < 2 || k < 2) return 0;
  for (let c = 0; c < k; c++) {
    const s = starts[c] as number;
    const lowest = c === 0 ? 0 : (starts[c - 1] as number) + 1;
    if (!Number.isInteger(s) || s < lowest || s >= n || (c === 0 && s !== 0)) {
      throw new AnalysisError(
        'ANALYSIS_BAD_INPUT',
        'contiguousSilhouette needs starts[0] = 0 and strictly increasing cluster starts below n',
        { cluster: c, start: s, n },
      );
    }
  }
  let total = 0;
  // Previous cluster [prevS, prevE) with offset sum prevT = Σ (x − x[prevS]); current [s, e) with t; next [nextS, nextE).
  let prevS = 0;
  let prevE = 0;
  let prevT = 0;
  let s = 0;
  let e = clusterEnd(starts, k, n, 0);
  let t = offsetSum(sorted, s, e);
  for (let c = 0; c < k; c++) {
    const nextS = e;
    const nextE = c + 1 < k ? clusterEnd(starts, k, n, c + 1) : n;
    const nextT = c + 1 < k ? offsetSum(sorted, nextS, nextE) : 0;
    const m = e - s;
    if (m > 1) {
      const base = sorted[s] as number;
      // Mean distance to the previous cluster, apart from x_i − its last value: mean of (its last − x_j) ≥ 0.
      const prevTail =
        c > 0 ? (sorted[prevE - 1] as number) - (sorted[prevS] as number) - prevT / (prevE - prevS) : 0;
      const nextMean = c + 1 < k ? nextT / (nextE - nextS) : 0;
      let below = 0; // Σ_{j ≤ i} (x_j − base)
      for (let i = s; i < e; i++) {
        const xi = sorted[i] as number;
        const d = xi - base;
        below += d;
        const own = (i - s) * d - (below - d) + (t - below) - (e - 1 - i) * d;
        const a = own / (m - 1);
        let b = Number.POSITIVE_INFINITY;
        if (c > 0) b = xi - (sorted[prevE - 1] as number) + prevTail;
        if (c + 1 < k) {
          const toNext = (sorted[nextS] as number) - xi + nextMean;
          if (toNext < b) b = toNext;
        }
        const denom = Math.max(a, b);
        total += denom === 0 ? 0 : (b - a) / denom;
      }
    }
    prevS = s;
    prevE = e;
    prevT = t;
    s = nextS;
    e = nextE;
    t = nextT;
  }
  return total / n;
}

function clusterEnd(starts: ArrayLike<number>, k: number, n: number, c: number): number {
  return c + 1 < k ? (starts[c + 1] as number) : n;
}

/** Σ (x_j − x_s) over j in [s, e): the cluster's values relative to its first (smallest) one. */
function offsetSum(sorted: ArrayLike<number>, s: number, e: number): number {
  const base = sorted[s] as number;
  let t = 0;
  for (let j = s; j < e; j++) t += (sorted[j] as number) - base;
  return t;
}

const EMPTY: ClusterResult = { zones: [], k: 0, silhouette: 0 };

function requireWhole(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new AnalysisError(
      'ANALYSIS_BAD_OPTION',
      `ReferenceFibonacciClusterAI ${name} must be a whole number >= ${min}`,
      {
        field: name,
        value,
      },
    );
  }
}

/** FibonacciClusterAI of 75e7080 (options as in {@link FibonacciClusterOptions}). */
export class ReferenceFibonacciClusterAI {
  readonly #swingWindow: number;
  readonly #fibLegs: number;
  readonly #kMin: number;
  readonly #kMax: number;
  readonly #halfLife: number;
  readonly #swings: Swing[] = [];
  #result: ClusterResult = EMPTY;
  // Scratch of learnZones, sized for swingWindow + 5·fibLegs values and reused by every call.
  readonly #kmeans = new ReferenceKMeans1D();
  readonly #values: Float64Array;
  readonly #swingAt: Int32Array; // index into the recent swings, or −1 for a fib level
  readonly #order: Int32Array; // value indices in ascending order of value (ties: by index)
  readonly #sorted: Float64Array;
  readonly #label: Int32Array; // cluster of each value index
  readonly #starts: Int32Array;
  readonly #bestStarts: Int32Array;

  constructor(options: FibonacciClusterOptions = {}) {
    this.#swingWindow = options.swingWindow ?? 30;
    this.#fibLegs = options.fibLegs ?? 3;
    this.#kMin = options.kMin ?? 2;
    this.#kMax = options.kMax ?? 6;
    this.#halfLife = options.halfLifeSwings ?? 10;
    requireWhole('swingWindow', this.#swingWindow, 2);
    requireWhole('fibLegs', this.#fibLegs, 0);
    requireWhole('kMin', this.#kMin, 1);
    requireWhole('kMax', this.#kMax, this.#kMin);
    requireWhole('seed', options.seed ?? 1, 0);
    if (!(this.#halfLife > 0)) {
      throw new AnalysisError(
        'ANALYSIS_BAD_OPTION',
        'ReferenceFibonacciClusterAI halfLifeSwings must be > 0',
        {
          field: 'halfLifeSwings',
          value: this.#halfLife,
        },
      );
    }
    const capacity = this.#swingWindow + FIB_RETRACEMENT_RATIOS.length * this.#fibLegs;
    this.#values = new Float64Array(capacity);
    this.#swingAt = new Int32Array(capacity);
    this.#order = new Int32Array(capacity);
    this.#sorted = new Float64Array(capacity);
    this.#label = new Int32Array(capacity);
    this.#starts = new Int32Array(this.#kMax);
    this.#bestStarts = new Int32Array(this.#kMax);
  }

  /** Zones of the last clustering, sorted by center price. */
  get zones(): readonly ClusterZone[] {
    return this.#result.zones;
  }

  /** The last clustering run (zones, chosen k, silhouette). */
  get result(): ClusterResult {
    return this.#result;
  }

  /** Adds a confirmed swing and re-clusters (the only heavy step). */
  onSwing(swing: Swing): ClusterResult {
    this.#swings.push(swing);
    if (this.#swings.length > this.#swingWindow) this.#swings.shift();
    this.#result = this.learnZones(this.#swings);
    return this.#result;
  }

  /**
   * Clusters the given swings (most recent last) without changing this instance's state.
   * Why: the spec's `learn_zones(price_series)`, usable on any swing list.
   */
  learnZones(swings: readonly Swing[]): ClusterResult {
    const values = this.#values;
    const swingAt = this.#swingAt;
    const first = Math.max(0, swings.length - this.#swingWindow);
    let n = 0;
    for (let i = first; i < swings.length; i++) {
      values[n] = (swings[i] as Swing).price;
      swingAt[n] = n;
      n++;
    }
    const recentCount = n;
    for (let leg = 0; leg < this.#fibLegs; leg++) {
      const endAt = swings.length - 1 - leg;
      if (endAt - 1 < first) break;
      const start = (swings[endAt - 1] as Swing).price;
      const end = (swings[endAt] as Swing).price;
      if (start === end) break;
      for (const r of FIB_RETRACEMENT_RATIOS) {
        values[n] = retracementPrice(start, end, r);
        swingAt[n] = -1;
        n++;
      }
    }
    const distinct = this.#sortValues(n);
    const kLo = Math.max(2, this.#kMin);
    const kHi = Math.min(this.#kMax, distinct - 1);
    if (kHi < kLo) return EMPTY;
    const sorted = this.#sorted;
    const starts = this.#starts;
    const bestStarts = this.#bestStarts;
    this.#kmeans.fit(sorted, n, kHi);
    let bestK = 0;
    let bestS = 0;
    for (let k = kLo; k <= kHi; k++) {
      this.#kmeans.clusterStarts(k, starts);
      const s = referenceContiguousSilhouette(sorted, n, starts, k);
      if (bestK === 0 || s > bestS + 1e-12) {
        bestK = k;
        bestS = s;
        for (let c = 0; c < k; c++) bestStarts[c] = starts[c] as number;
      }
    }
    const label = this.#label;
    const order = this.#order;
    for (let c = 0; c < bestK; c++) {
      const end = c + 1 < bestK ? (bestStarts[c + 1] as number) : n;
      for (let p = bestStarts[c] as number; p < end; p++) label[order[p] as number] = c;
    }
    return { zones: this.#zonesOf(swings, first, recentCount, n, bestK), k: bestK, silhouette: bestS };
  }

  /** Sorts the first n values into #sorted / #order (insertion sort, stable: ties by index); returns the distinct count. */
  #sortValues(n: number): number {
    const values = this.#values;
    const sorted = this.#sorted;
    const order = this.#order;
    let distinct = 0;
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
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
    return distinct;
  }

  /** Zones of the labelled values: members, touches, fib confluence and recency-weighted strength. */
  #zonesOf(
    swings: readonly Swing[],
    first: number,
    recentCount: number,
    n: number,
    k: number,
  ): ClusterZone[] {
    const lastIndex = recentCount - 1;
    const acc = Array.from({ length: k }, () => ({
      sum: 0,
      n: 0,
      low: Number.POSITIVE_INFINITY,
      high: Number.NEGATIVE_INFINITY,
      touches: 0,
      fib: 0,
      last: null as number | null,
      raw: 0,
    }));
    for (let i = 0; i < n; i++) {
      const a = acc[this.#label[i] as number];
      if (!a) continue;
      const v = this.#values[i] as number;
      a.sum += v;
      a.n++;
      if (v < a.low) a.low = v;
      if (v > a.high) a.high = v;
      const at = this.#swingAt[i] as number;
      if (at >= 0) {
        const s = swings[first + at] as Swing;
        a.touches++;
        a.raw += stablePow(0.5, (lastIndex - i) / this.#halfLife);
        if (a.last === null || s.tsMs > a.last) a.last = s.tsMs;
      } else {
        a.fib++;
        a.raw += 0.5;
      }
    }
    const used = acc.filter((a) => a.n > 0);
    const maxRaw = Math.max(...used.map((a) => a.raw));
    return used
      .map((a) => ({
        center: a.sum / a.n,
        low: a.low,
        high: a.high,
        touches: a.touches,
        fibLevels: a.fib,
        lastTouchTsMs: a.last,
        strength: maxRaw > 0 ? a.raw / maxRaw : 0,
      }))
      .sort((x, y) => x.center - y.center);
  }

  /** The zone whose [low, high] contains `price`, else the one with the nearest edge; O(k). */
  nearestZone(price: number): ClusterZone | undefined {
    let best: ClusterZone | undefined;
    let bestD = Number.POSITIVE_INFINITY;
    for (const z of this.#result.zones) {
      const d = price < z.low ? z.low - price : price > z.high ? price - z.high : 0;
      if (d < bestD) {
        bestD = d;
        best = z;
      }
    }
    return best;
  }

  /** Forgets every swing and zone. */
  reset(): void {
    this.#swings.length = 0;
    this.#result = EMPTY;
  }
}
