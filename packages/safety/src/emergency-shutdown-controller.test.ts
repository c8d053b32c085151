import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Alert, ManualClock, RiskLimitsSchema } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { EmergencyShutdownController } from './emergency-shutdown-controller.js';
import { SafetyManager } from './safety-manager.js';

const T0 = Date.UTC(2024, 0, 2);

function setup(cancelAll: () => Promise<number>, freezeOnCapTrip = false) {
  const dir = mkdtempSync(join(tmpdir(), 'omni-freeze-'));
  const statePath = join(dir, 'safety.json');
  const clock = new ManualClock(T0);
  const alerts: Alert[] = [];
  const limits = RiskLimitsSchema.parse({ maxLossStreak: 1 });
  const safety = new SafetyManager({ limits, clock, statePath, onAlert: (a) => alerts.push(a) });
  safety.noteTick({ symbol: 'X', tsMs: T0, price: 1, source: 'test' });
  const controller = new EmergencyShutdownController({
    safety,
    cancelPort: { cancelAll },
    clock,
    onAlert: (a) => alerts.push(a),
    freezeOnCapTrip,
  });
  return { safety, controller, alerts, statePath, clock, limits };
}

describe('EmergencyShutdownController', () => {
  it('halts, cancels pending work through the port and journals both', async () => {
    const { safety, controller, alerts } = setup(async () => 3);
    const report = await controller.freeze('venue outage', 'ops');
    expect(report).toEqual({ newlyFrozen: true, cancelled: 3 });
    expect(safety.mode).toBe('halted');
    expect(controller.isFrozen).toBe(true);
    expect(alerts.map((a) => [a.code, a.level])).toEqual([
      ['SAFETY_FROZEN', 'critical'],
      ['SAFETY_PENDING_CANCELLED', 'warn'],
    ]);
  });

  it('stays frozen after a restart until an explicit unfreeze', async () => {
    const { controller, statePath, clock, limits } = setup(async () => 0);
    await controller.freeze('panic');
    clock.advance(10 * 86_400_000);
    const restarted = SafetyManager.open({ limits, clock, statePath });
    restarted.noteTick({ symbol: 'X', tsMs: clock.nowMs(), price: 1, source: 'test' });
    expect(restarted.canTrade()).toMatchObject({ ok: false, mode: 'halted', code: 'SAFETY_FROZEN' });
    const again = new EmergencyShutdownController({ safety: restarted, clock });
    expect(() => again.unfreeze({ reason: '', operator: 'ops' })).toThrow(/SAFETY_RESET_REFUSED/);
    expect(again.unfreeze({ reason: 'venue back', operator: 'ops' })).toMatchObject({ action: 'unfreeze' });
    expect(restarted.canTrade().ok).toBe(true);
    expect(SafetyManager.open({ limits, clock, statePath }).mode).toBe('active');
  });

  it('keeps the freeze and reports the error when cancelling fails', async () => {
    const { safety, controller, alerts } = setup(async () => {
      throw new Error('broker down');
    });
    const report = await controller.freeze('panic');
    expect(report).toMatchObject({ newlyFrozen: true, cancelled: 0, cancelError: 'broker down' });
    expect(safety.mode).toBe('halted');
    expect(alerts.at(-1)).toMatchObject({ code: 'SAFETY_CANCEL_FAILED', level: 'critical' });
  });

  it('freezes on a cap trip when asked to', async () => {
    let cancels = 0;
    const { safety } = setup(async () => ++cancels, true);
    safety.registerOutcome({
      decisionId: 'x',
      engine: 'binary',
      symbol: 'X',
      direction: 'call',
      entryTs: T0,
      entryPrice: 1,
      settleTs: T0,
      settlePrice: 0.9,
      stake: 1,
      payout: 0.8,
      fees: 0,
      pnl: -1,
      rule: 'binary-expiry-loss',
    });
    expect(safety.mode).toBe('halted');
    await new Promise((resolve) => setImmediate(resolve));
    expect(cancels).toBe(1);
  });

  it('keeps the first reason when frozen twice', async () => {
    const { safety, controller } = setup(async () => 0);
    await controller.freeze('first');
    const second = await controller.freeze('second');
    expect(second.newlyFrozen).toBe(false);
    expect(safety.status().frozen?.reason).toBe('first');
  });

  it('closes the orders a freeze cancelled in the position ledger; filled ones stay open', async () => {
    const clock = new ManualClock(T0);
    const safety = new SafetyManager({ limits: RiskLimitsSchema.parse({}), clock });
    const spot = (id: string) => ({
      engine: 'spot' as const,
      id,
      tsMs: T0,
      confidence: 0.6,
      reasons: [],
      symbol: 'EURUSD',
      side: 'buy' as const,
      size: 1000,
      entryPrice: 1.1,
      stopPrice: 1.09,
      takeProfits: [{ price: 1.12, fraction: 1 }],
    });
    safety.registerOpen(spot('waiting'), { venue: 'shadow' });
    safety.registerOpen(spot('filled'), { venue: 'shadow', entryTs: T0, entryPrice: 1.1 });
    let pending = [{ decisionId: 'waiting' }, { decisionId: 'filled' }];
    const controller = new EmergencyShutdownController({
      safety,
      clock,
      cancelPort: {
        pending: () => pending,
        cancelAll: async () => {
          pending = pending.filter((p) => p.decisionId !== 'waiting');
          return 1;
        },
      },
    });
    const report = await controller.freeze('test');
    expect(report).toEqual({ newlyFrozen: true, cancelled: 1 });
    expect(safety.ledger.positions().map((p) => p.decisionId)).toEqual(['filled']);
  });
});
