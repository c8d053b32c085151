import { EngineSettingsSchema, type Tick } from '@omni/core';
import { bench, describe } from 'vitest';
import { ShadowExecutionHub } from './shadow-execution-hub.js';
import { SyntheticPoolPair } from './synthetic-pool-pair.js';

// The per-tick execution path: the hub's onTick with nothing pending, and with binary options
// waiting for expiry (settlement scans), plus the synthetic pools' per-tick update.
const engines = EngineSettingsSchema.parse({});
const pools = new SyntheticPoolPair({ seed: 1, symbol: 'EURUSD' });
const idle = new ShadowExecutionHub({ engines, pools });
const busy = new ShadowExecutionHub({ engines });
let ts = Date.UTC(2024, 0, 2);
const tickAt = (tsMs: number): Tick => ({ symbol: 'EURUSD', tsMs, price: 1.1, source: 'bench' });
for (let i = 0; i < 20; i++) {
  await busy.execute(
    {
      engine: 'binary',
      id: `b-${i}`,
      tsMs: ts,
      confidence: 0.6,
      reasons: [],
      symbol: 'EURUSD',
      direction: 'call',
      stakeUsd: 1,
      expirySec: 86_400 * 365,
    },
    tickAt(ts),
  );
}

describe('ShadowExecutionHub per tick', () => {
  bench('onTick, nothing pending', () => {
    ts += 1000;
    idle.onTick(tickAt(ts));
  });
  bench('onTick, 20 binary options pending', () => {
    ts += 1000;
    busy.onTick(tickAt(ts));
  });
  bench('SyntheticPoolPair.onTick', () => {
    ts += 1000;
    pools.onTick(tickAt(ts));
  });
});
