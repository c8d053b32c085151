import {
  type BinaryDecision,
  EngineSettingsSchema,
  isOmniError,
  type Tick,
  type TradeOutcome,
} from '@omni/core';
import { describe, expect, it } from 'vitest';
import type {
  BinaryExecutor,
  BrokerHealthListener,
  BrokerHealthReport,
  ExecutionReport,
  PendingPosition,
} from './executor.js';
import { NO_OUTCOMES } from './executor.js';
import { RealTimeExecutionHub } from './real-time-execution-hub.js';
import { ShadowExecutionHub } from './shadow-execution-hub.js';
import { SyntheticPoolPair } from './synthetic-pool-pair.js';

const T0 = 1_700_000_000_000;
const engines = EngineSettingsSchema.parse({});

function tick(i: number, price: number): Tick {
  return { symbol: 'EURUSD', tsMs: T0 + i * 60_000, price, source: 'test' };
}

const call: BinaryDecision = {
  engine: 'binary',
  id: 'b1',
  tsMs: T0,
  confidence: 0.6,
  reasons: [],
  symbol: 'EURUSD',
  direction: 'call',
  stakeUsd: 10,
  expirySec: 60,
};

/** The README's custom executor: a paper broker that settles at expiry from the hub's ticks. */
class PaperBinaryExecutor implements BinaryExecutor {
  readonly engine = 'binary' as const;
  readonly venue = 'paper';
  readonly #open: { decision: BinaryDecision; entry: Tick }[] = [];

  async execute(decision: BinaryDecision, tick: Tick): Promise<ExecutionReport> {
    this.#open.push({ decision, entry: tick });
    return {
      status: 'accepted',
      decisionId: decision.id,
      engine: 'binary',
      venue: this.venue,
      tsMs: tick.tsMs,
    };
  }

  onTick(tick: Tick): readonly TradeOutcome[] {
    const due = this.#open.filter((o) => tick.tsMs >= o.entry.tsMs + o.decision.expirySec * 1000);
    if (due.length === 0) return NO_OUTCOMES;
    for (const o of due) this.#open.splice(this.#open.indexOf(o), 1);
    return due.map(({ decision, entry }) => {
      const won = decision.direction === 'call' ? tick.price > entry.price : tick.price < entry.price;
      return {
        decisionId: decision.id,
        engine: 'binary',
        symbol: decision.symbol,
        direction: decision.direction,
        entryTs: entry.tsMs,
        entryPrice: entry.price,
        settleTs: tick.tsMs,
        settlePrice: tick.price,
        stake: decision.stakeUsd,
        payout: 0.9,
        fees: 0,
        pnl: won ? decision.stakeUsd * 0.9 : -decision.stakeUsd,
        rule: won ? 'binary-expiry-win' : 'binary-expiry-loss',
      };
    });
  }

  pending(): readonly PendingPosition[] {
    return this.#open.map((o) => ({
      decisionId: o.decision.id,
      engine: 'binary' as const,
      symbol: o.decision.symbol,
      venue: this.venue,
      state: 'open' as const,
    }));
  }

  async cancelAll(): Promise<number> {
    return 0;
  }
}

describe('RealTimeExecutionHub', () => {
  it('throws EXECUTION_NO_EXECUTOR for an engine without an executor', async () => {
    const hub = new RealTimeExecutionHub();
    let error: unknown;
    try {
      await hub.execute(call, tick(0, 1.1));
    } catch (err) {
      error = err;
    }
    expect(isOmniError(error, 'EXECUTION_NO_EXECUTOR')).toBe(true);
  });

  it('dispatches to a registered custom executor and gathers its outcomes', async () => {
    const hub = new RealTimeExecutionHub().register(new PaperBinaryExecutor());
    expect(await hub.execute(call, tick(0, 1.1))).toMatchObject({ status: 'accepted', venue: 'paper' });
    expect(hub.pending()).toHaveLength(1);
    expect(hub.onTick(tick(0, 1.1))).toBe(NO_OUTCOMES);
    expect(hub.onTick(tick(1, 1.2))).toMatchObject([{ decisionId: 'b1', pnl: 9, rule: 'binary-expiry-win' }]);
  });

  it('passes on the health reports of its executors, and stops for an executor it replaced', () => {
    /** A paper executor whose venue reports its health through `say`. */
    class FlakyBinaryExecutor extends PaperBinaryExecutor {
      readonly #listeners = new Set<BrokerHealthListener>();
      onHealth(listener: BrokerHealthListener): () => void {
        this.#listeners.add(listener);
        return () => this.#listeners.delete(listener);
      }
      say(ok: boolean, reason: string): void {
        for (const l of this.#listeners) l({ market: 'binary', venue: this.venue, ok, reason });
      }
    }
    const first = new FlakyBinaryExecutor();
    const hub = new RealTimeExecutionHub({ binary: first });
    const heard: BrokerHealthReport[] = [];
    const stop = hub.onHealth((r) => heard.push(r));
    first.say(false, 'heartbeat missed 3 times');
    const second = new FlakyBinaryExecutor();
    hub.register(second);
    first.say(true, 'the replaced venue is not heard');
    second.say(true, 'logged in again');
    stop();
    second.say(false, 'not heard after unsubscribing');
    expect(heard).toEqual([
      { market: 'binary', venue: 'paper', ok: false, reason: 'heartbeat missed 3 times' },
      { market: 'binary', venue: 'paper', ok: true, reason: 'logged in again' },
    ]);
  });

  it('returns the shared empty list on ticks that settle nothing', () => {
    const hub = new ShadowExecutionHub({ engines });
    expect(hub.onTick(tick(0, 1.1))).toBe(NO_OUTCOMES);
  });
});

describe('ShadowExecutionHub', () => {
  it('settles binary, spot and arbitrage through one interface', async () => {
    const pools = new SyntheticPoolPair({ seed: 1 });
    const hub = new ShadowExecutionHub({ engines, pools });
    hub.onTick(tick(0, 1.1));
    await hub.execute(call, tick(0, 1.1));
    await hub.execute(
      {
        engine: 'spot',
        id: 's1',
        tsMs: T0,
        confidence: 0.6,
        reasons: [],
        symbol: 'EURUSD',
        side: 'buy',
        size: 1000,
        entryPrice: 1.1,
        stopPrice: 1.09,
        takeProfits: [{ price: 1.11, fraction: 1 }],
      },
      tick(0, 1.1),
    );
    const arb = await hub.execute(
      {
        engine: 'arbitrage',
        id: 'a1',
        tsMs: T0,
        confidence: 0.6,
        reasons: [],
        routeId: 'synthetic:A->B',
        amountInWei: 10n ** 18n,
        minProfitWei: 0n,
      },
      tick(0, 1.1),
    );
    expect(arb.status).toBe('settled');
    expect(hub.pending().map((p) => p.decisionId)).toEqual(['b1', 's1']);
    expect(hub.onTick(tick(1, 1.1))).toMatchObject([{ decisionId: 'b1', rule: 'binary-tie-refund' }]);
    expect(hub.onTick(tick(2, 1.12))).toMatchObject([{ decisionId: 's1', rule: 'spot-tp-1' }]);
    expect(hub.pending()).toHaveLength(0);
  });

  it('cancels pending spot entries through cancelAll', async () => {
    const hub = new ShadowExecutionHub({ engines });
    await hub.execute(
      {
        engine: 'spot',
        id: 's1',
        tsMs: T0,
        confidence: 0.6,
        reasons: [],
        symbol: 'EURUSD',
        side: 'sell',
        size: 1000,
        entryPrice: 1.1,
        stopPrice: 1.11,
        takeProfits: [{ price: 1.09, fraction: 1 }],
      },
      tick(0, 1.1),
    );
    expect(await hub.cancelAll()).toBe(1);
    expect(hub.pending()).toHaveLength(0);
  });
});
