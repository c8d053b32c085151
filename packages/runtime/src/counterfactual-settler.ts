import {
  type AuditableDecision,
  type CounterfactualGate,
  type DecisionBrain,
  isOmniError,
  type OmniConfig,
  type OmniLogger,
  positionRiskUsd,
  RuntimeError,
  rewardR,
  spotRoundTripCostBps,
  type Tick,
  type TradeDecision,
  type TradeOutcome,
} from '@omni/core';
import {
  type ExecutionHub,
  type PoolStateSource,
  readOnlyPoolView,
  ShadowExecutionHub,
} from '@omni/execution';
import type { DecisionFunnel } from './decision-funnel.js';

/** What the runtime needs to settle counterfactual outcomes (`counterfactual` of its components). */
export interface CounterfactualSettings {
  /**
   * The hub candidates are executed into: a hub that places no real orders (its `name` must be
   * `shadow`), with no ledger and no SafetyManager, used by nothing else — e.g. a second
   * `ShadowExecutionHub` (createOmniEngine builds one, its arbitrage pools read-only).
   */
  readonly hub: ExecutionHub;
  /** USD the candidate would have risked (1 R), computed the way SafetyManager does (`positionRiskUsd`). */
  readonly riskUsd: (decision: TradeDecision) => number;
  /**
   * At most this many candidates open at once per setup (engine × symbol × `setupKey`), as
   * SafetyManager allows real positions (`risk.maxPositionsPerSetup`): a setup a gate stops on tick
   * after tick is one would-be trade, not one per tick. Candidates without a setupKey are not capped.
   * Default: no cap.
   */
  readonly maxPerSetup?: number;
}

/**
 * The counterfactual settings of an engine: a second ShadowExecutionHub with the run's fill rules
 * and no ledger, whose arbitrage executor reads the run's pools but never moves them (no
 * `onTick`: the real hub advances them; no `applyFlashSwap`: a counterfactual swap has no price
 * impact) — on block pools it executes in the next block after the same flow as a real swap
 * (`readOnlyPoolView`: that flow is a pure function of the block, so reading it consumes nothing of
 * the live path), and the USD risk SafetyManager would compute (`positionRiskUsd` with the run's costs).
 */
export function counterfactualSettings(
  config: Pick<OmniConfig, 'engines'> & { readonly risk?: Pick<OmniConfig['risk'], 'maxPositionsPerSetup'> },
  pools?: PoolStateSource,
): CounterfactualSettings {
  const readOnlyPools: PoolStateSource | undefined = pools && readOnlyPoolView(pools);
  const spotCostBps = spotRoundTripCostBps(config);
  return {
    hub: new ShadowExecutionHub({
      engines: config.engines,
      ...(readOnlyPools ? { pools: readOnlyPools } : {}),
    }),
    riskUsd: (decision) => positionRiskUsd(decision, config.engines.arbitrage, spotCostBps),
    ...(config.risk ? { maxPerSetup: config.risk.maxPositionsPerSetup } : {}),
  };
}

/** The setup a candidate trades (engine × symbol × setupKey), or undefined when it names none. */
function setupOf(candidate: TradeDecision): string | undefined {
  if (candidate.setupKey === undefined) return undefined;
  const symbol = candidate.engine === 'arbitrage' ? candidate.routeId : candidate.symbol;
  return `${candidate.engine}|${symbol}|${candidate.setupKey}`;
}

/** A settled counterfactual outcome, with the answer it came from and its gate. */
export interface SettledCounterfactual<A> {
  readonly outcome: TradeOutcome;
  readonly audit: A;
  readonly gate: CounterfactualGate;
  readonly riskUsd: number;
  /** `rewardR(outcome.pnl, riskUsd)`, unclipped; null when the risk is 0. */
  readonly r: number | null;
}

/** Where counterfactual outcomes go: see {@link counterfactualSink}. */
export interface CounterfactualSink<A> {
  /** A candidate of `gate` went into the counterfactual hub. */
  opened(gate: CounterfactualGate): void;
  settled(settled: SettledCounterfactual<A>): void;
}

/**
 * The runtime's sink: each outcome is journaled to `counterfactual.jsonl`, counted in the funnel and
 * handed to `brain.learnCounterfactual` — nothing else (no PnL, safety or ledger). One cancelled at
 * its fill was never opened: like a real one, it teaches the brain nothing.
 */
export function counterfactualSink<A extends AuditableDecision>(parts: {
  readonly logger: OmniLogger;
  readonly funnel: DecisionFunnel;
  readonly brain: DecisionBrain<A>;
}): CounterfactualSink<A> {
  return {
    opened: (gate) => parts.funnel.noteCounterfactualOpened(gate),
    settled: ({ outcome, audit, gate, riskUsd, r }) => {
      parts.logger.logCounterfactual({ counterfactual: true, gate, riskUsd, r, outcome });
      parts.funnel.noteCounterfactualSettled(gate, outcome.pnl, r);
      if (outcome.exit?.kind !== 'cancelled') {
        parts.brain.learnCounterfactual?.(outcome, audit, { riskUsd, gate });
      }
    },
  };
}

interface OpenCandidate<A> {
  readonly audit: A;
  readonly gate: CounterfactualGate;
  readonly riskUsd: number;
  readonly setup: string | undefined;
}

/**
 * Settles the trades gates stopped as if they had been placed: each candidate goes into a private
 * shadow hub and settles from later prices by the same rules as real trades. Nothing here reaches a
 * broker, the ledger, SafetyManager or the metrics: every outcome goes to the `sink` (the runtime's
 * journals it to `counterfactual.jsonl` and hands it to `brain.learnCounterfactual`). Driven by the
 * same ticks as the run, it is rebuilt exactly by a silent replay.
 *
 * @example
 * const settler = new CounterfactualSettler(counterfactualSettings(config), { opened, settled });
 * settler.onTick(tick); // before deciding, like the real hub
 * await settler.open(candidate, 'confidence', answer, tick);
 */
export class CounterfactualSettler<A> {
  readonly #hub: ExecutionHub;
  readonly #riskUsd: (decision: TradeDecision) => number;
  readonly #open = new Map<string, OpenCandidate<A>>();
  readonly #perSetup = new Map<string, number>();
  readonly #maxPerSetup: number;
  readonly #sink: CounterfactualSink<A>;

  constructor(settings: CounterfactualSettings, sink: CounterfactualSink<A>) {
    if (settings.hub.name !== 'shadow') {
      throw new RuntimeError(
        'RUNTIME_BAD_INPUT',
        'the counterfactual hub must place no real orders: pass a ShadowExecutionHub of its own',
        { hub: settings.hub.name },
      );
    }
    this.#hub = settings.hub;
    this.#riskUsd = settings.riskUsd;
    this.#maxPerSetup = settings.maxPerSetup ?? Number.POSITIVE_INFINITY;
    this.#sink = sink;
  }

  /** Candidates opened and not settled yet. */
  get openCount(): number {
    return this.#open.size;
  }

  /** Settles what this tick settles into the sink (call once per tick, before deciding, like the real hub). */
  onTick(tick: Tick): void {
    for (const outcome of this.#hub.onTick(tick)) this.#settle(outcome);
  }

  /**
   * Executes `candidate` into the counterfactual hub at `tick` (counted as opened in the sink; an
   * arbitrage flash swap settles at once). Returns false when the hub refused it, has no executor
   * for its engine, or its setup already has `maxPerSetup` candidates open.
   */
  async open(candidate: TradeDecision, gate: CounterfactualGate, audit: A, tick: Tick): Promise<boolean> {
    if (this.#open.has(candidate.id)) return false;
    const setup = setupOf(candidate);
    if (setup !== undefined && (this.#perSetup.get(setup) ?? 0) >= this.#maxPerSetup) return false;
    const riskUsd = this.#riskUsd(candidate);
    this.#open.set(candidate.id, { audit, gate, riskUsd, setup });
    this.#count(setup, 1);
    let report: Awaited<ReturnType<ExecutionHub['execute']>>;
    try {
      report = await this.#hub.execute(candidate, tick);
    } catch (err) {
      this.#forget(candidate.id);
      if (isOmniError(err, 'EXECUTION_NO_EXECUTOR')) return false;
      throw err;
    }
    if (report.status === 'rejected') {
      this.#forget(candidate.id);
      return false;
    }
    this.#sink.opened(gate);
    if (report.status === 'settled') this.#settle(report.outcome);
    return true;
  }

  #settle(outcome: TradeOutcome): void {
    const open = this.#forget(outcome.decisionId);
    if (!open) return;
    const { audit, gate, riskUsd } = open;
    this.#sink.settled({ outcome, audit, gate, riskUsd, r: rewardR(outcome.pnl, riskUsd) });
  }

  /** Removes an open candidate (and its count on its setup); returns it. */
  #forget(id: string): OpenCandidate<A> | undefined {
    const open = this.#open.get(id);
    if (!open) return undefined;
    this.#open.delete(id);
    this.#count(open.setup, -1);
    return open;
  }

  #count(setup: string | undefined, delta: number): void {
    if (setup === undefined) return;
    const n = (this.#perSetup.get(setup) ?? 0) + delta;
    if (n > 0) this.#perSetup.set(setup, n);
    else this.#perSetup.delete(setup);
  }
}
