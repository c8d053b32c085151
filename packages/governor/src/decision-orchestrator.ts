import type { DecisionGate, Market, OmniConfig, TradeDecision } from '@omni/core';
import { gasCostUsd, spotRoundTripCostBps } from '@omni/core';
import { requireNumberInRange } from './numeric-input.js';
import {
  candidateBase,
  type DraftBase,
  draftTrade,
  type MutableTrace,
  type Sizing,
  type TradeSignal,
} from './orchestrator-drafts.js';
import { checkSettings, fmt, NO_SETUP_GATE, standAside } from './orchestrator-rules.js';
import type {
  CompiledDecision,
  CompileInput,
  DecisionVeto,
  LeadReasons,
  OrchestratorLearners,
  OrchestratorSettings,
} from './orchestrator-types.js';

export type {
  CompiledDecision,
  CompileInput,
  DecisionTrace,
  DecisionVeto,
  LeadReasons,
  OrchestratorLearners,
  OrchestratorSettings,
  RouteTrace,
  VetoContext,
} from './orchestrator-types.js';

/**
 * Whether `market` has a setup it can trade at this tick: a fib signal, and for arbitrage a priced
 * route as well (the governor offers the regime learner the same engines).
 */
function tradable(market: Market, input: CompileInput): boolean {
  return (
    input.signals[market].kind === 'signal' &&
    (market !== 'arbitrage' || (input.routeCandidates?.length ?? 0) > 0)
  );
}

/** Why an engine has no setup it can trade (or `setup` when it has one). */
function noneReason(market: Market, input: CompileInput): string {
  const signal = input.signals[market];
  if (signal.kind === 'none') return signal.reason;
  return tradable(market, input) ? 'setup' : 'setup, but no route candidates at this tick';
}

/** How one engine's setup fared before the vetoes. */
type Evaluation =
  | { readonly kind: 'no-signal'; readonly reason: string }
  | {
      readonly kind: 'below-confidence';
      readonly calibrated: number;
      readonly raw: number;
      readonly signal: TradeSignal;
      readonly base: DraftBase;
    }
  | { readonly kind: 'no-size'; readonly reason: string; readonly candidate: TradeDecision | null }
  | { readonly kind: 'draft'; readonly draft: TradeDecision; readonly raw: number };

/**
 * Turns the regime learner's engine choice and the fib signals into the typed core `Decision`
 * (the specification's DecisionOrchestrator.compile, DOC 3 §5.5–5.6).
 *
 * In order: `none` when the learner stands aside; `none` when the chosen engine's fib signal is
 * `none` (no engine bypasses fib validation); raw confidence → per-market calibrated probability,
 * `none` below `minConfidence`; then the engine's modifier: LadderRiskAI stake (binary, fractional
 * Kelly on the calibrated probability and payout), fixed-fraction spot size and a SpotTPRotator
 * take-profit ladder, ArbitrageRLAgent route among the priced candidates; finally the user's vetoes.
 * It reads the learners and changes nothing but the SpotTPRotator's and the exploration's streams.
 *
 * Every result names its {@link DecisionGate} and, when a gate stopped a setup, the `candidate`
 * trade it would have placed (for counterfactual settlement). Exploration: a binary or spot setup
 * that only the confidence filter stopped is taken with probability ε (`learners.exploration`) at
 * the minimum stake or risk (LadderRiskAI.minStakeUsd), marked in its reasons and gate; the vetoes
 * still apply and SafetyManager still approves it.
 *
 * @example
 * const orchestrator = new DecisionOrchestrator(DecisionOrchestrator.settingsFromConfig(config), learners);
 * const { decision, reasons } = orchestrator.compile({ decisionId, tsMs, symbol, engine, regime, probUp, signals, balanceUsd });
 */
export class DecisionOrchestrator {
  readonly settings: OrchestratorSettings;
  readonly #learners: OrchestratorLearners;
  readonly #vetoes: readonly DecisionVeto[];
  #lastNoSetup = { binary: '', spot: '', arbitrage: '', reason: '' };

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
      maxExpirySec: config.engines.binary.defaultExpirySec,
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
    return this.#compile(input, undefined);
  }

  /**
   * {@link compile} with the lines that lead the reasons given by `lead` instead of `input.reasons`:
   * they are formatted (`lead.takeLead()`) and put at the head of the reasons only when a trade
   * decision will carry those reasons (a trade, or a vetoed trade's candidate), before any veto sees
   * it. Otherwise the returned `reasons` are those that follow the lead lines, and nothing of the
   * lead is formatted. Why: the governor formats its reasons only when somebody reads them.
   */
  compileWithLead(input: CompileInput, lead: LeadReasons): CompiledDecision {
    return this.#compile(input, lead);
  }

  #compile(input: CompileInput, lead: LeadReasons | undefined): CompiledDecision {
    const s = this.settings;
    const reasons: string[] = lead === undefined && input.reasons ? [...input.reasons] : [];
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
    const probUp = requireNumberInRange(input.probUp, 'probUp', 0, 1);
    const engine = input.engine;
    if (engine === 'none') {
      if (!tradable('binary', input) && !tradable('spot', input) && !tradable('arbitrage', input)) {
        return standAside(input, reasons, trace, this.#noSetupReason(input), NO_SETUP_GATE);
      }
      const aside = input.standAsideEngine;
      const candidate =
        aside === undefined
          ? null
          : this.#candidate(this.#evaluate(aside, input, probUp, [], trace, 'candidate'), input, trace);
      return standAside(
        input,
        reasons,
        trace,
        `regime selection: stand aside in ${input.regime.regimeKey}`,
        { kind: 'regime' },
        candidate,
      );
    }

    const evaluation = this.#evaluate(engine, input, probUp, reasons, trace, 'full');
    switch (evaluation.kind) {
      case 'no-signal':
        return standAside(input, reasons, trace, evaluation.reason, NO_SETUP_GATE);
      case 'no-size':
        return standAside(
          input,
          reasons,
          trace,
          evaluation.reason,
          { kind: 'sizing', reason: evaluation.reason },
          evaluation.candidate,
        );
      case 'below-confidence': {
        const { calibrated, raw } = evaluation;
        const why = `confidence filter: calibrated ${fmt(calibrated)} is below minConfidence ${s.minConfidence}`;
        const explored = this.#explore(evaluation, input, trace);
        if (!explored) {
          const candidate = this.#candidate(evaluation, input, trace);
          const gate = { kind: 'confidence', calibrated, minConfidence: s.minConfidence } as const;
          return standAside(input, reasons, trace, why, gate, candidate);
        }
        reasons.push(
          `exploration: taken at the minimum size with probability ε ${this.#learners.exploration?.epsilon} (${why})`,
        );
        return this.#tradeUnlessVetoed(explored, true, raw, input, probUp, reasons, trace, lead);
      }
      case 'draft': {
        const { draft, raw } = evaluation;
        return this.#tradeUnlessVetoed(draft, false, raw, input, probUp, reasons, trace, lead);
      }
    }
  }

  /**
   * `fib validation: no engine has a setup at this tick (binary: …; spot: …; arbitrage: …)`, reused
   * while the three engines give the same reasons (they are constants between swings).
   */
  #noSetupReason(input: CompileInput): string {
    const b = noneReason('binary', input);
    const s = noneReason('spot', input);
    const a = noneReason('arbitrage', input);
    const last = this.#lastNoSetup;
    if (last.binary === b && last.spot === s && last.arbitrage === a) return last.reason;
    const reason = `fib validation: no engine has a setup at this tick (binary: ${b}; spot: ${s}; arbitrage: ${a})`;
    this.#lastNoSetup = { binary: b, spot: s, arbitrage: a, reason };
    return reason;
  }

  /**
   * The fib signal of `engine` through the confidence filter and the engine's sizing, reasons and
   * trace filled as it goes (for a stand-aside's candidate: `reasons` of its own, `candidate` sizing).
   */
  #evaluate(
    engine: Market,
    input: CompileInput,
    probUp: number,
    reasons: string[],
    trace: MutableTrace,
    sizing: 'full' | 'candidate',
  ): Evaluation {
    const s = this.settings;
    const signal = input.signals[engine];
    if (signal.kind === 'none') {
      return { kind: 'no-signal', reason: `fib validation: no ${engine} signal (${signal.reason})` };
    }
    for (const r of signal.reasons) reasons.push(r);
    const fibConfidence = requireNumberInRange(signal.confidence, `fib.${engine}.confidence`, 0, 1);
    trace.fibConfidence = fibConfidence;
    trace.directionProbability = null;
    trace.pattern = null;
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
    const base: DraftBase = { id: input.decisionId, tsMs: input.tsMs, confidence: calibrated, reasons };
    if (calibrated < s.minConfidence) return { kind: 'below-confidence', calibrated, raw, signal, base };
    const draft = this.#draftTrade(signal, input, base, trace, sizing);
    if (typeof draft !== 'string') return { kind: 'draft', draft, raw };
    // A binary setup without a Kelly stake is still a candidate, at the minimum stake.
    const minimum =
      signal.engine === 'binary'
        ? this.#draftTrade(signal, input, candidateBase(base, 'sizing'), trace, 'minimum')
        : draft;
    return { kind: 'no-size', reason: draft, candidate: typeof minimum === 'string' ? null : minimum };
  }

  /** The counterfactual candidate of an evaluation (sized as a real trade would be), or null. */
  #candidate(evaluation: Evaluation, input: CompileInput, trace: MutableTrace): TradeDecision | null {
    switch (evaluation.kind) {
      case 'no-signal':
        return null;
      case 'no-size':
        return evaluation.candidate;
      case 'draft':
        return evaluation.draft;
      case 'below-confidence': {
        const base = candidateBase(evaluation.base, 'confidence');
        const draft = this.#draftTrade(evaluation.signal, input, base, trace, 'candidate');
        return typeof draft === 'string' ? null : draft;
      }
    }
  }

  /** The exploration trade for a setup only the confidence filter stopped, when ε draws one. */
  #explore(
    evaluation: Extract<Evaluation, { kind: 'below-confidence' }>,
    input: CompileInput,
    trace: MutableTrace,
  ): TradeDecision | undefined {
    const exploration = this.#learners.exploration;
    if (!exploration || evaluation.signal.engine === 'arbitrage' || !exploration.explore()) return undefined;
    const draft = this.#draftTrade(evaluation.signal, input, evaluation.base, trace, 'minimum');
    return typeof draft === 'string' ? undefined : draft;
  }

  #draftTrade(
    signal: TradeSignal,
    input: CompileInput,
    base: DraftBase,
    trace: MutableTrace,
    sizing: Sizing,
  ): TradeDecision | string {
    return draftTrade(
      { settings: this.settings, learners: this.#learners, input, trace },
      signal,
      base,
      sizing,
    );
  }

  /** A trade the rules passed: the lead lines go first, then the vetoes may still stop it. */
  #tradeUnlessVetoed(
    trade: TradeDecision,
    exploration: boolean,
    raw: number,
    input: CompileInput,
    probUp: number,
    reasons: string[],
    trace: MutableTrace,
    lead: LeadReasons | undefined,
  ): CompiledDecision {
    if (lead !== undefined) reasons.unshift(...lead.takeLead());
    const vetoed = this.#veto(trade, input, probUp, raw, trace);
    if (vetoed !== undefined) {
      return standAside(input, reasons, trace, `veto: ${vetoed}`, { kind: 'veto', reason: vetoed }, trade);
    }
    return { decision: trade, reasons, trace, gate: { kind: 'traded', exploration }, candidate: null };
  }

  /** The first veto's reason, or undefined when every veto keeps the trade. */
  #veto(
    draft: TradeDecision,
    input: CompileInput,
    probUp: number,
    rawConfidence: number,
    trace: MutableTrace,
  ): string | undefined {
    for (const veto of this.#vetoes) {
      const why = veto(draft, { regime: input.regime, probUp, balanceUsd: input.balanceUsd, rawConfidence });
      if (why !== undefined) {
        trace.veto = why;
        return why;
      }
    }
    return undefined;
  }
}
