import {
  type ArbitrageDecision,
  type BinaryDecision,
  ExecutionError,
  type Market,
  type OpenPosition,
  type SpotDecision,
  type Tick,
  type TradeDecision,
  type TradeOutcome,
} from '@omni/core';
import type { ExecutionHub } from './execution-hub.js';
import {
  type AnyExecutor,
  type ArbitrageExecutor,
  type BinaryExecutor,
  type BrokerHealthListener,
  type BrokerHealthReport,
  type ExecutionReport,
  NO_OUTCOMES,
  type PendingPosition,
  type SpotExecutor,
} from './executor.js';

/** Executors by engine. */
export interface ExecutorSet {
  readonly binary?: BinaryExecutor;
  readonly spot?: SpotExecutor;
  readonly arbitrage?: ArbitrageExecutor;
}

/**
 * The specification's RealTimeExecutionHub: dispatches each decision to the executor registered
 * for its engine and gathers settled outcomes from all of them on every tick.
 *
 * @example
 * const hub = new RealTimeExecutionHub({ binary: new DerivBinaryExecutor(...), spot: new ShadowSpotExecutor(config.engines.spot) });
 * const report = await hub.execute(approved, tick);
 * for (const outcome of hub.onTick(nextTick)) logger.logTrade(outcome);
 */
export class RealTimeExecutionHub implements ExecutionHub {
  readonly name: string;
  #binary: BinaryExecutor | undefined;
  #spot: SpotExecutor | undefined;
  #arbitrage: ArbitrageExecutor | undefined;
  readonly #healthListeners = new Set<BrokerHealthListener>();
  /** Unsubscribe functions of the executors' health feeds, by engine. */
  readonly #healthFeeds = new Map<Market, () => void>();

  constructor(executors: ExecutorSet = {}, name = 'real-time') {
    this.name = name;
    this.#binary = executors.binary;
    this.#spot = executors.spot;
    this.#arbitrage = executors.arbitrage;
    for (const executor of [this.#binary, this.#spot, this.#arbitrage]) {
      if (executor) this.#followHealth(executor);
    }
  }

  /** Registers (or replaces) the executor of `executor.engine`. */
  register(executor: AnyExecutor): this {
    switch (executor.engine) {
      case 'binary':
        this.#binary = executor as BinaryExecutor;
        break;
      case 'spot':
        this.#spot = executor as SpotExecutor;
        break;
      case 'arbitrage':
        this.#arbitrage = executor as ArbitrageExecutor;
        break;
    }
    this.#followHealth(executor);
    return this;
  }

  /** Every executor's health reports, as they come (a replaced executor's stop). */
  onHealth(listener: BrokerHealthListener): () => void {
    this.#healthListeners.add(listener);
    return () => this.#healthListeners.delete(listener);
  }

  #followHealth(executor: AnyExecutor): void {
    this.#healthFeeds.get(executor.engine)?.();
    this.#healthFeeds.delete(executor.engine);
    const unsubscribe = executor.onHealth?.((report: BrokerHealthReport) => {
      for (const listener of this.#healthListeners) listener(report);
    });
    if (unsubscribe) this.#healthFeeds.set(executor.engine, unsubscribe);
  }

  /** The executor registered for `engine`, if any. */
  executorFor(engine: Market): AnyExecutor | undefined {
    return engine === 'binary' ? this.#binary : engine === 'spot' ? this.#spot : this.#arbitrage;
  }

  execute(decision: TradeDecision, tick: Tick): Promise<ExecutionReport> {
    switch (decision.engine) {
      case 'binary':
        return this.#require(this.#binary, decision).execute(decision as BinaryDecision, tick);
      case 'spot':
        return this.#require(this.#spot, decision).execute(decision as SpotDecision, tick);
      case 'arbitrage':
        return this.#require(this.#arbitrage, decision).execute(decision as ArbitrageDecision, tick);
    }
  }

  onTick(tick: Tick): readonly TradeOutcome[] {
    const a = this.#binary?.onTick(tick) ?? NO_OUTCOMES;
    const b = this.#spot?.onTick(tick) ?? NO_OUTCOMES;
    const c = this.#arbitrage?.onTick(tick) ?? NO_OUTCOMES;
    const total = a.length + b.length + c.length;
    if (total === 0) return NO_OUTCOMES;
    if (total === a.length) return a;
    if (total === b.length) return b;
    if (total === c.length) return c;
    const out: TradeOutcome[] = [];
    for (const list of [a, b, c]) for (const o of list) out.push(o);
    return out;
  }

  pending(): readonly PendingPosition[] {
    const out: PendingPosition[] = [];
    for (const executor of [this.#binary, this.#spot, this.#arbitrage]) {
      if (executor) out.push(...executor.pending());
    }
    return out;
  }

  /** Hands a position an earlier session left open to the executor of its market (see `Executor.adopt`). */
  adopt(position: OpenPosition): boolean {
    const executor = this.executorFor(position.market);
    if (executor?.adopt === undefined) return false;
    const venues = executor.venues ?? [executor.venue];
    return venues.includes(position.venue) && executor.adopt(position);
  }

  /** Starts every executor that has a lifecycle (live ones connect and reconcile), in engine order. */
  async start(): Promise<void> {
    for (const executor of [this.#binary, this.#spot, this.#arbitrage]) await executor?.start?.();
  }

  /** Stops every executor that has a lifecycle; every one is stopped even when one fails (the first error is thrown). */
  async stop(): Promise<void> {
    let first: unknown;
    for (const executor of [this.#binary, this.#spot, this.#arbitrage]) {
      try {
        await executor?.stop?.();
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
  }

  async cancelAll(): Promise<number> {
    let cancelled = 0;
    for (const executor of [this.#binary, this.#spot, this.#arbitrage]) {
      if (executor) cancelled += await executor.cancelAll();
    }
    return cancelled;
  }

  #require<E>(executor: E | undefined, decision: TradeDecision): E {
    if (executor === undefined) {
      throw new ExecutionError(
        'EXECUTION_NO_EXECUTOR',
        `no ${decision.engine} executor is registered in the ${this.name} hub; register one with hub.register(...)`,
        { engine: decision.engine, decisionId: decision.id, hub: this.name },
      );
    }
    return executor;
  }
}
