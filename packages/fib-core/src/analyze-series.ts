import { AnalysisError, type Swing } from '@omni/core';
import { SwingDetector, type SwingDetectorOptions } from '@omni/features';
import type { HarmonicOptions } from './classify-harmonic.js';
import { readWaveState, type WaveCount, type WaveState } from './elliott-wave-forecast-engine.js';
import { type FibLevels, fibLevels } from './fib-levels.js';
import {
  type ClusterResult,
  FibonacciClusterAI,
  type FibonacciClusterOptions,
} from './fibonacci-cluster-ai.js';
import { type DetectedHarmonic, type FormingHarmonic, harmonicsAtLastSwing } from './harmonic-scan.js';

/** One observation of a series: a price with its time. */
export interface PricePoint {
  readonly tsMs: number;
  readonly price: number;
}

/** Options of {@link analyzeSeries}. */
export interface AnalyzeSeriesOptions {
  /** Swing detection (default ATR mode, 3 × ATR(14)). ATR mode makes results invariant to affine price maps. */
  readonly swing?: SwingDetectorOptions;
  readonly harmonic?: HarmonicOptions;
  readonly cluster?: FibonacciClusterOptions;
  /** Time of the first point and step between points when `prices` are plain numbers (default 0 and 1 day). */
  readonly startMs?: number;
  readonly stepMs?: number;
}

/** A complete Elliott structure found at one swing of the series. */
export interface SeriesWaveCount {
  /** Index (in `swings`) of the swing that completed it. */
  readonly atSwing: number;
  readonly count: WaveCount;
}

/** Everything fib-core finds in a whole series. */
export interface SeriesAnalysis {
  /** Confirmed swings, oldest first (never repainted). */
  readonly swings: readonly Swing[];
  /** Fib levels of the last swing leg, or null with fewer than two swings. */
  readonly levels: FibLevels | null;
  /** k-means zones at the end of the series (from the recent swings). */
  readonly zones: ClusterResult;
  /** Every complete impulse or A-B-C correction that was the primary count at some swing. */
  readonly waveCounts: readonly SeriesWaveCount[];
  /** The Elliott reading at the last swing. */
  readonly wave: WaveState;
  /** Every harmonic pattern completed at some swing. */
  readonly harmonics: readonly DetectedHarmonic[];
  /** Patterns forming after the last swing, with their PRZ. */
  readonly forming: readonly FormingHarmonic[];
}

/**
 * Swings, fib levels, k-means zones, Elliott counts and harmonic patterns of a whole price series, computed by the
 * same streaming components as the live engine (each bar is one price: high = low = close).
 * Why: the analysis without the engine, for `omni analyze`, notebooks and the docs example. Anything reported at
 * swing i uses only swings 0…i, so appending data never changes earlier findings.
 *
 * @example
 * const { harmonics, waveCounts } = analyzeSeries(closes, { swing: { mode: 'atr', multiple: 3, atrPeriod: 14 } });
 */
export function analyzeSeries(
  prices: readonly number[] | readonly PricePoint[],
  options: AnalyzeSeriesOptions = {},
): SeriesAnalysis {
  const detector = new SwingDetector(options.swing ?? { mode: 'atr', multiple: 3, atrPeriod: 14 });
  const cluster = new FibonacciClusterAI(options.cluster);
  const startMs = options.startMs ?? 0;
  const stepMs = options.stepMs ?? 86_400_000;
  const swings: Swing[] = [];
  const waveCounts: SeriesWaveCount[] = [];
  const harmonics: DetectedHarmonic[] = [];
  let wave: WaveState = { kind: 'none', reason: 'no confirmed swings' };
  let forming: FormingHarmonic[] = [];
  for (let i = 0; i < prices.length; i++) {
    const p = prices[i] as number | PricePoint;
    const price = typeof p === 'number' ? p : p.price;
    const tsMs = typeof p === 'number' ? startMs + i * stepMs : p.tsMs;
    if (!Number.isFinite(price) || price <= 0) {
      throw new AnalysisError('ANALYSIS_BAD_INPUT', 'analyzeSeries needs finite prices > 0', {
        index: i,
        price: String(price),
      });
    }
    const swing = detector.update({ high: price, low: price, close: price, tsMs });
    if (!swing) continue;
    swings.push(swing);
    cluster.onSwing(swing);
    const recent = swings.slice(-6);
    wave = readWaveState(recent);
    if (wave.kind === 'count' && wave.count.complete)
      waveCounts.push({ atSwing: swings.length - 1, count: wave.count });
    const found = harmonicsAtLastSwing(recent, options.harmonic);
    harmonics.push(...found.completed);
    forming = found.forming;
  }
  const a = swings[swings.length - 2];
  const b = swings[swings.length - 1];
  return {
    swings,
    levels: a && b && a.price !== b.price ? fibLevels(a.price, b.price) : null,
    zones: cluster.result,
    waveCounts,
    wave,
    harmonics,
    forming,
  };
}
