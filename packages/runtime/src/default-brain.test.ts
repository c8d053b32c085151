import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTradeDecision, parseConfig, Rng, type Tick, type TradeDecision } from '@omni/core';
import { FeatureExtractorEngine } from '@omni/features';
import { bundledFxPath, ReplayFeed } from '@omni/feeds';
import { type GovernorDecision, LearnerStateStore } from '@omni/governor';
import { MomentumSequenceModel } from '@omni/sequence';
import { describe, expect, it } from 'vitest';
import { createDefaultBrain, type DefaultBrain } from './default-brain.js';
import { DAILY_FEATURES } from './omni-engine.js';
import { fakeOutcome, tempRunDir } from './runtime.fixture.js';

const config = parseConfig({ seed: 42 });

interface Trade {
  readonly audit: GovernorDecision;
  readonly decision: TradeDecision;
  readonly entry: Tick;
}

/** The first `count` trades `brain` decides on the bundled daily EURUSD (no learning in between). */
async function firstTrades(brain: DefaultBrain, count: number): Promise<{ trades: Trade[]; last: Tick }> {
  const features = new FeatureExtractorEngine(DAILY_FEATURES);
  const trades: Trade[] = [];
  let last: Tick | undefined;
  for await (const tick of new ReplayFeed({ path: bundledFxPath('EURUSD') })) {
    last = tick;
    const fv = features.update(tick);
    const window = features.priceWindow(tick.symbol);
    if (window.length < 32) continue;
    const audit = brain.decide({ decisionId: `d-${tick.tsMs}`, features: fv, window, balanceUsd: 10_000 });
    if (isTradeDecision(audit.decision)) trades.push({ audit, decision: audit.decision, entry: tick });
    if (trades.length === count) break;
  }
  if (last === undefined || trades.length < count) throw new Error('the bundled EURUSD has too few trades');
  return { trades, last };
}

function brainAt(statePath: string, saveAfterLearn?: boolean): DefaultBrain {
  return createDefaultBrain({
    config,
    rng: new Rng(config.seed).fork('governor'),
    sequence: new MomentumSequenceModel(),
    statePath,
    ...(saveAfterLearn === undefined ? {} : { saveAfterLearn }),
  });
}

describe('createDefaultBrain', () => {
  it('saves the learners after every settled trade without save() being called', async () => {
    const statePath = join(tempRunDir('brain'), 'state', 'governor.json');
    const brain = brainAt(statePath);
    const { trades, last } = await firstTrades(brain, 2);
    expect(existsSync(statePath)).toBe(false);
    const [first, second] = trades as [Trade, Trade];

    brain.learn(fakeOutcome(first.decision, first.entry, last, -5), first.audit, { riskUsd: 5 });
    const afterFirst = readFileSync(statePath, 'utf8');
    expect(JSON.parse(afterFirst)).toEqual(brain.governor.snapshot());

    brain.learn(fakeOutcome(second.decision, second.entry, last, 4), second.audit, { riskUsd: 5 });
    const afterSecond = readFileSync(statePath, 'utf8');
    expect(afterSecond).not.toBe(afterFirst);
    expect(new LearnerStateStore(statePath).load()).toEqual(brain.governor.snapshot());
  });

  it('restores what it saved after a learn, as a restart after a crash would', async () => {
    const statePath = join(tempRunDir('brain'), 'governor.json');
    const brain = brainAt(statePath);
    const { trades, last } = await firstTrades(brain, 1);
    const [trade] = trades as [Trade];
    brain.learn(fakeOutcome(trade.decision, trade.entry, last, -5), trade.audit, { riskUsd: 5 });
    // No save(), no close: the process "dies" here.
    const restarted = brainAt(statePath);
    expect(restarted.governor.snapshot()).toEqual(brain.governor.snapshot());
    expect(restarted.governor.snapshot()).not.toEqual(
      brainAt(join(tempRunDir('fresh'), 'g.json')).governor.snapshot(),
    );
  });

  it('leaves saving to the caller when saveAfterLearn is false', async () => {
    const statePath = join(tempRunDir('brain'), 'governor.json');
    const brain = brainAt(statePath, false);
    const { trades, last } = await firstTrades(brain, 1);
    const [trade] = trades as [Trade];
    brain.learn(fakeOutcome(trade.decision, trade.entry, last, -5), trade.audit, { riskUsd: 5 });
    expect(existsSync(statePath)).toBe(false);
    brain.save();
    expect(new LearnerStateStore(statePath).load()).toEqual(brain.governor.snapshot());
  });

  it('explores with the configured ε in backtest and shadow runs and never in live modes', () => {
    const epsilonIn = (mode: 'backtest' | 'shadow' | 'micro-live' | 'scaled-live') =>
      createDefaultBrain({
        config: parseConfig({ mode, engines: { governor: { explorationEpsilon: 0.3 } } }),
        rng: new Rng(42).fork('governor'),
        sequence: new MomentumSequenceModel(),
      }).governor.learners.exploration.epsilon;
    expect([
      epsilonIn('backtest'),
      epsilonIn('shadow'),
      epsilonIn('micro-live'),
      epsilonIn('scaled-live'),
    ]).toEqual([0.3, 0.3, 0, 0]);
  });
});
