import type { BrokerHealthListener } from './executor.js';
import type { FlashSwapRoute, PoolStateSource } from './pool-state-source.js';

/** A route as one mined block left it, with that block's base fee and time. */
export interface MinedBlockRoute {
  readonly route: FlashSwapRoute;
  readonly blockNumber: number;
  /** The block header's `baseFeePerGas`, in gwei. */
  readonly baseFeeGwei: number;
  /** The block's timestamp, ms. */
  readonly tsMs: number;
}

/**
 * A {@link PoolStateSource} over a real chain, where block n+1 is not known when a decision is
 * taken on block n: the shadow arbitrage executor accepts the decision, asks the source to read
 * block n+1 when it is mined ({@link watchBlock}), and settles it on a later tick, once
 * {@link minedRoute} answers: exact integer simulation on block n+1's reserves (read at that block),
 * gas at its base fee. (A {@link BlockPoolSource} is the synthetic counterpart that knows block n+1 at once.)
 */
export interface LaterBlockPoolSource extends PoolStateSource {
  /** The block `route()` quotes; undefined before the first block was read. */
  readonly block?: number;
  /** Asks for block `n`'s state: the source reads it (at block tag n) once the chain has mined it. */
  watchBlock(n: number): void;
  /** The route as block `n` left it, once read; undefined until then (or for an unknown route). */
  minedRoute(routeId: string, n: number): MinedBlockRoute | undefined;
  /** Forgets block `n` (every decision waiting for it settled). */
  releaseBlock(n: number): void;
  /**
   * The node's health (market `arbitrage`), for the shadow executor to pass on to SafetyManager:
   * a node that fails turns arbitrage off in shadow as in live. Optional.
   */
  onHealth?(listener: BrokerHealthListener): () => void;
}

/** Whether `pools` settles decisions at a later, not yet mined block (a {@link LaterBlockPoolSource}). */
export function isLaterBlockPoolSource(pools: PoolStateSource): pools is LaterBlockPoolSource {
  const p = pools as Partial<LaterBlockPoolSource>;
  return (
    typeof p.watchBlock === 'function' &&
    typeof p.minedRoute === 'function' &&
    typeof p.releaseBlock === 'function'
  );
}
