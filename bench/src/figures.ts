import { type Spread, spread } from './stats.js';

/** A target of issue 14 that a figure is held against. */
export interface Target {
  readonly op: '>=' | '<=';
  readonly value: number;
  /** As the issue words it, e.g. `≥ 500k ticks/s on one core`. */
  readonly text: string;
}

/** One figure of results.json: measured over the runs, or not available with the reason. */
export type Figure =
  | (Spread & {
      readonly status: 'measured';
      readonly label: string;
      readonly unit: string;
      readonly target: Target | null;
      /** The median held against the target; null without a target. */
      readonly verdict: 'pass' | 'missed' | null;
    })
  | {
      readonly status: 'not-available';
      readonly label: string;
      readonly unit: string;
      readonly reason: string;
      readonly target: Target | null;
      readonly verdict: null;
    };

/** A measured figure from its run samples; the verdict compares the median with the target. */
export function measured(
  label: string,
  unit: string,
  samples: readonly number[],
  target: Target | null = null,
): Figure {
  const s = spread(samples);
  const verdict = target === null ? null : meets(s.median, target) ? 'pass' : 'missed';
  return { status: 'measured', label, unit, ...s, target, verdict };
}

/** A figure that could not be measured in this run, and why (skipped, a missing flag, a failed child). */
export function notAvailable(
  label: string,
  unit: string,
  reason: string,
  target: Target | null = null,
): Figure {
  return { status: 'not-available', label, unit, reason, target, verdict: null };
}

/** Samples when there are some, otherwise the reason they are missing. */
export function figureOf(
  label: string,
  unit: string,
  samples: readonly number[],
  missing: string,
  target: Target | null = null,
): Figure {
  return samples.length > 0
    ? measured(label, unit, samples, target)
    : notAvailable(label, unit, missing, target);
}

function meets(value: number, target: Target): boolean {
  return target.op === '>=' ? value >= target.value : value <= target.value;
}

/** The targets of issue 14 ("Speed: the whole engine at 500k ticks/s on one core ..."). */
export const TARGETS = {
  momentumTicksPerSec: { op: '>=', value: 500_000, text: '≥ 500k ticks/s on one core' },
  onnxTicksPerSec: { op: '>=', value: 150_000, text: '≥ 150k ticks/s on one core' },
  engineMultipleOfParse: { op: '<=', value: 5, text: 'engine time ≤ 5× the parse loop' },
  decisionsBytesPerTick: { op: '<=', value: 100, text: '≤ 100 bytes per tick amortised' },
  peakRssMb: { op: '<=', value: 250, text: 'peak RSS ≤ 250 MB' },
  rssGrowthPct: { op: '<=', value: 5, text: '≤ 5 % growth from 1M to 10M ticks' },
  workerSpeedup: { op: '>=', value: 1.7, text: '≥ 1.7× faster from 1 to 2 workers' },
  momentumP99Us: { op: '<=', value: 50, text: 'tick-to-decision p99 ≤ 50 µs (momentum)' },
  onnxP99Us: { op: '<=', value: 200, text: 'tick-to-decision p99 ≤ 200 µs (ONNX)' },
} as const satisfies Record<string, Target>;
