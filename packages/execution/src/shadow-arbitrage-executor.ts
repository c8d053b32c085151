import {
  type ArbitrageDecision,
  gasCostUsd,
  type OmniConfig,
  type Tick,
  type TradeOutcome,
} from '@omni/core';
import { isBlockPoolSource } from './block-pool-source.js';
import {
  type ArbitrageExecutor,
  type ExecutionReport,
  NO_OUTCOMES,
  type PendingPosition,
  rejectedReport,
} from './executor.js';
import type { FlashSwapRoute, PoolStateSource } from './pool-state-source.js';
import { simulateFlashSwap } from './uniswap-v2.js';

/** The arbitrage settings the shadow executor needs (from `config.engines.arbitrage`). */
export type ShadowArbitrageSettings = Pick<
  OmniConfig['engines']['arbitrage'],
  'gasPriceGwei' | 'gasLimit' | 'ethUsd'
>;

const VENUE = 'shadow-uniswap-v2';
const WEI_PER_TOKEN = 1e18;

/**
 * Simulated two-pool flash-swap arbitrage on a {@link PoolStateSource}, settled at once (a flash
 * swap is atomic). The decision's `amountInWei` is the token0 amount borrowed; the swap is
 * simulated in exact Uniswap V2 integers; if its token1 profit is below `minProfitWei` (or the
 * pool lacks liquidity) the transaction reverts and only gas is lost. Outcome fields:
 * direction `buy` (buy token0 in the cheap pool, sell in the dear one), entryPrice = repay1 /
 * amount0 × token1Usd (average buy price), settlePrice = out1 / amount0 × token1Usd (average sell
 * price), size = amount0 in tokens, stake = fees = gas in USD (all a flash swap can lose),
 * pnl = (settlePrice − entryPrice) × size − fees. A reverted swap records entryPrice =
 * settlePrice (nothing traded). Rules: `arbitrage-filled` / `arbitrage-reverted-*`, with
 * `-synthetic` appended when the pools are synthetic.
 *
 * Honest execution: on a {@link BlockPoolSource} (e.g. SyntheticPoolPair) the decision saw block n
 * (`route`), but the swap executes in block n+1 (`nextBlockRoute`): after that block's other flow
 * (rivals, noise traders), so a gap can shrink or be gone and the swap revert, and gas is paid at
 * block n+1's base fee (`nextBaseFeeGwei`, its mean `gasPriceGwei`). The block's flow is committed
 * whether our swap fills or reverts. Other sources settle on the state they quote.
 *
 * @example
 * const arb = new ShadowArbitrageExecutor(config.engines.arbitrage, new SyntheticPoolPair({ seed: 42 }));
 * const report = await arb.execute(decision, tick); // report.status === 'settled'
 */
export class ShadowArbitrageExecutor implements ArbitrageExecutor {
  readonly engine = 'arbitrage' as const;
  readonly venue = VENUE;
  readonly pools: PoolStateSource;
  readonly #settings: ShadowArbitrageSettings;

  constructor(settings: ShadowArbitrageSettings, pools: PoolStateSource) {
    this.#settings = settings;
    this.pools = pools;
  }

  async execute(decision: ArbitrageDecision, tick: Tick): Promise<ExecutionReport> {
    const route = this.pools.route(decision.routeId);
    if (route === undefined) {
      return rejectedReport(
        decision,
        VENUE,
        tick.tsMs,
        'EXECUTION_REJECTED',
        `unknown route ${decision.routeId}; known: ${this.pools.routeIds().join(', ')}`,
      );
    }
    const outcome = this.#settle(decision, route, tick);
    return {
      status: 'settled',
      decisionId: decision.id,
      engine: 'arbitrage',
      venue: VENUE,
      tsMs: tick.tsMs,
      outcome,
    };
  }

  /** Advances the pool source (idempotent per tick); arbitrage never leaves anything pending. */
  onTick(tick: Tick): readonly TradeOutcome[] {
    this.pools.onTick?.(tick);
    return NO_OUTCOMES;
  }

  pending(): readonly PendingPosition[] {
    return [];
  }

  async cancelAll(): Promise<number> {
    return 0;
  }

  #settle(decision: ArbitrageDecision, quoted: FlashSwapRoute, tick: Tick): TradeOutcome {
    const pools = this.pools;
    const block = isBlockPoolSource(pools) ? pools : undefined;
    const route = block?.nextBlockRoute(decision.routeId) ?? quoted;
    const gasUsd = gasCostUsd(
      block
        ? { ...this.#settings, gasPriceGwei: block.nextBaseFeeGwei(this.#settings.gasPriceGwei) }
        : this.#settings,
    );
    const suffix = route.synthetic ? '-synthetic' : '';
    const amount0 = decision.amountInWei;
    const size = Number(amount0) / WEI_PER_TOKEN;
    const sim = simulateFlashSwap(route.borrowPool, route.sellPool, amount0);
    const base = {
      decisionId: decision.id,
      engine: 'arbitrage' as const,
      symbol: tick.symbol,
      direction: 'buy' as const,
      entryTs: tick.tsMs,
      settleTs: tick.tsMs,
      size,
      stake: gasUsd,
      fees: gasUsd,
    };
    // Price of a reverted swap: the borrow pool's spot price (nothing was traded).
    const spot = (Number(route.borrowPool.reserve1) / Number(route.borrowPool.reserve0)) * route.token1Usd;
    const result = !sim.ok
      ? 'reverted-liquidity'
      : sim.profit1 < decision.minProfitWei
        ? 'reverted-min-profit'
        : 'filled';
    if (result !== 'filled' || !sim.ok) {
      block?.settleNextBlock(decision.routeId, undefined);
      return {
        ...base,
        entryPrice: spot,
        settlePrice: spot,
        pnl: -gasUsd,
        rule: `arbitrage-${result}${suffix}`,
        exit: { kind: 'atomic', result },
      };
    }
    if (block) block.settleNextBlock(decision.routeId, sim);
    else pools.applyFlashSwap?.(decision.routeId, sim.amount0, sim.repay1, sim.out1);
    const amount = Number(amount0);
    const entryPrice = (Number(sim.repay1) / amount) * route.token1Usd;
    const settlePrice = (Number(sim.out1) / amount) * route.token1Usd;
    const grossUsd = (Number(sim.profit1) / WEI_PER_TOKEN) * route.token1Usd;
    return {
      ...base,
      entryPrice,
      settlePrice,
      pnl: grossUsd - gasUsd,
      rule: `arbitrage-filled${suffix}`,
      exit: { kind: 'atomic', result: 'filled' },
    };
  }
}
