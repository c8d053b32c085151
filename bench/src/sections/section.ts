import type { SectionId } from '../options.js';

/**
 * One section of the harness. The harness calls `runOnce` for every section in turn, round after
 * round, so all figures of a run see the same machine state (side by side, not one after the other).
 */
export interface Section {
  readonly id: SectionId;
  /** Loads what every round shares (a model, the prices); not timed. */
  prepare?(): Promise<void>;
  /** One measured run; returns the progress line for stderr. `signal` aborts a child process run. */
  runOnce(round: number, signal: AbortSignal): Promise<string>;
  close?(): Promise<void>;
}

/** Ticks per second as people read them: 1.23M, 12.2k. */
export function rate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k`;
  return perSecond.toFixed(0);
}

/** Bytes as MB (10^6), as peak RSS is usually quoted. */
export const mb = (bytes: number): number => bytes / 1e6;
