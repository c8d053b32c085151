import { AnalysisError } from '@omni/core';

// Test and bench support: the zones code as committed in 75e7080 (KMeans1D with the bounded O(kMax·n²) split search,
// contiguousSilhouette, FibonacciClusterAI.learnZones), frozen as the reference the optimised code must equal bit for
// bit. Not exported from the package; do not change it to follow the optimised code.

/** KMeans1D of 75e7080: Ckmeans.1d.dp layer recurrence, split searched from max(J[m][i−1], J[m−1][i]) down. */
export class ReferenceKMeans1D {
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
