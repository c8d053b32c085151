import {
  type CounterfactualContext,
  DEFAULT_REWARD_CLIP_R,
  GovernorError,
  isTradeDecision,
  type LearnContext,
  type Market,
  type SequenceModelEngine,
  settledRiskUsd,
  type TradeDecision,
  type TradeOutcome,
} from '@omni/core';
import type { FeatureVector } from '@omni/features';
import { type FibBlock, MasterFibonacciGovernor, type VolatilitySample } from '@omni/fib-core';
import { DecisionOrchestrator } from './decision-orchestrator.js';
import { DecisionReasons, GovernorAnswer } from './decision-reasons.js';
import { FibAuditCache } from './fib-audit-cache.js';
import { lessonFrom, teachLearners } from './governor-learn.js';
import { freshLearners, restoredLearners, snapshotLearners } from './governor-learners.js';
import {
  availableMarkets,
  defaultVolatilitySample,
  defaultVolScore,
  dominantRegime,
  predictProbabilities,
  sameSwing,
  type VolatilityScratch,
} from './governor-market.js';
import type { GovernorSnapshot } from './governor-snapshot.js';
import type {
  FibEvaluator,
  GovernorDecideInput,
  GovernorDecision,
  GovernorLearners,
  LearnReport,
  MasterGovernorX100Options,
  VolScoreSource,
} from './governor-types.js';
import { requireNumberInRange, requireOption } from './numeric-input.js';
import { type DominantRegime, RegimeStateBuilder } from './regime-state-builder.js';
import { withSetupKey } from './setup-key.js';
import { trendStrength } from './trend-strength.js';

const WARMING_UP_REASON = 'regime state: the volatility score is still warming up';
const WARMING_UP_REASONS: readonly string[] = Object.freeze([WARMING_UP_REASON]);

/**
 * The main brain (the specification's MasterGovernorX100, 2.6 and DOC 3 §5.1–5.6). `decide` runs, in
 * order: SequenceModelEngine (probUp, volatility, regime probabilities) → RegimeStateBuilder →
 * RegimeSwitchingRL.chooseEngine → MasterFibonacciGovernor.evaluateMarket → DecisionOrchestrator.compile
 * (LadderRiskAI | SpotTPRotator | ArbitrageRLAgent), and returns the decision with everything that
 * explains it. `learn` is the feedback cycle from settled outcomes. `snapshot`/`restore` persist every learner.
 *
 * No look-ahead: `decide` uses only its input (features at `features.tsMs`, the window ending there).
 * Determinism: all randomness comes from `rng` forks whose states are in the snapshot.
 *
 * @example
 * const governor = new MasterGovernorX100({ config, sequence: await FallbackSequenceModel.create({ clock }) });
 * await sequence.prepare(window);
 * const audit = governor.decide({ decisionId: 'run-1', features, window, balanceUsd: 10_000 });
 * // ... execute audit.decision; when it settles:
 * governor.learn(outcome, audit, { riskUsd: approval.riskUsd });
 * writeJsonAtomic('state/governor.json', governor.snapshot());
 */
export class MasterGovernorX100 {
  readonly sequence: SequenceModelEngine;
  readonly regimeStates: RegimeStateBuilder;
  readonly #options: MasterGovernorX100Options;
  readonly #volScore: VolScoreSource;
  readonly #maxRewardR: number;
  readonly #timeframe: string;
  #learners!: GovernorLearners;
  #orchestrator!: DecisionOrchestrator;
  #fib!: FibEvaluator;
  /** Audit copies of the fib block, sharing what did not change since the last decision. */
  #fibAudits = new FibAuditCache();
  /** The default volatility sample, rewritten each tick (no allocation per tick). */
  readonly #ownSample: VolatilityScratch = { fx: undefined, dex: undefined };
  /** Confirmation time of the newest swing handed to the fib stage (catch-up of skipped ticks). */
  #fedSwingTs: number | undefined;

  constructor(options: MasterGovernorX100Options) {
    if (typeof options.sequence?.predictDirection !== 'function') {
      throw new GovernorError('GOVERNOR_BAD_OPTION', 'MasterGovernorX100 needs a SequenceModelEngine', {
        option: 'sequence',
      });
    }
    this.#options = options;
    this.sequence = options.sequence;
    this.regimeStates = new RegimeStateBuilder(options.regimeStates);
    this.#volScore = options.volScore ?? defaultVolScore;
    this.#maxRewardR = requireOption(
      options.maxRewardR ?? DEFAULT_REWARD_CLIP_R,
      'maxRewardR',
      Number.MIN_VALUE,
      1e6,
    );
    this.#timeframe = options.fib?.timeframe ?? 'tick';
    this.#install(freshLearners(options));
  }

  /**
   * A governor whose learners are those of `snapshot` (from {@link MasterGovernorX100.snapshot}) and
   * whose everything else (sequence model, limits, hooks) comes from `deps`. Learner options saved in
   * the snapshot win over `deps`. Throws StateError (`STATE_INVALID` listing each problem,
   * `STATE_NEWER_VERSION`) for bad data.
   *
   * The market analysis (fib swings, zones, volatility windows) is not learned state: it is rebuilt from
   * the market. Replay recent features through {@link MasterGovernorX100.observeMarket} before deciding.
   */
  static restore(snapshot: unknown, deps: MasterGovernorX100Options): MasterGovernorX100 {
    const learners = restoredLearners(snapshot, deps);
    const governor = new MasterGovernorX100(deps);
    governor.#install(learners);
    return governor;
  }

  /** The learners (read them for reports; change them only through `learn`). */
  get learners(): GovernorLearners {
    return this.#learners;
  }

  /** The orchestrator of this governor (its settings come from the config). */
  get orchestrator(): DecisionOrchestrator {
    return this.#orchestrator;
  }

  /**
   * One decision, in the specification's order (DOC 3 §5.1–5.6), with its audit record.
   * Synchronous: with an ONNX model, `await sequence.prepare(window)` first.
   */
  decide(input: GovernorDecideInput): GovernorDecision {
    if (typeof input.decisionId !== 'string' || input.decisionId.length === 0) {
      throw new GovernorError('GOVERNOR_BAD_INPUT', 'decide needs a non-empty decisionId', {
        field: 'decisionId',
      });
    }
    const balanceUsd = requireNumberInRange(input.balanceUsd, 'balanceUsd');
    const features = input.features;
    // 5.1 sequence model
    const probabilities = predictProbabilities(this.sequence, input.window);
    // 5.2 regime state
    const volScore = this.#volScore({ features, predictedVolatility: probabilities.volatility });
    const regime =
      volScore === null
        ? null
        : this.regimeStates.build({
            volScore,
            trendStrength: trendStrength(input.window),
            probabilities: probabilities.regimes,
          });
    // 5.4 fib enrichment (always, so the fib stage sees every tick's swings)
    const dominant = regime?.dominantRegime ?? dominantRegime(probabilities.regimes);
    const block = this.#evaluateFib(features, dominant, input.volatility, input.dexVolatility);
    const fib = this.#fibAudits.audit(block);
    // 5.3 engine selection, among the engines that pass Fibonacci validation at this tick: the
    // regime learner masks the rest, so a regime never settles on an engine that cannot trade now
    // (and never learns nothing because its favourite engine had no setup).
    const available = availableMarkets(block.signals, (input.arbitrage?.candidates.length ?? 0) > 0);
    const engineChoice = regime ? this.#learners.regimeRL.chooseEngine(regime, available) : null;
    if (regime && available.length > 0) this.#learners.regimeRL.noteRound(regime.regimeKey);
    // Every step's reason line, formatted when first read (see DecisionReasons).
    const reasons = new DecisionReasons(
      this.sequence.name,
      probabilities,
      regime,
      engineChoice,
      fib.wave.kind === 'count' ? fib.wave.label : null,
    );

    if (!regime || !engineChoice) {
      reasons.setTail(WARMING_UP_REASONS);
      return new GovernorAnswer(
        {
          decision: {
            engine: 'none',
            id: input.decisionId,
            tsMs: features.tsMs,
            symbol: features.symbol,
            reason: WARMING_UP_REASON,
          },
          regimeKey: 'warming-up',
          regime: null,
          probabilities,
          engineChoice: null,
          fib,
          trace: null,
          sequenceModel: this.sequence.name,
          gate: { kind: 'warming-up' },
          candidate: null,
        },
        reasons,
      );
    }
    // 5.5–5.6 envelope and engine-specific modifiers (the regime, engine and Elliott lines lead)
    const compiled = this.#orchestrator.compileWithLead(
      {
        decisionId: input.decisionId,
        tsMs: features.tsMs,
        symbol: features.symbol,
        engine: engineChoice.engine,
        regime,
        probUp: probabilities.probUp,
        signals: block.signals,
        balanceUsd,
        routeCandidates: input.arbitrage?.candidates,
        standAsideEngine:
          engineChoice.engine === 'none' && available.length > 0
            ? this.#bestValued(regime.regimeKey, available)
            : undefined,
      },
      reasons,
    );
    reasons.setTail(compiled.reasons);
    return new GovernorAnswer(
      {
        // The setup's identity lets SafetyManager refuse a second position on it (maxPositionsPerSetup).
        decision: withSetupKey(compiled.decision, block),
        regimeKey: regime.regimeKey,
        regime,
        probabilities,
        engineChoice,
        fib,
        trace: compiled.trace,
        sequenceModel: this.sequence.name,
        gate: compiled.gate,
        // Keyed too: the counterfactual hub opens one would-be trade per setup, as SafetyManager would.
        candidate: compiled.candidate && (withSetupKey(compiled.candidate, block) as TradeDecision),
      },
      reasons,
    );
  }

  /**
   * Feeds one tick to the fib stage without deciding: for ticks the runtime does not decide on
   * (warm-up after a restart, safety cooldown). Same fib call as `decide`; touches no learner.
   */
  observeMarket(
    input: Pick<GovernorDecideInput, 'features' | 'window' | 'volatility' | 'dexVolatility'>,
  ): void {
    const probabilities = predictProbabilities(this.sequence, input.window);
    const volScore = this.#volScore({
      features: input.features,
      predictedVolatility: probabilities.volatility,
    });
    const dominant =
      volScore === null
        ? dominantRegime(probabilities.regimes)
        : this.regimeStates.dominantRegime({
            volScore,
            trendStrength: trendStrength(input.window),
            probabilities: probabilities.regimes,
          });
    this.#evaluateFib(input.features, dominant, input.volatility, input.dexVolatility, false);
  }

  /**
   * The feedback cycle for one settled outcome of a decision this governor made (`audit` is what
   * `decide` returned for it). Reward = `rewardR(pnl, riskUsd, maxRewardR)` of @omni/core: the
   * R-multiple in USD, clipped, so the three engines are compared on one scale and a stop-out is −1 R
   * whatever the quote currency. riskUsd is `context.riskUsd`, the USD risk SafetyManager approved
   * (the runtime passes it); without it, `settledRiskUsd` of @omni/core (binary: the stake; spot:
   * size × (|entry − stop| + round-trip costs) in USD at the entry rate; arbitrage: the gas, all a
   * reverted flash swap loses). Updates: RegimeSwitchingRL (reward), the engine's
   * calibrator (raw confidence → win), LadderRiskAI (win/loss/tie), SpotTPRotator (each take-profit
   * level hit or missed before the stop, from the outcome's `legs`; an outcome without them, such as
   * a record written before they existed, teaches no level), ArbitrageRLAgent (realised net profit in
   * USD) and PatternMemory (win/loss and R of the signal's pattern).
   *
   * `context` is the `LearnContext` of @omni/core; without `riskUsd`, `learn` recomputes the risk
   * from the outcome as above.
   */
  learn(outcome: TradeOutcome, audit: GovernorDecision, context: Partial<LearnContext> = {}): LearnReport {
    const lesson = lessonFrom(outcome, audit, context.riskUsd, (d) =>
      settledRiskUsd(
        outcome,
        d,
        this.#options.config.engines.arbitrage,
        this.#orchestrator.settings.spot.roundTripCostBps,
      ),
    );
    return teachLearners(this.#learners, lesson, {
      maxRewardR: this.#maxRewardR,
      timeframe: this.#timeframe,
    });
  }

  /**
   * Learns from a counterfactual outcome: `audit.candidate` (or `audit.decision` when SafetyManager
   * refused the trade), never sent, settled by the shadow rules from later prices. It teaches what is
   * about the signal (see `teachLearners`): the calibrator (raw confidence → win, the way out of a
   * calibrated map that sits below `minConfidence` everywhere), PatternMemory, and the regime
   * learner's estimate (`RegimeSwitchingRL.observeCounterfactual`: counted apart from real trades).
   * LadderRiskAI, SpotTPRotator and ArbitrageRLAgent learn from real trades only. The reward is R
   * of `context.riskUsd` (what the candidate would have risked), else recomputed as in `learn`.
   * Throws `GOVERNOR_BAD_INPUT` for an answer without a candidate or a trade.
   */
  learnCounterfactual(
    outcome: TradeOutcome,
    audit: GovernorDecision,
    context: Partial<CounterfactualContext> = {},
  ): LearnReport {
    const decision: TradeDecision | null =
      audit.candidate ?? (isTradeDecision(audit.decision) ? audit.decision : null);
    if (decision === null) {
      throw new GovernorError(
        'GOVERNOR_BAD_INPUT',
        'this decision has no candidate trade to learn a counterfactual outcome of',
        {
          field: 'audit.candidate',
          decisionId: audit.decision.id,
        },
      );
    }
    const lesson = lessonFrom(
      outcome,
      audit,
      context.riskUsd,
      (d) =>
        settledRiskUsd(
          outcome,
          d,
          this.#options.config.engines.arbitrage,
          this.#orchestrator.settings.spot.roundTripCostBps,
        ),
      decision,
    );
    return teachLearners(this.#learners, lesson, {
      maxRewardR: this.#maxRewardR,
      timeframe: this.#timeframe,
      counterfactual: true,
    });
  }

  /** Every learner's state (with Rng states) as one JSON-safe, versioned object; see {@link GovernorSnapshotSchema}. */
  snapshot(): GovernorSnapshot {
    return snapshotLearners(this.#learners);
  }

  #install(learners: GovernorLearners): void {
    const o = this.#options;
    this.#learners = learners;
    this.#orchestrator = new DecisionOrchestrator(
      DecisionOrchestrator.settingsFromConfig(
        o.config,
        o.sequenceWeight === undefined ? {} : { sequenceWeight: o.sequenceWeight },
      ),
      learners,
      o.vetoes,
    );
    this.#fib = o.createFib
      ? o.createFib(learners.patternMemory)
      : new MasterFibonacciGovernor({ ...o.fib, memory: learners.patternMemory });
    this.#fedSwingTs = undefined;
    this.#fibAudits = new FibAuditCache();
  }

  /** The available engine with the highest Q-value in the regime (ties: MARKETS order): a stand-aside's candidate. */
  #bestValued(regimeKey: string, available: readonly Market[]): Market {
    const values = this.#learners.regimeRL.values(regimeKey);
    let best = available[0] as Market;
    for (const m of available) if (values[m] > values[best]) best = m;
    return best;
  }

  /**
   * Evaluates the fib stage. Swings confirmed on ticks it did not see (the runtime skips deciding
   * while blocked) are handed over first, one call each, with no ATR or volatility so that only the
   * swing state moves; this allocates only when swings were missed.
   */
  #evaluateFib(
    features: FeatureVector,
    regime: DominantRegime,
    volatility: VolatilitySample | undefined,
    dexVolatility: number | undefined,
    signals = true,
  ): FibBlock {
    const swings = features.swings;
    const last = swings[swings.length - 1];
    const fed = this.#fedSwingTs;
    if (fed !== undefined && last && last.confirmedTsMs > fed) {
      for (const s of swings) {
        if (s.confirmedTsMs <= fed || sameSwing(s, features.newSwing)) continue;
        this.#fib.evaluateMarket(
          { ...features, newSwing: s, atr: null, rollingStd: null },
          { regime, signals: false },
        );
      }
    }
    if (last && (fed === undefined || last.confirmedTsMs > fed)) this.#fedSwingTs = last.confirmedTsMs;
    const sample = volatility ?? defaultVolatilitySample(this.#ownSample, features.rollingStd, dexVolatility);
    return this.#fib.evaluateMarket(
      features,
      sample ? { regime, volatility: sample, signals } : { regime, signals },
    );
  }
}
