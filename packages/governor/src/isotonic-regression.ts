import { GovernorError } from '@omni/core';
/**
 * Weighted isotonic (non-decreasing) least-squares regression by pool-adjacent-violators.
 *
 * Minimises Σ wᵢ (fᵢ − yᵢ)² subject to f₀ ≤ f₁ ≤ … (Ayer et al. 1955; Barlow et al. 1972): scan
 * left to right, merge a block into its predecessor while the predecessor's weighted mean is larger.
 * O(n) amortised. Every weight must be > 0.
 *
 * @param values the yᵢ, in the order the fit must be monotone in
 * @param weights the wᵢ (> 0)
 * @param out optional output buffer of the same length (reused to avoid allocation)
 * @returns the fitted fᵢ
 * @example
 * isotonicRegression([1, 3, 2, 4], [1, 1, 1, 1]); // [1, 2.5, 2.5, 4]
 */
export function isotonicRegression(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  const n = values.length;
  if (weights.length !== n || out.length !== n) {
    throw new GovernorError(
      'GOVERNOR_BAD_INPUT',
      'isotonicRegression needs values, weights and out of equal length',
      {
        values: n,
        weights: weights.length,
        out: out.length,
      },
    );
  }
  // Blocks as a stack: mean, weight and the index where each block starts.
  const means = new Float64Array(n);
  const blockWeights = new Float64Array(n);
  const starts = new Int32Array(n);
  let top = -1;
  for (let i = 0; i < n; i++) {
    const w = weights[i] as number;
    if (!(w > 0) || !Number.isFinite(w))
      throw new GovernorError('GOVERNOR_BAD_INPUT', 'isotonicRegression weights must be finite and > 0', {
        index: i,
        weight: w,
      });
    top++;
    means[top] = values[i] as number;
    blockWeights[top] = w;
    starts[top] = i;
    while (top > 0 && (means[top - 1] as number) > (means[top] as number)) {
      const wa = blockWeights[top - 1] as number;
      const wb = blockWeights[top] as number;
      means[top - 1] = ((means[top - 1] as number) * wa + (means[top] as number) * wb) / (wa + wb);
      blockWeights[top - 1] = wa + wb;
      top--;
    }
  }
  for (let b = 0; b <= top; b++) {
    const end = b < top ? (starts[b + 1] as number) : n;
    out.fill(means[b] as number, starts[b] as number, end);
  }
  return out;
}
