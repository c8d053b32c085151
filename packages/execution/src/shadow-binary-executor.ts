import type { BinaryDecision, OmniConfig, OpenPosition, Tick, TradeOutcome } from '@omni/core';
import { settleBinary } from './binary-settlement.js';
import {
  type BinaryExecutor,
  type ExecutionReport,
  NO_OUTCOMES,
  type PendingPosition,
  rejectedReport,
} from './executor.js';

/** The binary settings the shadow executor needs (from `config.engines.binary`). */
export type ShadowBinarySettings = Pick<OmniConfig['engines']['binary'], 'payout' | 'tieRule'>;

interface OpenOption {
  readonly decision: BinaryDecision;
  readonly entryTs: number;
  readonly entryPrice: number;
  readonly expiryTs: number;
}

const VENUE = 'shadow';

/**
 * Simulated binary options settled from real later prices, never from a random number.
 * Entry: the decision tick's price at its timestamp. Expiry: entryTs + expirySec × 1000. Outcome:
 * the first tick of the same symbol at or after expiry (its `price`), settled by
 * {@link settleBinary} with the configured payout and tie rule. No fees (the payout ratio is the
 * broker's margin).
 *
 * @example
 * const binary = new ShadowBinaryExecutor(config.engines.binary);
 * await binary.execute(decision, tick);
 * const settled = binary.onTick(laterTick);
 */
export class ShadowBinaryExecutor implements BinaryExecutor {
  readonly engine = 'binary' as const;
  readonly venue = VENUE;
  readonly #settings: ShadowBinarySettings;
  readonly #open: OpenOption[] = [];

  constructor(settings: ShadowBinarySettings) {
    this.#settings = settings;
  }

  async execute(decision: BinaryDecision, tick: Tick): Promise<ExecutionReport> {
    if (tick.symbol !== decision.symbol) {
      return rejectedReport(
        decision,
        VENUE,
        tick.tsMs,
        'EXECUTION_REJECTED',
        `decision is for ${decision.symbol} but the tick is ${tick.symbol}`,
      );
    }
    if (this.#open.some((o) => o.decision.id === decision.id)) {
      return rejectedReport(
        decision,
        VENUE,
        tick.tsMs,
        'EXECUTION_REJECTED',
        `decision ${decision.id} is already open`,
      );
    }
    const option: OpenOption = {
      decision,
      entryTs: tick.tsMs,
      entryPrice: tick.price,
      expiryTs: tick.tsMs + decision.expirySec * 1000,
    };
    this.#open.push(option);
    return {
      status: 'accepted',
      decisionId: decision.id,
      engine: 'binary',
      venue: VENUE,
      tsMs: tick.tsMs,
      fill: {
        orderId: decision.id,
        decisionId: decision.id,
        engine: 'binary',
        symbol: decision.symbol,
        direction: decision.direction,
        tsMs: tick.tsMs,
        price: tick.price,
        quantity: decision.stakeUsd,
        fees: 0,
        venue: VENUE,
      },
    };
  }

  /** Re-arms a binary option an earlier session opened: it settles at its expiry from later prices. */
  adopt(position: OpenPosition): boolean {
    const decision = position.decision;
    if (
      decision?.engine !== 'binary' ||
      position.entryTs === undefined ||
      position.entryPrice === undefined
    ) {
      return false;
    }
    if (this.#open.some((o) => o.decision.id === decision.id)) return true;
    this.#open.push({
      decision,
      entryTs: position.entryTs,
      entryPrice: position.entryPrice,
      expiryTs: position.entryTs + decision.expirySec * 1000,
    });
    return true;
  }

  onTick(tick: Tick): readonly TradeOutcome[] {
    let settled: TradeOutcome[] | undefined;
    for (let i = 0; i < this.#open.length; ) {
      const option = this.#open[i] as OpenOption;
      if (option.decision.symbol !== tick.symbol || tick.tsMs < option.expiryTs) {
        i++;
        continue;
      }
      this.#open.splice(i, 1);
      settled ??= [];
      settled.push(this.#settle(option, tick));
    }
    return settled ?? NO_OUTCOMES;
  }

  pending(): readonly PendingPosition[] {
    return this.#open.map((o) => ({
      decisionId: o.decision.id,
      engine: 'binary' as const,
      symbol: o.decision.symbol,
      venue: VENUE,
      state: 'open' as const,
      entryTs: o.entryTs,
      entryPrice: o.entryPrice,
    }));
  }

  /** Placed options cannot be cancelled (as at a broker); they settle at expiry. */
  async cancelAll(): Promise<number> {
    return 0;
  }

  #settle(option: OpenOption, tick: Tick): TradeOutcome {
    const { decision } = option;
    const s = settleBinary({
      direction: decision.direction,
      stakeUsd: decision.stakeUsd,
      entryPrice: option.entryPrice,
      settlePrice: tick.price,
      payout: this.#settings.payout,
      tieRule: this.#settings.tieRule,
    });
    return {
      decisionId: decision.id,
      engine: 'binary',
      symbol: decision.symbol,
      direction: decision.direction,
      entryTs: option.entryTs,
      entryPrice: option.entryPrice,
      settleTs: tick.tsMs,
      settlePrice: tick.price,
      stake: decision.stakeUsd,
      payout: this.#settings.payout,
      fees: 0,
      pnl: s.pnl,
      rule: s.rule,
      exit: { kind: 'expiry', result: s.result },
    };
  }
}
