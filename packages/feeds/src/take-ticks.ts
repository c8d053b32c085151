import type { Tick } from '@omni/core';
import type { PriceFeed } from './price-feed.js';

/**
 * The first `count` ticks of a feed (fewer if it ends first). Leaving the loop early runs the
 * iterator's `return`, which stops a {@link PriceFeed}: a live feed's socket is closed when this
 * resolves. Handy for tests, probes and examples.
 *
 * @example
 * const [first] = await takeTicks(new ReplayFeed({ path: bundledFxPath('EURUSD') }), 1);
 */
export async function takeTicks(feed: AsyncIterable<Tick>, count: number): Promise<Tick[]> {
  const ticks: Tick[] = [];
  if (!(count > 0)) return ticks;
  for await (const tick of feed) {
    ticks.push(tick);
    if (ticks.length >= count) break;
  }
  return ticks;
}
