import {
  type CounterfactualGate,
  isOmniError,
  type OmniConfig,
  positionRiskUsd,
  RuntimeError,
  rewardR,
  spotRoundTripCostBps,
  type Tick,
  type TradeDecision,
  type TradeOutcome,
} from '@omni/core';
import { type ExecutionHub, type PoolStateSource, ShadowExecutionHub } from '@omni/execution';

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
}

/**
 * The counterfactual settings of an engine: a second ShadowExecutionHub with the run's fill rules
 * and no ledger, whose arbitrage executor reads the run's pools but never moves them (no
 * `onTick`: the real hub advances them; no `applyFlashSwap`: a counterfactual swap has no price
 * impact), and the USD risk SafetyManager would compute (`positionRiskUsd` with the run's costs).
 */
export function counterfactualSettings(
  config: Pick<OmniConfig, 'engines'>,
  pools?: PoolStateSource,
): CounterfactualSettings {
  const readOnlyPools: PoolStateSource | undefined = pools && {
    routeIds: () => pools.routeIds(),
    route: (routeId) => pools.route(routeId),
  };
  const spotCostBps = spotRoundTripCostBps(config);
  return {
    hub: new ShadowExecutionHub({
      engines: config.engines,
      ...(readOnlyPools ? { pools: readOnlyPools } : {}),
    }),
    riskUsd: (decision) => positionRiskUsd(decision, config.engines.arbitrage, spotCostBps),
  };
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

interface OpenCandidate<A> {
  readonly audit: A;
  readonly gate: CounterfactualGate;
  readonly riskUsd: number;
}

/**
 * Settles the trades gates stopped as if they had been placed: each candidate goes into a private
 * shadow hub and settles from later prices by the same rules as real trades. Nothing here reaches a
 * broker, the ledger, SafetyManager or the metrics: the runtime journals each outcome to
 * `counterfactual.jsonl` and hands it to `brain.learnCounterfactual`. Driven by the same ticks as the
 * run, it is rebuilt exactly by a silent replay.
 *
 * @example
 * const settler = new CounterfactualSettler({ hub: new ShadowExecutionHub({ engines }), riskUsd });
 * for (const s of settler.onTick(tick)) learn(s);
 * const opened = await settler.open(candidate, 'confidence', answer, tick);
 */
export class CounterfactualSettler<A> {
  readonly #hub: ExecutionHub;
  readonly #riskUsd: (decision: TradeDecision) => number;
  readonly #open = new Map<string, OpenCandidate<A>>();

  constructor(settings: CounterfactualSettings) {
    if (settings.hub.name !== 'shadow') {
      throw new RuntimeError(
        'RUNTIME_BAD_INPUT',
        'the counterfactual hub must place no real orders: pass a ShadowExecutionHub of its own',
        { hub: settings.hub.name },
      );
    }
    this.#hub = settings.hub;
    this.#riskUsd = settings.riskUsd;
  }

  /** Candidates opened and not settled yet. */
  get openCount(): number {
    return this.#open.size;
  }

  /** Settles what this tick settles (call once per tick, before deciding, like the real hub). */
  onTick(tick: Tick): readonly SettledCounterfactual<A>[] {
    const outcomes = this.#hub.onTick(tick);
    if (outcomes.length === 0) return NONE;
    const out: SettledCounterfactual<A>[] = [];
    for (const outcome of outcomes) {
      const settled = this.#settled(outcome);
      if (settled) out.push(settled);
    }
    return out;
  }

  /**
   * Executes `candidate` into the counterfactual hub at `tick`. Returns `rejected` when the hub
   * refused it or has no executor for its engine, `opened` when it settles later, or the settled
   * outcome when it settled at once (an arbitrage flash swap).
   */
  async open(
    candidate: TradeDecision,
    gate: CounterfactualGate,
    audit: A,
    tick: Tick,
  ): Promise<'rejected' | 'opened' | SettledCounterfactual<A>> {
    if (this.#open.has(candidate.id)) return 'rejected';
    const riskUsd = this.#riskUsd(candidate);
    this.#open.set(candidate.id, { audit, gate, riskUsd });
    let report: Awaited<ReturnType<ExecutionHub['execute']>>;
    try {
      report = await this.#hub.execute(candidate, tick);
    } catch (err) {
      this.#open.delete(candidate.id);
      if (isOmniError(err, 'EXECUTION_NO_EXECUTOR')) return 'rejected';
      throw err;
    }
    if (report.status === 'rejected') {
      this.#open.delete(candidate.id);
      return 'rejected';
    }
    if (report.status === 'settled') return this.#settled(report.outcome) ?? 'rejected';
    return 'opened';
  }

  #settled(outcome: TradeOutcome): SettledCounterfactual<A> | undefined {
    const open = this.#open.get(outcome.decisionId);
    if (!open) return undefined;
    this.#open.delete(outcome.decisionId);
    return { outcome, ...open, r: rewardR(outcome.pnl, open.riskUsd) };
  }
}

const NONE: readonly SettledCounterfactual<never>[] = Object.freeze([]);
