import type { Swing } from '@omni/core';
import {
  classifyHarmonic,
  type HarmonicMatch,
  type HarmonicOptions,
  type HarmonicProjection,
  projectHarmonicPrz,
} from './classify-harmonic.js';

/** A completed pattern whose D is the last confirmed swing. */
export interface DetectedHarmonic extends HarmonicMatch {
  readonly points: {
    readonly X: Swing;
    readonly A: Swing;
    readonly B: Swing;
    readonly C: Swing;
    readonly D: Swing;
  };
}

/** A pattern whose X, A, B, C are the last four confirmed swings; D is expected in `prz`. */
export interface FormingHarmonic extends HarmonicProjection {
  readonly points: { readonly X: Swing; readonly A: Swing; readonly B: Swing; readonly C: Swing };
}

/**
 * Harmonic patterns at the end of a swing list: completed ones (last five swings as X…D) and forming ones
 * (last four as X…C, with the PRZ for D). Why: the per-swing step of the governor and of `analyzeSeries`.
 */
export function harmonicsAtLastSwing(
  swings: readonly Swing[],
  options: HarmonicOptions = {},
): { completed: DetectedHarmonic[]; forming: FormingHarmonic[] } {
  const n = swings.length;
  const completed: DetectedHarmonic[] = [];
  const forming: FormingHarmonic[] = [];
  if (n >= 5) {
    const [X, A, B, C, D] = swings.slice(n - 5) as [Swing, Swing, Swing, Swing, Swing];
    for (const m of classifyHarmonic(
      { X: X.price, A: A.price, B: B.price, C: C.price, D: D.price },
      options,
    )) {
      completed.push({ ...m, points: { X, A, B, C, D } });
    }
  }
  if (n >= 4) {
    const [X, A, B, C] = swings.slice(n - 4) as [Swing, Swing, Swing, Swing];
    for (const p of projectHarmonicPrz({ X: X.price, A: A.price, B: B.price, C: C.price }, options)) {
      forming.push({ ...p, points: { X, A, B, C } });
    }
  }
  return { completed, forming };
}
