import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BinaryDecision,
  isOmniError,
  type SpotDecision,
  type Tick,
  type TradeOutcome,
} from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PositionLedger } from './position-ledger.js';
import { ShadowExecutionHub } from './shadow-execution-hub.js';

const T0 = 1_700_000_000_000;
const engines = {
  binary: {
    payout: 0.8,
    tieRule: 'refund' as const,
    defaultExpirySec: 300,
    maxLadderDepth: 3,
    kellyFraction: 0.25,
  },
  spot: { commissionBps: 1, slippageBps: 0.5, riskPerTradeFraction: 0.01, fillRiskTolerance: 0.25 },
  arbitrage: { gasPriceGwei: 20, gasLimit: 250_000, ethUsd: 3000, minProfitUsd: 1 },
};

function tick(i: number, price: number): Tick {
  return { symbol: 'EURUSD', tsMs: T0 + i * 60_000, price, source: 'test' };
}

const spot: SpotDecision = {
  engine: 'spot',
  id: 's1',
  tsMs: T0,
  confidence: 0.6,
  reasons: [],
  symbol: 'EURUSD',
  side: 'buy',
  size: 10_000,
  entryPrice: 1.1,
  stopPrice: 1.09,
  takeProfits: [
    { price: 1.105, fraction: 0.5 },
    { price: 1.11, fraction: 0.5 },
  ],
};

const binary: BinaryDecision = {
  engine: 'binary',
  id: 'b1',
  tsMs: T0,
  confidence: 0.6,
  reasons: [],
  symbol: 'EURUSD',
  direction: 'call',
  stakeUsd: 10,
  expirySec: 300,
};

describe('PositionLedger', () => {
  it('records each decision once, updates and closes it, and sums risk per market', () => {
    const ledger = new PositionLedger();
    const base = { market: 'binary' as const, symbol: 'EURUSD', venue: 'shadow', openedTs: T0 };
    expect(ledger.record({ ...base, decisionId: 'a', riskUsd: 10 })).toBe(true);
    expect(ledger.record({ ...base, decisionId: 'a', riskUsd: 99 })).toBe(false);
    ledger.record({ ...base, decisionId: 'b', market: 'spot', riskUsd: 4.5 });
    expect(ledger.update('b', { entryTs: T0 + 1, entryPrice: 1.1 })).toBe(true);
    expect(ledger.update('zz', { entryTs: T0 })).toBe(false);
    expect([ledger.size, ledger.riskUsd(), ledger.riskUsd('spot'), ledger.get('b')?.entryPrice]).toEqual([
      2, 14.5, 4.5, 1.1,
    ]);
    expect(ledger.close('a', 'settled')?.riskUsd).toBe(10);
    expect(ledger.close('a', 'settled')).toBeUndefined();
    expect(ledger.positions().map((p) => p.decisionId)).toEqual(['b']);
  });

  it('is written atomically after every change and loads back; a newer file is refused', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'omni-ledger-')), 'ledger.json');
    const ledger = PositionLedger.open({ path });
    ledger.record({
      decisionId: 'b1',
      market: 'binary',
      symbol: 'EURUSD',
      venue: 'shadow',
      riskUsd: 10,
      openedTs: T0,
      decision: binary,
    });
    const again = PositionLedger.open({ path });
    expect(again.positions()).toEqual(ledger.positions());
    writeFileSync(path, JSON.stringify({ kind: 'omni-position-ledger', version: 9, open: [] }));
    let error: unknown;
    try {
      PositionLedger.open({ path });
    } catch (err) {
      error = err;
    }
    expect(isOmniError(error, 'STATE_NEWER_VERSION')).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe(9);
  });
});

describe('shadow positions resume from the ledger after a restart', () => {
  it('settles an adopted binary option at its expiry from later prices, as if never stopped', async () => {
    const ledger = new PositionLedger();
    ledger.record({
      decisionId: 'b1',
      market: 'binary',
      symbol: 'EURUSD',
      venue: 'shadow',
      riskUsd: 10,
      openedTs: T0,
      decision: binary,
      entryTs: T0,
      entryPrice: 1.1,
    });
    const hub = new ShadowExecutionHub({ engines, ledger });
    expect(hub.adopt(ledger.get('b1') as never)).toBe(true);
    expect(hub.onTick(tick(4, 1.2))).toEqual([]);
    const [outcome] = hub.onTick(tick(5, 1.101));
    expect({ pnl: outcome?.pnl, entryPrice: outcome?.entryPrice, settleTs: outcome?.settleTs }).toEqual({
      pnl: 8,
      entryPrice: 1.1,
      settleTs: T0 + 5 * 60_000,
    });
  });

  it('resumes a spot position at any stop point with exactly the outcome of an uninterrupted run', async () => {
    const prices = [1.1, 1.1005, 1.102, 1.106, 1.104, 1.1, 1.107, 1.112, 1.1];
    const ticks = prices.map((p, i) => tick(i, p));
    async function run(stopAfter: number | undefined): Promise<TradeOutcome | undefined> {
      const ledger = new PositionLedger();
      let hub = new ShadowExecutionHub({ engines, ledger });
      await hub.execute(spot, ticks[0] as Tick);
      ledger.record({
        decisionId: 's1',
        market: 'spot',
        symbol: 'EURUSD',
        venue: 'shadow',
        riskUsd: 100,
        openedTs: T0,
        decision: spot,
      });
      for (let i = 1; i < ticks.length; i++) {
        for (const o of hub.onTick(ticks[i] as Tick)) return o;
        if (i === stopAfter) {
          // A restart: a new hub, the ledger reloaded from its persisted form.
          const reloaded = new PositionLedger();
          reloaded.restore(JSON.parse(JSON.stringify(ledger.toState())));
          hub = new ShadowExecutionHub({ engines, ledger: reloaded });
          for (const p of reloaded.positions()) expect(hub.adopt(p)).toBe(true);
        }
      }
      return undefined;
    }
    const reference = await run(undefined);
    expect(reference?.rule).toBe('spot-tp-1+tp-2');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: prices.length - 2 }), async (stopAfter) => {
        expect(await run(stopAfter)).toEqual(reference);
      }),
      { numRuns: 20 },
    );
  });
});
