import type { RegimeProbabilities, Swing } from '@omni/core';
import type { FeatureVector } from '@omni/features';
import { DOMINANT_REGIMES, type DominantRegime } from './regime-state-builder.js';

/** The default volatility score of the regime state: the features' volatility percentile. */
export function defaultVolScore(input: { readonly features: FeatureVector }): number | null {
  return input.features.volatilityPercentile;
}

/** The regime with the largest probability (ties: trending, then mean-reverting). */
export function dominantRegime(p: RegimeProbabilities): DominantRegime {
  const i =
    p.trending >= p.meanReverting
      ? p.trending >= p.volatile
        ? 0
        : 2
      : p.meanReverting >= p.volatile
        ? 1
        : 2;
  return DOMINANT_REGIMES[i] as DominantRegime;
}

/** The same swing (time, price and kind). */
export function sameSwing(a: Swing, b: Swing | null): boolean {
  return b !== null && a.tsMs === b.tsMs && a.price === b.price && a.kind === b.kind;
}

/** A number for a reason string. */
export function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(4);
}
