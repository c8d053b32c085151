import { type DecisionBrain, isLiveMode, type OmniConfig, type Rng, type StateSaveOptions } from '@omni/core';
import { type GovernorDecision, LearnerStateStore, MasterGovernorX100 } from '@omni/governor';
import type { SequenceModelEngine } from '@omni/sequence';

/**
 * Options of {@link createDefaultBrain}. `writeState` and `onSaveFailure` (of `StateSaveOptions`)
 * say how governor.json is written and who hears of a save that failed (an engine stops trading on it).
 */
export interface DefaultBrainOptions extends StateSaveOptions {
  readonly config: OmniConfig;
  readonly rng: Rng;
  readonly sequence: SequenceModelEngine;
  /** Governor state file (a {@link LearnerStateStore}): restored when it exists, written by `save()`. */
  readonly statePath?: string;
  /** Restore from this file instead of `statePath` (a resumed run starts from its origin state); missing = fresh. */
  readonly initialStatePath?: string;
  /**
   * Save to `statePath` after every `learn` (every settled trade), so a crash loses no learning.
   * Default true when `statePath` is set; pass false when the caller saves at its own checkpoints
   * (a resumable run saves the learners together with the ledger and safety state).
   */
  readonly saveAfterLearn?: boolean;
}

/** MasterGovernorX100 as the runtime's brain, with persistence of every learner. */
export interface DefaultBrain extends DecisionBrain<GovernorDecision> {
  readonly governor: MasterGovernorX100;
  /**
   * Writes the governor snapshot atomically to `statePath` (no-op, true, without one). False when it
   * could not be written and the failure went to `onSaveFailure`.
   */
  save(): boolean;
}

/**
 * The default brain: a MasterGovernorX100 over the configured learners, restored through the
 * {@link LearnerStateStore} at `initialStatePath ?? statePath` when a snapshot exists there (a
 * corrupt or newer snapshot is a StateError, never a silent fresh start that would forget what was
 * learned), and saved to `statePath` after every settled trade and every counterfactual outcome
 * unless `saveAfterLearn` is false. The confidence gate's exploration uses
 * `engines.governor.explorationEpsilon` in backtest and shadow runs and is off (ε = 0) in live modes:
 * a live run never takes a trade its confidence filter refused.
 */
export function createDefaultBrain(options: DefaultBrainOptions): DefaultBrain {
  const deps = {
    config: options.config,
    sequence: options.sequence,
    rng: options.rng,
    ...(isLiveMode(options.config.mode) ? { explorationEpsilon: 0 } : {}),
  };
  const from = options.initialStatePath ?? options.statePath;
  const saved = from === undefined ? undefined : new LearnerStateStore(from).load();
  const governor = saved ? MasterGovernorX100.restore(saved, deps) : new MasterGovernorX100(deps);
  const store =
    options.statePath === undefined
      ? undefined
      : new LearnerStateStore(options.statePath, {
          ...(options.writeState ? { writeState: options.writeState } : {}),
          ...(options.onSaveFailure ? { onSaveFailure: options.onSaveFailure } : {}),
        });
  const save = (): boolean => store?.save(governor.snapshot()) ?? true;
  const saveAfterLearn = options.saveAfterLearn ?? true;
  return {
    governor,
    decide: (input) => governor.decide(input),
    learn: (outcome, audit, context) => {
      governor.learn(outcome, audit, context);
      if (saveAfterLearn) save();
    },
    learnCounterfactual: (outcome, audit, context) => {
      governor.learnCounterfactual(outcome, audit, context);
      if (saveAfterLearn) save();
    },
    observe: (input) => governor.observeMarket(input),
    save,
  };
}
