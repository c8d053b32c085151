import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock, parseConfig, type Tick } from '@omni/core';
import { bundledFxPath, ReplayFeed } from '@omni/feeds';
import { defaultModelPath } from '@omni/sequence';
import { describe, expect, it } from 'vitest';
import { createOmniEngine } from './omni-engine.js';
import { omniMainLoop } from './omni-main-loop.js';
import { tempRunDir } from './runtime.fixture.js';

const config = parseConfig({ seed: 7, startingBalanceUsd: 10_000 });
const FROM_MS = Date.parse('2012-01-01T00:00:00Z');
const TO_MS = Date.parse('2016-12-31T00:00:00Z');

/** The same feed without batches: every decision then runs one inference of its own. */
function oneByOne(feed: ReplayFeed): AsyncIterable<Tick> {
  return { [Symbol.asyncIterator]: () => feed[Symbol.asyncIterator]() };
}

async function run(label: string, batched: boolean) {
  const dir = tempRunDir(label);
  const clock = new ManualClock(0);
  const engine = await createOmniEngine({
    config,
    runDir: dir,
    clock,
    symbol: 'EURUSD',
    modelPath: defaultModelPath(),
  });
  const feed = new ReplayFeed({ path: bundledFxPath('EURUSD') });
  await omniMainLoop(batched ? feed : oneByOne(feed), engine.runtime, {
    clock,
    fromMs: FROM_MS,
    toMs: TO_MS,
  });
  const stats = engine.sequence.stats;
  const prefetched = engine.sequence.prefetchedAnswers;
  await engine.close();
  return {
    decisions: readFileSync(join(dir, 'decisions.jsonl'), 'utf8'),
    trades: readFileSync(join(dir, 'trades.jsonl'), 'utf8'),
    stats,
    prefetched,
  };
}

describe('batched, causal ONNX inference in a backtest', () => {
  it('predicts every window of a chunk in one batch ahead, and decides exactly as one inference per decision', async () => {
    const batched = await run('prefetch-batched', true);
    const single = await run('prefetch-single', false);
    // (ticks the brain only observes — warm-up — are answered by the fallback, in both runs alike)
    expect(batched.stats.fallbackAnswers).toBe(single.stats.fallbackAnswers);
    // Every decision's probUp came from the ONNX model: prefetched in batches, or inferred alone.
    expect(batched.stats.onnxHits).toBe(single.stats.onnxHits);
    expect(batched.stats.onnxHits).toBeGreaterThan(1000);
    expect(batched.prefetched).toBe(batched.stats.onnxHits);
    expect(single.prefetched).toBe(0);
    // Each window holds only prices up to its tick, so the answers are those of a per-tick run.
    expect(batched.decisions).toBe(single.decisions);
    expect(batched.trades).toBe(single.trades);
    expect(batched.trades.length).toBeGreaterThan(0);
  });
});
