import {
  DEFAULT_REWARD_CLIP_R,
  GovernorError,
  type LearnContext,
  MARKETS,
  Rng,
  type SequenceModelEngine,
  settledRiskUsd,
  type TradeOutcome,
} from '@omni/core';
import type { FeatureVector } from '@omni/features';
import { type FibBlock, MasterFibonacciGovernor, PatternMemory, type VolatilitySample } from '@omni/fib-core';
import { ArbitrageRLAgent } from './arbitrage-rl-agent.js';
import { DecisionOrchestrator } from './decision-orchestrator.js';
import { auditFibBlock } from './fib-audit.js';
import { lessonFrom, teachLearners } from './governor-learn.js';
import { defaultVolScore, dominantRegime, fmt, sameSwing } from './governor-market.js';
import {
  GOVERNOR_SNAPSHOT_KIND,
  GOVERNOR_SNAPSHOT_VERSION,
  type GovernorSnapshot,
  GovernorSnapshotSchema,
  patternMemoryFromJSON,
} from './governor-snapshot.js';
import type {
  DecisionProbabilities,
  FibEvaluator,
  GovernorDecideInput,
  GovernorDecision,
  GovernorLearners,
  LearnReport,
  MasterGovernorX100Options,
  VolScoreSource,
} from './governor-types.js';
import { LadderRiskAI } from './ladder-risk-ai.js';
import { requireNumberInRange, requireOption } from './numeric-input.js';
import { parseLearnerState } from './persisted-state.js';
import { type DominantRegime, RegimeStateBuilder } from './regime-state-builder.js';
import { RegimeSwitchingRL } from './regime-switching-rl.js';
import { SignalConfidenceCalibrator } from './signal-confidence-calibrator.js';
import { SpotTPRotator } from './spot-tp-rotator.js';
import { trendStrength } from './trend-strength.js';

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
    const rng = options.rng ?? new Rng(options.config.seed);
    const calibrator = () => new SignalConfidenceCalibrator(options.calibrator);
    this.#install({
      regimeRL: new RegimeSwitchingRL({
        epsilon: options.config.engines.governor.explorationEpsilon,
        ...options.regimeRL,
        rng: rng.fork('governor/regime-rl'),
      }),
      calibrators: { binary: calibrator(), spot: calibrator(), arbitrage: calibrator() },
      ladder: LadderRiskAI.fromConfig(options.config, options.ladder),
      spotTp: new SpotTPRotator({ ...options.spotTp, rng: rng.fork('governor/spot-tp') }),
      arbitrage: new ArbitrageRLAgent(options.arbitrage),
      patternMemory: options.patternMemory ?? new PatternMemory(),
    });
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
    const s = parseLearnerState(GovernorSnapshotSchema, snapshot, {
      kind: GOVERNOR_SNAPSHOT_KIND,
      version: GOVERNOR_SNAPSHOT_VERSION,
    });
    const governor = new MasterGovernorX100(deps);
    const base = LadderRiskAI.fromConfig(deps.config, deps.ladder);
    governor.#install({
      regimeRL: RegimeSwitchingRL.fromJSON(s.regimeRL),
      calibrators: {
        binary: SignalConfidenceCalibrator.fromJSON(s.calibrators.binary),
        spot: SignalConfidenceCalibrator.fromJSON(s.calibrators.spot),
        arbitrage: SignalConfidenceCalibrator.fromJSON(s.calibrators.arbitrage),
      },
      ladder: LadderRiskAI.fromJSON(s.ladder, {
        maxStakeUsd: base.maxStakeUsd,
        maxBalanceFraction: base.maxBalanceFraction,
        maxLadderDepth: base.maxLadderDepth,
        kellyFraction: base.kellyFraction,
        payout: base.payout,
        stepMultiplier: base.stepMultiplier,
        minStakeUsd: base.minStakeUsd,
      }),
      spotTp: SpotTPRotator.fromJSON(s.spotTp),
      arbitrage: ArbitrageRLAgent.fromJSON(s.arbitrage),
      patternMemory: patternMemoryFromJSON(s.patternMemory),
    });
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
    const probabilities = this.#predict(input.window);
    const reasons: string[] = [
      `sequence ${this.sequence.name}: P(up) ${fmt(probabilities.probUp)}, volatility ${probabilities.volatility.toPrecision(4)}, regimes trending ${fmt(probabilities.regimes.trending)} / mean-reverting ${fmt(probabilities.regimes.meanReverting)} / volatile ${fmt(probabilities.regimes.volatile)}`,
    ];
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
    const block = this.#evaluateFib(features, dominant, input.volatility);
    const fib = auditFibBlock(block);
    // 5.3 engine selection, among the engines that pass Fibonacci validation at this tick: the
    // regime learner masks the rest, so a regime never settles on an engine that cannot trade now
    // (and never learns nothing because its favourite engine had no setup).
    const available = MARKETS.filter(
      (m) =>
        block.signals[m].kind === 'signal' &&
        (m !== 'arbitrage' || (input.arbitrage?.candidates.length ?? 0) > 0),
    );
    const engineChoice = regime ? this.#learners.regimeRL.chooseEngine(regime, available) : null;
    if (regime && available.length > 0) this.#learners.regimeRL.noteRound(regime.regimeKey);

    if (!regime || !engineChoice) {
      const reason = 'regime state: the volatility score is still warming up';
      reasons.push(reason);
      return {
        decision: {
          engine: 'none',
          id: input.decisionId,
          tsMs: features.tsMs,
          symbol: features.symbol,
          reason,
        },
        regimeKey: 'warming-up',
        regime: null,
        probabilities,
        engineChoice: null,
        fib,
        trace: null,
        sequenceModel: this.sequence.name,
        reasons,
      };
    }
    reasons.push(
      `regime ${regime.regimeKey}: vol score ${fmt(regime.volScore)}, trend strength ${fmt(regime.trendStrength)}, mean reversion ${fmt(regime.meanReversionScore)}`,
      `RegimeSwitchingRL: ${engineChoice.engine} (${engineChoice.mode}, Q ${fmt(engineChoice.value)})`,
    );
    if (fib.wave.kind === 'count') reasons.push(`Elliott: ${fib.wave.label}`);
    // 5.5–5.6 envelope and engine-specific modifiers
    const compiled = this.#orchestrator.compile({
      decisionId: input.decisionId,
      tsMs: features.tsMs,
      symbol: features.symbol,
      engine: engineChoice.engine,
      regime,
      probUp: probabilities.probUp,
      signals: block.signals,
      balanceUsd,
      reasons: reasons.slice(1),
      ...(input.arbitrage ? { routeCandidates: input.arbitrage.candidates } : {}),
    });
    return {
      decision: compiled.decision,
      regimeKey: regime.regimeKey,
      regime,
      probabilities,
      engineChoice,
      fib,
      trace: compiled.trace,
      sequenceModel: this.sequence.name,
      reasons: [reasons[0] as string, ...compiled.reasons],
    };
  }

  /**
   * Feeds one tick to the fib stage without deciding: for ticks the runtime does not decide on
   * (warm-up after a restart, safety cooldown). Same fib call as `decide`; touches no learner.
   */
  observeMarket(input: Pick<GovernorDecideInput, 'features' | 'window' | 'volatility'>): void {
    const probabilities = this.#predict(input.window);
    const volScore = this.#volScore({
      features: input.features,
      predictedVolatility: probabilities.volatility,
    });
    const dominant =
      volScore === null
        ? dominantRegime(probabilities.regimes)
        : this.regimeStates.build({
            volScore,
            trendStrength: trendStrength(input.window),
            probabilities: probabilities.regimes,
          }).dominantRegime;
    this.#evaluateFib(input.features, dominant, input.volatility);
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

  /** Every learner's state (with Rng states) as one JSON-safe, versioned object; see {@link GovernorSnapshotSchema}. */
  snapshot(): GovernorSnapshot {
    const L = this.#learners;
    return {
      kind: GOVERNOR_SNAPSHOT_KIND,
      version: GOVERNOR_SNAPSHOT_VERSION,
      regimeRL: L.regimeRL.toJSON(),
      calibrators: {
        binary: L.calibrators.binary.toJSON(),
        spot: L.calibrators.spot.toJSON(),
        arbitrage: L.calibrators.arbitrage.toJSON(),
      },
      ladder: L.ladder.toJSON(),
      spotTp: L.spotTp.toJSON(),
      arbitrage: L.arbitrage.toJSON(),
      patternMemory: L.patternMemory.toJSON(),
    };
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
  }

  #predict(window: ArrayLike<number>): DecisionProbabilities {
    const probUp = requireNumberInRange(this.sequence.predictDirection(window), 'sequence.probUp', 0, 1);
    const volatility = requireNumberInRange(
      this.sequence.predictVolatility(window),
      'sequence.volatility',
      0,
    );
    const r = this.sequence.regimeProbabilities(window);
    return {
      probUp,
      volatility,
      regimes: { trending: r.trending, meanReverting: r.meanReverting, volatile: r.volatile },
    };
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
  ): FibBlock {
    const swings = features.swings;
    const last = swings[swings.length - 1];
    const fed = this.#fedSwingTs;
    if (fed !== undefined && last && last.confirmedTsMs > fed) {
      for (const s of swings) {
        if (s.confirmedTsMs <= fed || sameSwing(s, features.newSwing)) continue;
        this.#fib.evaluateMarket({ ...features, newSwing: s, atr: null, rollingStd: null }, { regime });
      }
    }
    if (last && (fed === undefined || last.confirmedTsMs > fed)) this.#fedSwingTs = last.confirmedTsMs;
    const sample = volatility ?? (features.rollingStd === null ? undefined : { fx: features.rollingStd });
    return this.#fib.evaluateMarket(features, sample ? { regime, volatility: sample } : { regime });
  }
}
