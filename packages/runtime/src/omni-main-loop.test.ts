import { type DecideInput, type Decision, RuntimeError, type Tick } from '@omni/core';
import { describe, expect, it, vi } from 'vitest';
import { type LoopProgress, omniMainLoop } from './omni-main-loop.js';
import { buildRuntime, FakeBrain, fixtureTicks, MINUTE_MS, noneFor, T0 } from './runtime.fixture.js';

/** An async feed over `ticks` that counts how many ticks were pulled and whether it was closed. */
function countingFeed(ticks: readonly Tick[]): AsyncIterable<Tick> & { pulled: number; closed: boolean } {
  const feed = {
    pulled: 0,
    closed: false,
    async *[Symbol.asyncIterator](): AsyncGenerator<Tick> {
      try {
        for (const t of ticks) {
          feed.pulled++;
          yield t;
        }
      } finally {
        feed.closed = true;
      }
    },
  };
  return feed;
}

describe('omniMainLoop', () => {
  it('skips ticks before fromMs, stops after toMs and drives the clock from tick time', async () => {
    const f = await buildRuntime({ brain: new FakeBrain(noneFor) });
    const onTick = vi.spyOn(f.runtime, 'advance');
    const ticks = fixtureTicks(10);
    const feed = countingFeed(ticks);
    const clock = f.clock; // the ManualClock SafetyManager reads
    const result = await omniMainLoop(feed, f.runtime, {
      clock,
      fromMs: T0 + 3 * MINUTE_MS,
      toMs: T0 + 6 * MINUTE_MS, // inclusive
    });
    expect(result).toEqual({ ticks: 4, end: 'feed-ended', lastTsMs: T0 + 6 * MINUTE_MS });
    expect(onTick.mock.calls.map((c) => c[0].tsMs)).toEqual([3, 4, 5, 6].map((i) => T0 + i * MINUTE_MS));
    expect(clock.nowMs()).toBe(T0 + 6 * MINUTE_MS);
    // The loop read one tick past toMs to see it was over, then closed the feed.
    expect(feed.pulled).toBe(8);
    expect(feed.closed).toBe(true);
    await expect(f.runtime.onTick(ticks[9] as Tick)).rejects.toBeInstanceOf(RuntimeError); // shut down
  });

  it('drains a feed that offers batches a batch at a time, with the same ticks, bounds and results', async () => {
    const ticks = fixtureTicks(10);
    const plain = await buildRuntime({ brain: new FakeBrain(noneFor), minWindow: 4 });
    const batchedRuntime = await buildRuntime({ brain: new FakeBrain(noneFor), minWindow: 4 });
    const seen: number[] = [];
    const spy = vi.spyOn(batchedRuntime.runtime, 'advance');
    let batchesRead = 0;
    const batchedFeed = {
      [Symbol.asyncIterator](): AsyncIterator<Tick> {
        throw new Error('a batched feed is drained through batches()');
      },
      batches: () => ({
        async *[Symbol.asyncIterator](): AsyncGenerator<readonly Tick[]> {
          for (let i = 0; i < ticks.length; i += 4) {
            batchesRead++;
            yield ticks.slice(i, i + 4);
          }
        },
      }),
    };
    const bounds = { fromMs: T0 + 1 * MINUTE_MS, toMs: T0 + 8 * MINUTE_MS };
    const a = await omniMainLoop(countingFeed(ticks), plain.runtime, { clock: plain.clock, ...bounds });
    const b = await omniMainLoop(batchedFeed, batchedRuntime.runtime, {
      clock: batchedRuntime.clock,
      ...bounds,
      prices: { add: (tsMs) => seen.push(tsMs) },
    });
    expect(b).toEqual(a);
    expect(b).toEqual({ ticks: 8, end: 'feed-ended', lastTsMs: T0 + 8 * MINUTE_MS });
    expect(spy.mock.calls.map((c) => c[0].tsMs)).toEqual(seen);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => T0 + i * MINUTE_MS));
    expect(batchesRead).toBe(3); // the third batch holds the first tick past toMs
    expect(batchedRuntime.runtime.decisions).toBe(plain.runtime.decisions);
    expect(batchedRuntime.runtime.decisions).toBe(5);
  });

  it('reports progress every progressEvery ticks and once at the end', async () => {
    const f = await buildRuntime({ brain: new FakeBrain(noneFor), minWindow: 4 });
    const ticks = fixtureTicks(10);
    const progress: LoopProgress[] = [];
    const result = await omniMainLoop(countingFeed(ticks), f.runtime, {
      clock: f.clock,
      progressEvery: 3,
      onProgress: (p) => progress.push(p),
    });
    expect(result.ticks).toBe(10);
    // Decisions start at the 4th tick (window 4 = minWindow): after tick n there are n − 3 of them.
    expect(progress).toEqual([
      { ticks: 3, tsMs: ticks[2]?.tsMs, decisions: 0 },
      { ticks: 6, tsMs: ticks[5]?.tsMs, decisions: 3 },
      { ticks: 9, tsMs: ticks[8]?.tsMs, decisions: 6 },
      { ticks: 10, tsMs: ticks[9]?.tsMs, decisions: 7 },
    ]);
  });

  it('stops after the current tick when the abort signal fires and still shuts the runtime down', async () => {
    const f = await buildRuntime({ brain: new FakeBrain(noneFor) });
    const shutdown = vi.spyOn(f.runtime, 'shutdown');
    const controller = new AbortController();
    const ticks = fixtureTicks(10);
    const feed = countingFeed(ticks);
    const result = await omniMainLoop(feed, f.runtime, {
      clock: f.clock,
      signal: controller.signal,
      progressEvery: 1,
      onProgress: (p) => {
        if (p.ticks === 3) controller.abort();
      },
    });
    expect(result).toEqual({ ticks: 3, end: 'aborted', lastTsMs: ticks[2]?.tsMs });
    expect(feed.closed).toBe(true);
    expect(shutdown).toHaveBeenCalledTimes(1);
  });

  it('ends with end = signal on SIGINT when handleSignals is set, and removes its listeners', async () => {
    const f = await buildRuntime({ brain: new FakeBrain(noneFor) });
    const before = new Set(process.listeners('SIGINT'));
    const termBefore = process.listenerCount('SIGTERM');
    const ticks = fixtureTicks(10);
    const result = await omniMainLoop(countingFeed(ticks), f.runtime, {
      clock: f.clock,
      handleSignals: true,
      progressEvery: 1,
      onProgress: (p) => {
        if (p.ticks !== 2) return;
        // Call the loop's own SIGINT listener (emitting a real signal would reach the test runner).
        const added = process.listeners('SIGINT').filter((l) => !before.has(l));
        expect(added).toHaveLength(1);
        expect(process.listenerCount('SIGTERM')).toBe(termBefore + 1);
        (added[0] as () => void)();
      },
    });
    expect(result).toEqual({ ticks: 2, end: 'signal', lastTsMs: ticks[1]?.tsMs });
    expect(process.listeners('SIGINT').filter((l) => !before.has(l))).toHaveLength(0);
    expect(process.listenerCount('SIGTERM')).toBe(termBefore);
    await expect(f.runtime.onTick(ticks[5] as Tick)).rejects.toMatchObject({ code: 'RUNTIME_NOT_STARTED' });
  });

  it('shuts the runtime down when a tick throws, then rethrows the error', async () => {
    const boom = new Error('brain exploded');
    const brain = new FakeBrain((input: DecideInput, n: number): Decision => {
      if (n === 2) throw boom;
      return noneFor(input);
    });
    const f = await buildRuntime({ brain, minWindow: 4 });
    const shutdown = vi.spyOn(f.runtime, 'shutdown');
    const ticks = fixtureTicks(10);
    const feed = countingFeed(ticks);
    await expect(omniMainLoop(feed, f.runtime, { clock: f.clock })).rejects.toBe(boom);
    expect(shutdown).toHaveBeenCalledTimes(1);
    expect(feed.closed).toBe(true);
    expect(feed.pulled).toBe(6); // ticks 4, 5 decided; tick 6 threw
    await expect(f.runtime.onTick(ticks[7] as Tick)).rejects.toMatchObject({ code: 'RUNTIME_NOT_STARTED' });
  });

  it('shuts the runtime down and rethrows RUNTIME_BAD_INPUT when the feed goes back in time', async () => {
    const f = await buildRuntime({ brain: new FakeBrain(noneFor) });
    const shutdown = vi.spyOn(f.runtime, 'shutdown');
    const [a, b, c] = fixtureTicks(3);
    if (!a || !b || !c) throw new Error('fixture has 3 ticks');
    await expect(omniMainLoop(countingFeed([a, c, b]), f.runtime)).rejects.toMatchObject({
      code: 'RUNTIME_BAD_INPUT',
    });
    expect(shutdown).toHaveBeenCalledTimes(1);
  });

  it('stops at once on SIGINT while the feed waits for data, and absorbs a second Ctrl-C', async () => {
    const f = await buildRuntime({ brain: new FakeBrain(noneFor) });
    const ticks = fixtureTicks(3);
    let release: (() => void) | undefined;
    const outage = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A live feed in an outage: two ticks, then it waits until it is stopped.
    const feed: AsyncIterable<Tick> = {
      async *[Symbol.asyncIterator](): AsyncGenerator<Tick> {
        yield ticks[0] as Tick;
        yield ticks[1] as Tick;
        await outage;
      },
    };
    const stops: string[] = [];
    const listenersBefore = process.listenerCount('SIGINT');
    const shutdown = vi.spyOn(f.runtime, 'shutdown');
    const running = omniMainLoop(feed, f.runtime, {
      clock: f.clock,
      handleSignals: true,
      onStopRequested: (why) => {
        stops.push(why);
        release?.();
      },
    });
    // Let the loop take both ticks and block on the third read, then press Ctrl-C twice.
    while (f.runtime.ticks < 2) await new Promise<void>((r) => setImmediate(r));
    process.emit('SIGINT');
    process.emit('SIGINT');
    const result = await running;
    expect(result).toEqual({ ticks: 2, end: 'signal', lastTsMs: ticks[1]?.tsMs });
    expect(stops).toEqual(['signal']);
    expect(shutdown).toHaveBeenCalledTimes(1);
    expect(process.listenerCount('SIGINT')).toBe(listenersBefore);
  });

  it('stops at once on an abort while the feed waits', async () => {
    const f = await buildRuntime({ brain: new FakeBrain(noneFor) });
    const controller = new AbortController();
    const feed: AsyncIterable<Tick> = {
      async *[Symbol.asyncIterator](): AsyncGenerator<Tick> {
        controller.abort();
        await new Promise<void>(() => undefined); // never resolves: the loop must not wait for it
      },
    };
    const result = await omniMainLoop(feed, f.runtime, { clock: f.clock, signal: controller.signal });
    expect(result).toEqual({ ticks: 0, end: 'aborted', lastTsMs: undefined });
  });
});
