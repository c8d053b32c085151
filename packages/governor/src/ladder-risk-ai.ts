import type { OmniConfig } from '@omni/core';
import { z } from 'zod';
import { requireNumberInRange, requireOption } from './numeric-input.js';
import { parseLearnerState } from './persisted-state.js';

const KIND = 'ladder-risk-ai';
const VERSION = 1;

/** Limits and sizing of {@link LadderRiskAI}; {@link LadderRiskAI.fromConfig} fills them from OmniConfig. */
export interface LadderRiskAIOptions {
  /** Hard cap on one stake (`risk.maxStakeUsd`). */
  readonly maxStakeUsd: number;
  /** Hard cap on one stake as a fraction of the balance (`risk.maxBalanceFractionPerTrade`). */
  readonly maxBalanceFraction: number;
  /** Ladder rungs, 1 = no ladder (`engines.binary.maxLadderDepth`). */
  readonly maxLadderDepth: number;
  /** Fraction of the full Kelly stake (`engines.binary.kellyFraction`). */
  readonly kellyFraction: number;
  /** Default payout ratio b on a win (`engines.binary.payout`). */
  readonly payout: number;
  /** Stake multiplier per rung after a loss, in [1, 3]; default 1.5; 1 turns the ladder off. */
  readonly stepMultiplier?: number;
  /** The broker's smallest stake; a smaller sized stake becomes 0 (never rounded up); default 1. */
  readonly minStakeUsd?: number;
}

/** Which cap bound the stake. */
export type LadderCap = 'max-stake' | 'balance-fraction';

/** What {@link LadderRiskAI.nextStake} decided: a stake, or 0 with the reason. */
export type LadderStake =
  | {
      readonly kind: 'stake';
      readonly stakeUsd: number;
      readonly ladderStep: number;
      /** Full-Kelly fraction f* = p − (1 − p) / b. */
      readonly kellyEdge: number;
      /** The stake before caps: kellyFraction · f* · balance · stepMultiplier^step. */
      readonly uncappedStakeUsd: number;
      readonly cappedBy: LadderCap | null;
    }
  | {
      readonly kind: 'no-edge';
      readonly stakeUsd: 0;
      readonly ladderStep: number;
      readonly kellyEdge: number;
    }
  | {
      readonly kind: 'below-minimum';
      readonly stakeUsd: 0;
      readonly ladderStep: number;
      readonly kellyEdge: number;
      readonly sizedStakeUsd: number;
    }
  | { readonly kind: 'no-balance'; readonly stakeUsd: 0; readonly ladderStep: number };

/** How a binary trade settled, for the ladder. */
export type LadderResult = 'win' | 'loss' | 'tie';

/** Zod schema of the persisted {@link LadderRiskAI} state (version 1). */
export const LadderRiskAIStateSchema = z.object({
  kind: z.literal(KIND),
  version: z.literal(VERSION),
  ladderStep: z.number().int().nonnegative(),
});
/** The persisted {@link LadderRiskAI} state: the ladder rung (the limits come from config on restart). */
export type LadderRiskAIState = z.infer<typeof LadderRiskAIStateSchema>;

/**
 * Sizes binary-option stakes: fractional Kelly from the calibrated win probability and the payout,
 * stepped up a bounded ladder after losses, and always inside three hard caps.
 *
 * Kelly for a bet paying b per unit staked, won with probability p: f* = p − (1 − p) / b
 * (Kelly 1956; Thorp 2006, "The Kelly criterion in blackjack, sports betting and the stock market").
 * stake = min(kellyFraction · f* · balance · stepMultiplier^step, maxStakeUsd, maxBalanceFraction · balance),
 * rounded down to the cent; 0 when f* ≤ 0 (no edge) or below the broker minimum. The rung goes up
 * one after a loss, back to 0 after a win, stays on a tie, and after a loss on the last rung
 * (`maxLadderDepth` − 1) returns to 0: the ladder never grows without bound (not a martingale).
 *
 * @example
 * const ladder = LadderRiskAI.fromConfig(config);
 * const s = ladder.nextStake({ balanceUsd: 1000, probability: calibrator.calibrate(0.7) });
 * if (s.kind === 'stake') placeBinary(s.stakeUsd);
 * ladder.settle('loss');
 */
export class LadderRiskAI {
  readonly maxStakeUsd: number;
  readonly maxBalanceFraction: number;
  readonly maxLadderDepth: number;
  readonly kellyFraction: number;
  readonly payout: number;
  readonly stepMultiplier: number;
  readonly minStakeUsd: number;
  #step = 0;

  constructor(options: LadderRiskAIOptions) {
    this.maxStakeUsd = requireOption(options.maxStakeUsd, 'maxStakeUsd', Number.MIN_VALUE, 1e12);
    this.maxBalanceFraction = requireOption(
      options.maxBalanceFraction,
      'maxBalanceFraction',
      Number.MIN_VALUE,
      1,
    );
    this.maxLadderDepth = requireOption(options.maxLadderDepth, 'maxLadderDepth', 1, 10, true);
    this.kellyFraction = requireOption(options.kellyFraction, 'kellyFraction', Number.MIN_VALUE, 1);
    this.payout = requireOption(options.payout, 'payout', Number.MIN_VALUE, 5);
    this.stepMultiplier = requireOption(options.stepMultiplier ?? 1.5, 'stepMultiplier', 1, 3);
    this.minStakeUsd = requireOption(options.minStakeUsd ?? 1, 'minStakeUsd', 0, this.maxStakeUsd);
  }

  /** A ladder with the limits of `config.risk` and `config.engines.binary`. */
  static fromConfig(
    config: Pick<OmniConfig, 'risk' | 'engines'>,
    extra: Pick<LadderRiskAIOptions, 'stepMultiplier' | 'minStakeUsd'> = {},
  ): LadderRiskAI {
    return new LadderRiskAI({
      maxStakeUsd: config.risk.maxStakeUsd,
      maxBalanceFraction: config.risk.maxBalanceFractionPerTrade,
      maxLadderDepth: config.engines.binary.maxLadderDepth,
      kellyFraction: config.engines.binary.kellyFraction,
      payout: config.engines.binary.payout,
      ...extra,
    });
  }

  /** The current rung, 0 … maxLadderDepth − 1. */
  get ladderStep(): number {
    return this.#step;
  }

  /**
   * The stake of the next binary trade. Pure with respect to the ladder (does not move the rung).
   * Throws `GOVERNOR_BAD_INPUT` for a non-finite balance, a probability outside [0, 1] or a payout ≤ 0.
   */
  nextStake(input: {
    readonly balanceUsd: number;
    readonly probability: number;
    readonly payout?: number;
  }): LadderStake {
    const balance = requireNumberInRange(input.balanceUsd, 'balanceUsd');
    const p = requireNumberInRange(input.probability, 'probability', 0, 1);
    const b = requireNumberInRange(input.payout ?? this.payout, 'payout', Number.MIN_VALUE, 1e6);
    const ladderStep = this.#step;
    if (balance <= 0) return { kind: 'no-balance', stakeUsd: 0, ladderStep };
    const kellyEdge = p - (1 - p) / b;
    if (!(kellyEdge > 0)) return { kind: 'no-edge', stakeUsd: 0, ladderStep, kellyEdge };
    // stepMultiplier^ladderStep multiplied out, not **: the same on every Node version (issue 18).
    let ladderFactor = 1;
    for (let i = 0; i < ladderStep; i++) ladderFactor *= this.stepMultiplier;
    const uncappedStakeUsd = this.kellyFraction * kellyEdge * balance * ladderFactor;
    const balanceCap = this.maxBalanceFraction * balance;
    let stake = uncappedStakeUsd;
    let cappedBy: LadderCap | null = null;
    if (stake > this.maxStakeUsd) {
      stake = this.maxStakeUsd;
      cappedBy = 'max-stake';
    }
    if (stake > balanceCap) {
      stake = balanceCap;
      cappedBy = 'balance-fraction';
    }
    let stakeUsd = Math.floor(stake * 100) / 100;
    // x·100 may round up to a whole number; step down a cent so rounding can never exceed a cap.
    while (stakeUsd > stake) stakeUsd = (Math.round(stakeUsd * 100) - 1) / 100;
    if (stakeUsd <= 0 || stakeUsd < this.minStakeUsd) {
      return { kind: 'below-minimum', stakeUsd: 0, ladderStep, kellyEdge, sizedStakeUsd: stake };
    }
    return { kind: 'stake', stakeUsd, ladderStep, kellyEdge, uncappedStakeUsd, cappedBy };
  }

  /** Moves the ladder after a settled binary trade: loss → next rung (or back to 0 past the last), win → 0, tie → stay. */
  settle(result: LadderResult): void {
    if (result === 'win') this.#step = 0;
    else if (result === 'loss') this.#step = this.#step + 1 >= this.maxLadderDepth ? 0 : this.#step + 1;
  }

  /** The ladder rung as plain JSON (limits are configuration, re-read on start). */
  toJSON(): LadderRiskAIState {
    return { kind: KIND, version: VERSION, ladderStep: this.#step };
  }

  /** Restores the rung saved with {@link LadderRiskAI.toJSON} onto a ladder with `options`; a rung past the depth restarts at 0. */
  static fromJSON(data: unknown, options: LadderRiskAIOptions): LadderRiskAI {
    const state = parseLearnerState(LadderRiskAIStateSchema, data, { kind: KIND, version: VERSION });
    const ladder = new LadderRiskAI(options);
    ladder.#step = state.ladderStep < ladder.maxLadderDepth ? state.ladderStep : 0;
    return ladder;
  }
}
