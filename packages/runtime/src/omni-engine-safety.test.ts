import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Alert,
  type DecideInput,
  type Decision,
  ManualClock,
  type OmniConfigInput,
  parseConfig,
  type Tick,
  type TradeOutcome,
} from '@omni/core';
import {
  type BrokerHealthListener,
  type ExecutionHub,
  RealTimeExecutionHub,
  ShadowBinaryExecutor,
  ShadowSpotExecutor,
} from '@omni/execution';
import { describe, expect, it } from 'vitest';
import { type AuditLine, isAuditEntry } from './decision-audit-trail.js';
import { createOmniEngine, type OmniEngine } from './omni-engine.js';
import { binaryFor, FakeBrain, fixtureTicks, noneFor, T0, tempRunDir } from './runtime.fixture.js';
import type { TickResult } from './runtime-components.js';

// The engine's safety loops (issue 13 items 4, 5 and 7), through createOmniEngine with a scripted
// brain: the real SafetyManager, ledger, emergency controller and shadow executors.

/** Ticks the runtime needs before its first decision (its default minimum window). */
const WARM_UP = 31;
const SECOND = 1000;

/** A one-second series: the fixture's gentle oscillation, one tick a second. */
function secondTicks(count: number): Tick[] {
  return fixtureTicks(count).map((t, i) => ({ ...t, tsMs: T0 + i * SECOND }));
}

/** A spot bracket around the decision tick's price: stop 0.01 away, take-profit 0.02 away. */
function spotFor(input: DecideInput, side: 'buy' | 'sell' = 'buy', stopDistance = 0.01): Decision {
  const entry = input.features.price;
  const k = side === 'buy' ? 1 : -1;
  return {
    engine: 'spot',
    id: input.decisionId,
    tsMs: input.features.tsMs,
    confidence: 0.6,
    reasons: ['fake brain'],
    symbol: 'EURUSD',
    side,
    size: 1000,
    entryPrice: entry,
    stopPrice: entry - k * stopDistance,
    takeProfits: [{ price: entry + 2 * k * stopDistance, fraction: 1 }],
  };
}

async function engineWith(
  script: (input: DecideInput, n: number) => Decision,
  risk: OmniConfigInput['risk'] = {},
  hub?: ExecutionHub,
): Promise<{ engine: OmniEngine; clock: ManualClock }> {
  const clock = new ManualClock(0);
  const engine = await createOmniEngine({
    config: parseConfig({ risk }),
    runDir: tempRunDir('engine-safety'),
    clock,
    symbol: 'EURUSD',
    modelPath: null,
    pools: null,
    brain: new FakeBrain(script),
    ...(hub ? { hub } : {}),
  });
  return { engine, clock };
}

async function drive(engine: OmniEngine, clock: ManualClock, ticks: readonly Tick[]): Promise<TickResult[]> {
  const results: TickResult[] = [];
  for (const tick of ticks) {
    clock.set(tick.tsMs);
    results.push(await engine.runtime.onTick(tick));
  }
  return results;
}

function lines<T>(dir: string, file: string): T[] {
  return readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);
}

/** The approval lines of the audit trail for trade decisions, in order. */
function approvals(dir: string): unknown[] {
  return lines<unknown>(dir, 'decisions.jsonl')
    .filter((l) => isAuditEntry(l))
    .map((l) => (l as AuditLine<{ approval?: unknown }>).entry.approval)
    .filter((a) => a !== undefined);
}

describe('createOmniEngine: emergency freeze on a tripped cap', () => {
  // Two spot orders: the first fills on the next tick; the second trips maxDailyTrades = 2 while it
  // still waits for its fill.
  const script = (input: DecideInput, n: number): Decision => (n < 2 ? spotFor(input) : noneFor(input));

  it('freezes with freezeOnCapTrip: the pending order is cancelled and closed in the ledger, the filled one stays', async () => {
    const { engine, clock } = await engineWith(script, { freezeOnCapTrip: true, maxDailyTrades: 2 });
    const ticks = secondTicks(WARM_UP + 4);
    const results = await drive(engine, clock, ticks.slice(0, WARM_UP + 2));
    // Freezes are serialised: a second one resolves after the first one's cancel round.
    expect(await engine.emergency.freeze('test: after the cap trip')).toEqual({
      newlyFrozen: false,
      cancelled: 0,
    });
    const [first, second] = results.slice(WARM_UP) as Array<Extract<TickResult, { kind: 'decided' }>>;
    expect([first?.executed, second?.executed]).toEqual([true, true]);
    expect(engine.safety.mode).toBe('halted');
    expect(engine.safety.status().frozen?.reason).toBe('cap tripped: maxDailyTrades reached: 2 >= 2');
    expect(engine.safety.ledger.positions().map((p) => p.decisionId)).toEqual([first?.decision.id]);
    expect(engine.hub.pending()).toMatchObject([{ decisionId: first?.decision.id, state: 'open' }]);
    // Later ticks stay blocked: only an operator's unfreeze lifts it.
    const later = await drive(engine, clock, ticks.slice(WARM_UP + 2));
    expect(later.map((r) => r.kind)).toEqual(['blocked', 'blocked']);
    await engine.close();
    const alerts = lines<Alert>(engine.logger.dir, 'alerts.jsonl');
    expect(alerts.map((a) => a.code)).toEqual([
      'SAFETY_LIMIT_BREACHED',
      'SAFETY_FROZEN',
      'SAFETY_PENDING_CANCELLED',
      'SAFETY_PENDING_CANCELLED', // the test's own second freeze: nothing left to cancel
    ]);
    expect(alerts[2]?.context).toEqual({ cancelled: 1 });
  });

  it('without freezeOnCapTrip only goes reduce-only: the pending order stays open in the ledger', async () => {
    const { engine, clock } = await engineWith(script, { maxDailyTrades: 2 });
    const results = await drive(engine, clock, secondTicks(WARM_UP + 2));
    await engine.close();
    const ids = results.slice(WARM_UP).map((r) => (r.kind === 'decided' ? r.decision.id : r.kind));
    expect(engine.safety.mode).toBe('reduce-only');
    expect(engine.safety.ledger.positions().map((p) => p.decisionId)).toEqual(ids);
    expect(engine.hub.pending().map((p) => p.state)).toEqual(['open', 'awaiting-fill']);
  });
});

/** A shadow binary executor whose venue reports its health through `say`. */
class FlakyBinaryExecutor extends ShadowBinaryExecutor {
  readonly #listeners = new Set<BrokerHealthListener>();
  onHealth(listener: BrokerHealthListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  say(ok: boolean): void {
    for (const l of this.#listeners) l({ market: 'binary', venue: this.venue, ok, reason: 'test venue' });
  }
}

describe('createOmniEngine: broker health', () => {
  it('refuses binary orders while the binary venue reports itself unhealthy; spot still trades', async () => {
    const config = parseConfig({});
    const venue = new FlakyBinaryExecutor(config.engines.binary);
    const hub = new RealTimeExecutionHub(
      { binary: venue, spot: new ShadowSpotExecutor(config.engines.spot) },
      'paper',
    );
    const script = (input: DecideInput, n: number): Decision =>
      n === 1 ? spotFor(input) : n < 3 ? binaryFor(input, 10) : noneFor(input);
    const { engine, clock } = await engineWith(script, {}, hub);
    const ticks = secondTicks(WARM_UP + 3);
    await drive(engine, clock, ticks.slice(0, WARM_UP));
    venue.say(false);
    const during = await drive(engine, clock, ticks.slice(WARM_UP, WARM_UP + 2));
    venue.say(true);
    const after = await drive(engine, clock, ticks.slice(WARM_UP + 2));
    await engine.close();
    const executed = [...during, ...after].map(
      (r) => r.kind === 'decided' && [r.decision.engine, r.executed],
    );
    expect(executed).toEqual([
      ['binary', false],
      ['spot', true],
      ['binary', true],
    ]);
    expect(approvals(engine.logger.dir)[0]).toEqual({
      approved: false,
      code: 'SAFETY_BROKER_UNHEALTHY',
      reason: 'the binary broker is reported unhealthy',
    });
    const codes = lines<Alert>(engine.logger.dir, 'alerts.jsonl').map((a) => a.code);
    expect(codes).toEqual(['SAFETY_BROKER_UNHEALTHY', 'SAFETY_BROKER_HEALTHY']);
  });
});

describe('createOmniEngine: no stacking, honest fills', () => {
  it('opens a put of one setup at t and refuses the same setup at t + 1 s and t + 2 s', async () => {
    const setupKey = 'fib-retracement:down:1704153600000-1704153620000:0.618:put';
    const script = (input: DecideInput, n: number): Decision =>
      n < 3
        ? { ...(binaryFor(input, 10, 'put') as Extract<Decision, { engine: 'binary' }>), setupKey }
        : noneFor(input);
    const { engine, clock } = await engineWith(script);
    const results = await drive(engine, clock, secondTicks(WARM_UP + 3));
    await engine.close();
    expect(results.slice(WARM_UP).map((r) => r.kind === 'decided' && r.executed)).toEqual([
      true,
      false,
      false,
    ]);
    const refused = {
      approved: false,
      code: 'SAFETY_LIMIT_BREACHED',
      reason: `1 open binary position on EURUSD already trades setup ${setupKey} (cap 1 per setup)`,
    };
    expect(approvals(engine.logger.dir).slice(1)).toEqual([refused, refused]);
  });

  it('cancels a spot order whose fill tick gapped through its stop: journaled, closed in the ledger, no loss booked', async () => {
    const { engine, clock } = await engineWith((input, n) =>
      n === 0 ? spotFor(input, 'buy', 0.001) : noneFor(input),
    );
    const ticks = secondTicks(WARM_UP + 2);
    const decisionTick = ticks[WARM_UP] as Tick;
    // The next tick opens 3 pips below the decision price: 2 pips beyond the stop.
    ticks[WARM_UP + 1] = { ...(ticks[WARM_UP + 1] as Tick), price: decisionTick.price - 0.003 };
    const results = await drive(engine, clock, ticks);
    await engine.close();
    expect(results[WARM_UP + 1]?.settled).toBe(1);
    const [record] = lines<TradeOutcome>(engine.logger.dir, 'trades.jsonl');
    expect(record).toMatchObject({
      size: 0,
      pnl: 0,
      fees: 0,
      exit: { kind: 'cancelled' },
      rule: 'spot-cancelled-at-fill',
    });
    expect(record?.stop).toBeCloseTo(decisionTick.price - 0.001, 12);
    expect(engine.safety.ledger.size).toBe(0);
    expect(engine.safety.status()).toMatchObject({ dailyPnlUsd: 0, lossStreak: 0, dailyTrades: 1 });
  });
});
