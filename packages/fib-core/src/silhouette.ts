import { AnalysisError } from '@omni/core';

/**
 * Mean silhouette coefficient of a 1-D clustering: s(i) = (b − a) / max(a, b), where a is the mean distance of
 * point i to its own cluster and b the smallest mean distance to another cluster; s(i) = 0 for singletons
 * (P. J. Rousseeuw, "Silhouettes", J. Comput. Appl. Math. 20, 1987).
 * Why: the reference definition for any labelling; O(n²). {@link FibonacciClusterAI} uses the O(n)
 * {@link contiguousSilhouette}, which returns the same value for clusters that are contiguous in sorted order.
 */
export function silhouetteScore(values: readonly number[], labels: readonly number[], k: number): number {
  const n = values.length;
  if (n < 2 || k < 2) return 0;
  const sums = new Float64Array(k);
  const sizes = new Int32Array(k);
  for (const l of labels) sizes[l] = (sizes[l] as number) + 1;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const li = labels[i] as number;
    if ((sizes[li] as number) <= 1) continue; // s(i) = 0
    sums.fill(0);
    const xi = values[i] as number;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const lj = labels[j] as number;
      sums[lj] = (sums[lj] as number) + Math.abs(xi - (values[j] as number));
    }
    const a = (sums[li] as number) / ((sizes[li] as number) - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      if (c === li || (sizes[c] as number) === 0) continue;
      const m = (sums[c] as number) / (sizes[c] as number);
      if (m < b) b = m;
    }
    if (!Number.isFinite(b)) continue;
    const denom = Math.max(a, b);
    total += denom === 0 ? 0 : (b - a) / denom;
  }
  return total / n;
}

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
export function contiguousSilhouette(
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
  return sortedSilhouette(sorted, n, starts, k);
}

/**
 * {@link contiguousSilhouette} without the checks of its arguments, for callers whose cluster starts come from
 * `KMeans1D.clusterStarts` (0, then strictly increasing below n). Same arithmetic, same result bit for bit.
 */
export function sortedSilhouette(
  sorted: ArrayLike<number>,
  n: number,
  starts: ArrayLike<number>,
  k: number,
): number {
  if (n < 2 || k < 2) return 0;
  let total = 0;
  // Previous cluster [prevS, prevE) with offset sum prevT = Σ (x − x[prevS]); current [s, e) with t; next [nextS, nextE).
  let prevS = 0;
  let prevE = 0;
  let prevT = 0;
  let s = 0;
  let e = clusterEnd(starts, k, n, 0);
  let t = offsetSum(sorted, s, e);
  for (let c = 0; c < k; c++) {
    const hasPrev = c > 0;
    const hasNext = c + 1 < k;
    const nextS = e;
    const nextE = hasNext ? clusterEnd(starts, k, n, c + 1) : n;
    const nextT = hasNext ? offsetSum(sorted, nextS, nextE) : 0;
    const m = e - s;
    if (m > 1) {
      const base = sorted[s] as number;
      const prevLast = hasPrev ? (sorted[prevE - 1] as number) : 0;
      const nextFirst = hasNext ? (sorted[nextS] as number) : 0;
      // Mean distance to the previous cluster, apart from x_i − its last value: mean of (its last − x_j) ≥ 0.
      const prevTail = hasPrev ? prevLast - (sorted[prevS] as number) - prevT / (prevE - prevS) : 0;
      const nextMean = hasNext ? nextT / (nextE - nextS) : 0;
      const others = m - 1;
      let below = 0; // Σ_{j ≤ i} (x_j − base)
      for (let i = s; i < e; i++) {
        const xi = sorted[i] as number;
        const d = xi - base;
        below += d;
        const own = (i - s) * d - (below - d) + (t - below) - (e - 1 - i) * d;
        const a = own / others;
        let b = hasPrev ? xi - prevLast + prevTail : Number.POSITIVE_INFINITY;
        if (hasNext) {
          const toNext = nextFirst - xi + nextMean;
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
