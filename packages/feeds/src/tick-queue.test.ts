import type { Tick } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BackpressureEvent, isQuote, TickQueue, type TickQueueOptions } from './tick-queue.js';

function quote(symbol: string, tsMs: number): Tick {
  return { symbol, tsMs, price: 1.5, bid: 1, ask: 2, source: 'test' };
}

function trade(symbol: string, tsMs: number): Tick {
  return { symbol, tsMs, price: 1.5, volume: 1, source: 'test' };
}

function setup(options: Partial<TickQueueOptions> = {}) {
  const calls: string[] = [];
  const events: BackpressureEvent[] = [];
  const queue = new TickQueue({
    highWaterMark: 4,
    lowWaterMark: 1,
    maxQueue: 8,
    conflateQuotes: true,
    onPause: () => calls.push('pause'),
    onResume: () => calls.push('resume'),
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { queue, calls, events };
}

/** Everything queued now, then ends the stream. */
async function drainAll(queue: TickQueue): Promise<Tick[]> {
  queue.end();
  const out: Tick[] = [];
  for await (const t of queue.drain()) out.push(t);
  return out;
}

describe('TickQueue', () => {
  it('tells quotes (bid and ask, no volume) from trades', () => {
    expect([
      isQuote(quote('A', 1)),
      isQuote(trade('A', 1)),
      isQuote({ ...quote('A', 1), volume: 3 }),
    ]).toEqual([true, false, false]);
  });

  it('keeps only the latest quote per symbol while behind, in arrival order', async () => {
    const { queue, calls, events } = setup();
    // 3 queued normally; the 4th reaches the high-water mark: from there quotes conflate.
    for (let t = 1; t <= 3; t++) queue.push(quote('A', t));
    queue.push(quote('A', 4));
    queue.push(quote('B', 5));
    queue.push(quote('A', 6));
    queue.push(quote('A', 7));
    queue.push(quote('B', 8));
    expect(queue.stats()).toEqual({ queued: 5, peakQueue: 5, conflated: 3, dropped: 0, pauses: 0 });
    expect(calls).toEqual([]);
    expect(events).toEqual([{ kind: 'conflating', queued: 5 }]);
    const ticks = await drainAll(queue);
    expect(ticks.map((t) => `${t.symbol}${t.tsMs}`)).toEqual(['A1', 'A2', 'A3', 'A7', 'B8']);
    expect(events.at(-1)).toEqual({ kind: 'caught-up', queued: 1, conflated: 3, dropped: 0 });
  });

  it('never conflates trades: 2 × highWaterMark waiting trades pause the producer until the low-water mark', async () => {
    const { queue, calls, events } = setup({ highWaterMark: 2, maxQueue: 6 });
    for (let t = 1; t <= 3; t++) queue.push(trade('A', t));
    expect(calls).toEqual([]);
    queue.push(trade('A', 4));
    expect(calls).toEqual(['pause']);
    const reading = queue.drain();
    await reading.next();
    await reading.next();
    expect(calls).toEqual(['pause']);
    await reading.next();
    expect(calls).toEqual(['pause', 'resume']);
    expect(events).toEqual([]);
    expect(queue.stats()).toMatchObject({ conflated: 0, dropped: 0, pauses: 1, peakQueue: 4 });
  });

  it('drops and counts ticks that cannot be conflated once maxQueue wait, and says so once per episode', async () => {
    const { queue, events } = setup({ highWaterMark: 3 });
    for (let t = 1; t <= 11; t++) queue.push(trade('A', t));
    expect(queue.stats()).toMatchObject({ queued: 8, dropped: 3, pauses: 1 });
    expect(events).toEqual([{ kind: 'dropping', queued: 8 }]);
    const ticks = await drainAll(queue);
    expect(ticks.map((t) => t.tsMs)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events.at(-1)).toEqual({ kind: 'caught-up', queued: 1, conflated: 0, dropped: 3 });
  });

  it('without conflation queues every quote and pauses at the high-water mark', async () => {
    const { queue, calls } = setup({ conflateQuotes: false });
    for (let t = 1; t <= 5; t++) queue.push(quote('A', t));
    expect(calls).toEqual(['pause']);
    expect((await drainAll(queue)).map((t) => t.tsMs)).toEqual([1, 2, 3, 4, 5]);
  });

  it('property: per symbol the consumer sees increasing times, ends with the last tick, and memory stays bounded', async () => {
    const step = fc.record({
      symbol: fc.constantFrom('A', 'B', 'C'),
      isQuote: fc.boolean(),
      read: fc.nat(3),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 200 }), async (steps) => {
        const { queue } = setup({ highWaterMark: 4, lowWaterMark: 2, maxQueue: 8 });
        const reading = queue.drain();
        const seen: Tick[] = [];
        let ts = 0;
        const lastOf = new Map<string, number>();
        for (const s of steps) {
          ts++;
          queue.push(s.isQuote ? quote(s.symbol, ts) : trade(s.symbol, ts));
          lastOf.set(s.symbol, ts);
          expect(queue.size).toBeLessThanOrEqual(8 + 3);
          for (let r = 0; r < s.read && queue.size > 0; r++) seen.push((await reading.next()).value as Tick);
        }
        queue.end();
        for (let r = await reading.next(); !r.done; r = await reading.next()) seen.push(r.value);
        const stats = queue.stats();
        expect(seen.length + stats.conflated + stats.dropped).toBe(steps.length);
        for (let i = 1; i < seen.length; i++)
          expect((seen[i] as Tick).tsMs).toBeGreaterThan((seen[i - 1] as Tick).tsMs);
        if (stats.dropped === 0) {
          for (const [symbol, last] of lastOf)
            expect(seen.filter((t) => t.symbol === symbol).at(-1)?.tsMs).toBe(last);
        }
      }),
      { seed: 18, numRuns: 200 },
    );
  });
});
