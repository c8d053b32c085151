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
  type BrokerHealthListener,
  type ExecutionReport,
  NO_OUTCOMES,
  type PendingPosition,
  rejectedReport,
} from './executor.js';
import { isLaterBlockPoolSource, type LaterBlockPoolSource } from './later-block-pool-source.js';
import type { FlashSwapRoute, PoolStateSource } from './pool-state-source.js';
import { type FlashSwapSimulation, simulateFlashSwap } from './uniswap-v2.js';

/** The arbitrage settings the shadow executor needs (from `config.engines.arbitrage`). */
export type ShadowArbitrageSettings = Pick<
  OmniConfig['engines']['arbitrage'],
  'gasPriceGwei' | 'gasLimit' | 'ethUsd'
>;

const VENUE = 'shadow-uniswap-v2';

/** A decision accepted on a real chain, waiting for `block` to be read. */
interface WaitingDecision {
  readonly decision: ArbitrageDecision;
  readonly tick: Tick;
  readonly block: number;
}
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
 * On a real chain (a {@link LaterBlockPoolSource}, e.g. the EVM venue's ChainPoolSource) block n+1
 * is not known yet: the decision made on block n is `accepted`, and it settles on the first tick
 * after block n+1 was read — the same exact simulation on block n+1's reserves (read at that block,
 * so after all of its flow: a rival that took the gap shrinks or reverts ours), gas at block n+1's
 * base fee, settled at its timestamp.
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
  /** Decisions accepted on a real chain, waiting for their block to be read. */
  #waiting: WaitingDecision[] = [];

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
    const later = isLaterBlockPoolSource(this.pools) ? this.pools : undefined;
    if (later?.block !== undefined) {
      const block = later.block + 1;
      later.watchBlock(block);
      this.#waiting.push({ decision, tick, block });
      return {
        status: 'accepted',
        decisionId: decision.id,
        engine: 'arbitrage',
        venue: VENUE,
        tsMs: tick.tsMs,
      };
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

  /**
   * Advances the pool source (idempotent per tick); on a real chain, settles the decisions whose
   * block has been read. Nothing else is ever pending.
   */
  onTick(tick: Tick): readonly TradeOutcome[] {
    this.pools.onTick?.(tick);
    if (this.#waiting.length === 0 || !isLaterBlockPoolSource(this.pools)) return NO_OUTCOMES;
    return this.#settleMined(this.pools, tick);
  }

  pending(): readonly PendingPosition[] {
    return this.#waiting.map(({ decision, tick }) => ({
      decisionId: decision.id,
      engine: 'arbitrage',
      symbol: tick.symbol,
      venue: VENUE,
      state: 'open',
      entryTs: tick.tsMs,
    }));
  }

  #settleMined(pools: LaterBlockPoolSource, tick: Tick): readonly TradeOutcome[] {
    const outcomes: TradeOutcome[] = [];
    const still: WaitingDecision[] = [];
    for (const waiting of this.#waiting) {
      const mined = pools.minedRoute(waiting.decision.routeId, waiting.block);
      if (mined === undefined) {
        still.push(waiting);
        continue;
      }
      const gasUsd = gasCostUsd({ ...this.#settings, gasPriceGwei: mined.baseFeeGwei });
      const settleTs = Math.max(waiting.tick.tsMs, Math.min(tick.tsMs, mined.tsMs));
      outcomes.push(this.#simulate(waiting.decision, mined.route, waiting.tick, gasUsd, settleTs).outcome);
    }
    for (const { block } of this.#waiting) {
      if (!still.some((w) => w.block === block)) pools.releaseBlock(block);
    }
    this.#waiting = still;
    return outcomes.length === 0 ? NO_OUTCOMES : outcomes;
  }

  async cancelAll(): Promise<number> {
    return 0;
  }

  /** The health of a chain pool source's node (a LaterBlockPoolSource that reports it); none otherwise. */
  onHealth(listener: BrokerHealthListener): () => void {
    const pools = this.pools;
    return (isLaterBlockPoolSource(pools) ? pools.onHealth?.(listener) : undefined) ?? (() => undefined);
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
    const { outcome, sim } = this.#simulate(decision, route, tick, gasUsd, tick.tsMs);
    if (sim === undefined) block?.settleNextBlock(decision.routeId, undefined);
    else if (block) block.settleNextBlock(decision.routeId, sim);
    else pools.applyFlashSwap?.(decision.routeId, sim.amount0, sim.repay1, sim.out1);
    return outcome;
  }

  /** The exact simulation of `decision` on `route` (`sim` set when it filled). */
  #simulate(
    decision: ArbitrageDecision,
    route: FlashSwapRoute,
    tick: Tick,
    gasUsd: number,
    settleTs: number,
  ): { readonly outcome: TradeOutcome; readonly sim?: FlashSwapSimulationOk } {
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
      settleTs,
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
      return {
        outcome: {
          ...base,
          entryPrice: spot,
          settlePrice: spot,
          pnl: -gasUsd,
          rule: `arbitrage-${result}${suffix}`,
          exit: { kind: 'atomic', result },
        },
      };
    }
    const amount = Number(amount0);
    const entryPrice = (Number(sim.repay1) / amount) * route.token1Usd;
    const settlePrice = (Number(sim.out1) / amount) * route.token1Usd;
    const grossUsd = (Number(sim.profit1) / WEI_PER_TOKEN) * route.token1Usd;
    return {
      outcome: {
        ...base,
        entryPrice,
        settlePrice,
        pnl: grossUsd - gasUsd,
        rule: `arbitrage-filled${suffix}`,
        exit: { kind: 'atomic', result: 'filled' },
      },
      sim,
    };
  }
}

type FlashSwapSimulationOk = Extract<FlashSwapSimulation, { ok: true }>;
