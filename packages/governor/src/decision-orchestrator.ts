import type {
  ArbitrageDecision,
  BinaryDecision,
  Decision,
  Engine,
  Market,
  OmniConfig,
  RouteCandidate,
  SpotDecision,
  TakeProfit,
  TradeDecision,
} from '@omni/core';
import { GovernorError, gasCostUsd, MARKETS, spotRoundTripCostBps } from '@omni/core';
import type { FibBlock } from '@omni/fib-core';
import type { ArbitrageRLAgent, RouteChoice } from './arbitrage-rl-agent.js';
import type { LadderRiskAI, LadderStake } from './ladder-risk-ai.js';
import { requireNumberInRange, requireOption } from './numeric-input.js';
import type { RegimeState } from './regime-state-builder.js';
import type { SignalConfidenceCalibrator } from './signal-confidence-calibrator.js';
import { type SpotPositionSize, type SpotSizingLimits, spotPositionSize } from './spot-position-size.js';
import type { SpotTPRotator, TpChoice } from './spot-tp-rotator.js';

/** Why a fib signal is `none` (or `setup` when it is a signal). */
function noneReason(
  signal: { readonly kind: 'signal' } | { readonly kind: 'none'; readonly reason: string },
): string {
  return signal.kind === 'none' ? signal.reason : 'setup';
}

/** The numbers {@link DecisionOrchestrator} applies; {@link DecisionOrchestrator.settingsFromConfig} fills them. */
export interface OrchestratorSettings {
  /** Trades below this calibrated probability stand aside (`engines.governor.minConfidence`). */
  readonly minConfidence: number;
  /**
   * Weight w of the sequence model in the raw confidence of binary and spot signals:
   * raw = (1 − w)·fibConfidence + w·P(direction) (default 0.5).
   */
  readonly sequenceWeight: number;
  /** Binary payout ratio b (`engines.binary.payout`). */
  readonly payout: number;
  /** Spot risk sizing and its caps. */
  readonly spot: SpotSizingLimits;
  /** Routes expected to net less than this are not sent (`engines.arbitrage.minProfitUsd`). */
  readonly minProfitUsd: number;
  /** Gas of one arbitrage transaction in USD (`gasCostUsd` of @omni/core). */
  readonly gasCostUsd: number;
}

/** The learners the orchestrator reads (it never updates them; learning is `MasterGovernorX100.learn`). */
export interface OrchestratorLearners {
  /** One calibrator per market: raw confidences of different engines mean different things. */
  readonly calibrators: Readonly<Record<Market, SignalConfidenceCalibrator>>;
  readonly ladder: LadderRiskAI;
  readonly spotTp: SpotTPRotator;
  readonly arbitrage: ArbitrageRLAgent;
}

/** What a {@link DecisionVeto} sees besides the draft decision. */
export interface VetoContext {
  readonly regime: RegimeState;
  readonly probUp: number;
  readonly balanceUsd: number;
  readonly rawConfidence: number;
}

/**
 * A user hook that may turn a fully built trade decision into `none`: return a reason to stand
 * aside, or `undefined` to keep it. It runs after every built-in filter and cannot change or add a
 * trade, so no hook can bypass fib validation, regime selection or the confidence filter.
 */
export type DecisionVeto = (decision: TradeDecision, context: VetoContext) => string | undefined;

/** Everything {@link DecisionOrchestrator.compile} needs for one decision. */
export interface CompileInput {
  readonly decisionId: string;
  readonly tsMs: number;
  readonly symbol: string;
  /** The engine RegimeSwitchingRL chose (`none` stands aside). */
  readonly engine: Engine;
  readonly regime: RegimeState;
  /** The sequence model's probability of an up move. */
  readonly probUp: number;
  /** The fib block's per-engine signals (read now; nothing is kept). */
  readonly signals: FibBlock['signals'];
  readonly balanceUsd: number;
  /** Arbitrage routes priced at this tick; none means an arbitrage choice becomes `none`. */
  readonly routeCandidates?: readonly RouteCandidate[];
  /** Reasons of the earlier steps (regime, engine choice) that lead the decision's reasons. */
  readonly reasons?: readonly string[];
}

/** The chosen route as plain JSON (`index` is null for a never-settled route, whose UCB index is infinite). */
export interface RouteTrace {
  readonly routeId: string;
  readonly reason: 'unexplored' | 'ucb';
  readonly meanProfitUsd: number;
  readonly index: number | null;
  readonly expectedProfitUsd: number;
  readonly eligibleCandidates: number;
}

/** How the orchestrator got to its decision: the numbers `learn` and an auditor need. Plain JSON. */
export interface DecisionTrace {
  /** The fib signal's (uncalibrated) confidence, when the chosen engine signalled. */
  readonly fibConfidence: number | null;
  /** The sequence model's probability of the signal's direction (binary/spot). */
  readonly directionProbability: number | null;
  /** The raw confidence the calibrator maps (its outcome is learned against it). */
  readonly rawConfidence: number | null;
  readonly calibratedConfidence: number | null;
  /** The PatternMemory pattern of the signal and its direction (binary/spot). */
  readonly pattern: { readonly pattern: string; readonly direction: 'bullish' | 'bearish' } | null;
  readonly binary: LadderStake | null;
  readonly spot: {
    readonly sizing: SpotPositionSize;
    readonly tp: TpChoice | null;
    /** The SpotTPRotator context the level was chosen (and is learned) in: the trend bucket. */
    readonly tpContext: string;
    /** Every fib extension the rotator chose among, nearest first. */
    readonly tpCandidates: readonly { readonly ratio: number; readonly price: number }[];
    /** The ladder sent, with each rung's ratio (rung k settles as the take-profit leg of level k). */
    readonly ladder: readonly { readonly ratio: number; readonly price: number; readonly fraction: number }[];
  } | null;
  readonly arbitrage: RouteTrace | null;
  /** The veto's reason, when a {@link DecisionVeto} stood aside. */
  readonly veto: string | null;
}

/** A compiled decision: the core `Decision`, its reasons, and the {@link DecisionTrace}. */
export interface CompiledDecision {
  readonly decision: Decision;
  /** Why, in order (for `none`, the last line is the reason it stands aside). */
  readonly reasons: readonly string[];
  readonly trace: DecisionTrace;
}

type MutableTrace = { -readonly [K in keyof DecisionTrace]: DecisionTrace[K] };

const WEI_RATIO_SCALE = 1_000_000_000n;

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

    let draft: TradeDecision;
    const base = { id: input.decisionId, tsMs: input.tsMs, confidence: calibrated, reasons };
    switch (signal.engine) {
      case 'binary': {
        const stake = this.#learners.ladder.nextStake({
          balanceUsd: input.balanceUsd,
          probability: calibrated,
          payout: s.payout,
        });
        trace.binary = stake;
        if (stake.kind !== 'stake') return none(`LadderRiskAI: no stake (${describeStake(stake)})`);
        reasons.push(
          `LadderRiskAI: stake ${stake.stakeUsd} USD on rung ${stake.ladderStep} (Kelly edge ${fmt(stake.kellyEdge)}${stake.cappedBy ? `, capped by ${stake.cappedBy}` : ''})`,
        );
        const binary: BinaryDecision = {
          engine: 'binary',
          ...base,
          symbol: input.symbol,
          direction: signal.direction,
          stakeUsd: stake.stakeUsd,
          expirySec: Math.max(1, Math.round(signal.expirySec)),
        };
        draft = binary;
        break;
      }
      case 'spot': {
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
        if (sizing.kind !== 'size') return none(`spot sizing: ${sizing.reason}`);
        const tp = this.#learners.spotTp.chooseTp({
          entryPrice: signal.entryPrice,
          stopPrice: signal.stopPrice,
          levels: tpCandidates,
          context: tpContext,
        });
        spotTrace.tp = tp;
        if (tp.kind !== 'tp') return none(`SpotTPRotator: ${tp.reason}`);
        const ladder = takeProfitLadder(signal.takeProfits, tp.ratio);
        spotTrace.ladder = ladder;
        reasons.push(
          `spot size ${fmt(sizing.size)} risks ${fmt(sizing.riskUsd)} USD${sizing.cappedBy ? ` (capped by ${sizing.cappedBy})` : ''}; SpotTPRotator: final take-profit ${tp.ratio} at ${tp.price.toPrecision(6)} (R ${fmt(tp.rewardRisk)}, P(hit) ${fmt(tp.hitProbability)})`,
        );
        const spot: SpotDecision = {
          engine: 'spot',
          ...base,
          symbol: input.symbol,
          side: signal.side,
          size: sizing.size,
          entryPrice: signal.entryPrice,
          stopPrice: signal.stopPrice,
          takeProfits: ladder.map((r): TakeProfit => ({ price: r.price, fraction: r.fraction })),
        };
        draft = spot;
        break;
      }
      case 'arbitrage': {
        const candidates = input.routeCandidates ?? [];
        const eligible = candidates.filter((c) => checkCandidate(c).expectedProfitUsd >= s.minProfitUsd);
        if (eligible.length === 0) {
          return none(
            candidates.length === 0
              ? 'ArbitrageRLAgent: no route candidates at this tick'
              : `ArbitrageRLAgent: no route expected to net at least minProfitUsd ${s.minProfitUsd} (of ${candidates.length})`,
          );
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
        const arbitrage: ArbitrageDecision = {
          engine: 'arbitrage',
          ...base,
          routeId: c.routeId,
          amountInWei: c.amountInWei,
          minProfitWei,
        };
        draft = arbitrage;
        break;
      }
    }

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
}

type TakeProfitRung = { readonly ratio: number; readonly price: number; readonly fraction: number };

/**
 * The take-profit ladder up to the chosen level: the fib rungs nearer than it keep their fractions
 * and the chosen rung closes the rest (fractions sum to 1; the executor closes the remainder at the last rung).
 */
function takeProfitLadder(
  rungs: readonly { readonly ratio: number; readonly price: number; readonly fraction: number }[],
  finalRatio: number,
): TakeProfitRung[] {
  const out: TakeProfitRung[] = [];
  let used = 0;
  for (let i = 0; i < rungs.length; i++) {
    const r = rungs[i] as (typeof rungs)[number];
    if (r.ratio === finalRatio) {
      // The last fib rung keeps its own fraction (the ladder already sums to 1); an earlier one takes the rest.
      const fraction =
        i === rungs.length - 1 ? r.fraction : Math.min(1, Math.max(Number.MIN_VALUE, 1 - used));
      out.push({ ratio: r.ratio, price: r.price, fraction });
      return out;
    }
    out.push({ ratio: r.ratio, price: r.price, fraction: r.fraction });
    used += r.fraction;
  }
  throw new GovernorError('GOVERNOR_BAD_STATE', 'the chosen take-profit is not one of the fib rungs', {
    ratio: finalRatio,
  });
}

/**
 * The smallest gross token1 profit (wei) at which the route still nets `minProfitUsd` after gas:
 * ⌈expectedProfitWei · (gas + minProfitUsd) / (expectedProfitUsd + gas)⌉, where expectedProfitUsd + gas
 * is the candidate's gross profit in USD. The executor reverts (losing only gas) below it.
 */
function minimumProfitWei(c: RouteCandidate, gasCostUsd: number, minProfitUsd: number): bigint {
  const grossUsd = c.expectedProfitUsd + gasCostUsd;
  if (!(grossUsd > 0)) return c.expectedProfitWei;
  const ratio = Math.min(1, (gasCostUsd + minProfitUsd) / grossUsd);
  const scaled = BigInt(Math.ceil(ratio * Number(WEI_RATIO_SCALE)));
  const wei = (c.expectedProfitWei * scaled + WEI_RATIO_SCALE - 1n) / WEI_RATIO_SCALE;
  return wei > c.expectedProfitWei ? c.expectedProfitWei : wei;
}

function checkCandidate(c: RouteCandidate): RouteCandidate {
  if (
    typeof c.amountInWei !== 'bigint' ||
    c.amountInWei <= 0n ||
    typeof c.expectedProfitWei !== 'bigint' ||
    c.expectedProfitWei < 0n
  ) {
    throw new GovernorError(
      'GOVERNOR_BAD_INPUT',
      'a route candidate needs amountInWei > 0 and expectedProfitWei >= 0 as bigint wei',
      {
        field: 'arbitrage.candidates',
        routeId: c.routeId,
      },
    );
  }
  requireNumberInRange(c.expectedProfitUsd, `arbitrage.candidates[${c.routeId}].expectedProfitUsd`);
  return c;
}

function describeStake(stake: LadderStake): string {
  switch (stake.kind) {
    case 'no-edge':
      return `no Kelly edge: f* = ${fmt(stake.kellyEdge)}`;
    case 'below-minimum':
      return `sized stake ${fmt(stake.sizedStakeUsd)} USD is below the broker minimum`;
    case 'no-balance':
      return 'the balance is not positive';
    case 'stake':
      return `stake ${stake.stakeUsd}`;
  }
}

function checkSettings(s: OrchestratorSettings): OrchestratorSettings {
  requireOption(s.minConfidence, 'minConfidence', 0, 1);
  requireOption(s.sequenceWeight, 'sequenceWeight', 0, 1);
  requireOption(s.payout, 'payout', Number.MIN_VALUE, 1e6);
  requireOption(s.spot.riskPerTradeFraction, 'spot.riskPerTradeFraction', Number.MIN_VALUE, 1);
  requireOption(s.spot.maxStakeUsd, 'spot.maxStakeUsd', Number.MIN_VALUE, 1e12);
  requireOption(s.spot.maxBalanceFraction, 'spot.maxBalanceFraction', Number.MIN_VALUE, 1);
  requireOption(s.spot.maxExposureUsd, 'spot.maxExposureUsd', Number.MIN_VALUE, 1e15);
  requireOption(s.minProfitUsd, 'minProfitUsd', 0, 1e12);
  requireOption(s.gasCostUsd, 'gasCostUsd', 0, 1e12);
  return Object.freeze({ ...s, spot: Object.freeze({ ...s.spot }) });
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(4);
}
