import type { SweepJob } from './sweep-job.js';

/**
 * Three short momentum backtests of bundled EURUSD (H1 2023), one per minConfidence 0.5, 0.55, 0.6,
 * seeded `seed`, `seed + 1`, `seed + 2`; `data` replaces the bundled prices (a missing file makes them fail).
 */
export function shortSweepJobs(sweepId: string, outRoot: string, seed: number, data?: string): SweepJob[] {
  return [0.5, 0.55, 0.6].map((minConfidence, index) => ({
    sweepId,
    index,
    parameters: { 'engines.governor.minConfidence': minConfidence },
    symbol: 'EURUSD',
    ...(data !== undefined ? { data } : {}),
    window: { fromMs: Date.UTC(2023, 0, 1), toMs: Date.UTC(2023, 5, 30), role: 'full', fold: 0 },
    seed: seed + index,
    backtest: { momentumOnly: true },
    outRoot,
  }));
}
