import { AnalysisError, type Swing } from '@omni/core';
import { kmeans } from 'ml-kmeans';
import { FIB_RETRACEMENT_RATIOS, retracementPrice } from './fib-levels.js';
import { silhouetteScore } from './silhouette.js';

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
  /** Seed of the k-means++ initialisation (default 1). */
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
 * Adaptive support/resistance zones (the spec's FibonacciClusterAI): seeded k-means (ml-kmeans, k-means++) over
 * the recent swing prices plus the fib retracements of the last legs, k chosen in [kMin, kMax] by the best mean
 * silhouette. Zones are recomputed only in {@link FibonacciClusterAI.onSwing}, so per-tick lookups are O(k).
 *
 * @example
 * const zones = new FibonacciClusterAI({ seed: 7 });
 * if (fv.newSwing) zones.onSwing(fv.newSwing);
 * const near = zones.nearestZone(fv.price);
 */
export class FibonacciClusterAI {
  readonly #swingWindow: number;
  readonly #fibLegs: number;
  readonly #kMin: number;
  readonly #kMax: number;
  readonly #seed: number;
  readonly #halfLife: number;
  readonly #swings: Swing[] = [];
  #result: ClusterResult = EMPTY;

  constructor(options: FibonacciClusterOptions = {}) {
    this.#swingWindow = options.swingWindow ?? 30;
    this.#fibLegs = options.fibLegs ?? 3;
    this.#kMin = options.kMin ?? 2;
    this.#kMax = options.kMax ?? 6;
    this.#seed = options.seed ?? 1;
    this.#halfLife = options.halfLifeSwings ?? 10;
    requireWhole('swingWindow', this.#swingWindow, 2);
    requireWhole('fibLegs', this.#fibLegs, 0);
    requireWhole('kMin', this.#kMin, 1);
    requireWhole('kMax', this.#kMax, this.#kMin);
    requireWhole('seed', this.#seed, 0);
    if (!(this.#halfLife > 0)) {
      throw new AnalysisError('ANALYSIS_BAD_OPTION', 'FibonacciClusterAI halfLifeSwings must be > 0', {
        field: 'halfLifeSwings',
        value: this.#halfLife,
      });
    }
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
    const values: number[] = [];
    const swingOf: (Swing | undefined)[] = [];
    const recent = swings.slice(-this.#swingWindow);
    for (const s of recent) {
      values.push(s.price);
      swingOf.push(s);
    }
    for (let leg = 0; leg < this.#fibLegs; leg++) {
      const end = recent[recent.length - 1 - leg];
      const start = recent[recent.length - 2 - leg];
      if (!start || !end || start.price === end.price) break;
      for (const r of FIB_RETRACEMENT_RATIOS) {
        values.push(retracementPrice(start.price, end.price, r));
        swingOf.push(undefined);
      }
    }
    const distinct = new Set(values).size;
    const kMax = Math.min(this.#kMax, distinct - 1);
    if (kMax < Math.max(2, this.#kMin)) return EMPTY;
    const data = values.map((v) => [v]);
    let best: { k: number; labels: number[]; s: number } | undefined;
    for (let k = Math.max(2, this.#kMin); k <= kMax; k++) {
      const res = kmeans(data, k, { seed: this.#seed, initialization: 'kmeans++', maxIterations: 100 });
      const s = silhouetteScore(values, res.clusters, k);
      if (!best || s > best.s + 1e-12) best = { k, labels: res.clusters, s };
    }
    if (!best) return EMPTY;
    const lastIndex = recent.length - 1;
    const acc = Array.from({ length: best.k }, () => ({
      sum: 0,
      n: 0,
      low: Number.POSITIVE_INFINITY,
      high: Number.NEGATIVE_INFINITY,
      touches: 0,
      fib: 0,
      last: null as number | null,
      raw: 0,
    }));
    values.forEach((v, i) => {
      const a = acc[best.labels[i] as number];
      if (!a) return;
      a.sum += v;
      a.n++;
      if (v < a.low) a.low = v;
      if (v > a.high) a.high = v;
      const s = swingOf[i];
      if (s) {
        a.touches++;
        a.raw += 0.5 ** ((lastIndex - i) / this.#halfLife);
        if (a.last === null || s.tsMs > a.last) a.last = s.tsMs;
      } else {
        a.fib++;
        a.raw += 0.5;
      }
    });
    const used = acc.filter((a) => a.n > 0);
    const maxRaw = Math.max(...used.map((a) => a.raw));
    const zones = used
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
    return { zones, k: best.k, silhouette: best.s };
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
