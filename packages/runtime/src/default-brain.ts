import { existsSync, readFileSync } from 'node:fs';
import { type OmniConfig, type Rng, StateError, writeJsonAtomic } from '@omni/core';
import { type GovernorDecision, MasterGovernorX100 } from '@omni/governor';
import type { SequenceModelEngine } from '@omni/sequence';
import type { DecisionBrain } from './ports.js';

/** Options of {@link createDefaultBrain}. */
export interface DefaultBrainOptions {
  readonly config: OmniConfig;
  readonly rng: Rng;
  readonly sequence: SequenceModelEngine;
  /** Governor state file: restored when it exists, written by `save()`. */
  readonly statePath?: string;
  /** Restore from this file instead of `statePath` (a resumed run starts from its origin state); missing = fresh. */
  readonly initialStatePath?: string;
}

/** MasterGovernorX100 as the runtime's brain, with persistence of every learner. */
export interface DefaultBrain extends DecisionBrain<GovernorDecision> {
  readonly governor: MasterGovernorX100;
  /** Writes the governor snapshot atomically to `statePath` (no-op without one). */
  save(): void;
}

/**
 * The default brain: a MasterGovernorX100 over the configured learners, restored from
 * `statePath` when a snapshot exists there (a corrupt or newer snapshot is a StateError, never a
 * silent fresh start that would forget what was learned).
 */
export function createDefaultBrain(options: DefaultBrainOptions): DefaultBrain {
  const deps = { config: options.config, sequence: options.sequence, rng: options.rng };
  let governor: MasterGovernorX100;
  const from = options.initialStatePath ?? options.statePath;
  if (from && existsSync(from)) {
    let snapshot: unknown;
    try {
      snapshot = JSON.parse(readFileSync(from, 'utf8'));
    } catch (err) {
      throw new StateError(
        'STATE_INVALID',
        'the governor state file is not valid JSON',
        { file: from },
        {
          cause: err,
        },
      );
    }
    governor = MasterGovernorX100.restore(snapshot, deps);
  } else {
    governor = new MasterGovernorX100(deps);
  }
  const statePath = options.statePath;
  return {
    governor,
    decide: (input) => governor.decide(input),
    learn: (outcome, audit, context) => {
      governor.learn(outcome, audit, context);
    },
    observe: (input) => governor.observeMarket(input),
    save: () => {
      if (statePath) writeJsonAtomic(statePath, governor.snapshot());
    },
  };
}
