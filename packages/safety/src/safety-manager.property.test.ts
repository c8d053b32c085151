import {
  type BinaryDecision,
  ManualClock,
  RiskLimitsSchema,
  type SpotDecision,
  type TradeDecision,
} from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SafetyManager } from './safety-manager.js';
import { DAY_MS } from './safety-state.js';

const T0 = Date.UTC(2024, 0, 2, 0);

/** One step of an arbitrary trading session. */
type Step =
  | { kind: 'order'; engine: 'binary'; stake: number; balance: number }
  | { kind: 'order'; engine: 'spot'; size: number; stopDistance: number; balance: number }
  | { kind: 'settle'; which: number; lossFraction: number; win: boolean }
  | { kind: 'time'; ms: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('order' as const),
    engine: fc.constant('binary' as const),
    stake: fc.double({ min: 0.01, max: 200, noNaN: true }),
    balance: fc.double({ min: 10, max: 100_000, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('order' as const),
    engine: fc.constant('spot' as const),
    size: fc.double({ min: 1, max: 100_000, noNaN: true }),
    stopDistance: fc.double({ min: 0.0001, max: 0.05, noNaN: true }),
    balance: fc.double({ min: 10, max: 100_000, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('settle' as const),
    which: fc.nat(10),
    lossFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    win: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('time' as const), ms: fc.integer({ min: 0, max: 2 * DAY_MS }) }),
);

const limitsArb = fc.record({
  maxDailyLossUsd: fc.integer({ min: 20, max: 500 }),
  maxDailyTrades: fc.integer({ min: 1, max: 30 }),
  maxLossStreak: fc.integer({ min: 1, max: 8 }),
  maxStakeUsd: fc.integer({ min: 1, max: 50 }),
  maxOpenPositions: fc.integer({ min: 1, max: 5 }),
  maxExposurePerMarketUsd: fc.integer({ min: 10, max: 200 }),
  maxBalanceFractionPerTrade: fc.double({ min: 0.001, max: 1, noNaN: true }),
  staleDataMs: fc.constant(10 * DAY_MS),
});

interface Open {
  decision: TradeDecision;
  risk: number;
}

/**
 * Runs a session: orders go through approve → registerOpen; settlements lose at most the
 * position's risk (binary: the stake; spot: size × stop distance) or win. Checks the invariants
 * after every step and returns nothing (assertions throw).
 */
type LimitsInput = typeof limitsArb extends fc.Arbitrary<infer T> ? T : never;

/** Counts across all runs, to show the property is not vacuous. */
const seen = { approved: 0, clipped: 0, cooldowns: 0, refusedWhileCooling: 0 };

function runSession(limitsInput: LimitsInput, steps: readonly Step[]): void {
  const limits = RiskLimitsSchema.parse(limitsInput);
  const clock = new ManualClock(T0);
  const safety = new SafetyManager({ limits, clock });
  const open: Open[] = [];
  let seq = 0;
  let dayLoss = 0; // realised net loss of the current UTC day
  let day = Math.floor(T0 / DAY_MS);
  let maxTradeLossToday = 0;
  let everCooled = false;
  const tick = () => safety.noteTick({ symbol: 'EURUSD', tsMs: clock.nowMs(), price: 1.1, source: 'prop' });
  tick();
  for (const step of steps) {
    if (step.kind === 'time') {
      clock.advance(step.ms);
      tick();
      const nowDay = Math.floor(clock.nowMs() / DAY_MS);
      if (nowDay !== day) {
        day = nowDay;
        dayLoss = 0;
        maxTradeLossToday = 0;
      }
    } else if (step.kind === 'order') {
      const id = `d${seq++}`;
      const decision: BinaryDecision | SpotDecision =
        step.engine === 'binary'
          ? {
              engine: 'binary',
              id,
              tsMs: clock.nowMs(),
              confidence: 0.6,
              reasons: [],
              symbol: 'EURUSD',
              direction: 'call',
              stakeUsd: step.stake,
              expirySec: 60,
            }
          : {
              engine: 'spot',
              id,
              tsMs: clock.nowMs(),
              confidence: 0.6,
              reasons: [],
              symbol: 'EURUSD',
              side: 'buy',
              size: step.size,
              entryPrice: 1.1,
              stopPrice: 1.1 - step.stopDistance,
              takeProfits: [{ price: 1.2, fraction: 1 }],
            };
      const modeBefore = safety.mode;
      const approval = safety.approve(decision, { balanceUsd: step.balance });
      if (!approval.approved && approval.code === 'SAFETY_COOLDOWN') seen.refusedWhileCooling++;
      if (approval.approved) {
        // nothing is approved while cooling down, reduce-only or halted
        expect(modeBefore).toBe('active');
        expect(safety.status().cooldown).toBeNull();
        const cap = Math.min(limits.maxStakeUsd, limits.maxBalanceFractionPerTrade * step.balance);
        const d = approval.decision;
        const risk =
          d.engine === 'binary'
            ? d.stakeUsd
            : d.engine === 'spot'
              ? d.size * (d.entryPrice - d.stopPrice)
              : 0;
        // no approved stake exceeds a cap
        expect(risk).toBeLessThanOrEqual(cap * (1 + 1e-9));
        expect(approval.riskUsd).toBeLessThanOrEqual(cap);
        seen.approved++;
        if (approval.clipped) seen.clipped++;
        safety.registerOpen(d);
        open.push({ decision: d, risk: approval.riskUsd });
      }
    } else if (open.length > 0) {
      const [pos] = open.splice(step.which % open.length, 1);
      if (pos === undefined) continue;
      const pnl = step.win ? pos.risk * 0.8 : -pos.risk * step.lossFraction;
      safety.registerOutcome({
        decisionId: pos.decision.id,
        engine: pos.decision.engine,
        symbol: 'EURUSD',
        direction: 'call',
        entryTs: clock.nowMs(),
        entryPrice: 1.1,
        settleTs: clock.nowMs(),
        settlePrice: 1.1,
        stake: pos.risk,
        fees: 0,
        pnl,
        rule: 'property-test',
      });
      dayLoss -= pnl;
      if (pnl < 0) maxTradeLossToday = Math.max(maxTradeLossToday, -pnl);
      // daily loss never exceeds its limit by more than one trade's maximum loss
      expect(dayLoss).toBeLessThanOrEqual(limits.maxDailyLossUsd + limits.maxStakeUsd + 1e-9);
      expect(dayLoss).toBeLessThanOrEqual(limits.maxDailyLossUsd + maxTradeLossToday + 1e-9);
    }
    if (safety.status().cooldown && !everCooled) {
      everCooled = true;
      seen.cooldowns++;
    }
    // a cooldown never ends by itself, whatever time passes
    if (everCooled) {
      expect(safety.mode).toBe('reduce-only');
      expect(safety.canTrade().ok).toBe(false);
    }
  }
}

describe('SafetyManager properties', () => {
  it('never approves above a cap, never approves while not active, bounds the daily loss, never self-lifts a cooldown', () => {
    fc.assert(
      fc.property(limitsArb, fc.array(stepArb, { minLength: 1, maxLength: 120 }), (limits, steps) => {
        runSession(limits, steps);
      }),
      { numRuns: 400, seed: 20240102 },
    );
    // The generated sessions really exercise approvals, clipping and cooldowns.
    expect(seen.approved).toBeGreaterThan(500);
    expect(seen.clipped).toBeGreaterThan(100);
    expect(seen.cooldowns).toBeGreaterThan(50);
    expect(seen.refusedWhileCooling).toBeGreaterThan(50);
  });

  it('keeps a tripped cooldown across many simulated days until an operator reset', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 * DAY_MS }), { minLength: 1, maxLength: 40 }),
        (gaps) => {
          const clock = new ManualClock(T0);
          const safety = new SafetyManager({ limits: RiskLimitsSchema.parse({ maxLossStreak: 1 }), clock });
          safety.noteTick({ symbol: 'X', tsMs: T0, price: 1, source: 'prop' });
          safety.registerOutcome({
            decisionId: 'lost',
            engine: 'binary',
            symbol: 'X',
            direction: 'put',
            entryTs: T0,
            entryPrice: 1,
            settleTs: T0,
            settlePrice: 1.1,
            stake: 1,
            payout: 0.8,
            fees: 0,
            pnl: -1,
            rule: 'binary-expiry-loss',
          });
          for (const gap of gaps) {
            clock.advance(gap);
            safety.noteTick({ symbol: 'X', tsMs: clock.nowMs(), price: 1, source: 'prop' });
            expect(safety.canTrade()).toMatchObject({ ok: false, code: 'SAFETY_COOLDOWN' });
          }
          safety.reset({ reason: 'reviewed', operator: 'ops' });
          expect(safety.canTrade().ok).toBe(true);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});
