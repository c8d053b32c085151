import { AnalysisError, type Swing } from '@omni/core';
import { checkCorrection, checkImpulse, type WaveDirection } from './elliott-rules.js';
import { extensionPrice, retracementPrice } from './fib-levels.js';

/** The wave unfolding now, after the last confirmed swing. */
export type WavePosition = 'wave-3' | 'wave-4' | 'wave-5' | 'wave-a' | 'new-trend';

/** One labelled wave count on confirmed swings. */
export interface WaveCount {
  readonly structure: 'impulse' | 'diagonal' | 'zigzag' | 'flat';
  /** True for a finished 5-wave impulse or A-B-C correction; false for waves 1–2, 1–3 or 1–4 so far. */
  readonly complete: boolean;
  /** Direction of wave 1 (impulse) or wave A (correction). */
  readonly direction: WaveDirection;
  /** Label of each swing: `0`…`5` for impulses, `0`, `A`, `B`, `C` for corrections. */
  readonly labels: readonly string[];
  readonly swings: readonly Swing[];
  /** Guideline score in [0, 1]. */
  readonly score: number;
  readonly notes: readonly string[];
}

/** A price target for the wave unfolding now. */
export interface WaveTarget {
  /** e.g. `wave 3 = 1.618 × wave 1`. */
  readonly label: string;
  readonly ratio: number;
  readonly price: number;
}

/** The Elliott reading at the last confirmed swing. */
export type WaveState =
  | {
      readonly kind: 'count';
      readonly count: WaveCount;
      readonly position: WavePosition;
      /** Expected direction of the wave unfolding now. */
      readonly nextDirection: WaveDirection;
      /** The count is wrong if price trades beyond this level (against `nextDirection`). */
      readonly invalidation: number;
      readonly targets: readonly WaveTarget[];
      /** Other valid counts at the same swing, best first. */
      readonly alternatives: readonly WaveCount[];
      /** Confirmation time of the last swing the reading uses. */
      readonly asOfTsMs: number;
    }
  | { readonly kind: 'none'; readonly reason: string };

const IMPULSE_LABELS = ['0', '1', '2', '3', '4', '5'];
const CORRECTION_LABELS = ['0', 'A', 'B', 'C'];

function opposite(d: WaveDirection): WaveDirection {
  return d === 'up' ? 'down' : 'up';
}

interface Candidate {
  readonly count: WaveCount;
  readonly position: WavePosition;
  readonly nextDirection: WaveDirection;
  readonly invalidation: number;
  readonly targets: readonly WaveTarget[];
}

function impulseCandidate(swings: readonly Swing[]): Candidate | undefined {
  const p = swings.map((s) => s.price);
  const check = checkImpulse(p);
  if (!check.valid) return undefined;
  const waves = p.length - 1;
  const count: WaveCount = {
    structure: check.structure,
    complete: waves === 5,
    direction: check.direction,
    labels: IMPULSE_LABELS.slice(0, p.length),
    swings,
    score: check.score,
    notes: check.notes,
  };
  const [p0, p1, p2, p3, p4, p5] = p as [number, number, number, number?, number?, number?];
  const s = check.direction === 'up' ? 1 : -1;
  const w1 = Math.abs(p1 - p0);
  if (waves === 2) {
    return {
      count,
      position: 'wave-3',
      nextDirection: check.direction,
      invalidation: p0,
      targets: [1.0, 1.618, 2.618].map((ratio) => ({
        label: `wave 3 = ${ratio} × wave 1`,
        ratio,
        price: p2 + s * ratio * w1,
      })),
    };
  }
  if (waves === 3 && p3 !== undefined) {
    return {
      count,
      position: 'wave-4',
      nextDirection: opposite(check.direction),
      invalidation: p1,
      targets: [0.236, 0.382, 0.5].map((ratio) => ({
        label: `wave 4 retraces ${ratio} of wave 3`,
        ratio,
        price: retracementPrice(p2, p3, ratio),
      })),
    };
  }
  if (waves === 4 && p3 !== undefined && p4 !== undefined) {
    const w03 = Math.abs(p3 - p0);
    const targets: WaveTarget[] = [
      { label: 'wave 5 = 0.618 × wave 1', ratio: 0.618, price: p4 + s * 0.618 * w1 },
      { label: 'wave 5 = wave 1', ratio: 1, price: p4 + s * w1 },
      { label: 'wave 5 = 0.618 × waves 1→3', ratio: 0.618, price: p4 + s * 0.618 * w03 },
    ];
    // Rule 2: when wave 3 is shorter than wave 1, wave 5 must stay shorter than wave 3 — drop targets beyond that.
    const w3 = Math.abs(p3 - p2);
    const capped = w3 < w1 ? targets.filter((t) => Math.abs(t.price - p4) < w3) : targets;
    return {
      count,
      position: 'wave-5',
      nextDirection: check.direction,
      invalidation: check.structure === 'diagonal' ? p2 : p1,
      targets: capped,
    };
  }
  if (waves === 5 && p5 !== undefined) {
    return {
      count,
      position: 'wave-a',
      nextDirection: opposite(check.direction),
      invalidation: p5,
      targets: [0.382, 0.5, 0.618].map((ratio) => ({
        label: `correction retraces ${ratio} of waves 1→5`,
        ratio,
        price: retracementPrice(p0, p5, ratio),
      })),
    };
  }
  return undefined;
}

function correctionCandidate(swings: readonly Swing[]): Candidate | undefined {
  const p = swings.map((s) => s.price);
  const check = checkCorrection(p);
  if (!check.valid) return undefined;
  const [p0, , , p3] = p as [number, number, number, number];
  return {
    count: {
      structure: check.structure,
      complete: true,
      direction: check.direction,
      labels: CORRECTION_LABELS,
      swings,
      score: check.score,
      notes: check.notes,
    },
    position: 'new-trend',
    nextDirection: opposite(check.direction),
    invalidation: p3,
    targets: [0.618, 1.0, 1.272].map((ratio) => ({
      label: `new move = ${ratio} × the A→C correction`,
      ratio,
      price: extensionPrice(p3, p0, ratio),
    })),
  };
}

/**
 * Reads the Elliott wave state at the last confirmed swing: every count that ends there and obeys the hard rules
 * (complete impulse on the last 6 swings, impulse waves 1–4 on the last 5, waves 1–3 or an A-B-C correction on the
 * last 4, waves 1–2 on the last 3), ranked by swings used, then guideline score, then impulse before correction; the
 * first is the primary count with its position, invalidation and targets, the rest are `alternatives`.
 * Why: the spec's `detect_wave(swings)`, with the real rules (see {@link checkImpulse}, {@link checkCorrection}).
 */
export function readWaveState(swings: readonly Swing[]): WaveState {
  for (let i = 1; i < swings.length; i++) {
    if ((swings[i] as Swing).kind === (swings[i - 1] as Swing).kind) {
      throw new AnalysisError(
        'ANALYSIS_BAD_INPUT',
        'Elliott wave counting needs alternating swing highs and lows',
        {
          index: i,
          kind: (swings[i] as Swing).kind,
        },
      );
    }
  }
  const n = swings.length;
  if (n < 3) return { kind: 'none', reason: `need at least 3 confirmed swings, have ${n}` };
  const candidates: Candidate[] = [];
  const tail = (k: number) => swings.slice(n - k);
  if (n >= 6) {
    const c = impulseCandidate(tail(6));
    if (c) candidates.push(c);
  }
  if (n >= 4) {
    const c = correctionCandidate(tail(4));
    if (c) candidates.push(c);
  }
  for (const k of [5, 4, 3]) {
    if (n >= k) {
      const c = impulseCandidate(tail(k));
      if (c) candidates.push(c);
    }
  }
  // Longer structures first; equal length: higher guideline score, then impulse before correction.
  candidates.sort(
    (a, b) =>
      b.count.swings.length - a.count.swings.length ||
      b.count.score - a.count.score ||
      Number(a.position === 'new-trend') - Number(b.position === 'new-trend'),
  );
  const first = candidates[0];
  if (!first)
    return { kind: 'none', reason: 'no Elliott count ending at the last swing obeys the hard rules' };
  return {
    kind: 'count',
    count: first.count,
    position: first.position,
    nextDirection: first.nextDirection,
    invalidation: first.invalidation,
    targets: first.targets,
    alternatives: candidates.slice(1).map((c) => c.count),
    asOfTsMs: (swings[n - 1] as Swing).confirmedTsMs,
  };
}

/**
 * Streaming Elliott wave reader (the spec's ElliottWaveForecastEngine): keeps the last 6 confirmed swings and
 * re-reads the wave state only when a new swing confirms, so between swings `state` costs nothing.
 *
 * @example
 * const elliott = new ElliottWaveForecastEngine();
 * const swing = detector.update(bar);
 * if (swing) console.log(elliott.onSwing(swing));
 */
export class ElliottWaveForecastEngine {
  readonly #window: Swing[] = [];
  #state: WaveState = { kind: 'none', reason: 'no confirmed swings yet' };

  /** The reading at the last confirmed swing. */
  get state(): WaveState {
    return this.#state;
  }

  /** The swings the reading is based on (at most 6, oldest first). */
  get swings(): readonly Swing[] {
    return this.#window;
  }

  /** Adds a confirmed swing (must alternate with the previous one) and re-reads the wave state. */
  onSwing(swing: Swing): WaveState {
    const last = this.#window[this.#window.length - 1];
    if (last && last.kind === swing.kind) {
      throw new AnalysisError(
        'ANALYSIS_BAD_INPUT',
        'Elliott wave counting needs alternating swing highs and lows',
        {
          previous: last.kind,
          kind: swing.kind,
          tsMs: swing.tsMs,
        },
      );
    }
    this.#window.push(swing);
    if (this.#window.length > 6) this.#window.shift();
    this.#state = readWaveState(this.#window);
    return this.#state;
  }

  /** Forgets every swing. */
  reset(): void {
    this.#window.length = 0;
    this.#state = { kind: 'none', reason: 'no confirmed swings yet' };
  }
}

/** The specification's short name for the Elliott engine (DOC 2 §2.2 "WaveForecastEngine"). */
export const WaveForecastEngine = ElliottWaveForecastEngine;
/** The engine's type under the specification's short name. */
export type WaveForecastEngine = ElliottWaveForecastEngine;
