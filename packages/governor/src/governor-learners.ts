import { Rng } from '@omni/core';
import { PatternMemory } from '@omni/fib-core';
import { ArbitrageRLAgent } from './arbitrage-rl-agent.js';
import { ConfidenceExploration } from './confidence-exploration.js';
import {
  GOVERNOR_SNAPSHOT_KIND,
  GOVERNOR_SNAPSHOT_VERSION,
  type GovernorSnapshot,
  GovernorSnapshotSchema,
  patternMemoryFromJSON,
} from './governor-snapshot.js';
import type { GovernorLearners, MasterGovernorX100Options } from './governor-types.js';
import { LadderRiskAI } from './ladder-risk-ai.js';
import { parseLearnerState } from './persisted-state.js';
import { RegimeSwitchingRL } from './regime-switching-rl.js';
import { SignalConfidenceCalibrator } from './signal-confidence-calibrator.js';
import { SpotTPRotator } from './spot-tp-rotator.js';

/** ε of the confidence gate's exploration: the option, else `engines.governor.explorationEpsilon`. */
function explorationEpsilon(options: MasterGovernorX100Options): number {
  return options.explorationEpsilon ?? options.config.engines.governor.explorationEpsilon;
}

/** Fresh learners for a governor with `options` (each seeded stream a fork of the governor's Rng). */
export function freshLearners(options: MasterGovernorX100Options): GovernorLearners {
  const rng = options.rng ?? new Rng(options.config.seed);
  const calibrator = () => new SignalConfidenceCalibrator(options.calibrator);
  return {
    regimeRL: new RegimeSwitchingRL({
      epsilon: options.config.engines.governor.explorationEpsilon,
      ...options.regimeRL,
      rng: rng.fork('governor/regime-rl'),
    }),
    calibrators: { binary: calibrator(), spot: calibrator(), arbitrage: calibrator() },
    ladder: LadderRiskAI.fromConfig(options.config, options.ladder),
    spotTp: new SpotTPRotator({ ...options.spotTp, rng: rng.fork('governor/spot-tp') }),
    arbitrage: new ArbitrageRLAgent(options.arbitrage),
    patternMemory: options.patternMemory ?? new PatternMemory(),
    exploration: new ConfidenceExploration({
      epsilon: explorationEpsilon(options),
      rng: rng.fork('governor/explore'),
    }),
  };
}

/**
 * The learners of a governor snapshot, with the limits of `deps` (learner options saved in the
 * snapshot win). A snapshot without an exploration stream (older files) gets a fresh one.
 * Throws StateError (`STATE_INVALID` listing each problem, `STATE_NEWER_VERSION`) for bad data.
 */
export function restoredLearners(snapshot: unknown, deps: MasterGovernorX100Options): GovernorLearners {
  const s = parseLearnerState(GovernorSnapshotSchema, snapshot, {
    kind: GOVERNOR_SNAPSHOT_KIND,
    version: GOVERNOR_SNAPSHOT_VERSION,
  });
  const base = LadderRiskAI.fromConfig(deps.config, deps.ladder);
  const epsilon = explorationEpsilon(deps);
  return {
    regimeRL: RegimeSwitchingRL.fromJSON(s.regimeRL),
    calibrators: {
      binary: SignalConfidenceCalibrator.fromJSON(s.calibrators.binary),
      spot: SignalConfidenceCalibrator.fromJSON(s.calibrators.spot),
      arbitrage: SignalConfidenceCalibrator.fromJSON(s.calibrators.arbitrage),
    },
    ladder: LadderRiskAI.fromJSON(s.ladder, {
      maxStakeUsd: base.maxStakeUsd,
      maxBalanceFraction: base.maxBalanceFraction,
      maxLadderDepth: base.maxLadderDepth,
      kellyFraction: base.kellyFraction,
      payout: base.payout,
      stepMultiplier: base.stepMultiplier,
      minStakeUsd: base.minStakeUsd,
    }),
    spotTp: SpotTPRotator.fromJSON(s.spotTp),
    arbitrage: ArbitrageRLAgent.fromJSON(s.arbitrage),
    patternMemory: patternMemoryFromJSON(s.patternMemory),
    exploration: s.exploration
      ? ConfidenceExploration.fromJSON(s.exploration, epsilon)
      : new ConfidenceExploration({
          epsilon,
          rng: (deps.rng ?? new Rng(deps.config.seed)).fork('governor/explore'),
        }),
  };
}

/** Every learner's state (with Rng states) as one JSON-safe, versioned object. */
export function snapshotLearners(L: GovernorLearners): GovernorSnapshot {
  return {
    kind: GOVERNOR_SNAPSHOT_KIND,
    version: GOVERNOR_SNAPSHOT_VERSION,
    regimeRL: L.regimeRL.toJSON(),
    calibrators: {
      binary: L.calibrators.binary.toJSON(),
      spot: L.calibrators.spot.toJSON(),
      arbitrage: L.calibrators.arbitrage.toJSON(),
    },
    ladder: L.ladder.toJSON(),
    spotTp: L.spotTp.toJSON(),
    arbitrage: L.arbitrage.toJSON(),
    patternMemory: L.patternMemory.toJSON(),
    exploration: L.exploration.toJSON(),
  };
}
