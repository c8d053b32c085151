import { AnalysisError } from '@omni/core';

/**
 * Exact (optimal) one-dimensional k-means by dynamic programming over sorted values (H. Wang and M. Song,
 * "Ckmeans.1d.dp: Optimal k-means clustering in one dimension by dynamic programming", The R Journal 3(2), 2011).
 * Why: in 1-D the optimal clusters are contiguous runs of the sorted values, so the minimal within-cluster sum of
 * squares of the first i + 1 points in m + 1 clusters is D[m][i] = min over j of D[m−1][j−1] + ssq(j, i), where ssq
 * comes in O(1) from prefix sums of x and x² (shifted by the median for accuracy). Runs of equal values are merged
 * into one weighted point first, so a run is never split (an optimal clustering never needs to). One fit for kMax
 * answers every k ≤ kMax. Deterministic (no random start) and optimal up to float rounding; among equally good
 * splits the earliest one wins (the last cluster is the largest).
 *
 * The split J[m][i] is defined by the search of Ckmeans.1d.dp ("the row search"): from j = i down to
 * jLow = max(m, J[m−1][i], J[m][i−1]) (the optimal split moves right with i and with m), stopping once ssq(j, i) alone
 * exceeds the best cost so far, earliest split among equal costs. That search visits the whole last cluster, about
 * n/(m + 1) candidates per cell. The fit finds the same split bit for bit with about three ("the upward search"):
 * from jLow up, stopping once D[m−1][j−1] alone exceeds the best cost, which is exact when row m − 1 is
 * nondecreasing (checked; c(j) ≥ D[m−1][j−1]). The row search would return the same split unless it stopped before
 * reaching it, which needs ssq(j, i) > the best cost for some j between it and i; ssq of a sub-run is never larger
 * than ssq of the run, so that cannot happen while D[m−1][J − 1] exceeds twice the rounding error of ssq (bounded
 * by {@link ssqErrorBound}). When either check fails (non-finite values, near-zero costs, a row that rounding made
 * decrease) the cell runs the row search itself. Both searches compute every cost with the same expression, so the
 * table is the same whichever ran.
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
  /**
   * Every number of a fit in one array (V8 then checks one typed array per loop iteration, not four); with
   * stride = capN + 1: sum at [0, stride), sumSq at [stride, 2·stride), firstAt at [2·stride, 3·stride), then the
   * cost rows of capN from 3·stride.
   * - sum[r], sumSq[r]: Σ y and Σ y² (y = x − shift) over the values before distinct point r;
   * - firstAt[r]: sorted index of the first value of distinct point r; firstAt[points] = n (counts are differences);
   * - cost[m·capN + r] = D[m][r]: least within-cluster sum of squares of points 0..r in m + 1 clusters.
   */
  #table = new Float64Array(0);
  /** split[m·capN + r] = J[m][r]: the first point of the last of those m + 1 clusters. */
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
    const t = this.#table;
    const split = this.#split;
    const cap = this.#capN;
    const SQ = cap + 1;
    const AT = 2 * SQ;
    const COST = 3 * SQ;
    const shift = sorted[n >> 1] as number;
    let points = 0;
    let s1 = 0;
    let s2 = 0;
    let sAbs = 0;
    for (let i = 0; i < n; i++) {
      const x = sorted[i] as number;
      if (i === 0 || x !== sorted[i - 1]) {
        t[points] = s1;
        t[SQ + points] = s2;
        t[AT + points] = i;
        points++;
      }
      const y = x - shift;
      s1 += y;
      s2 += y * y;
      sAbs += Math.abs(y);
    }
    t[points] = s1;
    t[SQ + points] = s2;
    t[AT + points] = n;
    for (let i = 0; i < points; i++) {
      const s = (t[i + 1] as number) - (t[0] as number);
      const d =
        (t[SQ + i + 1] as number) -
        (t[SQ] as number) -
        (s * s) / ((t[AT + i + 1] as number) - (t[AT] as number));
      t[COST + i] = Math.max(d, 0); // ssq(0, i)
      split[i] = 0;
    }
    const kTop = Math.min(kMax, points);
    const slack = ssqErrorBound(n, s2, sAbs);
    for (let m = 1; m < kTop; m++) {
      const row = COST + m * cap;
      const prev = row - cap - 1; // t[prev + j] = D[m−1][j−1]
      const last = m === kTop - 1; // the last row is read only at the last point (by clusterStarts and withinSS)
      let upward = slack > 0; // row m − 1 nondecreasing where the searches of row m read it
      for (let r = prev + m; upward && r < prev + points - 1; r++)
        upward = (t[r] as number) <= (t[r + 1] as number);
      for (let i = last ? points - 1 : m; i < points; i++) {
        const fromPrevRow = split[m * cap - cap + i] as number;
        const fromLeft = !last && i > m ? (split[m * cap + i - 1] as number) : m;
        const jLow = Math.max(m, fromPrevRow, fromLeft);
        const sumTo = t[i + 1] as number;
        const sumSqTo = t[SQ + i + 1] as number;
        const countTo = t[AT + i + 1] as number;
        let best = Number.POSITIVE_INFINITY;
        let bestJ = -1;
        if (upward) {
          // The upward search. The answer is jLow in three cells of four: the first three candidates are costed before
          // comparing (their divisions overlap; straight-line code, no loop to mispredict), then one at a time until
          // D[m−1][j−1] > best.
          best = (t[prev + jLow] as number) + ssq(t, SQ, AT, sumTo, sumSqTo, countTo, jLow);
          bestJ = jLow;
          let j = jLow + 1;
          if (j + 1 <= i) {
            const c1 = (t[prev + j] as number) + ssq(t, SQ, AT, sumTo, sumSqTo, countTo, j);
            const c2 = (t[prev + j + 1] as number) + ssq(t, SQ, AT, sumTo, sumSqTo, countTo, j + 1);
            if (c1 < best) {
              best = c1;
              bestJ = j;
            }
            if (c2 < best) {
              best = c2;
              bestJ = j + 1;
            }
            j += 2;
          } else if (j <= i) {
            const c1 = (t[prev + j] as number) + ssq(t, SQ, AT, sumTo, sumSqTo, countTo, j);
            if (c1 < best) {
              best = c1;
              bestJ = j;
            }
            j++;
          }
          for (; j <= i; j++) {
            const before = t[prev + j] as number;
            if (before > best) break;
            const c = before + ssq(t, SQ, AT, sumTo, sumSqTo, countTo, j);
            if (c < best) {
              best = c;
              bestJ = j;
            }
          }
          // The row search reaches bestJ unless ssq(j, i) > best for a j in (bestJ, i): excluded by the margin.
          if (bestJ !== i && !((t[prev + bestJ] as number) > slack + best * 4 * EPSILON_HALF)) bestJ = -1;
        }
        if (bestJ < 0) {
          // The row search.
          best = Number.POSITIVE_INFINITY;
          bestJ = i;
          for (let j = i; j >= jLow; j--) {
            const within = ssq(t, SQ, AT, sumTo, sumSqTo, countTo, j);
            if (within > best) break; // ssq only grows as j moves left
            const c = (t[prev + j] as number) + within;
            if (c <= best) {
              best = c;
              bestJ = j;
            }
          }
        }
        t[row + i] = best;
        split[m * cap + i] = bestJ;
      }
    }
    this.#points = points;
    this.#kFitted = kTop;
    return kTop;
  }

  /** Least within-cluster sum of squares in k clusters of the last fit (k ≤ the value {@link fit} returned). */
  withinSS(k: number): number {
    this.#requireFitted(k);
    return this.#table[3 * (this.#capN + 1) + (k - 1) * this.#capN + this.#points - 1] as number;
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
    const firstAt = 2 * (this.#capN + 1);
    let end = this.#points - 1;
    for (let m = k - 1; m >= 0; m--) {
      const j = this.#split[m * this.#capN + end] as number;
      out[m] = this.#table[firstAt + j] as number;
      end = j - 1;
    }
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
      this.#table = new Float64Array(3 * (this.#capN + 1) + this.#capN * this.#capK);
      this.#split = new Int32Array(this.#capN * this.#capK);
    }
  }
}

/** The unit roundoff of float64, 2^−53. */
const EPSILON_HALF = Number.EPSILON / 2;

/**
 * ssq(j, i), the sum of squared deviations from their mean of the values of distinct points j..i, from the prefix
 * sums (sumTo, sumSqTo, countTo: those up to point i + 1); clamped at 0 against cancellation.
 */
function ssq(
  t: Float64Array,
  SQ: number,
  AT: number,
  sumTo: number,
  sumSqTo: number,
  countTo: number,
  j: number,
): number {
  const s = sumTo - (t[j] as number);
  const within = sumSqTo - (t[SQ + j] as number) - (s * s) / (countTo - (t[AT + j] as number));
  // biome-ignore lint/complexity/useMathMinMax: the clamp of 75e7080 keeps −0 (Math.max turns it into +0)
  return within < 0 ? 0 : within;
}

/**
 * A bound on 2·|computed ssq(j, i) − exact sum of squares of the same shifted values| that holds for every j ≤ i,
 * with a factor 2 to spare; 0 when no such bound is known (non-finite values, or values whose squares may
 * underflow or overflow). From the rounding errors of n-term recursive sums (N. J. Higham, "Accuracy and Stability
 * of Numerical Algorithms", 2nd ed., 2002, §4.2): with Q = Σ y², Y = Σ |y| and u = 2^−53, the prefix sums are off by
 * at most n·u·Q and n·u·Y, so |error| ≤ ((2n + 4)·Q + (4n + 5)·Y²)·u + O(u²).
 */
function ssqErrorBound(n: number, sumSq: number, sumAbs: number): number {
  const bound = 4 * EPSILON_HALF * ((2 * n + 4) * sumSq + (4 * n + 5) * sumAbs * sumAbs);
  return Number.isFinite(bound) && sumSq > 1e-280 && sumAbs * sumAbs < 1e280 ? bound : 0;
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
