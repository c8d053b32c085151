import type { Tick } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { takeTicks } from './take-ticks.js';

/** A feed of ticks at 1, 2, 3... ms that records whether it was pulled and closed. */
function countingFeed(length: number) {
  const state = { pulled: 0, closed: false };
  async function* ticks(): AsyncGenerator<Tick> {
    try {
      for (let i = 1; i <= length; i++) {
        state.pulled++;
        yield { symbol: 'EURUSD', tsMs: i, price: 1 + i / 100, source: 'test' };
      }
    } finally {
      state.closed = true;
    }
  }
  return { feed: ticks(), state };
}

describe('takeTicks', () => {
  it('returns the first count ticks and closes the feed', async () => {
    const { feed, state } = countingFeed(5);
    const ticks = await takeTicks(feed, 3);
    expect(ticks.map((t) => t.tsMs)).toEqual([1, 2, 3]);
    expect(state).toEqual({ pulled: 3, closed: true });
  });

  it('returns every tick of a feed that ends first', async () => {
    const { feed } = countingFeed(2);
    expect((await takeTicks(feed, 10)).map((t) => t.price)).toEqual([1.01, 1.02]);
  });

  it('does not start the feed for a count of zero', async () => {
    const { feed, state } = countingFeed(2);
    expect(await takeTicks(feed, 0)).toEqual([]);
    expect(state).toEqual({ pulled: 0, closed: false });
  });
});
