import {
  EngineSettingsSchema,
  ManualClock,
  RiskLimitsSchema,
  type SpotDecision,
  type Tick,
} from '@omni/core';
import { bench, describe } from 'vitest';
import { SafetyManager } from './safety-manager.js';

// The per-tick safety path: noteTick + canTrade on every tick, approve on the ticks that trade.
const clock = new ManualClock(Date.UTC(2024, 0, 2));
const safety = new SafetyManager({
  limits: RiskLimitsSchema.parse({}),
  clock,
  arbitrageCost: EngineSettingsSchema.parse({}).arbitrage,
  spotCostBps: 4,
});
const tick: Tick = { symbol: 'EURUSD', tsMs: clock.nowMs(), price: 1.1, source: 'bench' };
const decision: SpotDecision = {
  engine: 'spot',
  id: 'bench-1',
  tsMs: clock.nowMs(),
  confidence: 0.6,
  reasons: [],
  symbol: 'EURUSD',
  side: 'buy',
  size: 10_000,
  entryPrice: 1.1,
  stopPrice: 1.095,
  takeProfits: [{ price: 1.11, fraction: 1 }],
};

describe('SafetyManager per tick', () => {
  bench('noteTick + canTrade', () => {
    safety.noteTick(tick);
    safety.canTrade();
  });
  bench('approve (spot, clipped)', () => {
    safety.approve(decision, { balanceUsd: 10_000 });
  });
});
