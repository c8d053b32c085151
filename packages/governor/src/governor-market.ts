import {
  MARKETS,
  type Market,
  type RegimeProbabilities,
  type SequenceModelEngine,
  type Swing,
} from '@omni/core';
import type { FeatureVector } from '@omni/features';
import type { FibBlock } from '@omni/fib-core';
import type { DecisionProbabilities } from './governor-types.js';
import { requireNumberInRange } from './numeric-input.js';
import { DOMINANT_REGIMES, type DominantRegime } from './regime-state-builder.js';

/** The default volatility score of the regime state: the features' volatility percentile. */
export function defaultVolScore(input: { readonly features: FeatureVector }): number | null {
  return input.features.volatilityPercentile;
}

/** The sequence model's view of `window` (step 5.1), each number checked: probUp in [0, 1], volatility ≥ 0. */
export function predictProbabilities(
  sequence: SequenceModelEngine,
  window: ArrayLike<number>,
): DecisionProbabilities {
  const probUp = requireNumberInRange(sequence.predictDirection(window), 'sequence.probUp', 0, 1);
  const volatility = requireNumberInRange(sequence.predictVolatility(window), 'sequence.volatility', 0);
  const r = sequence.regimeProbabilities(window);
  return {
    probUp,
    volatility,
    regimes: { trending: r.trending, meanReverting: r.meanReverting, volatile: r.volatile },
  };
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

/** Every subset of MARKETS in MARKETS order, indexed by bit mask (bit i = MARKETS[i]); frozen, shared. */
const MARKET_SUBSETS: readonly (readonly Market[])[] = Array.from(
  { length: 1 << MARKETS.length },
  (_, mask) => Object.freeze(MARKETS.filter((_m, i) => (mask >> i) & 1)),
);

/**
 * The engines that pass Fibonacci validation at this tick, in MARKETS order: a fib signal, and for
 * arbitrage priced route candidates as well. Returns a shared frozen array (no allocation per tick).
 */
export function availableMarkets(signals: FibBlock['signals'], hasRoutes: boolean): readonly Market[] {
  let mask = 0;
  for (let i = 0; i < MARKETS.length; i++) {
    const m = MARKETS[i] as Market;
    if (signals[m].kind === 'signal' && (m !== 'arbitrage' || hasRoutes)) mask |= 1 << i;
  }
  return MARKET_SUBSETS[mask] as readonly Market[];
}

/** A reusable volatility sample (the default one is rewritten each tick, not allocated). */
export interface VolatilityScratch {
  fx: number | undefined;
  dex: number | undefined;
}

/**
 * The default volatility sample of a tick: fx = the features' rolling std, dex = the pools' own
 * volatility, written into `scratch`; undefined when neither is known.
 */
export function defaultVolatilitySample(
  scratch: VolatilityScratch,
  rollingStd: number | null,
  dexVolatility: number | undefined,
): VolatilityScratch | undefined {
  if (rollingStd === null && dexVolatility === undefined) return undefined;
  scratch.fx = rollingStd ?? undefined;
  scratch.dex = dexVolatility;
  return scratch;
}
