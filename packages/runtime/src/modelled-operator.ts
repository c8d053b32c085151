import type { SafetyManager } from '@omni/safety';

/**
 * Who lifts a tripped cooldown in a backtest. A cooldown never lifts by itself: in live and
 * shadow modes an operator runs `omni safety reset`. A backtest over years has no operator, so it
 * models one explicitly: `next-session` (the default) — the operator reviews the cooldown at the
 * start of the next trading session and resets it; `never` — the cooldown lasts for the rest of
 * the run. The emergency freeze is never lifted by the modelled operator.
 */
export type OperatorReviewPolicy = 'next-session' | 'never';

/** One modelled review: when, and what it cleared (as journaled in the safety history). */
export interface ModelledReview {
  readonly tsMs: number;
  readonly cleared: readonly string[];
}

/** The operator name modelled reviews are journaled under. */
export const MODELLED_OPERATOR = 'modelled-operator';

/**
 * The modelled operator of a backtest (see {@link OperatorReviewPolicy}). `observe` runs at the
 * start of every tick and costs one division until the session changes; then, if a cooldown (or
 * a reduce-only flag) is in force and nothing is frozen, it resets SafetyManager the way an
 * operator would — through `SafetyManager.reset`, so every review is journaled as an alert and in
 * the safety history.
 */
export class ModelledOperator {
  readonly policy: OperatorReviewPolicy;
  readonly #safety: SafetyManager;
  readonly #reviews: ModelledReview[] = [];
  #session: number | undefined;

  constructor(safety: SafetyManager, policy: OperatorReviewPolicy) {
    this.#safety = safety;
    this.policy = policy;
  }

  /** Reviews so far, oldest first. */
  get reviews(): readonly ModelledReview[] {
    return this.#reviews;
  }

  /** Called with each tick's time before the runtime asks SafetyManager whether it may trade. */
  observe(tsMs: number): void {
    const session = this.#safety.sessionOf(tsMs);
    if (session === this.#session) return;
    const first = this.#session === undefined;
    this.#session = session;
    if (first || this.policy === 'never' || this.#safety.mode !== 'reduce-only') return;
    const action = this.#safety.reset({
      operator: MODELLED_OPERATOR,
      reason: `modelled review at the start of a new session (--operator-review ${this.policy})`,
    });
    this.#reviews.push({ tsMs, cleared: action.cleared });
  }
}
