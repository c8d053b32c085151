import type { Rng } from '@omni/core';
import { GovernorError, stablePow } from '@omni/core';

/**
 * A Gamma(shape, 1) deviate from the seeded Rng.
 * Marsaglia & Tsang (2000), "A simple method for generating gamma variables", ACM TOMS 26(3);
 * shape < 1 through Gamma(shape + 1) · U^(1/shape).
 */
export function sampleGamma(rng: Rng, shape: number): number {
  if (!(shape > 0) || !Number.isFinite(shape))
    throw new GovernorError('GOVERNOR_BAD_INPUT', 'the gamma shape must be a finite number > 0', { shape });
  if (shape < 1) {
    let u = rng.float();
    while (u === 0) u = rng.float();
    // stablePow, not **: the same draws on every Node version (issue 18).
    return sampleGamma(rng, shape + 1) * stablePow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = rng.float();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * A Beta(alpha, beta) deviate from the seeded Rng, as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta).
 * Why: Thompson sampling over Beta posteriors of hit rates.
 */
export function sampleBeta(rng: Rng, alpha: number, beta: number): number {
  const x = sampleGamma(rng, alpha);
  const y = sampleGamma(rng, beta);
  return x / (x + y);
}
