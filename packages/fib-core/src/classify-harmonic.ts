import { AnalysisError } from '@omni/core';
import {
  DEFAULT_HARMONIC_TOLERANCE,
  HARMONIC_RATIO_TABLE,
  type HarmonicPatternName,
  type HarmonicRatioSpec,
  type RatioRange,
} from './harmonic-ratio-table.js';

/** The five turning points of an XABCD structure (prices). */
export interface XabcdPoints {
  readonly X: number;
  readonly A: number;
  readonly B: number;
  readonly C: number;
  readonly D: number;
}

/** The four points known while a pattern is still forming (D not reached yet). */
export type XabcPoints = Omit<XabcdPoints, 'D'>;

/** `bullish` when D is a low (expect a rise from D), `bearish` when D is a high. */
export type HarmonicDirection = 'bullish' | 'bearish';

/** A pattern whose ratio table the points satisfy. */
export interface HarmonicMatch {
  readonly pattern: HarmonicPatternName;
  readonly direction: HarmonicDirection;
  /** 1 when every ratio is inside its table range; falls linearly to 0 at the edge of the tolerance. */
  readonly score: number;
  /** Potential reversal zone [low, high]: the D prices the table (with tolerance) admits. */
  readonly prz: readonly [number, number];
}

/** Options of {@link classifyHarmonic} and {@link projectHarmonicPrz}. */
export interface HarmonicOptions {
  /** Relative ratio tolerance (default {@link DEFAULT_HARMONIC_TOLERANCE} = 5 %). */
  readonly tolerance?: number;
  /** Restrict to these patterns (default: the whole table). */
  readonly patterns?: readonly HarmonicPatternName[];
}

function requireTolerance(tolerance: number): void {
  if (!Number.isFinite(tolerance) || tolerance < 0 || tolerance >= 0.5) {
    throw new AnalysisError('ANALYSIS_BAD_OPTION', 'harmonic tolerance must be a number in [0, 0.5)', {
      tolerance,
    });
  }
}

function requirePoints(points: Partial<XabcdPoints>): void {
  for (const [name, value] of Object.entries(points)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new AnalysisError('ANALYSIS_BAD_INPUT', `harmonic point ${name} must be a finite price`, {
        point: name,
        value: String(value),
      });
    }
  }
}

/** Direction of an alternating X→A→B→C structure, or undefined when the legs do not alternate. */
function directionOf(p: XabcPoints): HarmonicDirection | undefined {
  if (p.A > p.X && p.B < p.A && p.C > p.B) return 'bullish';
  if (p.A < p.X && p.B > p.A && p.C < p.B) return 'bearish';
  return undefined;
}

/** How well `ratio` fits `range` with tolerance `t`: 1 inside, linear to 0 at the tolerance edge, <0 outside. */
function fit(ratio: number, range: RatioRange, t: number): number {
  if (ratio >= range.min && ratio <= range.max) return 1;
  if (ratio < range.min) return t === 0 ? -1 : 1 - (range.min - ratio) / (range.min * t);
  return t === 0 ? -1 : 1 - (ratio - range.max) / (range.max * t);
}

/** D price at completion ratio `ratio` of the spec's D leg. */
function dPrice(spec: HarmonicRatioSpec, p: XabcPoints, ratio: number): number {
  switch (spec.dLeg) {
    case 'xa':
      return p.A - ratio * (p.A - p.X);
    case 'xc':
      return p.C - ratio * (p.C - p.X);
    case 'ab':
      return p.C - ratio * (p.A - p.B);
  }
}

/**
 * D's completion ratio as `spec` measures it: AD/XA, CD/XC or CD/AB (the last column of the ratio table).
 * Why: the number a trader quotes for a completed pattern ("D at 0.786 of XA").
 */
export function completionRatio(spec: HarmonicRatioSpec, p: XabcdPoints): number {
  switch (spec.dLeg) {
    case 'xa':
      return (p.A - p.D) / (p.A - p.X);
    case 'xc':
      return (p.C - p.D) / (p.C - p.X);
    case 'ab':
      return Math.abs(p.C - p.D) / Math.abs(p.A - p.B);
  }
}

/** The PRZ for `spec`: D band of the completion ratio, narrowed by the BC projection band when they overlap. */
function przOf(spec: HarmonicRatioSpec, p: XabcPoints, t: number): readonly [number, number] {
  const d1 = dPrice(spec, p, spec.d.min * (1 - t));
  const d2 = dPrice(spec, p, spec.d.max * (1 + t));
  let low = Math.min(d1, d2);
  let high = Math.max(d1, d2);
  if (spec.bcProjection) {
    const p1 = p.C - spec.bcProjection.min * (1 - t) * (p.C - p.B);
    const p2 = p.C - spec.bcProjection.max * (1 + t) * (p.C - p.B);
    const pl = Math.min(p1, p2);
    const ph = Math.max(p1, p2);
    if (pl <= high && ph >= low) {
      low = Math.max(low, pl);
      high = Math.min(high, ph);
    }
  }
  return [low, high];
}

/** Fits of the X, A, B, C ratios (b and c); undefined when one is outside tolerance. */
function abcFits(spec: HarmonicRatioSpec, p: XabcPoints, t: number): number[] | undefined {
  const xa = Math.abs(p.A - p.X);
  const ab = Math.abs(p.A - p.B);
  const bc = Math.abs(p.C - p.B);
  const fits: number[] = [];
  if (spec.b) fits.push(fit(ab / xa, spec.b, t));
  fits.push(fit(bc / ab, spec.c, t));
  return fits.every((f) => f >= 0) ? fits : undefined;
}

/**
 * Every harmonic pattern of the ratio table ({@link HARMONIC_RATIO_TABLE}) that the five prices satisfy.
 * Why: the standalone entry point for people who want the pattern geometry without the engine. Each ratio
 * must lie within its table range widened by the relative tolerance; the score is the mean fit (the D
 * completion ratio counted twice); the PRZ is the D band the table admits (see README).
 *
 * @example
 * classifyHarmonic({ X: 100, A: 200, B: 138.2, C: 176.3924, D: 121.4 });
 * // [{ pattern: 'gartley', direction: 'bullish', score: 1, prz: [117.47, 125.33] }]
 */
export function classifyHarmonic(points: XabcdPoints, options: HarmonicOptions = {}): HarmonicMatch[] {
  const t = options.tolerance ?? DEFAULT_HARMONIC_TOLERANCE;
  requireTolerance(t);
  requirePoints(points);
  const direction = directionOf(points);
  if (direction === undefined) return [];
  const p = points;
  if (direction === 'bullish' ? p.D >= p.C : p.D <= p.C) return [];
  const allowed = options.patterns ? new Set(options.patterns) : undefined;
  const out: HarmonicMatch[] = [];
  const bc = Math.abs(p.C - p.B);
  const cd = Math.abs(p.C - p.D);
  for (const spec of HARMONIC_RATIO_TABLE) {
    if (allowed && !allowed.has(spec.pattern)) continue;
    const fits = abcFits(spec, p, t);
    if (!fits) continue;
    if (spec.bcProjection) {
      const f = fit(cd / bc, spec.bcProjection, t);
      if (f < 0) continue;
      fits.push(f);
    }
    const fd = fit(completionRatio(spec, p), spec.d, t);
    if (fd < 0) continue;
    fits.push(fd, fd);
    const score = fits.reduce((s, f) => s + f, 0) / fits.length;
    out.push({ pattern: spec.pattern, direction, score, prz: przOf(spec, p, t) });
  }
  return out;
}

/** A pattern still forming: X, A, B, C fit its table; D is expected inside `prz`. */
export interface HarmonicProjection {
  readonly pattern: HarmonicPatternName;
  readonly direction: HarmonicDirection;
  /** Mean fit of the B and C ratios (see {@link classifyHarmonic}). */
  readonly score: number;
  readonly prz: readonly [number, number];
}

/**
 * Patterns whose X, A, B, C ratios fit the table, with the PRZ where D would complete them.
 * Why: a trader acts on the PRZ before D prints; the PRZ is the same band {@link classifyHarmonic} checks.
 */
export function projectHarmonicPrz(points: XabcPoints, options: HarmonicOptions = {}): HarmonicProjection[] {
  const t = options.tolerance ?? DEFAULT_HARMONIC_TOLERANCE;
  requireTolerance(t);
  requirePoints(points);
  const direction = directionOf(points);
  if (direction === undefined) return [];
  const allowed = options.patterns ? new Set(options.patterns) : undefined;
  const out: HarmonicProjection[] = [];
  for (const spec of HARMONIC_RATIO_TABLE) {
    if (allowed && !allowed.has(spec.pattern)) continue;
    const fits = abcFits(spec, points, t);
    if (!fits) continue;
    const prz = przOf(spec, points, t);
    // D must lie beyond C in the pattern's direction (below C when bullish).
    if (direction === 'bullish' ? prz[0] >= points.C : prz[1] <= points.C) continue;
    out.push({
      pattern: spec.pattern,
      direction,
      score: fits.reduce((s, f) => s + f, 0) / fits.length,
      prz,
    });
  }
  return out;
}
