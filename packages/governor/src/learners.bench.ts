import { Rng } from '@omni/core';
import { bench, describe } from 'vitest';
import { ArbitrageRLAgent } from './arbitrage-rl-agent.js';
import { LadderRiskAI } from './ladder-risk-ai.js';
import { REGIME_KEYS, type RegimeKey, RegimeStateBuilder } from './regime-state-builder.js';
import { RegimeSwitchingRL } from './regime-switching-rl.js';
import { SignalConfidenceCalibrator } from './signal-confidence-calibrator.js';

const builder = new RegimeStateBuilder();
const rl = new RegimeSwitchingRL({ rng: new Rng(1) });
const ladder = new LadderRiskAI({
  maxStakeUsd: 25,
  maxBalanceFraction: 0.02,
  maxLadderDepth: 3,
  kellyFraction: 0.25,
  payout: 0.8,
});
const calibrator = new SignalConfidenceCalibrator();
const agent = new ArbitrageRLAgent();
const routes = Array.from({ length: 8 }, (_, i) => ({ routeId: `route-${i}` }));
const rng = new Rng(2);
for (let i = 0; i < 10_000; i++) {
  const key = REGIME_KEYS[i % REGIME_KEYS.length] as RegimeKey;
  rl.update(key, 'spot', rng.normal());
  calibrator.observe(rng.float(), rng.bernoulli(0.5));
  agent.updateRoute(`route-${i % 8}`, rng.normal());
}
const probabilities = { trending: 0.5, meanReverting: 0.3, volatile: 0.2 };
let i = 0;

describe('per-decision learners', () => {
  bench('RegimeStateBuilder.build', () => {
    builder.build({ volScore: (i++ % 100) / 100, trendStrength: 1.7, probabilities });
  });
  bench('RegimeSwitchingRL.chooseEngine (ucb)', () => {
    rl.chooseEngine(REGIME_KEYS[i++ % REGIME_KEYS.length] as RegimeKey);
  });
  bench('SignalConfidenceCalibrator.calibrate', () => {
    calibrator.calibrate((i++ % 100) / 100);
  });
  bench('LadderRiskAI.nextStake', () => {
    ladder.nextStake({ balanceUsd: 1000, probability: 0.6 });
  });
  bench('ArbitrageRLAgent.chooseRoute (8 routes)', () => {
    agent.chooseRoute(routes);
  });
});
