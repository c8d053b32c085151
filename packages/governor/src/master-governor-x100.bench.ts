import { parseConfig } from '@omni/core';
import { MomentumSequenceModel } from '@omni/sequence';
import { bench, describe } from 'vitest';
import { type MarketTick, syntheticMarket, testRouteCandidates } from './market.fixture.js';
import { MasterGovernorX100 } from './master-governor-x100.js';

const config = parseConfig({ seed: 11 });
const market = syntheticMarket({ seed: 7, count: 4000 }).filter((t) => t.window.length >= 32);
const candidates = testRouteCandidates();

describe('MasterGovernorX100.decide and observeMarket', () => {
  // One iteration = a fresh governor deciding on every tick of the 3 969-tick market (64-price windows).
  bench(
    'decide on 3 969 ticks (momentum model, fib per swing, audit copy)',
    () => {
      const g = new MasterGovernorX100({ config, sequence: new MomentumSequenceModel() });
      for (let i = 0; i < market.length; i++) {
        const t = market[i] as MarketTick;
        g.decide({
          decisionId: `d-${i}`,
          features: t.features,
          window: t.window,
          balanceUsd: 10_000,
          arbitrage: { candidates },
          dexVolatility: t.dexVolatility,
        });
      }
    },
    { iterations: 5, warmupIterations: 1 },
  );

  // The ticks the runtime only observes (warm-up, a safety block): the fib stage without decisions.
  bench(
    'observeMarket on 3 969 ticks (momentum model, fib per swing)',
    () => {
      const g = new MasterGovernorX100({ config, sequence: new MomentumSequenceModel() });
      for (let i = 0; i < market.length; i++) {
        const t = market[i] as MarketTick;
        g.observeMarket({ features: t.features, window: t.window, dexVolatility: t.dexVolatility });
      }
    },
    { iterations: 5, warmupIterations: 1 },
  );
});
