import type {
  ArbitrageDecision,
  BinaryDecision,
  RouteCandidate,
  SpotDecision,
  TakeProfit,
  TradeDecision,
} from '@omni/core';
import type { ArbitrageFibSignal, BinaryFibSignal, SpotFibSignal } from '@omni/fib-core';
import type { RouteChoice } from './arbitrage-rl-agent.js';
import type { LadderRiskAI } from './ladder-risk-ai.js';
import {
  checkCandidate,
  describeStake,
  fmt,
  minimumProfitWei,
  takeProfitLadder,
} from './orchestrator-rules.js';
import type {
  CompileInput,
  DecisionTrace,
  OrchestratorLearners,
  OrchestratorSettings,
  TakeProfitRung,
} from './orchestrator-types.js';
import { spotPositionSize } from './spot-position-size.js';
import type { TpChoice } from './spot-tp-rotator.js';

/** What every drafted order starts from. */
export type DraftBase = { id: string; tsMs: number; confidence: number; reasons: string[] };

/** The trace while a decision is compiled (frozen by its type once returned). */
export type MutableTrace = { -readonly [K in keyof DecisionTrace]: DecisionTrace[K] };

/** A fib signal of any engine. */
export type TradeSignal = BinaryFibSignal | SpotFibSignal | ArbitrageFibSignal;

/**
 * How a draft is sized: `full` as a real trade; `candidate` as a real trade, except that a binary
 * setup LadderRiskAI gives no stake takes the minimum stake and a spot take-profit is chosen by its
 * posterior mean (no draw from the stream real trades use); `minimum` at the smallest stake or
 * risk the broker takes (binary and spot only: an arbitrage route risks its gas whatever its size).
 */
export type Sizing = 'full' | 'candidate' | 'minimum';

/** What drafting one order reads: the orchestrator's settings and learners, the input and the trace it fills. */
export interface DraftContext {
  readonly settings: OrchestratorSettings;
  readonly learners: OrchestratorLearners;
  readonly input: CompileInput;
  readonly trace: MutableTrace;
}

/** A fresh base for a counterfactual candidate: its own reasons, starting with the gate that stopped it. */
export function candidateBase(base: DraftBase, gate: 'confidence' | 'sizing'): DraftBase {
  return { ...base, reasons: [`counterfactual candidate: stopped at the ${gate} gate, never sent`] };
}

/** The order for `signal`, sized as `sizing` says (a string: why there is none). */
export function draftTrade(
  ctx: DraftContext,
  signal: TradeSignal,
  base: DraftBase,
  sizing: Sizing,
): TradeDecision | string {
  if (signal.engine === 'binary') return draftBinary(ctx, signal, base, sizing);
  if (signal.engine === 'spot') return draftSpot(ctx, signal, base, sizing);
  return sizing === 'minimum'
    ? 'ArbitrageRLAgent: an arbitrage route has no smaller size to explore with'
    : draftArbitrage(ctx, base);
}

/**
 * The broker's smallest stake (LadderRiskAI.minStakeUsd, at least a cent) when it fits the caps
 * (max stake, balance fraction), else 0.
 */
function minimumStakeUsd(ladder: LadderRiskAI, balanceUsd: number): number {
  const m = Math.max(ladder.minStakeUsd, 0.01);
  return m <= ladder.maxStakeUsd && m <= ladder.maxBalanceFraction * balanceUsd ? m : 0;
}

/** The binary order for `signal`: LadderRiskAI's stake, or the minimum one (a string: why there is none). */
function draftBinary(
  ctx: DraftContext,
  signal: BinaryFibSignal,
  base: DraftBase,
  sizing: Sizing,
): BinaryDecision | string {
  const { settings: s, learners, input, trace } = ctx;
  const { reasons } = base;
  let stakeUsd = 0;
  if (sizing !== 'minimum') {
    const stake = learners.ladder.nextStake({
      balanceUsd: input.balanceUsd,
      probability: base.confidence,
      payout: s.payout,
    });
    trace.binary = stake;
    if (stake.kind === 'stake') {
      stakeUsd = stake.stakeUsd;
      reasons.push(
        `LadderRiskAI: stake ${stake.stakeUsd} USD on rung ${stake.ladderStep} (Kelly edge ${fmt(stake.kellyEdge)}${stake.cappedBy ? `, capped by ${stake.cappedBy}` : ''})`,
      );
    } else if (sizing === 'full') {
      return `LadderRiskAI: no stake (${describeStake(stake)})`;
    }
  }
  if (stakeUsd === 0) {
    stakeUsd = minimumStakeUsd(learners.ladder, input.balanceUsd);
    if (stakeUsd === 0) return 'LadderRiskAI: the minimum stake does not fit the caps';
    reasons.push(`LadderRiskAI: minimum stake ${stakeUsd} USD`);
  }
  const decision: BinaryDecision = {
    engine: 'binary',
    ...base,
    symbol: input.symbol,
    direction: signal.direction,
    stakeUsd,
    expirySec: Math.max(
      1,
      Math.round(Math.min(signal.expirySec, s.maxExpirySec ?? Number.POSITIVE_INFINITY)),
    ),
  };
  return decision;
}

/**
 * The spot order for `signal`: sized by risk (`minimum`: scaled down to risk the minimum stake),
 * take-profits from SpotTPRotator (a string: why there is none).
 */
function draftSpot(
  ctx: DraftContext,
  signal: SpotFibSignal,
  base: DraftBase,
  mode: Sizing,
): SpotDecision | string {
  const { settings: s, learners, input, trace } = ctx;
  const { reasons } = base;
  const sizing = spotPositionSize(
    {
      symbol: input.symbol,
      balanceUsd: input.balanceUsd,
      entryPrice: signal.entryPrice,
      stopPrice: signal.stopPrice,
    },
    s.spot,
  );
  const tpContext = input.regime.trendBucket;
  const tpCandidates = signal.takeProfits.map((t) => ({ ratio: t.ratio, price: t.price }));
  const spotTrace = {
    sizing,
    tp: null as TpChoice | null,
    tpContext,
    tpCandidates,
    ladder: [] as TakeProfitRung[],
  };
  trace.spot = spotTrace;
  if (sizing.kind !== 'size') return `spot sizing: ${sizing.reason}`;
  let { size, riskUsd } = sizing;
  if (mode === 'minimum') {
    const minimumRiskUsd = minimumStakeUsd(learners.ladder, input.balanceUsd);
    if (minimumRiskUsd === 0) return 'spot sizing: the minimum risk does not fit the caps';
    if (riskUsd > minimumRiskUsd) {
      size *= minimumRiskUsd / riskUsd;
      riskUsd = minimumRiskUsd;
    }
  }
  const tp = learners.spotTp.chooseTp({
    entryPrice: signal.entryPrice,
    stopPrice: signal.stopPrice,
    levels: tpCandidates,
    context: tpContext,
    sample: mode !== 'candidate',
  });
  spotTrace.tp = tp;
  if (tp.kind !== 'tp') return `SpotTPRotator: ${tp.reason}`;
  const ladder = takeProfitLadder(signal.takeProfits, tp.ratio);
  spotTrace.ladder = ladder;
  reasons.push(
    `spot size ${fmt(size)} risks ${fmt(riskUsd)} USD${mode === 'minimum' ? ' (minimum)' : sizing.cappedBy ? ` (capped by ${sizing.cappedBy})` : ''}; SpotTPRotator: final take-profit ${tp.ratio} at ${tp.price.toPrecision(6)} (R ${fmt(tp.rewardRisk)}, P(hit) ${fmt(tp.hitProbability)})`,
  );
  const decision: SpotDecision = {
    engine: 'spot',
    ...base,
    symbol: input.symbol,
    side: signal.side,
    size,
    entryPrice: signal.entryPrice,
    stopPrice: signal.stopPrice,
    takeProfits: ladder.map((r): TakeProfit => ({ price: r.price, fraction: r.fraction })),
  };
  return decision;
}

/** The arbitrage route chosen by ArbitrageRLAgent among those that net minProfitUsd (a string: why none). */
function draftArbitrage(ctx: DraftContext, base: DraftBase): ArbitrageDecision | string {
  const { settings: s, learners, input, trace } = ctx;
  const { reasons } = base;
  const candidates = input.routeCandidates ?? [];
  const eligible = candidates.filter((c) => checkCandidate(c).expectedProfitUsd >= s.minProfitUsd);
  if (eligible.length === 0) {
    return candidates.length === 0
      ? 'ArbitrageRLAgent: no route candidates at this tick'
      : `ArbitrageRLAgent: no route expected to net at least minProfitUsd ${s.minProfitUsd} (of ${candidates.length})`;
  }
  const choice = learners.arbitrage.chooseRoute(eligible) as Extract<
    RouteChoice<RouteCandidate>,
    { kind: 'route' }
  >;
  const c = choice.candidate;
  trace.arbitrage = {
    routeId: choice.routeId,
    reason: choice.reason,
    meanProfitUsd: choice.meanProfitUsd,
    index: Number.isFinite(choice.index) ? choice.index : null,
    expectedProfitUsd: c.expectedProfitUsd,
    eligibleCandidates: eligible.length,
  };
  const gasUsd = c.gasCostUsd ?? s.gasCostUsd;
  const minProfitWei = minimumProfitWei(c, gasUsd, s.minProfitUsd);
  reasons.push(
    `ArbitrageRLAgent: route ${c.routeId} (${choice.reason}, mean realised ${fmt(choice.meanProfitUsd)} USD, expected ${fmt(c.expectedProfitUsd)} USD net); min profit ${minProfitWei} wei`,
  );
  const decision: ArbitrageDecision = {
    engine: 'arbitrage',
    ...base,
    routeId: c.routeId,
    amountInWei: c.amountInWei,
    minProfitWei,
    ...(c.gasCostUsd === undefined ? {} : { gasCostUsd: c.gasCostUsd }),
  };
  return decision;
}
