import type { Decision, DecisionGate, TradeDecision } from '@omni/core';
import type { DecisionTrace } from './decision-orchestrator.js';
import type { FibAudit } from './fib-audit.js';
import { fmt } from './governor-market.js';
import type { DecisionProbabilities, GovernorDecision } from './governor-types.js';
import type { LeadReasons } from './orchestrator-types.js';
import type { RegimeKey, RegimeState } from './regime-state-builder.js';
import type { EngineChoice } from './regime-switching-rl.js';

const NO_LINES: readonly string[] = Object.freeze([]);

/**
 * The reason lines of one decision, formatted when they are first read. Why: a decision explains each
 * step in words (`sequence momentum: P(up) 0.5312, …`, `regime vol-high|…`, `RegimeSwitchingRL: …`),
 * and formatting those numbers (~0.1 µs each) cost more than the rest of a decision, while a backtest
 * journals only the decisions that act. The numbers and names are copied here when the decision is
 * made (nothing is read later from objects that could change), so the lines are exactly those an
 * eager decision would have had, whenever they are read.
 *
 * The lines of the steps before the orchestrator (regime, engine choice, Elliott count) lead the
 * orchestrator's reasons; when the orchestrator builds a trade, whose own `reasons` carry them, it
 * takes them at once through {@link DecisionReasons.takeLead}.
 */
export class DecisionReasons implements LeadReasons {
  readonly #sequenceModel: string;
  readonly #probUp: number;
  readonly #volatility: number;
  readonly #trending: number;
  readonly #meanReverting: number;
  readonly #volatile: number;
  readonly #regimeKey: RegimeKey | null;
  readonly #volScore: number;
  readonly #trendStrength: number;
  readonly #meanReversion: number;
  readonly #engine: string;
  readonly #mode: string;
  readonly #value: number;
  readonly #waveLabel: string | null;
  #tail: readonly string[] = NO_LINES;
  #leadInTail = false;
  #lines: readonly string[] | undefined;

  constructor(
    sequenceModel: string,
    p: DecisionProbabilities,
    regime: RegimeState | null,
    choice: EngineChoice | null,
    waveLabel: string | null,
  ) {
    this.#sequenceModel = sequenceModel;
    this.#probUp = p.probUp;
    this.#volatility = p.volatility;
    this.#trending = p.regimes.trending;
    this.#meanReverting = p.regimes.meanReverting;
    this.#volatile = p.regimes.volatile;
    this.#regimeKey = regime === null || choice === null ? null : regime.regimeKey;
    this.#volScore = regime?.volScore ?? 0;
    this.#trendStrength = regime?.trendStrength ?? 0;
    this.#meanReversion = regime?.meanReversionScore ?? 0;
    this.#engine = choice?.engine ?? '';
    this.#mode = choice?.mode ?? '';
    this.#value = choice?.value ?? 0;
    this.#waveLabel = waveLabel;
  }

  /** The lead lines, for a trade's reasons: from now on the tail holds them. */
  takeLead(): readonly string[] {
    this.#leadInTail = true;
    return this.#leadLines();
  }

  /** The orchestrator's reasons, which follow the lead lines (or hold them, after `takeLead`). */
  setTail(tail: readonly string[]): void {
    this.#tail = tail;
  }

  /** Every line: the sequence model's, the lead lines, the tail. Formatted once, on the first call. */
  lines(): readonly string[] {
    if (this.#lines === undefined) {
      const lines = [
        `sequence ${this.#sequenceModel}: P(up) ${fmt(this.#probUp)}, volatility ${this.#volatility.toPrecision(4)}, regimes trending ${fmt(this.#trending)} / mean-reverting ${fmt(this.#meanReverting)} / volatile ${fmt(this.#volatile)}`,
      ];
      if (!this.#leadInTail) for (const line of this.#leadLines()) lines.push(line);
      for (const line of this.#tail) lines.push(line);
      this.#lines = lines;
    }
    return this.#lines;
  }

  #leadLines(): string[] {
    if (this.#regimeKey === null) return [];
    const lines = [
      `regime ${this.#regimeKey}: vol score ${fmt(this.#volScore)}, trend strength ${fmt(this.#trendStrength)}, mean reversion ${fmt(this.#meanReversion)}`,
      `RegimeSwitchingRL: ${this.#engine} (${this.#mode}, Q ${fmt(this.#value)})`,
    ];
    if (this.#waveLabel !== null) lines.push(`Elliott: ${this.#waveLabel}`);
    return lines;
  }
}

/** Everything of a {@link GovernorDecision} but its reasons. */
export type GovernorDecisionFields = Omit<GovernorDecision, 'reasons'>;

/**
 * A {@link GovernorDecision} whose `reasons` are formatted on first read (see {@link DecisionReasons}).
 * Every field is an own enumerable property in the order of the interface, `reasons` an accessor that
 * always returns the same array, so JSON, spreads and `structuredClone` see exactly what an eager
 * decision had.
 */
export class GovernorAnswer implements GovernorDecision {
  declare readonly decision: Decision;
  declare readonly regimeKey: RegimeKey | 'warming-up';
  declare readonly regime: RegimeState | null;
  declare readonly probabilities: DecisionProbabilities;
  declare readonly engineChoice: EngineChoice | null;
  declare readonly fib: FibAudit;
  declare readonly trace: DecisionTrace | null;
  declare readonly sequenceModel: string;
  declare readonly reasons: readonly string[];
  declare readonly gate: DecisionGate;
  declare readonly candidate: TradeDecision | null;
  readonly #reasons: DecisionReasons;

  static readonly #reasonsProperty: PropertyDescriptor = {
    enumerable: true,
    configurable: false,
    get(this: GovernorAnswer): readonly string[] {
      return this.#reasons.lines();
    },
  };

  constructor(fields: GovernorDecisionFields, reasons: DecisionReasons) {
    this.#reasons = reasons;
    this.decision = fields.decision;
    this.regimeKey = fields.regimeKey;
    this.regime = fields.regime;
    this.probabilities = fields.probabilities;
    this.engineChoice = fields.engineChoice;
    this.fib = fields.fib;
    this.trace = fields.trace;
    this.sequenceModel = fields.sequenceModel;
    Object.defineProperty(this, 'reasons', GovernorAnswer.#reasonsProperty);
    this.gate = fields.gate;
    this.candidate = fields.candidate;
  }
}
