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
    reasons.push(
      `k-means zone ${z.low.toPrecision(6)}–${z.high.toPrecision(6)} overlaps the band (${z.touches} touches, strength ${z.strength.toFixed(2)})`,
    );
  }
  if (evidence.waveDirection !== undefined) {
    const agrees = evidence.waveDirection === tradeDirection;
    c += agrees ? 0.1 : -0.1;
    reasons.push(
      `Elliott reading expects the next wave ${evidence.waveDirection} (${agrees ? 'agrees' : 'disagrees'})`,
    );
  }
  const w = evidence.memoryWeight ?? 1;
  if (w !== 1) reasons.push(`pattern memory weight ${w.toFixed(3)}`);
  const v = evidence.volatilityWeight ?? 1;
  if (v !== 1) {
    reasons.push(
      `volatility score ${evidence.volatilityScore?.toFixed(3) ?? '?'} above usual: confidence × ${v.toFixed(3)}`,
    );
  }
  if (evidence.notes) reasons.push(...evidence.notes);
  return Math.max(0, Math.min(1, c * w * v));
}
