/**
 * Mean silhouette coefficient of a 1-D clustering: s(i) = (b − a) / max(a, b), where a is the mean distance of
 * point i to its own cluster and b the smallest mean distance to another cluster; s(i) = 0 for singletons
 * (P. J. Rousseeuw, "Silhouettes", J. Comput. Appl. Math. 20, 1987).
 * Why: the stated criterion for choosing k in {@link FibonacciClusterAI}; O(n²), run only on new swings.
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
