import { type Alert, type Clock, scrubSecrets, type Tick } from '@omni/core';
import type { ChainPoolSource, PoolBlock } from './chain-pool-source.js';
import { type ArmedTimer, processTimers, type TimerScheduler } from './mev/timer-scheduler.js';

/** Which pool prices one symbol: the pair, the token priced, and the USD value of the other token. */
export interface PoolPriceSymbol {
  /** The engine's symbol, e.g. `WETHUSD`. */
  readonly symbol: string;
  readonly pair: string;
  /** The token whose price the tick carries (18 decimals). */
  readonly baseToken: string;
  /** USD per whole other token of the pair (1 for a USD stablecoin). */
  readonly quoteUsd: number;
}

/** Options of an {@link EvmPoolFeed}. */
export interface EvmPoolFeedOptions {
  /** The pool source the feed drives: one read per new block, before that block's ticks. */
  readonly pools: ChainPoolSource;
  readonly symbols: readonly PoolPriceSymbol[];
  /** Time between two `eth_blockNumber` polls while no new block comes. Default 1 000 ms. */
  readonly pollIntervalMs?: number;
  /** Where the poll waits are armed. Default the process timers; tests pass ManualTimers. */
  readonly scheduler?: TimerScheduler;
  readonly clock: Clock;
  /** Read failures (the first of a streak, and the recovery) are reported here. */
  readonly onAlert: (alert: Alert) => void;
  /** Awaited by {@link EvmPoolFeed.start} (the venue checks the node's chain id there). */
  readonly onStart?: () => Promise<void>;
  /** Called once by {@link EvmPoolFeed.stop} (the venue closes its node connection there). */
  readonly onStop?: () => void;
}

/**
 * A price feed from a chain's pools (a `PriceFeed` of @omni/feeds): it polls `eth_blockNumber`
 * every `pollIntervalMs`; on each new block it has the {@link ChainPoolSource} read that block (one
 * batched round) and emits one tick per symbol: price = the pool's mid price in USD, `tsMs` = the
 * block's timestamp × 1000 (never earlier than the tick before). A failed read is alerted
 * (`FEED_CONNECTION`, once per failure streak; the RpcHealth behind the pool source turns the
 * arbitrage venue unhealthy after its threshold) and polling goes on: the run carries on.
 *
 * @example
 * const feed = new EvmPoolFeed({ pools, symbols: [{ symbol: 'WETHUSD', pair, baseToken: weth, quoteUsd: 1 }], clock, onAlert });
 * await feed.start();
 * for await (const tick of feed) engine.onTick(tick);
 */
export class EvmPoolFeed implements AsyncIterable<Tick> {
  readonly name: string;
  readonly #o: EvmPoolFeedOptions;
  readonly #scheduler: TimerScheduler;
  #running = false;
  #stopped = false;
  #lastTsMs = 0;
  #failing = false;
  #timer: ArmedTimer | undefined;
  #wake: (() => void) | undefined;

  constructor(options: EvmPoolFeedOptions) {
    this.#o = options;
    this.#scheduler = options.scheduler ?? processTimers;
    this.name = `evm-pools:${options.symbols.map((s) => s.symbol).join(',')}`;
  }

  /** Runs `onStart` (a node on another chain: EVM_CHAIN_ID_MISMATCH) and opens the iteration. */
  async start(): Promise<void> {
    await this.#o.onStart?.();
    this.#running = true;
  }

  /** Ends the iteration (a pending poll wait returns at once). */
  async stop(): Promise<void> {
    if (!this.#stopped) this.#o.onStop?.();
    this.#stopped = true;
    this.#running = false;
    this.#timer?.cancel();
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Tick> {
    while (this.#running) {
      const block = await this.#poll();
      if (!this.#running) return;
      if (block === undefined) {
        await this.#sleep();
        continue;
      }
      const tsMs = Math.max(this.#lastTsMs, block.timestamp * 1000);
      this.#lastTsMs = tsMs;
      for (const s of this.#o.symbols) {
        const price = this.#o.pools.midPriceUsd(s.pair, s.baseToken, s.quoteUsd);
        if (price === undefined || !(price > 0) || !Number.isFinite(price)) continue;
        yield { symbol: s.symbol, tsMs, price, source: `evm:${s.pair}@${block.number}` };
      }
    }
  }

  async #poll(): Promise<PoolBlock | undefined> {
    try {
      const block = await this.#o.pools.advance();
      if (this.#failing) {
        this.#failing = false;
        this.#alert('info', 'FEED_CONNECTION', 'the chain node answers again; pool prices resume', {});
      }
      return block;
    } catch (err) {
      if (!this.#failing) {
        this.#failing = true;
        this.#alert('warn', 'FEED_CONNECTION', `reading the pools failed: ${messageOf(err)}; retrying`, {});
      }
      return undefined;
    }
  }

  #sleep(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
      this.#timer = this.#scheduler.after(this.#o.pollIntervalMs ?? 1000, resolve);
    });
  }

  #alert(level: Alert['level'], code: string, message: string, context: Record<string, unknown>): void {
    this.#o.onAlert({
      tsMs: Math.max(0, Math.floor(this.#o.clock.nowMs())),
      level,
      code,
      message,
      source: this.name,
      context,
    });
  }
}

/** An error's message, short; RpcHealth and EvmError messages never hold the RPC URL. */
function messageOf(err: unknown): string {
  return scrubSecrets(err instanceof Error ? err.message : String(err)).slice(0, 200);
}
