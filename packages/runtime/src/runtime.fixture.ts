import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditableDecision,
  type DecideInput,
  type Decision,
  type DecisionBrain,
  type LearnContext,
  ManualClock,
  type OmniConfig,
  OmniLogger,
  parseConfig,
  type Tick,
  type TradeDecision,
  type TradeOutcome,
} from '@omni/core';
import type { ExecutionHub, ExecutionReport, PendingPosition } from '@omni/execution';
import { FeatureExtractorEngine } from '@omni/features';
import { SafetyManager } from '@omni/safety';
import { DecisionJournal, type DecisionJournalLevel } from './decision-journal.js';
import { OmniRuntime, type OmniRuntimeComponents } from './omni-runtime.js';
import { PerformanceRecorder } from './performance-recorder.js';

/** Test fixtures shared by the runtime and main-loop tests: fakes at the ports, real everything else. */

/** One minute: the fixture series has one tick per minute. */
export const MINUTE_MS = 60_000;
/** 2024-01-02T00:00:00Z: a Tuesday, far from any UTC day boundary issue in short runs. */
export const T0 = 1_704_153_600_000;

/** A deterministic, gently oscillating 1-minute price series (no randomness needed). */
export function fixtureTicks(count: number, startMs = T0, symbol = 'EURUSD'): Tick[] {
  const out: Tick[] = [];
  for (let i = 0; i < count; i++) {
    const price = 1.1 + 0.002 * Math.sin(i / 3) + 0.0001 * i;
    out.push({ symbol, tsMs: startMs + i * MINUTE_MS, price, source: 'fixture:runtime' });
  }
  return out;
}

/** A temp directory for one test's journals. */
export function tempRunDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `omni-runtime-${label}-`));
}

/** What the fake brain answers with: the decision plus a marker the test can trace back. */
export interface FakeAudit extends AuditableDecision {
  readonly marker: string;
}

/** A scripted brain: `script(input, n)` gives the n-th decision (n from 0); records every call. */
export class FakeBrain implements DecisionBrain<FakeAudit> {
  readonly decided: FakeAudit[] = [];
  readonly inputs: DecideInput[] = [];
  readonly learned: Array<{ outcome: TradeOutcome; audit: FakeAudit; riskUsd: number }> = [];
  readonly observed: Array<{ tsMs: number; windowLength: number }> = [];
  readonly #script: (input: DecideInput, n: number) => Decision;

  constructor(script: (input: DecideInput, n: number) => Decision) {
    this.#script = script;
  }

  decide(input: DecideInput): FakeAudit {
    const decision = this.#script(input, this.decided.length);
    const answer: FakeAudit = { decision, regimeKey: 'fake-regime', marker: `answer-${input.decisionId}` };
    this.inputs.push(input);
    this.decided.push(answer);
    return answer;
  }

  learn(outcome: TradeOutcome, audit: FakeAudit, context: LearnContext): void {
    this.learned.push({ outcome, audit, riskUsd: context.riskUsd });
  }

  observe(input: Pick<DecideInput, 'features' | 'window'>): void {
    this.observed.push({ tsMs: input.features.tsMs, windowLength: input.window.length });
  }
}

/** How the fake hub handles one order. */
export type HubPlan = 'accept' | 'settle-now' | 'reject';

/** One order the fake hub received. */
export interface HubOrder {
  readonly decision: TradeDecision;
  readonly tick: Tick;
}

/**
 * A fake ExecutionHub: `plan(decision, n)` says whether the n-th order is accepted (settled by
 * the next tick), settled at once, or rejected; `pnl(decision, n)` gives the settled PnL. Each
 * outcome is delivered exactly once, as the ExecutionHub contract requires.
 */
export class FakeHub implements ExecutionHub {
  readonly name = 'fake-hub';
  readonly orders: HubOrder[] = [];
  readonly delivered: TradeOutcome[] = [];
  /** Called at the top of `execute` (property tests assert safety invariants here). */
  onExecute: ((decision: TradeDecision, tick: Tick) => void) | undefined;
  readonly #plan: (decision: TradeDecision, n: number) => HubPlan;
  readonly #pnl: (decision: TradeDecision, n: number) => number;
  readonly #pending: Array<{ decision: TradeDecision; tick: Tick; pnl: number }> = [];

  constructor(
    plan: (decision: TradeDecision, n: number) => HubPlan = () => 'accept',
    pnl: (decision: TradeDecision, n: number) => number = () => 1,
  ) {
    this.#plan = plan;
    this.#pnl = pnl;
  }

  async execute(decision: TradeDecision, tick: Tick): Promise<ExecutionReport> {
    this.onExecute?.(decision, tick);
    const n = this.orders.length;
    this.orders.push({ decision, tick });
    const base = {
      decisionId: decision.id,
      engine: decision.engine,
      venue: 'fake',
      tsMs: tick.tsMs,
    } as const;
    const plan = this.#plan(decision, n);
    if (plan === 'reject') {
      return { ...base, status: 'rejected', code: 'EXECUTION_REJECTED', reason: 'fake venue said no' };
    }
    const pnl = this.#pnl(decision, n);
    if (plan === 'settle-now') {
      const outcome = fakeOutcome(decision, tick, tick, pnl);
      this.delivered.push(outcome);
      return { ...base, status: 'settled', outcome };
    }
    this.#pending.push({ decision, tick, pnl });
    return { ...base, status: 'accepted' };
  }

  onTick(tick: Tick): readonly TradeOutcome[] {
    const out: TradeOutcome[] = [];
    for (let i = this.#pending.length - 1; i >= 0; i--) {
      const p = this.#pending[i];
      if (p === undefined || p.tick.tsMs >= tick.tsMs) continue;
      this.#pending.splice(i, 1);
      out.unshift(fakeOutcome(p.decision, p.tick, tick, p.pnl));
    }
    this.delivered.push(...out);
    return out;
  }

  pending(): readonly PendingPosition[] {
    return this.#pending.map((p) => ({
      decisionId: p.decision.id,
      engine: p.decision.engine,
      symbol: p.tick.symbol,
      venue: 'fake',
      state: 'open' as const,
      entryTs: p.tick.tsMs,
      entryPrice: p.tick.price,
    }));
  }

  async cancelAll(): Promise<number> {
    const n = this.#pending.length;
    this.#pending.length = 0;
    return n;
  }
}

/** A TradeOutcome for a fake fill: entry at the decision tick, settled at `settle` with the given PnL. */
export function fakeOutcome(decision: TradeDecision, entry: Tick, settle: Tick, pnl: number): TradeOutcome {
  const common = {
    decisionId: decision.id,
    engine: decision.engine,
    symbol: entry.symbol,
    entryTs: entry.tsMs,
    entryPrice: entry.price,
    settleTs: settle.tsMs,
    settlePrice: settle.price,
    fees: 0,
    pnl,
    rule: 'fake-settlement',
  };
  switch (decision.engine) {
    case 'binary':
      return { ...common, direction: decision.direction, stake: decision.stakeUsd, payout: 0.8 };
    case 'spot':
      return { ...common, direction: decision.side, size: decision.size };
    case 'arbitrage':
      return { ...common, direction: 'buy', stake: 15 };
  }
}

/** A binary decision for the brain's input (id and time from the input). */
export function binaryFor(
  input: DecideInput,
  stakeUsd: number,
  direction: 'call' | 'put' = 'call',
): Decision {
  return {
    engine: 'binary',
    id: input.decisionId,
    tsMs: input.features.tsMs,
    confidence: 0.6,
    reasons: ['fake brain'],
    symbol: 'EURUSD',
    direction,
    stakeUsd,
    expirySec: 60,
  };
}

/** A `none` decision for the brain's input. */
export function noneFor(input: DecideInput): Decision {
  return {
    engine: 'none',
    id: input.decisionId,
    tsMs: input.features.tsMs,
    reason: 'fake brain stands aside',
  };
}

/** Everything a runtime test builds: the runtime and its real and fake parts. */
export interface RuntimeFixture {
  readonly runtime: OmniRuntime<FakeAudit>;
  readonly brain: FakeBrain;
  readonly hub: FakeHub;
  readonly safety: SafetyManager;
  readonly features: FeatureExtractorEngine;
  readonly logger: OmniLogger;
  readonly audit: DecisionJournal<unknown>;
  readonly performance: PerformanceRecorder;
  readonly clock: ManualClock;
  readonly config: OmniConfig;
  readonly runDir: string;
  /** Sets the clock to the tick's time, then runs `runtime.onTick` (what omniMainLoop does). */
  tick(tick: Tick): ReturnType<OmniRuntime<FakeAudit>['onTick']>;
}

/** Options of {@link buildRuntime}. */
export interface RuntimeFixtureOptions {
  readonly brain: FakeBrain;
  readonly hub?: FakeHub;
  readonly risk?: Partial<OmniConfig['risk']>;
  readonly startingBalanceUsd?: number;
  readonly statePath?: string;
  readonly minWindow?: number;
  /** Level of the decision journal. Default `all`. */
  readonly journalLevel?: DecisionJournalLevel;
  readonly extra?: Partial<
    Pick<OmniRuntimeComponents<FakeAudit>, 'sequence' | 'routes' | 'training' | 'counterfactual'>
  >;
}

/**
 * A real OmniRuntime over the real SafetyManager (ManualClock), FeatureExtractorEngine (one bar
 * per tick, 8-price window), OmniLogger, DecisionJournal and PerformanceRecorder, with the
 * given fake brain and hub.
 */
export async function buildRuntime(options: RuntimeFixtureOptions): Promise<RuntimeFixture> {
  const config = parseConfig({
    startingBalanceUsd: options.startingBalanceUsd ?? 10_000,
    risk: options.risk ?? {},
  });
  const runDir = tempRunDir('fixture');
  const clock = new ManualClock(0);
  const logger = new OmniLogger(runDir, { logTicks: true });
  const safety = new SafetyManager({
    limits: config.risk,
    clock,
    onAlert: (alert) => logger.logAlert(alert),
    ...(options.statePath !== undefined ? { statePath: options.statePath, autoSave: false } : {}),
  });
  const features = new FeatureExtractorEngine({
    bars: { kind: 'ticks', count: 1 },
    priceWindow: 8,
    smaPeriod: 3,
    emaPeriod: 3,
    stdPeriod: 3,
    atrPeriod: 3,
    gradientPeriod: 3,
    volatilityWindow: 10,
    swing: { mode: 'percent', percent: 0.1 },
  });
  const audit = await DecisionJournal.open(join(runDir, 'decisions.jsonl'), {
    level: options.journalLevel ?? 'all',
  });
  const performance = new PerformanceRecorder({ startingBalanceUsd: config.startingBalanceUsd });
  const hub = options.hub ?? new FakeHub();
  const runtime = new OmniRuntime<FakeAudit>({
    runId: 'test',
    features,
    brain: options.brain,
    hub,
    safety,
    logger,
    audit,
    performance,
    minWindow: options.minWindow ?? 4,
    ...options.extra,
  });
  return {
    runtime,
    brain: options.brain,
    hub,
    safety,
    features,
    logger,
    audit,
    performance,
    clock,
    config,
    runDir,
    tick(tick) {
      clock.set(tick.tsMs);
      return runtime.onTick(tick);
    },
  };
}
