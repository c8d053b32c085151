import type { Swing } from '@omni/core';
import type { HarmonicDirection, XabcdPoints } from './classify-harmonic.js';
import type { FibLevel, FibLevels, PriceZone } from './fib-levels.js';
import type { ClusterZone } from './fibonacci-cluster-ai.js';
import type { HarmonicPatternName } from './harmonic-ratio-table.js';

/** No trade from this engine, with the reason (e.g. `price outside every fib band`). */
export interface NoFibSignal<E extends 'binary' | 'spot' | 'arbitrage'> {
  readonly kind: 'none';
  readonly engine: E;
  readonly reason: string;
}

/**
 * A harmonic pattern completed at D with the price inside its PRZ: what a harmonic reversal signal trades.
 * Plain numbers only (JSON-safe), allocated only when a signal is made.
 */
export interface HarmonicSetup {
  readonly pattern: HarmonicPatternName;
  /** `bullish`: D is a low, the trade buys / calls; `bearish`: D is a high, the trade sells / puts. */
  readonly direction: HarmonicDirection;
  /** classifyHarmonic's score with this D (1 = every ratio inside its table range). */
  readonly score: number;
  /** Potential reversal zone [low, high] (see classifyHarmonic). */
  readonly prz: readonly [number, number];
  /** The five turning points: D is the confirmed swing, or the extreme since C while D is still forming. */
  readonly points: XabcdPoints;
  /** D's completion ratio as the table measures it (AD/XA, CD/XC or CD/AB). */
  readonly dRatio: number;
  /** true when D is a confirmed swing; false when price made D on this leg and is still at it. */
  readonly dConfirmed: boolean;
  /** When price made D (ms). */
  readonly dTsMs: number;
  /** Mean time between recent consecutive swings (ms), for the binary expiry. */
  readonly meanLegMs: number;
}

/**
 * CALL/PUT when price enters a fib band ± k·ATR of the last swing leg, or the reversal at D of a completed
 * harmonic pattern (then `harmonic` is set).
 */
export interface BinaryFibSignal {
  readonly kind: 'signal';
  readonly engine: 'binary';
  readonly direction: 'call' | 'put';
  /** Uncalibrated score in [0, 1]; the governor's calibrator turns it into a probability. */
  readonly confidence: number;
  /** Expiry from the recent swing duration (see BinaryFibonacciEngine). */
  readonly expirySec: number;
  readonly level: FibLevel;
  readonly zone: PriceZone;
  /** PatternMemory pattern key this signal's outcome should be stored under (e.g. `fib-retracement`, `gartley`). */
  readonly pattern: string;
  /** The harmonic pattern this reversal trades (pattern name and direction), absent for a retracement. */
  readonly harmonic?: HarmonicSetup;
  readonly reasons: readonly string[];
}

/** A take-profit rung at a fib extension (or, for a harmonic reversal, a retracement of AD). */
export interface FibTakeProfit {
  readonly ratio: number;
  readonly price: number;
  /** Fraction of the position closed at this rung (the ladder sums to 1). */
  readonly fraction: number;
}

/**
 * 61.8 % retracement continuation entry with a stop beyond the zone and an extension TP ladder, or a
 * harmonic reversal at D (then `harmonic` is set, the stop follows the pattern and the take-profits are
 * retracements of AD).
 */
export interface SpotFibSignal {
  readonly kind: 'signal';
  readonly engine: 'spot';
  readonly side: 'buy' | 'sell';
  readonly confidence: number;
  readonly entryPrice: number;
  readonly stopPrice: number;
  readonly takeProfits: readonly FibTakeProfit[];
  readonly zone: PriceZone;
  /** PatternMemory pattern key this signal's outcome should be stored under. */
  readonly pattern: string;
  /** The harmonic pattern this reversal trades (pattern name and direction), absent for a retracement. */
  readonly harmonic?: HarmonicSetup;
  readonly reasons: readonly string[];
}

/** Volatility compression (an expansion window is likely ahead) or expansion (it is happening). */
export interface ArbitrageFibSignal {
  readonly kind: 'signal';
  readonly engine: 'arbitrage';
  readonly phase: 'compression' | 'expansion';
  /** Current volatility / its rolling mean. */
  readonly volatilityRatio: number;
  readonly confidence: number;
  readonly reasons: readonly string[];
}

/** `BinaryFibSignal | NoFibSignal<'binary'>`. */
export type BinarySignal = BinaryFibSignal | NoFibSignal<'binary'>;
/** `SpotFibSignal | NoFibSignal<'spot'>`. */
export type SpotSignal = SpotFibSignal | NoFibSignal<'spot'>;
/** `ArbitrageFibSignal | NoFibSignal<'arbitrage'>`. */
export type ArbitrageSignal = ArbitrageFibSignal | NoFibSignal<'arbitrage'>;
/** Any engine's signal, discriminated by `engine` and `kind`. */
export type FibSignal = BinarySignal | SpotSignal | ArbitrageSignal;

/** The last confirmed swing leg and its geometry, recomputed only on a new swing. */
export interface FibSetup {
  readonly start: Swing;
  readonly end: Swing;
  readonly levels: FibLevels;
  /** Mean time between the recent consecutive swings (ms). */
  readonly meanLegMs: number;
}

/** Extra evidence the governor hands the engines (all optional). */
export interface FibEvidence {
  /** The k-means zone nearest the level, for confluence. */
  readonly zone?: ClusterZone | undefined;
  /** PatternMemory weight (posterior / prior mean); 1 = no history. */
  readonly memoryWeight?: number;
  /** Expected direction of the unfolding wave, from the Elliott reading. */
  readonly waveDirection?: 'up' | 'down' | undefined;
  /** PatternMemory pattern key of the setup (default `fib-retracement`). */
  readonly pattern?: string;
  /** Human-readable lines to add to any signal (wave count, harmonic PRZ...). */
  readonly notes?: readonly string[];
  /** The fused VolatilityScoreMatrix score of this tick (1 = usual volatility), for the reasons. */
  readonly volatilityScore?: number | null;
  /** Confidence weight of that score in (0, 1] (see `volatilityConfidenceWeight`); 1 = no effect. */
  readonly volatilityWeight?: number;
}
