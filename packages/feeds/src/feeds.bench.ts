import type { Tick } from '@omni/core';
import { bench, describe } from 'vitest';
import { bundledFxPath } from './bundled-fx.js';
import { MarketNormalizer } from './market-normalizer.js';
import { ReplayFeed } from './replay-feed.js';
import { generateSyntheticTicks } from './synthetic-ticks.js';

const ticks: Tick[] = [...generateSyntheticTicks({ seed: 1, count: 100_000 })];

describe('feeds throughput (100k synthetic ticks / bundled GBPUSD)', () => {
  bench('generateSyntheticTicks x100k', () => {
    let n = 0;
    for (const _ of generateSyntheticTicks({ seed: 2, count: 100_000 })) n++;
    if (n !== 100_000) throw new Error('count');
  });

  bench('MarketNormalizer.normalize x100k (spike check on)', () => {
    const normalizer = new MarketNormalizer({ policy: 'skip-and-alert' });
    for (const t of ticks) normalizer.normalize(t);
  });

  bench('ReplayFeed bundled GBPUSD (13.4k rows)', async () => {
    let n = 0;
    for await (const _ of new ReplayFeed({ path: bundledFxPath('GBPUSD') })) n++;
    if (n < 13_000) throw new Error('count');
  });
});
