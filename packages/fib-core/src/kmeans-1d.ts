import { AnalysisError } from '@omni/core';

/**
 * Exact (optimal) one-dimensional k-means by dynamic programming over sorted values (H. Wang and M. Song,
 * "Ckmeans.1d.dp: Optimal k-means clustering in one dimension by dynamic programming", The R Journal 3(2), 2011).
 * Why: in 1-D the optimal clusters are contiguous runs of the sorted values, so the minimal within-cluster sum of
 * squares of the first i + 1 points in m + 1 clusters is D[m][i] = min over j of D[m−1][j−1] + ssq(j, i), where ssq
 * comes in O(1) from prefix sums of x and x² (shifted by the median for accuracy). Runs of equal values are merged
 * into one weighted point first, so a run is never split (an optimal clustering never needs to). One fit for kMax
 * answers every k ≤ kMax. Cost O(kMax·n²) at worst, far less in practice: as in Ckmeans.1d.dp the best split j is
 * searched only from max(J[m][i−1], J[m−1][i]) up to i (the optimal split moves right with i and with m), and a
 * candidate is abandoned once its last cluster alone costs more than the best so far. Deterministic (no random
 * start) and optimal up to float rounding; among equally good splits the earliest one wins (the last cluster is
 * the largest).
 *
 * The instance keeps its typed arrays and grows them only when a larger n or k arrives, so refitting allocates
 * nothing.
 *
 * @example
 * const km = new KMeans1D();
 * km.fit(Float64Array.of(1, 2, 10, 11, 30), 5, 3);
 * const starts = new Int32Array(3);
 * km.clusterStarts(3, starts); // [0, 2, 4]: {1, 2}, {10, 11}, {30}
 * km.withinSS(3); // 1
 */
export class KMeans1D {
  /** Distinct values of the last fit. */
  #points = 0;
  #kFitted = 0;
  #capN = 0;
  #capK = 0;
  /** sum[r], sumSq[r]: Σ y and Σ y² (y = x − shift) over the values before distinct point r. */
  #sum = new Float64Array(1);
  #sumSq = new Float64Array(1);
  /** firstAt[r]: sorted index of the first value of distinct point r; firstAt[points] = n (so counts are differences). */
  #firstAt = new Int32Array(1);
  /** cost[m·capN + r]: least within-cluster sum of squares of points 0..r in m + 1 clusters. */
  #cost = new Float64Array(0);
  /** split[m·capN + r]: the first point of the last of those m + 1 clusters. */
  #split = new Int32Array(0);

  /**
   * Fits the table for every k in 1…kMax over `sorted[0..n)` (ascending; not checked).
   * @returns the largest feasible k: min(kMax, number of distinct values).
   */
  fit(sorted: ArrayLike<number>, n: number, kMax: number): number {
    if (!Number.isInteger(n) || n < 1 || n > sorted.length || !Number.isInteger(kMax) || kMax < 1) {
      throw new AnalysisError(
        'ANALYSIS_BAD_INPUT',
        'KMeans1D.fit needs 1 <= n <= values.length and kMax >= 1',
        {
          n,
          length: sorted.length,
          kMax,
        },
      );
    }
    this.#reserve(n, kMax);
    const shift = sorted[n >> 1] as number;
    const sum = this.#sum;
    const sumSq = this.#sumSq;
    const firstAt = this.#firstAt;
    let points = 0;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = sorted[i] as number;
      if (i === 0 || x !== sorted[i - 1]) {
        sum[points] = s1;
        sumSq[points] = s2;
        firstAt[points] = i;
        points++;
      }
      const y = x - shift;
      s1 += y;
      s2 += y * y;
    }
    sum[points] = s1;
    sumSq[points] = s2;
    firstAt[points] = n;
    const cap = this.#capN;
    const cost = this.#cost;
    const split = this.#split;
    for (let i = 0; i < points; i++) {
      cost[i] = this.#ssq(0, i);
      split[i] = 0;
    }
    const kTop = Math.min(kMax, points);
    for (let m = 1; m < kTop; m++) {
      const row = m * cap;
      const prev = row - cap;
      const last = m === kTop - 1; // the last row is read only at the last point (by clusterStarts and withinSS)
      for (let i = last ? points - 1 : m; i < points; i++) {
        const fromPrevRow = split[prev + i] as number;
        const fromLeft = !last && i > m ? (split[row + i - 1] as number) : m;
        const jLow = Math.max(m, fromPrevRow, fromLeft);
        let best = Number.POSITIVE_INFINITY;
        let bestJ = i;
        const sumTo = sum[i + 1] as number;
        const sumSqTo = sumSq[i + 1] as number;
        const countTo = firstAt[i + 1] as number;
        for (let j = i; j >= jLow; j--) {
          const s = sumTo - (sum[j] as number);
          let within = sumSqTo - (sumSq[j] as number) - (s * s) / (countTo - (firstAt[j] as number)); // ssq(j, i)
          if (within < 0) within = 0;
          if (within > best) break; // ssq only grows as j moves left
          const c = (cost[prev + j - 1] as number) + within;
          if (c <= best) {
            best = c;
            bestJ = j;
          }
        }
        cost[row + i] = best;
        split[row + i] = bestJ;
      }
    }
    this.#points = points;
    this.#kFitted = kTop;
    return kTop;
  }

  /** Least within-cluster sum of squares in k clusters of the last fit (k ≤ the value {@link fit} returned). */
  withinSS(k: number): number {
    this.#requireFitted(k);
    return this.#cost[(k - 1) * this.#capN + this.#points - 1] as number;
  }

  /**
   * Writes the first sorted index of each of the k optimal clusters to `out[0..k)` (out[0] = 0, increasing);
   * cluster c is sorted[out[c] .. out[c + 1]) with out[k] read as n.
   */
  clusterStarts(k: number, out: Int32Array): void {
    this.#requireFitted(k);
    if (out.length < k) {
      throw new AnalysisError(
        'ANALYSIS_BAD_INPUT',
        'KMeans1D.clusterStarts needs an output array of length >= k',
        {
          k,
          length: out.length,
        },
      );
    }
    let end = this.#points - 1;
    for (let m = k - 1; m >= 0; m--) {
      const j = this.#split[m * this.#capN + end] as number;
      out[m] = this.#firstAt[j] as number;
      end = j - 1;
    }
  }

  /** Sum of squared deviations from their mean of the values of distinct points j..i (inclusive). */
  #ssq(j: number, i: number): number {
    const s = (this.#sum[i + 1] as number) - (this.#sum[j] as number);
    const w = (this.#firstAt[i + 1] as number) - (this.#firstAt[j] as number);
    const d = (this.#sumSq[i + 1] as number) - (this.#sumSq[j] as number) - (s * s) / w;
    return Math.max(d, 0);
  }

  #requireFitted(k: number): void {
    if (!Number.isInteger(k) || k < 1 || k > this.#kFitted) {
      throw new AnalysisError(
        'ANALYSIS_BAD_INPUT',
        `KMeans1D has no fit for k = ${k}: fit first with kMax >= k`,
        {
          k,
          fittedUpTo: this.#kFitted,
        },
      );
    }
  }

  #reserve(n: number, k: number): void {
    if (n > this.#capN || k > this.#capK) {
      this.#capN = Math.max(n, this.#capN);
      this.#capK = Math.max(k, this.#capK);
      this.#sum = new Float64Array(this.#capN + 1);
      this.#sumSq = new Float64Array(this.#capN + 1);
      this.#firstAt = new Int32Array(this.#capN + 1);
      this.#cost = new Float64Array(this.#capN * this.#capK);
      this.#split = new Int32Array(this.#capN * this.#capK);
    }
  }
}

/** An optimal 1-D clustering from {@link kmeans1d}. */
export interface KMeans1DClustering {
  /** The values in ascending order. */
  readonly sorted: readonly number[];
  /** Index in `sorted` of the first value of each cluster; cluster c is sorted[starts[c] .. starts[c + 1]). */
  readonly starts: readonly number[];
  /** Mean of each cluster, ascending. */
  readonly centers: readonly number[];
  /** The minimal within-cluster sum of squares. */
  readonly withinSS: number;
}

/**
 * Optimal k-means of one-dimensional values (any order) into exactly k contiguous clusters; see {@link KMeans1D}.
 * Why: a one-call form for scripts and tests; hot paths keep a {@link KMeans1D} and reuse its buffers.
 *
 * @example
 * kmeans1d([10, 1, 11, 2], 2); // sorted [1, 2, 10, 11], starts [0, 2], centers [1.5, 10.5], withinSS 1
 */
export function kmeans1d(values: readonly number[], k: number): KMeans1DClustering {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.some((v) => !Number.isFinite(v))) {
    throw new AnalysisError('ANALYSIS_BAD_INPUT', 'kmeans1d needs finite values', { n: values.length });
  }
  const distinct = sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]).length;
  if (!Number.isInteger(k) || k < 1 || k > distinct) {
    throw new AnalysisError(
      'ANALYSIS_BAD_OPTION',
      `kmeans1d k must be a whole number between 1 and the number of distinct values (${distinct})`,
      { k, distinct },
    );
  }
  const km = new KMeans1D();
  km.fit(sorted, sorted.length, k);
  const out = new Int32Array(k);
  km.clusterStarts(k, out);
  const starts = Array.from(out);
  const centers = starts.map((s, c) => {
    const e = c + 1 < k ? (starts[c + 1] as number) : sorted.length;
    let t = 0;
    for (let i = s; i < e; i++) t += sorted[i] as number;
    return t / (e - s);
  });
  return { sorted, starts, centers, withinSS: km.withinSS(k) };
}
