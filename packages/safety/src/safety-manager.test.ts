import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Alert,
  type BinaryDecision,
  isOmniError,
  ManualClock,
  type OmniConfig,
  RiskLimitsSchema,
  type SpotDecision,
  type TradeOutcome,
} from '@omni/core';
import { PositionLedger } from '@omni/execution';
import { describe, expect, it } from 'vitest';
import { SafetyManager } from './safety-manager.js';
import { DAY_MS } from './safety-state.js';

const T0 = Date.UTC(2024, 0, 2, 10); // a Tuesday, 10:00 UTC

function limits(over: Partial<OmniConfig['risk']> = {}): OmniConfig['risk'] {
  return RiskLimitsSchema.parse({
    maxDailyLossUsd: 100,
    maxDailyTrades: 10,
    maxLossStreak: 3,
    maxStakeUsd: 20,
    maxOpenPositions: 3,
    maxExposurePerMarketUsd: 50,
    maxBalanceFractionPerTrade: 0.02,
    staleDataMs: 60_000,
    ...over,
  });
}

function binary(id: string, stakeUsd: number, tsMs = T0): BinaryDecision {
  return {
    engine: 'binary',
    id,
    tsMs,
    confidence: 0.6,
    reasons: [],
    symbol: 'EURUSD',
    direction: 'call',
    stakeUsd,
    expirySec: 300,
  };
}

function spot(id: string, size: number, entryPrice: number, stopPrice: number): SpotDecision {
  return {
    engine: 'spot',
    id,
    tsMs: T0,
    confidence: 0.6,
    reasons: [],
    symbol: 'EURUSD',
    side: 'buy',
    size,
    entryPrice,
    stopPrice,
    takeProfits: [{ price: entryPrice * 1.01, fraction: 1 }],
  };
}

function outcome(decisionId: string, pnl: number, tsMs = T0): TradeOutcome {
  return {
    decisionId,
    engine: 'binary',
    symbol: 'EURUSD',
    direction: 'call',
    entryTs: tsMs,
    entryPrice: 1.1,
    settleTs: tsMs,
    settlePrice: 1.1,
    stake: 10,
    payout: 0.8,
    fees: 0,
    pnl,
    rule: 'binary-expiry-loss',
  };
}

function setup(over: Partial<OmniConfig['risk']> = {}, statePath?: string) {
  const clock = new ManualClock(T0);
  const alerts: Alert[] = [];
  const safety = new SafetyManager({
    limits: limits(over),
    clock,
    statePath,
    onAlert: (a) => alerts.push(a),
  });
  const tick = () => safety.noteTick({ symbol: 'EURUSD', tsMs: clock.nowMs(), price: 1.1, source: 'test' });
  tick();
  return { clock, alerts, safety, tick };
}

describe('SafetyManager', () => {
  it('is active and allows trading once a fresh tick has been seen', () => {
    const { safety } = setup();
    expect(safety.canTrade()).toEqual({ ok: true, mode: 'active' });
  });

  it('blocks with SAFETY_STALE_DATA before any tick and when the newest tick is too old', () => {
    const clock = new ManualClock(T0);
    const safety = new SafetyManager({ limits: limits(), clock });
    expect(safety.canTrade()).toMatchObject({ ok: false, code: 'SAFETY_STALE_DATA', mode: 'active' });
    safety.noteTick({ symbol: 'EURUSD', tsMs: T0, price: 1.1, source: 'test' });
    clock.advance(60_000);
    expect(safety.canTrade().ok).toBe(true);
    clock.advance(1);
    expect(safety.canTrade()).toMatchObject({ ok: false, code: 'SAFETY_STALE_DATA' });
  });

  it('blocks with SAFETY_STALE_DATA while the clock reads more than staleDataMs before the newest tick (clock jumped back)', () => {
    // A wall clock that an NTP step or an operator sets back (ManualClock refuses to go backwards).
    let now = T0;
    const clock = { nowMs: () => now, set: (tsMs: number) => (now = tsMs) };
    const alerts: Alert[] = [];
    const safety = new SafetyManager({ limits: limits(), clock, onAlert: (a) => alerts.push(a) });
    safety.noteTick({ symbol: 'EURUSD', tsMs: T0, price: 1.1, source: 'test' });
    clock.set(T0 - 60_000);
    expect(safety.canTrade().ok).toBe(true);
    clock.set(T0 - 3_600_000);
    expect(safety.canTrade()).toMatchObject({
      ok: false,
      code: 'SAFETY_STALE_DATA',
      reason: expect.stringContaining('the clock reads 3600000 ms before the newest tick'),
    });
    expect(alerts.filter((a) => a.code === 'SAFETY_STALE_DATA')).toHaveLength(1);
    clock.set(T0 + 1_000);
    expect(safety.canTrade().ok).toBe(true);
  });

  it('clips a binary stake to min(maxStakeUsd, fraction × balance) and says so in the reasons', () => {
    const { safety } = setup();
    // cap = min(20, 0.02 × 500) = 10
    const approval = safety.approve(binary('b1', 15), { balanceUsd: 500 });
    expect(approval.approved).toBe(true);
    if (!approval.approved) return;
    expect(approval.decision.stakeUsd).toBe(10);
    expect(approval.clipped).toBe(true);
    expect(approval.riskUsd).toBe(10);
    expect(approval.decision.reasons.at(-1)).toMatch(/clipped from 15 to 10 USD/);
  });

  it('scales a spot size down so that size × |entry − stop| stays under the cap', () => {
    const { safety } = setup();
    // risk asked: 10000 × 0.005 = 50 USD; cap = min(20, 0.02 × 10000) = 20 → size ≈ 4000
    const approval = safety.approve(spot('s1', 10_000, 1.1, 1.095), { balanceUsd: 10_000 });
    expect(approval.approved).toBe(true);
    if (!approval.approved) return;
    expect(approval.decision.size).toBeCloseTo(4000, 6);
    expect(approval.decision.size * 0.005).toBeLessThanOrEqual(20);
  });

  it('counts round-trip costs in spot risk when spotCostBps is set', () => {
    const clock = new ManualClock(T0);
    const safety = new SafetyManager({ limits: limits(), clock, spotCostBps: 4 });
    safety.noteTick({ symbol: 'EURUSD', tsMs: T0, price: 1.1, source: 'test' });
    // loss per unit = 0.005 + 1.1 × 4 bp = 0.00544; cap = min(20, 0.02 × 10000) = 20 → size ≈ 3676.47
    const approval = safety.approve(spot('s1', 10_000, 1.1, 1.095), { balanceUsd: 10_000 });
    expect(approval.approved).toBe(true);
    if (!approval.approved) return;
    expect(approval.decision.size).toBeCloseTo(20 / 0.00544, 6);
    expect(approval.riskUsd).toBeLessThanOrEqual(20);
    expect(approval.riskUsd).toBeCloseTo(20, 9);
  });

  it('measures a USDJPY spot risk in USD (JPY loss converted at the entry rate)', () => {
    const { safety } = setup();
    // 3000 units × |150 − 149| JPY = 3000 JPY = 20 USD at 150: exactly the cap min(20, 0.02 × 10000)
    const approval = safety.approve(
      { ...spot('j1', 3000, 150, 149), symbol: 'USDJPY' },
      { balanceUsd: 10_000 },
    );
    expect(approval).toMatchObject({ approved: true, clipped: false });
    expect(approval.approved && approval.riskUsd).toBeCloseTo(20, 9);
  });

  it('refuses a spot order whose stop equals its entry', () => {
    const { safety } = setup();
    expect(safety.approve(spot('s1', 10_000, 1.1, 1.1), { balanceUsd: 10_000 })).toMatchObject({
      approved: false,
      limit: 'stopDistance',
    });
  });

  it('refuses an arbitrage whose gas cost is above the per-trade cap', () => {
    const clock = new ManualClock(T0);
    const safety = new SafetyManager({
      limits: limits(),
      clock,
      arbitrageCost: { gasPriceGwei: 100, gasLimit: 250_000, ethUsd: 3000 }, // 75 USD of gas
    });
    safety.noteTick({ symbol: 'X', tsMs: T0, price: 1, source: 'test' });
    const approval = safety.approve(
      {
        engine: 'arbitrage',
        id: 'a1',
        tsMs: T0,
        confidence: 0.7,
        reasons: [],
        routeId: 'r',
        amountInWei: 10n ** 18n,
        minProfitWei: 0n,
      },
      { balanceUsd: 10_000 },
    );
    expect(approval).toMatchObject({ approved: false, code: 'SAFETY_LIMIT_BREACHED', limit: 'maxStakeUsd' });
  });

  it('refuses new orders when max open positions are open', () => {
    const { safety } = setup({ maxExposurePerMarketUsd: 1000 });
    for (const id of ['a', 'b', 'c']) safety.registerOpen(binary(id, 5));
    expect(safety.approve(binary('d', 5), { balanceUsd: 10_000 })).toMatchObject({
      approved: false,
      limit: 'maxOpenPositions',
    });
  });

  it('refuses an order that would push a market above its exposure cap', () => {
    const { safety } = setup({ maxExposurePerMarketUsd: 25 });
    safety.registerOpen(binary('a', 20));
    expect(safety.approve(binary('b', 6), { balanceUsd: 10_000 })).toMatchObject({
      approved: false,
      limit: 'maxExposurePerMarketUsd',
    });
    expect(safety.approve(binary('b', 5), { balanceUsd: 10_000 }).approved).toBe(true);
  });

  it("refuses orders once today's loss plus open risk reaches the daily loss cap", () => {
    const { safety } = setup({ maxDailyLossUsd: 100, maxLossStreak: 50 });
    safety.registerOpen(binary('a', 10));
    safety.registerOutcome(outcome('a', -85)); // a loss larger than its stake (spot gap) for the test
    safety.registerOpen(binary('b', 10)); // open risk 10 → 85 + 10 = 95 < 100
    expect(safety.approve(binary('c', 10), { balanceUsd: 10_000 }).approved).toBe(true);
    safety.registerOpen(binary('c', 10)); // 85 + 20 = 105 >= 100
    expect(safety.approve(binary('d', 10), { balanceUsd: 10_000 })).toMatchObject({
      approved: false,
      limit: 'dailyLossBudget',
    });
  });

  it('trips a cooldown at the daily loss cap and stays reduce-only across days', () => {
    const { safety, clock, tick, alerts } = setup();
    safety.registerOpen(binary('a', 10));
    safety.registerOutcome(outcome('a', -60));
    safety.registerOpen(binary('b', 10));
    safety.registerOutcome(outcome('b', -40));
    expect(safety.mode).toBe('reduce-only');
    expect(safety.canTrade()).toMatchObject({ ok: false, code: 'SAFETY_COOLDOWN' });
    expect(alerts.find((a) => a.code === 'SAFETY_LIMIT_BREACHED')).toMatchObject({
      level: 'critical',
      context: { limit: 'maxDailyLossUsd', value: 100, threshold: 100 },
    });
    clock.advance(3 * DAY_MS);
    tick();
    expect(safety.status().dailyPnlUsd).toBe(0);
    expect(safety.canTrade()).toMatchObject({ ok: false, code: 'SAFETY_COOLDOWN' });
    expect(safety.approve(binary('c', 1), { balanceUsd: 10_000 })).toMatchObject({ code: 'SAFETY_COOLDOWN' });
  });

  it('trips on the loss streak; a refund leaves the streak and a win resets it', () => {
    const { safety } = setup({ maxLossStreak: 3 });
    const book = (id: string, pnl: number) => {
      safety.registerOpen(binary(id, 1));
      safety.registerOutcome(outcome(id, pnl));
    };
    book('a', -1);
    book('b', -1);
    book('c', 0.8);
    expect(safety.status().lossStreak).toBe(0);
    book('d', -1);
    book('e', 0);
    book('f', -1);
    expect(safety.status().lossStreak).toBe(2);
    expect(safety.mode).toBe('active');
    book('g', -1);
    expect(safety.status().cooldown?.limit).toBe('maxLossStreak');
  });

  it('trips when the daily trade count reaches its cap', () => {
    const { safety } = setup({ maxDailyTrades: 2, maxLossStreak: 2 });
    safety.registerOpen(binary('a', 1));
    expect(safety.mode).toBe('active');
    safety.registerOpen(binary('b', 1));
    expect(safety.status().cooldown).toMatchObject({ limit: 'maxDailyTrades', value: 2 });
  });

  it('lifts a cooldown only on an operator reset with a reason, journaled as an alert', () => {
    const { safety, alerts } = setup({ maxLossStreak: 1 });
    safety.registerOpen(binary('a', 1));
    safety.registerOutcome(outcome('a', -1));
    expect(() => safety.reset({ reason: ' ', operator: 'ana' })).toThrow(/reason and operator/);
    const action = safety.reset({ reason: 'reviewed the streak', operator: 'ana' });
    expect(action).toMatchObject({
      action: 'reset',
      operator: 'ana',
      cleared: ['cooldown:maxLossStreak', 'counters'],
    });
    expect(safety.canTrade().ok).toBe(true);
    expect(safety.status().lossStreak).toBe(0);
    expect(alerts.at(-1)).toMatchObject({ code: 'SAFETY_RESET', context: { operator: 'ana' } });
    expect(safety.toState().history).toHaveLength(1);
  });

  it('refuses a reset while frozen', () => {
    const { safety } = setup();
    safety.freeze('panic', 'ops');
    let error: unknown;
    try {
      safety.reset({ reason: 'x', operator: 'y' });
    } catch (err) {
      error = err;
    }
    expect(isOmniError(error, 'SAFETY_RESET_REFUSED')).toBe(true);
    expect(safety.canTrade()).toMatchObject({ ok: false, mode: 'halted', code: 'SAFETY_FROZEN' });
  });

  it('refuses orders of a market whose broker is unhealthy, and recovers when healthy', () => {
    const { safety, alerts } = setup();
    safety.noteBrokerHealth('binary', false);
    expect(safety.approve(binary('a', 1), { balanceUsd: 1000 })).toMatchObject({
      code: 'SAFETY_BROKER_UNHEALTHY',
    });
    expect(safety.approve(spot('s', 100, 1.1, 1.09), { balanceUsd: 1000 }).approved).toBe(true);
    safety.noteBrokerHealth('binary', true);
    expect(safety.approve(binary('a', 1), { balanceUsd: 1000 }).approved).toBe(true);
    expect(alerts.map((a) => a.code)).toEqual(['SAFETY_BROKER_UNHEALTHY', 'SAFETY_BROKER_HEALTHY']);
  });

  it('frees an open slot when a cancelled order is released', () => {
    const { safety } = setup({ maxOpenPositions: 1 });
    safety.registerOpen(binary('a', 1));
    expect(safety.approve(binary('b', 1), { balanceUsd: 1000 }).approved).toBe(false);
    expect(safety.releaseOpen('a')).toBe(true);
    expect(safety.approve(binary('b', 1), { balanceUsd: 1000 }).approved).toBe(true);
  });

  it('saves atomically and a new instance loads the same state and gives the same verdicts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-safety-'));
    const path = join(dir, 'safety.json');
    const a = setup({ maxLossStreak: 2 }, path);
    a.safety.registerOpen(binary('x', 5));
    a.safety.registerOpen(binary('y', 5));
    a.safety.registerOutcome(outcome('x', -5));
    a.safety.registerOutcome(outcome('y', -5));
    expect(a.safety.mode).toBe('reduce-only');
    const b = SafetyManager.open({ limits: limits({ maxLossStreak: 2 }), clock: a.clock, statePath: path });
    b.noteTick({ symbol: 'EURUSD', tsMs: a.clock.nowMs(), price: 1.1, source: 'test' });
    expect(b.toState()).toEqual(a.safety.toState());
    expect(b.canTrade()).toEqual(a.safety.canTrade());
    expect(b.approve(binary('z', 1), { balanceUsd: 1000 })).toEqual(
      a.safety.approve(binary('z', 1), { balanceUsd: 1000 }),
    );
    expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe(2);
  });

  it('records open positions in the position ledger it shares, and closes them on settlement or release', () => {
    const ledger = new PositionLedger();
    const clock = new ManualClock(T0);
    const safety = new SafetyManager({ limits: limits(), clock, ledger });
    expect(safety.registerOpen(binary('a', 5), { venue: 'shadow', entryTs: T0, entryPrice: 1.1 })).toBe(true);
    expect(safety.registerOpen(binary('a', 5))).toBe(false);
    safety.registerOpen(binary('b', 7));
    expect(ledger.positions().map((p) => [p.decisionId, p.venue, p.riskUsd, p.entryPrice])).toEqual([
      ['a', 'shadow', 5, 1.1],
      ['b', 'unknown', 7, undefined],
    ]);
    expect(safety.status().exposureUsd.binary).toBe(12);
    safety.registerOutcome(outcome('a', 4));
    expect(safety.releaseOpen('b')).toBe(true);
    expect(ledger.size).toBe(0);
    expect(safety.status().dailyTrades).toBe(2);
  });

  it('moves the open positions of a version 1 state file into the ledger', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-safety-'));
    const path = join(dir, 'safety.json');
    const day = Math.floor(T0 / 86_400_000);
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        utcDay: day,
        dailyPnlUsd: -3,
        dailyTrades: 2,
        lossStreak: 1,
        open: [{ decisionId: 'old-1', market: 'spot', riskUsd: 9.5, openedTs: T0 - 1000 }],
        cooldown: null,
        reduceOnly: null,
        frozen: null,
        history: [],
      }),
    );
    const safety = SafetyManager.open({ limits: limits(), clock: new ManualClock(T0), statePath: path });
    expect(safety.ledger.positions()).toEqual([
      {
        decisionId: 'old-1',
        market: 'spot',
        riskUsd: 9.5,
        openedTs: T0 - 1000,
        symbol: 'unknown',
        venue: 'unknown',
      },
    ]);
    expect(safety.toState()).toMatchObject({ version: 2, dailyPnlUsd: -3, dailyTrades: 2, lossStreak: 1 });
    expect(safety.status().exposureUsd.spot).toBe(9.5);
  });

  it('refuses to load a corrupt or newer state file with SAFETY_STATE_INVALID', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-safety-'));
    const path = join(dir, 'safety.json');
    writeFileSync(path, '{"version": 1, "utcDay": "x"}');
    const open = () => SafetyManager.open({ limits: limits(), clock: new ManualClock(T0), statePath: path });
    expect(open).toThrow(/SAFETY_STATE_INVALID/);
    writeFileSync(path, '{"version": 7}');
    let error: unknown;
    try {
      open();
    } catch (err) {
      error = err;
    }
    expect(isOmniError(error, 'SAFETY_STATE_INVALID')).toBe(true);
    expect((error as Error).cause).toMatchObject({ code: 'STATE_NEWER_VERSION' });
  });

  it('starts fresh when the state file does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-safety-'));
    const safety = SafetyManager.open({
      limits: limits(),
      clock: new ManualClock(T0),
      statePath: join(dir, 'none.json'),
    });
    expect(safety.toState()).toMatchObject({ dailyTrades: 0, cooldown: null, frozen: null });
  });

  it('counts daily caps and the loss streak within a session that starts at the configured UTC time', () => {
    const start = Date.UTC(2024, 0, 2, 21, 59);
    const clock = new ManualClock(start);
    const safety = new SafetyManager({
      limits: limits({ sessionStartUtc: '22:00', maxLossStreak: 3 }),
      clock,
    });
    safety.registerOpen(binary('a', 5));
    safety.registerOutcome(outcome('a', -5));
    safety.registerOpen(binary('b', 5));
    safety.registerOutcome(outcome('b', -5));
    expect([safety.status().dailyTrades, safety.status().lossStreak]).toEqual([2, 2]);
    clock.set(Date.UTC(2024, 0, 2, 22, 1)); // 22:01: a new session, although the same UTC day
    expect([safety.status().dailyTrades, safety.status().dailyPnlUsd, safety.status().lossStreak]).toEqual([
      0, 0, 0,
    ]);
    expect(safety.sessionOf(Date.UTC(2024, 0, 2, 21, 59)) + 1).toBe(
      safety.sessionOf(Date.UTC(2024, 0, 2, 22, 0)),
    );
  });

  it('keeps a tripped cooldown across sessions: only an operator lifts it', () => {
    const { safety, clock } = setup({ maxLossStreak: 2 });
    safety.registerOpen(binary('a', 5));
    safety.registerOutcome(outcome('a', -5));
    safety.registerOpen(binary('b', 5));
    safety.registerOutcome(outcome('b', -5));
    expect(safety.mode).toBe('reduce-only');
    clock.set(T0 + 3 * 86_400_000);
    safety.noteTick({ symbol: 'EURUSD', tsMs: clock.nowMs(), price: 1.1, source: 'test' });
    expect(safety.status().lossStreak).toBe(0);
    expect(safety.canTrade()).toMatchObject({ ok: false, code: 'SAFETY_COOLDOWN' });
  });
});
