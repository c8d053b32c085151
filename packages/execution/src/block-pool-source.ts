import type { FlashSwapRoute, PoolStateSource } from './pool-state-source.js';

/** Our flash swap as block n+1 executed it (exact integers of `simulateFlashSwap`). */
export interface BlockFlashSwap {
  readonly amount0: bigint;
  readonly repay1: bigint;
  readonly out1: bigint;
}

/**
 * A {@link PoolStateSource} that separates deciding from executing: `route()` quotes the state of
 * block n (what a decision sees); a transaction sent now executes in block n+1, after that block's
 * other flow, at block n+1's base fee. `nextBlockRoute` and `nextBaseFeeGwei` are pure (a repeated
 * call returns the same answer and moves nothing), so a counterfactual settler may read them;
 * `settleNextBlock` commits block n+1's flow, and our swap when it filled.
 */
export interface BlockPoolSource extends PoolStateSource {
  /** The route's reserves as a transaction sent now meets them: block n's state after block n+1's other flow. */
  nextBlockRoute(routeId: string): FlashSwapRoute | undefined;
  /**
   * The base fee of block n+1 in gwei (what a transaction sent now pays per unit of gas), given the
   * configured gas price `meanGwei` (a synthetic source scales its seeded process by it; a chain ignores it).
   */
  nextBaseFeeGwei(meanGwei: number): number;
  /** Commits block n+1's other flow and, when given, our filled swap on `routeId` (idempotent for the flow). */
  settleNextBlock(routeId: string, swap: BlockFlashSwap | undefined): void;
}

/** Whether `pools` executes in the next block (a {@link BlockPoolSource}). */
export function isBlockPoolSource(pools: PoolStateSource): pools is BlockPoolSource {
  const p = pools as Partial<BlockPoolSource>;
  return (
    typeof p.nextBlockRoute === 'function' &&
    typeof p.nextBaseFeeGwei === 'function' &&
    typeof p.settleNextBlock === 'function'
  );
}

/**
 * A view of `pools` that reads but never moves them: no `onTick`, no `applyFlashSwap`, and for a
 * {@link BlockPoolSource} the same next-block execution (its flow is a pure function of the block)
 * with a `settleNextBlock` that commits nothing. For a counterfactual settler: it sees the honest
 * execution of the live path without consuming or changing its randomness.
 */
export function readOnlyPoolView(pools: PoolStateSource): PoolStateSource {
  const view: PoolStateSource = {
    routeIds: () => pools.routeIds(),
    route: (routeId) => pools.route(routeId),
  };
  if (!isBlockPoolSource(pools)) return view;
  const blockView: BlockPoolSource = {
    ...view,
    nextBlockRoute: (routeId) => pools.nextBlockRoute(routeId),
    nextBaseFeeGwei: (meanGwei) => pools.nextBaseFeeGwei(meanGwei),
    settleNextBlock: () => {},
  };
  return blockView;
}
