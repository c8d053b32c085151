import { GovernorError, Rng } from '@omni/core';
import { z } from 'zod';
import { requireOption } from './numeric-input.js';
import { parseLearnerState, RngStateSchema } from './persisted-state.js';

const KIND = 'confidence-exploration';
const VERSION = 1;

/** Zod schema of the persisted {@link ConfidenceExploration} state: its Rng stream (ε is configuration). */
export const ConfidenceExplorationStateSchema = z.object({
  kind: z.literal(KIND),
  version: z.literal(VERSION),
  rng: RngStateSchema,
});
/** The persisted {@link ConfidenceExploration} state. */
export type ConfidenceExplorationState = z.infer<typeof ConfidenceExplorationStateSchema>;

/**
 * The exploration policy of the confidence gate: with probability ε, a setup that only the
 * confidence filter stopped is taken anyway, at the minimum stake or size (never more). Why: the
 * calibrator learns only from outcomes, so a calibrated map that sits below `minConfidence`
 * everywhere would otherwise never see another real trade (ε-greedy exploration; Sutton & Barto
 * 2018, "Reinforcement Learning", §2.2). ε = 0 never draws and never explores.
 *
 * The draw only chooses: it never settles an outcome (outcomes come from later prices).
 *
 * @example
 * const exploration = new ConfidenceExploration({ epsilon: 0.05, rng: rng.fork('governor/explore') });
 * if (calibrated < minConfidence && exploration.explore()) placeAtMinimumStake();
 */
export class ConfidenceExploration {
  /** Probability of exploring one stopped setup, in [0, 1]. */
  readonly epsilon: number;
  readonly #rng: Rng;

  constructor(options: { readonly epsilon: number; readonly rng: Rng }) {
    if (!(options.rng instanceof Rng)) {
      throw new GovernorError(
        'GOVERNOR_BAD_OPTION',
        'ConfidenceExploration needs a seeded Rng from @omni/core',
        {
          option: 'rng',
        },
      );
    }
    this.epsilon = requireOption(options.epsilon, 'explorationEpsilon', 0, 1);
    this.#rng = options.rng;
  }

  /** One Bernoulli(ε) draw from the seeded stream; with ε = 0, false without drawing. */
  explore(): boolean {
    return this.epsilon > 0 && this.#rng.float() < this.epsilon;
  }

  /** The Rng state as plain JSON (ε comes from the configuration on restore). */
  toJSON(): ConfidenceExplorationState {
    const state = this.#rng.getState();
    return { kind: KIND, version: VERSION, rng: { seedPath: state.seedPath, words: [...state.words] } };
  }

  /** Restores the stream saved by {@link ConfidenceExploration.toJSON} with the configured ε. */
  static fromJSON(data: unknown, epsilon: number): ConfidenceExploration {
    const state = parseLearnerState(ConfidenceExplorationStateSchema, data, { kind: KIND, version: VERSION });
    return new ConfidenceExploration({ epsilon, rng: Rng.fromState(state.rng) });
  }
}
