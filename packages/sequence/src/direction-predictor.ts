import type { SequenceModelEngine } from '@omni/core';

/** A direction call with the probability behind it. */
export interface DirectionForecast {
  readonly direction: 'up' | 'down' | 'flat';
  /** Probability of an up move, in [0, 1]. */
  readonly probUp: number;
  /** |2·probUp − 1| ∈ [0, 1]: 0 is a coin flip, 1 is certainty. */
  readonly strength: number;
}

/**
 * Turns a model's probUp into an up/down/flat call with a dead band around 0.5 (spec Tier 3 DirectionPredictor).
 * Why: engines act on a direction; a probability within `deadBand` of 0.5 is no signal and maps to `flat`.
 *
 * @example
 * const predictor = new DirectionPredictor(new MomentumSequenceModel(), { deadBand: 0.05 });
 * predictor.predict(window).direction; // 'up' when probUp > 0.55
 */
export class DirectionPredictor {
  readonly #model: SequenceModelEngine;
  readonly #deadBand: number;

  constructor(model: SequenceModelEngine, options: { deadBand?: number } = {}) {
    this.#model = model;
    this.#deadBand = options.deadBand ?? 0.05;
    if (!(this.#deadBand >= 0 && this.#deadBand < 0.5)) {
      throw new RangeError(`deadBand must be in [0, 0.5), got ${this.#deadBand}`);
    }
  }

  /** The direction forecast for `window` (prices, oldest first). */
  predict(window: ArrayLike<number>): DirectionForecast {
    return this.classify(this.#model.predictDirection(window));
  }

  /** Classifies an already computed probUp (e.g. from an async batch). */
  classify(probUp: number): DirectionForecast {
    const direction = probUp > 0.5 + this.#deadBand ? 'up' : probUp < 0.5 - this.#deadBand ? 'down' : 'flat';
    return { direction, probUp, strength: Math.abs(2 * probUp - 1) };
  }
}
