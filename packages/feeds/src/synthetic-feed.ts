import type { Tick } from '@omni/core';
import type { PriceFeed } from './price-feed.js';
import { generateSyntheticTicks, type SyntheticTickOptions } from './synthetic-ticks.js';

/** Options of a {@link SyntheticFeed}: the generator's options plus an optional feed name. */
export interface SyntheticFeedOptions extends SyntheticTickOptions {
  /** Feed name in alerts. Default `synthetic:<symbol>`. */
  readonly name?: string;
}

/**
 * A {@link PriceFeed} over {@link generateSyntheticTicks}: SYNTHETIC data for intraday-scale tests,
 * shadow dry-runs and benchmarks. Why: the same seed replays the same market, with no files or network.
 *
 * @example
 * const feed = new SyntheticFeed({ seed: 1, count: 10_000, symbol: 'EURUSD' });
 * for await (const tick of feed) features.update(tick);
 */
export class SyntheticFeed implements PriceFeed {
  readonly name: string;
  readonly #options: SyntheticTickOptions;
  #stopped = false;

  constructor(options: SyntheticFeedOptions) {
    this.#options = options;
    this.name = options.name ?? `synthetic:${options.symbol ?? 'SYNTH'}`;
  }

  async start(): Promise<void> {
    this.#stopped = false;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Tick> {
    for (const tick of generateSyntheticTicks(this.#options)) {
      if (this.#stopped) return;
      yield tick;
    }
  }
}
