import type { Alert, Clock, Market, TradeDecision } from '@omni/core';
import type { Executor } from './executor.js';
import { FailoverExecutor, type LiveAllowance } from './failover-executor.js';
import { type ExecutorSet, RealTimeExecutionHub } from './real-time-execution-hub.js';
import { ShadowExecutionHub, type ShadowExecutionHubOptions } from './shadow-execution-hub.js';

/** Options of {@link createLiveExecutionHub}. */
export interface LiveExecutionHubOptions extends ShadowExecutionHubOptions {
  /** The venue's live executors (e.g. `{ binary: new BrokerBinaryExecutor(...) }`). */
  readonly live: ExecutorSet;
  readonly clock: Clock;
  readonly onAlert: (alert: Alert) => void;
  /** The operator's latest permission to resume live trading at a venue after an incident. */
  readonly allowance: (venue: string) => LiveAllowance | undefined;
}

/** A live hub and what each engine trades on. */
export interface LiveExecutionHub {
  readonly hub: RealTimeExecutionHub;
  /** Per engine: the live executor behind its failover, or undefined where the engine stays in shadow. */
  readonly failovers: Readonly<Partial<Record<Market, FailoverExecutor<TradeDecision>>>>;
}

/**
 * The specification's RealTimeExecutionHub for micro-live and scaled-live: each engine the venue
 * has a live executor for trades through a {@link FailoverExecutor} (live while the venue is
 * healthy, shadow during an incident until an operator allows live again); the other engines keep
 * their shadow executors (they place no order). Call `hub.start()` before the first tick.
 *
 * @example
 * const { hub } = createLiveExecutionHub({ engines: config.engines, ledger, live: { binary }, clock, onAlert, allowance });
 * await hub.start();
 */
export function createLiveExecutionHub(options: LiveExecutionHubOptions): LiveExecutionHub {
  const shadow = new ShadowExecutionHub(options);
  const hub = new RealTimeExecutionHub({}, 'live');
  const failovers: Partial<Record<Market, FailoverExecutor<TradeDecision>>> = {};
  for (const market of ['binary', 'spot', 'arbitrage'] as const) {
    const paper = shadow.executorFor(market);
    const live = options.live[market] as Executor<TradeDecision> | undefined;
    if (live === undefined) {
      if (paper) hub.register(paper);
      continue;
    }
    if (paper === undefined) {
      hub.register(live as never);
      continue;
    }
    const failover = new FailoverExecutor<TradeDecision>({
      live,
      shadow: paper as Executor<TradeDecision>,
      clock: options.clock,
      onAlert: options.onAlert,
      allowance: () => options.allowance(live.venue),
    });
    failovers[market] = failover;
    hub.register(failover as never);
  }
  return { hub, failovers };
}
