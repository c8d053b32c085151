import { PatternMemory, type PatternMemoryFile, PatternMemoryFileSchema } from '@omni/fib-core';
import { z } from 'zod';
import { ArbitrageRLAgentStateSchema } from './arbitrage-rl-agent.js';
import { ConfidenceExplorationStateSchema } from './confidence-exploration.js';
import { LadderRiskAIStateSchema } from './ladder-risk-ai.js';
import { RegimeSwitchingRLStateSchema } from './regime-switching-rl.js';
import { SignalConfidenceCalibratorStateSchema } from './signal-confidence-calibrator.js';
import { SpotTPRotatorStateSchema } from './spot-tp-rotator.js';

/** The `kind` of a {@link GovernorSnapshot}. */
export const GOVERNOR_SNAPSHOT_KIND = 'master-governor-x100';
/** The snapshot version this package writes and reads. */
export const GOVERNOR_SNAPSHOT_VERSION = 1;

/**
 * Zod schema of a whole-governor snapshot (version 1): every learner's state, including the
 * exploration Rng states, and the PatternMemory. Why one object: the learners are restored
 * together or not at all, so a restart never mixes a new Q-table with an old ladder rung.
 */
export const GovernorSnapshotSchema = z.object({
  kind: z.literal(GOVERNOR_SNAPSHOT_KIND),
  version: z.literal(GOVERNOR_SNAPSHOT_VERSION),
  regimeRL: RegimeSwitchingRLStateSchema,
  calibrators: z.object({
    binary: SignalConfidenceCalibratorStateSchema,
    spot: SignalConfidenceCalibratorStateSchema,
    arbitrage: SignalConfidenceCalibratorStateSchema,
  }),
  ladder: LadderRiskAIStateSchema,
  spotTp: SpotTPRotatorStateSchema,
  arbitrage: ArbitrageRLAgentStateSchema,
  patternMemory: PatternMemoryFileSchema,
  /** The confidence gate's exploration stream; absent in older snapshots (a fresh stream then). */
  exploration: ConfidenceExplorationStateSchema.optional(),
});
/** A JSON-safe snapshot of every learner of `MasterGovernorX100` (see {@link GovernorSnapshotSchema}). */
export type GovernorSnapshot = z.infer<typeof GovernorSnapshotSchema>;

/** Rebuilds a PatternMemory from its persisted form through its public `store` (sums stay exact: the rest add 0). */
export function patternMemoryFromJSON(file: PatternMemoryFile): PatternMemory {
  const memory = new PatternMemory(file.prior);
  for (const e of file.entries) {
    const key = { pattern: e.pattern, direction: e.direction, regime: e.regime, timeframe: e.timeframe };
    let first = true;
    for (let i = 0; i < e.wins + e.losses; i++) {
      memory.store({ ...key, won: i < e.wins, r: first ? e.sumR : 0 });
      first = false;
    }
  }
  return memory;
}
