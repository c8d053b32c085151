import { AnalysisError, type Swing } from '@omni/core';
import { FIB_RETRACEMENT_RATIOS, retracementPrice } from './fib-levels.js';
import { KMeans1D } from './kmeans-1d.js';
import { contiguousSilhouette } from './silhouette.js';

/** A support/resistance zone: one k-means cluster of recent swing prices and fib levels. */
export interface ClusterZone {
  readonly center: number;
  /** Lowest and highest member price. */
  readonly low: number;
  readonly high: number;
  /** Swing prices in the cluster (times price reversed there). */
  readonly touches: number;
  /** Fib retracement levels of recent legs in the cluster (confluence). */
  readonly fibLevels: number;
  /** Time of the most recent swing in the cluster, or null when it holds only fib levels. */
  readonly lastTouchTsMs: number | null;
  /**
   * Relative strength in [0, 1] (strongest zone = 1): Σ over touching swings of 0.5^(age / halfLifeSwings)
   * + 0.5 per fib level, divided by the largest such sum. Age counts swings since the touch.
   */
  readonly strength: number;
}

/** Options of {@link FibonacciClusterAI}. */
export interface FibonacciClusterOptions {
  /** Recent swings clustered (default 30). */
  readonly swingWindow?: number;
  /** Legs (between consecutive swings, most recent first) whose retracements are added (default 3). */
  readonly fibLegs?: number;
  /** Bounds of k, chosen by the best mean silhouette (default 2…6; ties go to the smaller k). */
  readonly kMin?: number;
  readonly kMax?: number;
  /**
   * Ignored: the clustering is exact 1-D k-means (no random initialisation), so there is nothing to seed.
   * Still accepted (a whole number >= 0) so existing configurations keep working.
   */
  readonly seed?: number;
  /** Recency half-life in swings (default 10). */
  readonly halfLifeSwings?: number;
}

/** The result of one clustering run. */
export interface ClusterResult {
  readonly zones: readonly ClusterZone[];
  /** The chosen k, or 0 when there were too few points. */
  readonly k: number;
  /** Mean silhouette of the chosen k. */
  readonly silhouette: number;
}

const EMPTY: ClusterResult = { zones: [], k: 0, silhouette: 0 };

function requireWhole(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new AnalysisError(
      'ANALYSIS_BAD_OPTION',
      `FibonacciClusterAI ${name} must be a whole number >= ${min}`,
      {
        field: name,
        value,
      },
    );
  }
}

/**
 * Adaptive support/resistance zones (the spec's FibonacciClusterAI): optimal 1-D k-means ({@link KMeans1D}, the
 * Ckmeans.1d.dp dynamic programme: exact and deterministic) over the recent swing prices plus the fib retracements
 * of the last legs, k chosen in [kMin, kMax] by the best mean silhouette ({@link contiguousSilhouette}, O(n); ties go
 * to the smaller k). Zones are recomputed only in {@link FibonacciClusterAI.onSwing}, so per-tick lookups are O(k); a
 * recompute costs at most O(kMax·n²) for n ≤ swingWindow + 5·fibLegs values (≈ 20 µs at the defaults, n ≤ 45),
 * whatever the length of the run; its typed scratch arrays are reused between calls.
 *
 * @example
 * const zones = new FibonacciClusterAI();
 * if (fv.newSwing) zones.onSwing(fv.newSwing);
 * const near = zones.nearestZone(fv.price);
 */
export class FibonacciClusterAI {
  readonly #swingWindow: number;
  readonly #fibLegs: number;
  readonly #kMin: number;
  readonly #kMax: number;
  readonly #halfLife: number;
  readonly #swings: Swing[] = [];
  #result: ClusterResult = EMPTY;
  // Scratch of learnZones, sized for swingWindow + 5·fibLegs values and reused by every call.
  readonly #kmeans = new KMeans1D();
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
      throw new AnalysisError('ANALYSIS_BAD_OPTION', 'FibonacciClusterAI halfLifeSwings must be > 0', {
        field: 'halfLifeSwings',
        value: this.#halfLife,
      });
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
      const s = contiguousSilhouette(sorted, n, starts, k);
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
        a.raw += 0.5 ** ((lastIndex - i) / this.#halfLife);
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
