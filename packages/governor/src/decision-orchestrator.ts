import type {
  ArbitrageDecision,
  BinaryDecision,
  OmniConfig,
  RouteCandidate,
  SpotDecision,
  TakeProfit,
} from '@omni/core';
import { gasCostUsd, MARKETS, spotRoundTripCostBps } from '@omni/core';
import type { BinaryFibSignal, SpotFibSignal } from '@omni/fib-core';
import type { RouteChoice } from './arbitrage-rl-agent.js';
import { requireNumberInRange } from './numeric-input.js';
import {
  checkCandidate,
  checkSettings,
  describeStake,
  fmt,
  minimumProfitWei,
  takeProfitLadder,
} from './orchestrator-rules.js';
import type {
  CompiledDecision,
  CompileInput,
  DecisionTrace,
  DecisionVeto,
  OrchestratorLearners,
  OrchestratorSettings,
  TakeProfitRung,
} from './orchestrator-types.js';
import { spotPositionSize } from './spot-position-size.js';
import type { TpChoice } from './spot-tp-rotator.js';

export type {
  CompiledDecision,
  CompileInput,
  DecisionTrace,
  DecisionVeto,
  OrchestratorLearners,
  OrchestratorSettings,
  RouteTrace,
  VetoContext,
} from './orchestrator-types.js';

/** Why a fib signal is `none` (or `setup` when it is a signal). */
function noneReason(
  signal: { readonly kind: 'signal' } | { readonly kind: 'none'; readonly reason: string },
): string {
  return signal.kind === 'none' ? signal.reason : 'setup';
}

/** What every drafted order starts from. */
type DraftBase = { id: string; tsMs: number; confidence: number; reasons: string[] };

type MutableTrace = { -readonly [K in keyof DecisionTrace]: DecisionTrace[K] };

/**
 * Turns the regime learner's engine choice and the fib signals into the typed core `Decision`
 * (the specification's DecisionOrchestrator.compile, DOC 3 §5.5–5.6).
 *
 * In order: `none` when the learner stands aside; `none` when the chosen engine's fib signal is
 * `none` (no engine bypasses fib validation); raw confidence → per-market calibrated probability,
 * `none` below `minConfidence`; then the engine's modifier: LadderRiskAI stake (binary, fractional
 * Kelly on the calibrated probability and payout), fixed-fraction spot size and a SpotTPRotator
 * take-profit ladder, ArbitrageRLAgent route among the priced candidates; finally the user's vetoes.
 * It reads the learners and changes nothing but the SpotTPRotator's sampling stream.
 *
 * @example
 * const orchestrator = new DecisionOrchestrator(DecisionOrchestrator.settingsFromConfig(config), learners);
 * const { decision, reasons } = orchestrator.compile({ decisionId, tsMs, symbol, engine, regime, probUp, signals, balanceUsd });
 */
export class DecisionOrchestrator {
  readonly settings: OrchestratorSettings;
  readonly #learners: OrchestratorLearners;
  readonly #vetoes: readonly DecisionVeto[];

  constructor(
    settings: OrchestratorSettings,
    learners: OrchestratorLearners,
    vetoes: readonly DecisionVeto[] = [],
  ) {
    this.settings = checkSettings(settings);
    this.#learners = learners;
    this.#vetoes = vetoes;
  }

  /** The settings of `config` (`engines.governor/binary/spot/arbitrage` and `risk`). */
  static settingsFromConfig(
    config: Pick<OmniConfig, 'risk' | 'engines'>,
    extra: { readonly sequenceWeight?: number } = {},
  ): OrchestratorSettings {
    return {
      minConfidence: config.engines.governor.minConfidence,
      sequenceWeight: extra.sequenceWeight ?? 0.5,
      payout: config.engines.binary.payout,
      spot: {
        riskPerTradeFraction: config.engines.spot.riskPerTradeFraction,
        maxStakeUsd: config.risk.maxStakeUsd,
        maxBalanceFraction: config.risk.maxBalanceFractionPerTrade,
        maxExposureUsd: config.risk.maxExposurePerMarketUsd,
        roundTripCostBps: spotRoundTripCostBps(config),
      },
      minProfitUsd: config.engines.arbitrage.minProfitUsd,
      gasCostUsd: gasCostUsd(config.engines.arbitrage),
    };
  }

  /** Compiles one decision; see the class description for the order of the filters. */
  compile(input: CompileInput): CompiledDecision {
    const s = this.settings;
    const reasons: string[] = input.reasons ? [...input.reasons] : [];
    const trace: MutableTrace = {
      fibConfidence: null,
      directionProbability: null,
      rawConfidence: null,
      calibratedConfidence: null,
      pattern: null,
      binary: null,
      spot: null,
      arbitrage: null,
      veto: null,
    };
    const none = (reason: string): CompiledDecision => {
      reasons.push(reason);
      return {
        decision: { engine: 'none', id: input.decisionId, tsMs: input.tsMs, symbol: input.symbol, reason },
        reasons,
        trace,
      };
    };
    const probUp = requireNumberInRange(input.probUp, 'probUp', 0, 1);
    const engine = input.engine;
    if (engine === 'none') {
      const withSetup = MARKETS.filter((m) => input.signals[m].kind === 'signal');
      return none(
        withSetup.length === 0
          ? `fib validation: no engine has a setup at this tick (${MARKETS.map((m) => `${m}: ${noneReason(input.signals[m])}`).join('; ')})`
          : `regime selection: stand aside in ${input.regime.regimeKey}`,
      );
    }

    const signal = input.signals[engine];
    if (signal.kind === 'none') return none(`fib validation: no ${engine} signal (${signal.reason})`);
    for (const r of signal.reasons) reasons.push(r);

    const fibConfidence = requireNumberInRange(signal.confidence, `fib.${engine}.confidence`, 0, 1);
    trace.fibConfidence = fibConfidence;
    let raw = fibConfidence;
    if (signal.engine === 'binary' || signal.engine === 'spot') {
      const up = signal.engine === 'binary' ? signal.direction === 'call' : signal.side === 'buy';
      const pDirection = up ? probUp : 1 - probUp;
      trace.directionProbability = pDirection;
      raw = (1 - s.sequenceWeight) * fibConfidence + s.sequenceWeight * pDirection;
      trace.pattern = { pattern: signal.pattern, direction: up ? 'bullish' : 'bearish' };
    }
    raw = Math.min(1, Math.max(0, raw));
    trace.rawConfidence = raw;
    const calibrated = this.#learners.calibrators[engine].calibrate(raw);
    trace.calibratedConfidence = calibrated;
    reasons.push(
      trace.directionProbability === null
        ? `confidence: fib ${fmt(fibConfidence)} → calibrated ${fmt(calibrated)}`
        : `confidence: (1 − ${s.sequenceWeight})·fib ${fmt(fibConfidence)} + ${s.sequenceWeight}·sequence ${fmt(trace.directionProbability)} = raw ${fmt(raw)} → calibrated ${fmt(calibrated)}`,
    );
    if (calibrated < s.minConfidence) {
      return none(
        `confidence filter: calibrated ${fmt(calibrated)} is below minConfidence ${s.minConfidence}`,
      );
    }

    const base = { id: input.decisionId, tsMs: input.tsMs, confidence: calibrated, reasons };
    const draft =
      signal.engine === 'binary'
        ? this.#draftBinary(signal, input, base, trace)
        : signal.engine === 'spot'
          ? this.#draftSpot(signal, input, base, trace)
          : this.#draftArbitrage(input, base, trace);
    if (typeof draft === 'string') return none(draft);

    for (const veto of this.#vetoes) {
      const why = veto(draft, {
        regime: input.regime,
        probUp,
        balanceUsd: input.balanceUsd,
        rawConfidence: raw,
      });
      if (why !== undefined) {
        trace.veto = why;
        return none(`veto: ${why}`);
      }
    }
    return { decision: draft, reasons, trace };
  }

  /** The binary order for `signal`: LadderRiskAI's stake (a string: why there is none). */
  #draftBinary(
    signal: BinaryFibSignal,
    input: CompileInput,
    base: DraftBase,
    trace: MutableTrace,
  ): BinaryDecision | string {
    const s = this.settings;
    const { reasons } = base;
    const stake = this.#learners.ladder.nextStake({
      balanceUsd: input.balanceUsd,
      probability: base.confidence,
      payout: s.payout,
    });
    trace.binary = stake;
    if (stake.kind !== 'stake') return `LadderRiskAI: no stake (${describeStake(stake)})`;
    reasons.push(
      `LadderRiskAI: stake ${stake.stakeUsd} USD on rung ${stake.ladderStep} (Kelly edge ${fmt(stake.kellyEdge)}${stake.cappedBy ? `, capped by ${stake.cappedBy}` : ''})`,
    );
    const decision: BinaryDecision = {
      engine: 'binary',
      ...base,
      symbol: input.symbol,
      direction: signal.direction,
      stakeUsd: stake.stakeUsd,
      expirySec: Math.max(1, Math.round(signal.expirySec)),
    };
    return decision;
  }

  /** The spot order for `signal`: sized by risk, take-profits from SpotTPRotator (a string: why there is none). */
  #draftSpot(
    signal: SpotFibSignal,
    input: CompileInput,
    base: DraftBase,
    trace: MutableTrace,
  ): SpotDecision | string {
    const s = this.settings;
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
    const tp = this.#learners.spotTp.chooseTp({
      entryPrice: signal.entryPrice,
      stopPrice: signal.stopPrice,
      levels: tpCandidates,
      context: tpContext,
    });
    spotTrace.tp = tp;
    if (tp.kind !== 'tp') return `SpotTPRotator: ${tp.reason}`;
    const ladder = takeProfitLadder(signal.takeProfits, tp.ratio);
    spotTrace.ladder = ladder;
    reasons.push(
      `spot size ${fmt(sizing.size)} risks ${fmt(sizing.riskUsd)} USD${sizing.cappedBy ? ` (capped by ${sizing.cappedBy})` : ''}; SpotTPRotator: final take-profit ${tp.ratio} at ${tp.price.toPrecision(6)} (R ${fmt(tp.rewardRisk)}, P(hit) ${fmt(tp.hitProbability)})`,
    );
    const decision: SpotDecision = {
      engine: 'spot',
      ...base,
      symbol: input.symbol,
      side: signal.side,
      size: sizing.size,
      entryPrice: signal.entryPrice,
      stopPrice: signal.stopPrice,
      takeProfits: ladder.map((r): TakeProfit => ({ price: r.price, fraction: r.fraction })),
    };
    return decision;
  }

  /** The arbitrage route chosen by ArbitrageRLAgent among those that net minProfitUsd (a string: why none). */
  #draftArbitrage(input: CompileInput, base: DraftBase, trace: MutableTrace): ArbitrageDecision | string {
    const s = this.settings;
    const { reasons } = base;
    const candidates = input.routeCandidates ?? [];
    const eligible = candidates.filter((c) => checkCandidate(c).expectedProfitUsd >= s.minProfitUsd);
    if (eligible.length === 0) {
      return candidates.length === 0
        ? 'ArbitrageRLAgent: no route candidates at this tick'
        : `ArbitrageRLAgent: no route expected to net at least minProfitUsd ${s.minProfitUsd} (of ${candidates.length})`;
    }
    const choice = this.#learners.arbitrage.chooseRoute(eligible) as Extract<
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
    const minProfitWei = minimumProfitWei(c, s.gasCostUsd, s.minProfitUsd);
    reasons.push(
      `ArbitrageRLAgent: route ${c.routeId} (${choice.reason}, mean realised ${fmt(choice.meanProfitUsd)} USD, expected ${fmt(c.expectedProfitUsd)} USD net); min profit ${minProfitWei} wei`,
    );
    const decision: ArbitrageDecision = {
      engine: 'arbitrage',
      ...base,
      routeId: c.routeId,
      amountInWei: c.amountInWei,
      minProfitWei,
    };
    return decision;
  }
}
