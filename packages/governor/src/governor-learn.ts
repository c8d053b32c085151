import { GovernorError, rewardR, type TradeDecision, type TradeOutcome } from '@omni/core';
import type { DecisionTrace } from './decision-orchestrator.js';
import type { GovernorDecision, GovernorLearners, LearnReport } from './governor-types.js';
import { requireNumberInRange } from './numeric-input.js';

/** What one settled trade teaches, checked by `MasterGovernorX100.learn`. */
export interface SettledLesson {
  readonly outcome: TradeOutcome;
  /** The trade decision the outcome settles. */
  readonly decision: TradeDecision;
  readonly pnl: number;
  /** true: a win; false: a loss; null: a tie (zero PnL). */
  readonly won: boolean | null;
  /** USD at risk (the reward is pnl / riskUsd, in R). */
  readonly riskUsd: number;
  readonly regime: NonNullable<GovernorDecision['regime']>;
  readonly trace: DecisionTrace & { readonly rawConfidence: number };
}

/**
 * Applies one lesson to the learners: RegimeSwitchingRL (reward in R), the engine's calibrator
 * (raw confidence → win), LadderRiskAI, SpotTPRotator (from the outcome's legs), ArbitrageRLAgent
 * and PatternMemory. Returns what was updated.
 *
 * A `counterfactual` lesson (a stopped candidate settled from later prices, never traded) teaches
 * only what is about the signal: the regime learner's estimate (`observeCounterfactual`, counted
 * apart from real trades), the calibrator and PatternMemory. LadderRiskAI, SpotTPRotator and
 * ArbitrageRLAgent learn from real trades only: the ladder follows the real sequence of stakes, and
 * route and take-profit statistics are about orders that were filled.
 */
export function teachLearners(
  L: GovernorLearners,
  lesson: SettledLesson,
  options: { readonly maxRewardR: number; readonly timeframe: string; readonly counterfactual?: boolean },
): LearnReport {
  const { outcome, pnl, won, riskUsd, regime, trace } = lesson;
  const d = lesson.decision;
  const counterfactual = options.counterfactual === true;
  const updated: string[] = [];
  const reward = rewardR(pnl, riskUsd, options.maxRewardR);
  if (reward !== null) {
    if (counterfactual) L.regimeRL.observeCounterfactual(regime.regimeKey, d.engine, reward);
    else L.regimeRL.update(regime.regimeKey, d.engine, reward);
    updated.push('regime-rl');
  }
  if (won !== null) {
    L.calibrators[d.engine].observe(trace.rawConfidence, won);
    updated.push(`calibrator.${d.engine}`);
  }
  if (counterfactual) {
    // Real orders only below: the ladder, take-profit levels and routes.
  } else if (d.engine === 'binary') {
    L.ladder.settle(won === null ? 'tie' : won ? 'win' : 'loss');
    updated.push('ladder');
  } else if (d.engine === 'spot' && trace.spot) {
    const exit = spotExitCounts(outcome);
    if (exit) {
      const { tpCandidates, tpContext, ladder } = trace.spot;
      const hits = Math.min(exit.tpHits, ladder.length);
      for (let k = 0; k < hits; k++) {
        L.spotTp.recordOutcome({
          ratio: (ladder[k] as { ratio: number }).ratio,
          hit: true,
          context: tpContext,
        });
      }
      // Stopped: every farther level was missed too (price never got past the last filled rung).
      if (exit.stopped) {
        for (let k = hits; k < tpCandidates.length; k++) {
          L.spotTp.recordOutcome({
            ratio: (tpCandidates[k] as { ratio: number }).ratio,
            hit: false,
            context: tpContext,
          });
        }
      }
      updated.push('spot-tp');
    }
  } else if (d.engine === 'arbitrage') {
    L.arbitrage.updateRoute(d.routeId, pnl);
    updated.push('arbitrage-route');
  }
  if (trace.pattern && won !== null) {
    L.patternMemory.store({
      pattern: trace.pattern.pattern,
      direction: trace.pattern.direction,
      regime: regime.dominantRegime,
      timeframe: options.timeframe,
      won,
      r: reward ?? 0,
    });
    updated.push('pattern-memory');
  }
  return { decisionId: d.id, engine: d.engine, reward, won, updated };
}

/**
 * Take-profit rungs filled and whether the stop closed the rest, from a spot outcome's `legs`
 * (rungs fill nearest first, so the count of take-profit legs is the number of rungs hit); undefined
 * when the outcome does not say how it left the market.
 */
function spotExitCounts(outcome: TradeOutcome): { tpHits: number; stopped: boolean } | undefined {
  const { legs, exit } = outcome;
  if (legs === undefined || exit === undefined) return undefined;
  let tpHits = 0;
  for (const leg of legs) if (leg.kind === 'take-profit') tpHits++;
  return { tpHits, stopped: exit.kind === 'stop' };
}

/**
 * Checks that `outcome` settles the trade decision of `audit` (which must carry its regime and
 * trace) and returns the lesson it teaches; the USD risk is `riskUsd` (what SafetyManager approved)
 * or, without it, `recompute(decision)`. `decision` is the trade the outcome settles: by default
 * `audit.decision`; for a counterfactual outcome, the candidate.
 */
export function lessonFrom(
  outcome: TradeOutcome,
  audit: GovernorDecision,
  riskUsd: number | undefined,
  recompute: (decision: TradeDecision) => number,
  decision: GovernorDecision['decision'] = audit.decision,
): SettledLesson {
  const d = decision;
  if (d.engine === 'none') {
    throw new GovernorError('GOVERNOR_BAD_INPUT', 'a none decision has no outcome to learn', {
      field: 'audit.decision',
      decisionId: d.id,
    });
  }
  if (outcome.decisionId !== d.id || outcome.engine !== d.engine) {
    throw new GovernorError('GOVERNOR_BAD_INPUT', 'the outcome does not belong to this decision', {
      field: 'outcome.decisionId',
      decisionId: d.id,
      outcomeDecisionId: outcome.decisionId,
      engine: d.engine,
      outcomeEngine: outcome.engine,
    });
  }
  const { regime, trace } = audit;
  if (!regime || !trace || trace.rawConfidence === null) {
    throw new GovernorError('GOVERNOR_BAD_STATE', 'a trade decision audit must carry its regime and trace', {
      decisionId: d.id,
    });
  }
  const pnl = requireNumberInRange(outcome.pnl, 'outcome.pnl');
  return {
    outcome,
    decision: d,
    pnl,
    won: pnl > 0 ? true : pnl < 0 ? false : null,
    riskUsd: riskUsd === undefined ? recompute(d) : requireNumberInRange(riskUsd, 'context.riskUsd', 0),
    regime,
    trace: { ...trace, rawConfidence: trace.rawConfidence },
  };
}
