import { AnalysisError, type Swing, stablePow } from '@omni/core';
import { KMeans1D } from './kmeans-1d.js';
import { sortedSilhouette } from './silhouette.js';
import { ZoneValues } from './zone-values.js';

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

function byCenter(x: ClusterZone, y: ClusterZone): number {
  return x.center - y.center;
}

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
 * of the last legs, k chosen in [kMin, kMax] by the best mean silhouette ({@link sortedSilhouette}, O(n); ties go to
 * the smaller k). Zones are recomputed only in {@link FibonacciClusterAI.onSwing}, so per-tick lookups are O(k); a
 * recompute of n ≤ swingWindow + 5·fibLegs values costs about O(kMax·n) (O(kMax·n²) at worst), ≈ 7 µs at the
 * defaults (n ≤ 45), whatever the length of the run. onSwing keeps the sorted swing prices of its window between
 * calls ({@link ZoneValues}); every scratch array is typed and reused, so a recompute allocates only its result.
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
  readonly #zoneValues: ZoneValues;
  readonly #starts: Int32Array;
  readonly #bestStarts: Int32Array;
  /** decay[age] = 0.5^(age / halfLifeSwings), the weight of a touch `age` swings ago. */
  readonly #decay: Float64Array;
  // Per-cluster accumulators of #zonesOf.
  readonly #sum: Float64Array;
  readonly #low: Float64Array;
  readonly #high: Float64Array;
  readonly #raw: Float64Array;
  readonly #lastTs: Float64Array;
  readonly #members: Int32Array;
  readonly #touches: Int32Array;
  readonly #fibs: Int32Array;

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
    this.#zoneValues = new ZoneValues(this.#swingWindow, this.#fibLegs, this.#kMax);
    this.#starts = new Int32Array(this.#kMax);
    this.#bestStarts = new Int32Array(this.#kMax);
    this.#decay = new Float64Array(this.#swingWindow);
    // stablePow, not **: the weights are the same bits on every Node version (issue 18).
    for (let age = 0; age < this.#swingWindow; age++) this.#decay[age] = stablePow(0.5, age / this.#halfLife);
    this.#sum = new Float64Array(this.#kMax);
    this.#low = new Float64Array(this.#kMax);
    this.#high = new Float64Array(this.#kMax);
    this.#raw = new Float64Array(this.#kMax);
    this.#lastTs = new Float64Array(this.#kMax);
    this.#members = new Int32Array(this.#kMax);
    this.#touches = new Int32Array(this.#kMax);
    this.#fibs = new Int32Array(this.#kMax);
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
    const removed = this.#swings.length > this.#swingWindow ? this.#swings.shift() : undefined;
    this.#zoneValues.slide(swing, removed);
    this.#result = this.#learn(this.#swings, true);
    return this.#result;
  }

  /**
   * Clusters the given swings (most recent last) without changing this instance's state.
   * Why: the spec's `learn_zones(price_series)`, usable on any swing list.
   */
  learnZones(swings: readonly Swing[]): ClusterResult {
    return this.#learn(swings, false);
  }

  /** learnZones; `windowed`: `swings` is this instance's window, whose sorted prices #zoneValues keeps. */
  #learn(swings: readonly Swing[], windowed: boolean): ClusterResult {
    const zv = this.#zoneValues;
    zv.load(swings, windowed);
    const n = zv.n;
    const kLo = Math.max(2, this.#kMin);
    const kHi = Math.min(this.#kMax, zv.distinct - 1);
    if (kHi < kLo) return EMPTY;
    const sorted = zv.sorted;
    const starts = this.#starts;
    const bestStarts = this.#bestStarts;
    this.#kmeans.fit(sorted, n, kHi);
    let bestK = 0;
    let bestS = 0;
    for (let k = kLo; k <= kHi; k++) {
      this.#kmeans.clusterStarts(k, starts);
      const s = sortedSilhouette(sorted, n, starts, k);
      if (bestK === 0 || s > bestS + 1e-12) {
        bestK = k;
        bestS = s;
        for (let c = 0; c < k; c++) bestStarts[c] = starts[c] as number;
      }
    }
    zv.label(bestStarts, bestK);
    return { zones: this.#zonesOf(swings, bestK), k: bestK, silhouette: bestS };
  }

  /**
   * Zones of the k labelled clusters: members, touches, fib confluence and recency-weighted strength. Values are
   * visited in input order (swings oldest first, then fib levels), so every sum adds the same terms in the same order
   * whatever the sort did.
   */
  #zonesOf(swings: readonly Swing[], k: number): ClusterZone[] {
    const zv = this.#zoneValues;
    const values = zv.values;
    const labels = zv.labels;
    const n = zv.n;
    const first = zv.first;
    const recentCount = zv.recentCount;
    const decay = this.#decay;
    const sum = this.#sum;
    const low = this.#low;
    const high = this.#high;
    const raw = this.#raw;
    const lastTs = this.#lastTs;
    const members = this.#members;
    const touches = this.#touches;
    const fibs = this.#fibs;
    for (let c = 0; c < k; c++) {
      sum[c] = 0;
      low[c] = Number.POSITIVE_INFINITY;
      high[c] = Number.NEGATIVE_INFINITY;
      raw[c] = 0;
      lastTs[c] = 0;
      members[c] = 0;
      touches[c] = 0;
      fibs[c] = 0;
    }
    const lastIndex = recentCount - 1;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      const c = labels[i] as number;
      sum[c] = (sum[c] as number) + v;
      members[c] = (members[c] as number) + 1;
      if (v < (low[c] as number)) low[c] = v;
      if (v > (high[c] as number)) high[c] = v;
      if (i < recentCount) {
        const tsMs = (swings[first + i] as Swing).tsMs;
        if ((touches[c] as number) === 0 || tsMs > (lastTs[c] as number)) lastTs[c] = tsMs;
        touches[c] = (touches[c] as number) + 1;
        raw[c] = (raw[c] as number) + (decay[lastIndex - i] as number);
      } else {
        fibs[c] = (fibs[c] as number) + 1;
        raw[c] = (raw[c] as number) + 0.5;
      }
    }
    let maxRaw = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) if ((members[c] as number) > 0) maxRaw = Math.max(maxRaw, raw[c] as number);
    const zones: ClusterZone[] = [];
    for (let c = 0; c < k; c++) {
      const count = members[c] as number;
      if (count === 0) continue;
      zones.push({
        center: (sum[c] as number) / count,
        low: low[c] as number,
        high: high[c] as number,
        touches: touches[c] as number,
        fibLevels: fibs[c] as number,
        lastTouchTsMs: (touches[c] as number) > 0 ? (lastTs[c] as number) : null,
        strength: maxRaw > 0 ? (raw[c] as number) / maxRaw : 0,
      });
    }
    // Contiguous clusters come in ascending order of their centers; sort only if rounding or NaN says otherwise.
    for (let z = 1; z < zones.length; z++) {
      if (!((zones[z - 1] as ClusterZone).center <= (zones[z] as ClusterZone).center))
        return zones.sort(byCenter);
    }
    return zones;
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
    this.#zoneValues.clearWindow();
    this.#result = EMPTY;
  }
}
