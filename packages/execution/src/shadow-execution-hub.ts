import type { OmniConfig } from '@omni/core';
import type { PoolStateSource } from './pool-state-source.js';
import type { PositionLedger } from './position-ledger.js';
import { RealTimeExecutionHub } from './real-time-execution-hub.js';
import { ShadowArbitrageExecutor } from './shadow-arbitrage-executor.js';
import { ShadowBinaryExecutor } from './shadow-binary-executor.js';
import { ShadowSpotExecutor, type ShadowSpotOptions } from './shadow-spot-executor.js';

/** Options of a {@link ShadowExecutionHub}. */
export interface ShadowExecutionHubOptions {
  /** Payouts, tie rule, commission, slippage and gas: `config.engines`. */
  readonly engines: Pick<OmniConfig['engines'], 'binary' | 'spot' | 'arbitrage'>;
  /** Pool states for arbitrage; without it arbitrage decisions throw `EXECUTION_NO_EXECUTOR`. */
  readonly pools?: PoolStateSource;
  readonly spot?: ShadowSpotOptions;
  /** The position ledger: spot fills and exits are recorded in it so a restart resumes them exactly. */
  readonly ledger?: PositionLedger;
}

/**
 * The specification's ShadowExecutionHub: the RealTimeExecutionHub with the three shadow
 * executors registered, so no real order is ever placed and every outcome is settled from
 * later market prices (see docs/fill-assumptions.md). Any executor can be swapped with
 * `register` (e.g. a live binary executor for micro-live).
 *
 * @example
 * const hub = new ShadowExecutionHub({ engines: config.engines, pools: new SyntheticPoolPair({ seed: config.seed }) });
 * for (const outcome of hub.onTick(tick)) logger.logTrade(outcome);
 * const report = await hub.execute(approvedDecision, tick);
 */
export class ShadowExecutionHub extends RealTimeExecutionHub {
  constructor(options: ShadowExecutionHubOptions) {
    super(
      {
        binary: new ShadowBinaryExecutor(options.engines.binary),
        spot: new ShadowSpotExecutor(options.engines.spot, {
          ...options.spot,
          ...(options.ledger
            ? { onPositionState: (id, patch) => void options.ledger?.update(id, patch) }
            : {}),
        }),
        arbitrage:
          options.pools === undefined
            ? undefined
            : new ShadowArbitrageExecutor(options.engines.arbitrage, options.pools),
      },
      'shadow',
    );
  }
}
