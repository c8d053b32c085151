import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DecideInput,
  type Decision,
  isOmniError,
  type RouteCandidate,
  RuntimeError,
  type TradeDecision,
  type TradeOutcome,
} from '@omni/core';
import { type Approval, SafetyStateSchema } from '@omni/safety';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { AuditLine } from './decision-audit-trail.js';
import { isAuditSeal, verifyAuditTrail } from './decision-audit-trail.js';
import {
  binaryFor,
  buildRuntime,
  FakeBrain,
  FakeHub,
  fixtureTicks,
  type HubPlan,
  noneFor,
  tempRunDir,
} from './runtime.fixture.js';

/** Audit entries as the runtime writes them (decision + regimeKey + what it adds). */
interface RuntimeAuditEntry {
  readonly decision: Decision;
  readonly regimeKey: string;
  readonly mode?: string;
  readonly marker?: string;
  readonly approval?: { approved: boolean; clipped?: boolean; code?: string; riskUsd?: number };
  readonly execution?: { status: string };
}

function readAudit(runDir: string): RuntimeAuditEntry[] {
  const path = join(runDir, 'decisions.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown)
    .filter((l) => !isAuditSeal(l)) // the seal shutdown writes last
    .map((l) => (l as AuditLine<RuntimeAuditEntry>).entry);
}

function readTrades(runDir: string): TradeOutcome[] {
  const path = join(runDir, 'trades.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as TradeOutcome);
}

function spotFor(input: DecideInput, size: number, stopDistance: number, buy: boolean): Decision {
  const entry = input.features.price;
  const stop = buy ? entry - stopDistance : entry + stopDistance;
  const tp = buy ? entry + 2 * stopDistance : entry - 2 * stopDistance;
  return {
    engine: 'spot',
    id: input.decisionId,
    tsMs: input.features.tsMs,
    confidence: 0.6,
    reasons: ['fake brain'],
    symbol: 'EURUSD',
    side: buy ? 'buy' : 'sell',
    size,
    entryPrice: entry,
    stopPrice: stop,
    takeProfits: [{ price: tp, fraction: 1 }],
  };
}

function arbitrageFor(input: DecideInput, amountInWei: bigint): Decision {
  return {
    engine: 'arbitrage',
    id: input.decisionId,
    tsMs: input.features.tsMs,
    confidence: 0.6,
    reasons: ['fake brain'],
    routeId: 'fake:A->B',
    amountInWei,
    minProfitWei: 1n,
  };
}

describe('OmniRuntime.onTick', () => {
  it('runs the primary loop in order: journal, settle and learn, features, canTrade, prepare, decide, approve, execute, audit, retrain', async () => {
    const brain = new FakeBrain((input) => binaryFor(input, 10));
    const hub = new FakeHub(
      () => 'accept',
      () => 8,
    );
    const candidate: RouteCandidate = {
      routeId: 'r',
      amountInWei: 5n,
      expectedProfitWei: 2n,
      expectedProfitUsd: 3,
    };
    const sequence = { prepare: vi.fn(async (_w: ArrayLike<number>) => undefined) };
    const routes = { candidates: vi.fn(() => [candidate]) };
    const training = { maybeRetrain: vi.fn(async (_nowMs: number) => undefined) };
    const f = await buildRuntime({ brain, hub, extra: { sequence, routes, training } });
    const ticks = fixtureTicks(5);
    for (const t of ticks.slice(0, 4)) await f.tick(t);
    expect(hub.orders).toHaveLength(1); // the 4th tick (window 4 = minWindow) traded

    const spies = {
      'logger.logTick': vi.spyOn(f.logger, 'logTick'),
      'safety.noteTick': vi.spyOn(f.safety, 'noteTick'),
      'performance.noteTick': vi.spyOn(f.performance, 'noteTick'),
      'hub.onTick': vi.spyOn(hub, 'onTick'),
      'safety.registerOutcome': vi.spyOn(f.safety, 'registerOutcome'),
      'logger.logTrade': vi.spyOn(f.logger, 'logTrade'),
      'performance.recordTrade': vi.spyOn(f.performance, 'recordTrade'),
      'brain.learn': vi.spyOn(brain, 'learn'),
      'features.update': vi.spyOn(f.features, 'update'),
      'safety.canTrade': vi.spyOn(f.safety, 'canTrade'),
      'sequence.prepare': sequence.prepare,
      'routes.candidates': routes.candidates,
      'brain.decide': vi.spyOn(brain, 'decide'),
      'safety.approve': vi.spyOn(f.safety, 'approve'),
      'hub.execute': vi.spyOn(hub, 'execute'),
      'safety.registerOpen': vi.spyOn(f.safety, 'registerOpen'),
      'audit.append': vi.spyOn(f.audit, 'append'),
      'training.maybeRetrain': training.maybeRetrain,
    };
    for (const spy of Object.values(spies)) spy.mockClear();

    const fifth = ticks[4];
    if (!fifth) throw new Error('fixture has 5 ticks');
    const result = await f.tick(fifth);

    const firstCall = Object.entries(spies).map(([name, spy]) => {
      expect(spy.mock.invocationCallOrder.length, `${name} was called`).toBeGreaterThan(0);
      return { name, order: Math.min(...spy.mock.invocationCallOrder) };
    });
    firstCall.sort((a, b) => a.order - b.order);
    expect(firstCall.map((c) => c.name)).toEqual(Object.keys(spies));
    // canTrade once by the loop and once inside approve; everything else exactly once.
    for (const [name, spy] of Object.entries(spies)) {
      expect(spy.mock.calls.length, name).toBe(name === 'safety.canTrade' ? 2 : 1);
    }

    expect(result).toEqual({
      kind: 'decided',
      decision: hub.orders[1]?.decision,
      executed: true,
      settled: 1,
    });
    // The brain saw this tick's window (last 5 prices, oldest first), the balance after the
    // settled +8 USD, and the route candidates; the sequence model was prepared on the same window.
    const input = brain.inputs[1];
    expect(input?.decisionId).toBe('test-2');
    expect(input?.features.tsMs).toBe(fifth.tsMs);
    expect(Array.from(input?.window ?? [])).toEqual(ticks.map((t) => t.price));
    expect(input?.balanceUsd).toBe(10_008);
    expect(input?.arbitrage).toEqual({ candidates: [candidate] });
    expect(Array.from(sequence.prepare.mock.calls[0]?.[0] ?? [])).toEqual(ticks.map((t) => t.price));
    expect(routes.candidates.mock.calls[0]).toEqual([fifth]);
    expect(training.maybeRetrain.mock.calls[0]).toEqual([fifth.tsMs]);
    await f.runtime.shutdown();
  });

  it('does not decide while the window is shorter than minWindow, observes from three prices, and retrains on every tick', async () => {
    const brain = new FakeBrain((input) => noneFor(input));
    const training = { maybeRetrain: vi.fn(async (_nowMs: number) => undefined) };
    const f = await buildRuntime({ brain, minWindow: 5, extra: { training } });
    const ticks = fixtureTicks(5);
    const results = [];
    for (const t of ticks) results.push(await f.tick(t));
    expect(results.slice(0, 4).map((r) => r.kind)).toEqual([
      'warming-up',
      'warming-up',
      'warming-up',
      'warming-up',
    ]);
    expect(results[4]?.kind).toBe('decided');
    expect(brain.observed).toEqual([
      { tsMs: ticks[2]?.tsMs, windowLength: 3 },
      { tsMs: ticks[3]?.tsMs, windowLength: 4 },
    ]);
    expect(brain.decided).toHaveLength(1);
    expect(training.maybeRetrain).toHaveBeenCalledTimes(5);
    await f.runtime.shutdown();
    expect(readAudit(f.runDir).map((e) => e.decision.id)).toEqual(['test-1']);
  });

  it('never hands the hub an order SafetyManager did not approve, and hands it exactly the approved (clipped) order', async () => {
    const decisionArb = fc.oneof(
      fc.record({ kind: fc.constant('none' as const) }),
      fc.record({
        kind: fc.constant('binary' as const),
        stakeUsd: fc.double({ min: 0.01, max: 2000, noNaN: true }),
        call: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('spot' as const),
        size: fc.double({ min: 1, max: 1e6, noNaN: true }),
        stopDistance: fc.double({ min: 1e-4, max: 0.05, noNaN: true }),
        buy: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('arbitrage' as const), amount: fc.bigInt({ min: 1n, max: 10n ** 21n }) }),
    );
    const limitsArb = fc.record({
      maxDailyLossUsd: fc.double({ min: 1, max: 500, noNaN: true }),
      maxDailyTrades: fc.integer({ min: 1, max: 20 }),
      maxLossStreak: fc.integer({ min: 1, max: 6 }),
      maxStakeUsd: fc.double({ min: 1, max: 100, noNaN: true }),
      maxOpenPositions: fc.integer({ min: 1, max: 5 }),
      maxExposurePerMarketUsd: fc.double({ min: 1, max: 500, noNaN: true }),
      maxBalanceFractionPerTrade: fc.double({ min: 0.001, max: 0.1, noNaN: true }),
    });
    const venueArb = fc.record({
      plan: fc.constantFrom<HubPlan>('accept', 'settle-now', 'reject'),
      pnl: fc.double({ min: -200, max: 200, noNaN: true }),
    });
    const interventionArb = fc.option(
      fc.record({ atTick: fc.integer({ min: 0, max: 39 }), kind: fc.constantFrom('reduce-only', 'freeze') }),
      { nil: undefined },
    );
    const ticks = fixtureTicks(40);
    const seen = { executed: 0, clippedExecuted: 0, refused: 0, blockedTicks: 0 };

    await fc.assert(
      fc.asyncProperty(
        fc.array(decisionArb, { minLength: 40, maxLength: 40 }),
        limitsArb,
        fc.array(venueArb, { minLength: 40, maxLength: 40 }),
        fc.double({ min: 100, max: 100_000, noNaN: true }),
        interventionArb,
        async (script, limits, venue, startingBalanceUsd, intervention) => {
          const brain = new FakeBrain((input, n) => {
            const d = script[n % script.length];
            if (!d || d.kind === 'none') return noneFor(input);
            if (d.kind === 'binary') return binaryFor(input, d.stakeUsd, d.call ? 'call' : 'put');
            if (d.kind === 'spot') return spotFor(input, d.size, d.stopDistance, d.buy);
            return arbitrageFor(input, d.amount);
          });
          const hub = new FakeHub(
            (_d, n) => venue[n % venue.length]?.plan ?? 'accept',
            (_d, n) => venue[n % venue.length]?.pnl ?? 0,
          );
          const f = await buildRuntime({ brain, hub, risk: limits, startingBalanceUsd });
          const approvals: Array<{
            input: TradeDecision;
            balanceUsd: number;
            result: Approval<TradeDecision>;
            consumed: boolean;
          }> = [];
          const approve = f.safety.approve.bind(f.safety);
          f.safety.approve = <D extends TradeDecision>(d: D, ctx: { readonly balanceUsd: number }) => {
            const result = approve(d, ctx);
            approvals.push({ input: d, balanceUsd: ctx.balanceUsd, result, consumed: false });
            return result;
          };
          hub.onExecute = (decision) => {
            const last = approvals[approvals.length - 1];
            if (!last) throw new Error('hub.execute without any SafetyManager.approve');
            expect(last.consumed).toBe(false);
            last.consumed = true;
            if (!last.result.approved) throw new Error(`executed a refused order: ${last.result.reason}`);
            expect(decision).toBe(last.result.decision);
            expect(f.safety.mode).toBe('active');
            expect(decision.id).toBe(brain.decided[brain.decided.length - 1]?.decision.id);
            // The balance the order was sized on is the starting balance plus every settled PnL.
            const settledPnl = hub.delivered.reduce((s, o) => s + o.pnl, 0);
            expect(last.balanceUsd).toBeCloseTo(startingBalanceUsd + settledPnl, 6);
            const cap = Math.min(limits.maxStakeUsd, limits.maxBalanceFractionPerTrade * last.balanceUsd);
            const asked = last.input;
            if (decision.engine === 'binary' && asked.engine === 'binary') {
              expect(decision.stakeUsd).toBe(Math.min(asked.stakeUsd, cap));
              if (asked.stakeUsd > cap) seen.clippedExecuted++;
            } else if (decision.engine === 'spot' && asked.engine === 'spot') {
              const distance = Math.abs(decision.entryPrice - decision.stopPrice);
              expect(decision.size * distance).toBeLessThanOrEqual(cap);
              expect(decision.size).toBeLessThanOrEqual(asked.size);
              if (asked.size * distance <= cap) expect(decision.size).toBe(asked.size);
              else seen.clippedExecuted++;
            } else if (decision.engine === 'arbitrage') {
              // The worst case of a flash swap is its gas: 250k gas × 20 gwei × 3000 USD/ETH = 15 USD.
              expect(15).toBeLessThanOrEqual(cap);
            }
            seen.executed++;
          };

          let ordersWhenStopped: number | undefined;
          for (const [i, t] of ticks.entries()) {
            if (intervention?.atTick === i) {
              if (intervention.kind === 'freeze') f.safety.freeze('property test freeze');
              else f.safety.enterReduceOnly({ reason: 'property test', operator: 'tester' });
            }
            const result = await f.tick(t);
            if (result.kind === 'blocked') seen.blockedTicks++;
            if (ordersWhenStopped !== undefined) expect(hub.orders.length).toBe(ordersWhenStopped);
            if (f.safety.mode !== 'active' && ordersWhenStopped === undefined) {
              ordersWhenStopped = hub.orders.length;
            }
          }
          // Every order the hub got came from one approval; refusals never reached it.
          expect(hub.orders.length).toBe(approvals.filter((a) => a.consumed).length);
          expect(approvals.filter((a) => !a.result.approved).every((a) => !a.consumed)).toBe(true);
          seen.refused += approvals.filter((a) => !a.result.approved).length;
          await f.runtime.shutdown();
        },
      ),
      { numRuns: 80, seed: 20_240_102 },
    );
    // The property was exercised on every path, not vacuously.
    expect(seen.executed).toBeGreaterThan(50);
    expect(seen.clippedExecuted).toBeGreaterThan(5);
    expect(seen.refused).toBeGreaterThan(50);
    expect(seen.blockedTicks).toBeGreaterThan(50);
  });

  it('journals a blocked tick as a none decision with mode COOLDOWN, observes the market and does not decide', async () => {
    const brain = new FakeBrain((input) => binaryFor(input, 10));
    const hub = new FakeHub(
      () => 'accept',
      () => -5,
    );
    const f = await buildRuntime({ brain, hub, risk: { maxLossStreak: 1 } });
    const ticks = fixtureTicks(7);
    const results = [];
    for (const t of ticks) results.push(await f.tick(t));
    // Tick 4 trades; tick 5 settles it at a loss, which trips maxLossStreak = 1 before canTrade.
    expect(results.map((r) => r.kind)).toEqual([
      'warming-up',
      'warming-up',
      'warming-up',
      'decided',
      'blocked',
      'blocked',
      'blocked',
    ]);
    expect(results[4]).toMatchObject({ kind: 'blocked', settled: 1 });
    expect(f.safety.status().cooldown?.limit).toBe('maxLossStreak');
    expect(hub.orders).toHaveLength(1);
    expect(brain.decided).toHaveLength(1);
    expect(brain.observed.map((o) => o.tsMs)).toEqual(
      [2, 4, 5, 6].map((i) => ticks[i]?.tsMs), // warming-up ticks with ≥ 3 prices, then every blocked tick
    );
    await f.runtime.shutdown();
    const entries = readAudit(f.runDir);
    expect(entries).toHaveLength(4);
    for (const [k, entry] of entries.slice(1).entries()) {
      const tick = ticks[4 + k];
      expect(entry).toMatchObject({
        decision: { engine: 'none', id: `test-${k + 2}`, tsMs: tick?.tsMs, symbol: 'EURUSD' },
        regimeKey: 'blocked',
        mode: 'COOLDOWN',
      });
      expect(entry.decision.engine === 'none' && entry.decision.reason).toMatch(
        /^SAFETY_COOLDOWN: cooldown: /,
      );
    }
    expect(await verifyAuditTrail(join(f.runDir, 'decisions.jsonl'))).toMatchObject({
      ok: true,
      records: 4,
      sealed: true,
    });
  });

  it('does not call observe on a blocked tick whose window has fewer than three prices', async () => {
    const brain = new FakeBrain((input) => binaryFor(input, 10));
    const f = await buildRuntime({ brain });
    f.safety.freeze('frozen before the first tick');
    const ticks = fixtureTicks(4);
    for (const t of ticks) expect((await f.tick(t)).kind).toBe('blocked');
    expect(brain.observed.map((o) => o.windowLength)).toEqual([3, 4]);
    expect(brain.decided).toHaveLength(0);
    expect(f.hub.orders).toHaveLength(0);
    await f.runtime.shutdown();
    expect(readAudit(f.runDir).map((e) => e.mode)).toEqual(['COOLDOWN', 'COOLDOWN', 'COOLDOWN', 'COOLDOWN']);
  });

  it('rejects a tick older than the previous one with RUNTIME_BAD_INPUT and accepts an equal timestamp', async () => {
    const f = await buildRuntime({ brain: new FakeBrain(noneFor) });
    const [a, b] = fixtureTicks(2);
    if (!a || !b) throw new Error('fixture has 2 ticks');
    await f.tick(b);
    const err = await f.runtime.onTick(a).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect(isOmniError(err, 'RUNTIME_BAD_INPUT')).toBe(true);
    expect((err as RuntimeError).context).toMatchObject({ tsMs: a.tsMs, previousTsMs: b.tsMs });
    await expect(f.runtime.onTick({ ...b, tsMs: Number.NaN })).rejects.toMatchObject({
      code: 'RUNTIME_BAD_INPUT',
    });
    await expect(f.runtime.onTick({ ...b, price: b.price + 0.0001 })).resolves.toMatchObject({
      kind: 'warming-up',
    });
    await f.runtime.shutdown();
  });

  it('refuses onTick after shutdown with a RuntimeError', async () => {
    const f = await buildRuntime({ brain: new FakeBrain(noneFor) });
    const [a, b] = fixtureTicks(2);
    if (!a || !b) throw new Error('fixture has 2 ticks');
    await f.tick(a);
    await f.runtime.shutdown();
    await f.runtime.shutdown(); // idempotent
    const err = await f.runtime.onTick(b).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as RuntimeError).code).toBe('RUNTIME_NOT_STARTED');
  });

  it('delivers every settled outcome exactly once to learn (with its audit), the trades journal and the PerformanceRecorder', async () => {
    const engines = ['binary', 'spot', 'arbitrage'] as const;
    const brain = new FakeBrain((input, n) => {
      const engine = engines[n % 3];
      if (engine === 'binary') return binaryFor(input, 5 + n);
      if (engine === 'spot') return spotFor(input, 1000, 0.001, n % 2 === 0);
      return arbitrageFor(input, 10n ** 18n);
    });
    // Orders cycle accept / settle-now / reject, so both delivery paths and refusals are covered.
    const plans: HubPlan[] = ['accept', 'settle-now', 'reject', 'settle-now', 'accept'];
    const hub = new FakeHub(
      (_d, n) => plans[n % plans.length] ?? 'accept',
      (_d, n) => (n % 2 === 0 ? 3 + n : -(1 + n / 4)),
    );
    const f = await buildRuntime({ brain, hub, risk: { maxLossStreak: 100, maxDailyTrades: 100 } });
    const recordTrade = vi.spyOn(f.performance, 'recordTrade');
    for (const t of fixtureTicks(30)) await f.tick(t);
    await f.runtime.shutdown();

    const rejectedIds = hub.orders
      .filter((_o, n) => plans[n % plans.length] === 'reject')
      .map((o) => o.decision.id);
    expect(rejectedIds.length).toBeGreaterThan(0);
    expect(hub.delivered.length).toBeGreaterThan(10);
    const deliveredIds = hub.delivered.map((o) => o.decisionId);
    expect(new Set(deliveredIds).size).toBe(deliveredIds.length);
    expect(deliveredIds.some((id) => rejectedIds.includes(id))).toBe(false);

    // learn: each delivered outcome once, with the very answer decide returned for that decision.
    expect(brain.learned.map((l) => l.outcome)).toEqual(hub.delivered);
    for (const { outcome, audit } of brain.learned) {
      const answer = brain.decided.find((a) => a.decision.id === outcome.decisionId);
      expect(audit).toBe(answer);
      expect(audit.marker).toBe(`answer-${outcome.decisionId}`);
    }
    // trades journal: the same outcomes, once each, in delivery order.
    expect(readTrades(f.runDir)).toEqual(hub.delivered);
    // PerformanceRecorder: once each; the balance is the sum.
    expect(recordTrade).toHaveBeenCalledTimes(hub.delivered.length);
    expect(recordTrade.mock.calls.map((c) => c[0])).toEqual(hub.delivered);
    const pnl = hub.delivered.reduce((s, o) => s + o.pnl, 0);
    expect(f.performance.summary().trades).toBe(hub.delivered.length);
    expect(f.performance.balance).toBeCloseTo(10_000 + pnl, 9);
    // Nothing rejected or settled is still counted as open by SafetyManager.
    const open = f.safety.status().openPositions.map((p) => p.decisionId);
    expect(open).toEqual(hub.pending().map((p) => p.decisionId));
    // The audit trail records the rejection and each execution status.
    const byId = new Map(readAudit(f.runDir).map((e) => [e.decision.id, e]));
    for (const id of rejectedIds) expect(byId.get(id)?.execution?.status).toBe('rejected');
    expect(f.runtime.openTrades).toBe(hub.pending().length);
    // learn also gets the USD risk SafetyManager approved for the trade: 1 R of its reward.
    for (const { outcome, riskUsd } of brain.learned) {
      const approved = byId.get(outcome.decisionId)?.approval?.riskUsd;
      expect(approved).toBeGreaterThan(0);
      expect(riskUsd).toBe(approved);
    }
  });

  it('saves the safety state on shutdown when SafetyManager has a statePath', async () => {
    const statePath = join(tempRunDir('state'), 'safety.json');
    const brain = new FakeBrain((input) => binaryFor(input, 10));
    const f = await buildRuntime({ brain, statePath });
    for (const t of fixtureTicks(4)) await f.tick(t);
    expect(f.hub.orders).toHaveLength(1);
    expect(existsSync(statePath)).toBe(false); // autoSave is off: only shutdown writes it
    await f.runtime.shutdown();
    const saved = SafetyStateSchema.parse(JSON.parse(readFileSync(statePath, 'utf8')));
    expect(saved).toEqual(f.safety.toState());
    expect(f.safety.ledger.positions().map((p) => [p.decisionId, p.venue])).toEqual([['test-1', 'fake']]);
    expect(saved.dailyTrades).toBe(1);
  });

  it('shuts down without a statePath without trying to save', async () => {
    const f = await buildRuntime({ brain: new FakeBrain(noneFor) });
    const save = vi.spyOn(f.safety, 'save');
    for (const t of fixtureTicks(5)) await f.tick(t);
    await expect(f.runtime.shutdown()).resolves.toBeUndefined();
    expect(save).not.toHaveBeenCalled();
  });
});
