import type { PriceZone } from './fib-levels.js';
import type { FibEvidence } from './fib-signal.js';
import type { ClusterZone } from './fibonacci-cluster-ai.js';

/**
 * Confidence score of a fib entry in [0, 1]:
 * (0.5 + 0.25·closeness + 0.15·confluence ± 0.1·wave agreement) · memoryWeight · volatilityWeight, clamped,
 * where closeness = 1 at the level and 0 at the band edge, confluence = strength of a k-means zone overlapping the
 * band. Why: a transparent, monotone score the governor's calibrator maps to a probability; it is not a probability.
 */
export function fibEntryConfidence(
  closeness: number,
  band: PriceZone,
  tradeDirection: 'up' | 'down',
  evidence: FibEvidence,
  reasons: string[],
): number {
  let c = 0.5 + 0.25 * Math.max(0, Math.min(1, closeness));
  const z: ClusterZone | undefined = evidence.zone;
  if (z && z.high >= band.low && z.low <= band.high) {
    c += 0.15 * z.strength;
    reasons.push(zoneLine(z));
  }
  if (evidence.waveDirection !== undefined) {
    const agrees = evidence.waveDirection === tradeDirection;
    c += agrees ? 0.1 : -0.1;
    reasons.push(WAVE_LINES[evidence.waveDirection][agrees ? 0 : 1]);
  }
  const w = evidence.memoryWeight ?? 1;
  if (w !== 1) reasons.push(memoryLine(w));
  const v = evidence.volatilityWeight ?? 1;
  if (v !== 1) {
    reasons.push(
      `volatility score ${evidence.volatilityScore?.toFixed(3) ?? '?'} above usual: confidence × ${v.toFixed(3)}`,
    );
  }
  if (evidence.notes) reasons.push(...evidence.notes);
  return Math.max(0, Math.min(1, c * w * v));
}

/** The Elliott reason line by expected wave direction: [agrees, disagrees]. */
const WAVE_LINES = {
  up: [
    'Elliott reading expects the next wave up (agrees)',
    'Elliott reading expects the next wave up (disagrees)',
  ],
  down: [
    'Elliott reading expects the next wave down (agrees)',
    'Elliott reading expects the next wave down (disagrees)',
  ],
} as const;

// The zone and memory-weight lines change only with the zones and the memory (on new swings), so the
// last one of each is kept and reused while the numbers it shows are the same (a pure cache by value).
let lastZone = { low: Number.NaN, high: Number.NaN, touches: Number.NaN, strength: Number.NaN, line: '' };
let lastWeight = { weight: Number.NaN, line: '' };

/** `k-means zone <low>–<high> overlaps the band (<n> touches, strength <s>)`. */
function zoneLine(z: ClusterZone): string {
  const last = lastZone;
  if (
    last.low === z.low &&
    last.high === z.high &&
    last.touches === z.touches &&
    last.strength === z.strength
  ) {
    return last.line;
  }
  const line = `k-means zone ${z.low.toPrecision(6)}–${z.high.toPrecision(6)} overlaps the band (${z.touches} touches, strength ${z.strength.toFixed(2)})`;
  lastZone = { low: z.low, high: z.high, touches: z.touches, strength: z.strength, line };
  return line;
}

/** `pattern memory weight <w>`. */
function memoryLine(w: number): string {
  if (lastWeight.weight !== w) lastWeight = { weight: w, line: `pattern memory weight ${w.toFixed(3)}` };
  return lastWeight.line;
}
