import { type FibBlock, fibLevels, MasterFibonacciGovernor } from '@omni/fib-core';
import { describe, expect, it } from 'vitest';
import { auditFibBlock } from './fib-audit.js';
import { FibAuditCache } from './fib-audit-cache.js';
import { type MarketTick, syntheticMarket } from './market.fixture.js';

const market = syntheticMarket({ seed: 7, count: 1500 });

/** Evaluates the market tick by tick, handing each block to `each`. */
function replay(each: (block: FibBlock, tick: MarketTick) => void): void {
  const fib = new MasterFibonacciGovernor();
  for (const t of market) {
    const volatility = t.features.rollingStd === null ? undefined : { fx: t.features.rollingStd };
    each(fib.evaluateMarket(t.features, volatility ? { volatility } : {}), t);
  }
}

describe('FibAuditCache', () => {
  it('gives every tick the JSON of a fresh auditFibBlock copy, and no record changes afterwards', () => {
    const cache = new FibAuditCache();
    const kept: ReturnType<FibAuditCache['audit']>[] = [];
    const fresh: string[] = [];
    replay((block) => {
      kept.push(cache.audit(block));
      fresh.push(JSON.stringify(auditFibBlock(block)));
    });
    // Read every kept record only after the whole replay: later ticks must not have changed it.
    expect(kept.map((a) => JSON.stringify(a)).join('\n')).toBe(fresh.join('\n'));
    expect(kept.filter((a) => a.setup !== null).length).toBeGreaterThan(1000);
  });

  it('shares the unchanged parts between consecutive ticks of one leg, deeply frozen', () => {
    const cache = new FibAuditCache();
    type Audit = ReturnType<FibAuditCache['audit']>;
    let pair: [Audit, Audit] | undefined;
    let previous: Audit | undefined;
    replay((block, t) => {
      if (pair) return;
      const audit = cache.audit(block);
      if (previous?.setup && t.features.newSwing === null) pair = [previous, audit];
      previous = t.features.newSwing === null ? audit : undefined;
    });
    const [a, b] = pair as [Audit, Audit];
    expect(b).not.toBe(a);
    expect(b.setup).toBe(a.setup);
    expect(b.wave).toBe(a.wave);
    expect(b.forming).toBe(a.forming);
    expect(Object.isFrozen(a.setup)).toBe(true);
    expect(Object.isFrozen(a.setup?.retracements)).toBe(true);
    expect(Object.isFrozen(a.setup?.retracements[0])).toBe(true);
    expect(Object.isFrozen(a.setup?.start)).toBe(true);
  });

  it('copies a part again when one of its numbers changes', () => {
    const cache = new FibAuditCache();
    const start = { kind: 'low' as const, price: 100, tsMs: 0, index: 0, confirmedTsMs: 1 };
    const end = { kind: 'high' as const, price: 200, tsMs: 10, index: 10, confirmedTsMs: 11 };
    const none = { kind: 'none', engine: 'binary', reason: 'price is outside every fib band' } as const;
    const block = (endPrice: number, zoneStrength: number): FibBlock => ({
      symbol: 'X',
      tsMs: 20,
      price: 150,
      setup: { start, end: { ...end, price: endPrice }, levels: fibLevels(100, endPrice), meanLegMs: 10 },
      zones: [],
      nearestZone: {
        center: 150,
        low: 149,
        high: 151,
        touches: 2,
        fibLevels: 0,
        lastTouchTsMs: 5,
        strength: zoneStrength,
      },
      wave: { kind: 'none', reason: 'need at least 3 confirmed swings, have 2' },
      harmonics: [],
      forming: [],
      volatilityScore: null,
      signals: {
        binary: none,
        spot: { ...none, engine: 'spot' },
        arbitrage: { kind: 'none', engine: 'arbitrage', reason: 'volatility mean is still warming up' },
      },
      swingCount: 2,
    });
    const a = cache.audit(block(200, 1));
    const b = cache.audit(block(200, 0.5));
    const c = cache.audit(block(210, 0.5));
    expect(b.setup).toBe(a.setup);
    expect(b.nearestZone).not.toBe(a.nearestZone);
    expect(b.nearestZone?.strength).toBe(0.5);
    expect(a.nearestZone?.strength).toBe(1);
    expect(c.setup).not.toBe(b.setup);
    expect(c.setup?.end.price).toBe(210);
    expect(c.setup?.retracements[3]?.price).toBeCloseTo(210 - 0.618 * 110, 12);
    expect(c.signals.binary).toBe(a.signals.binary);
    expect(c.signals.binary).toEqual(none);
  });
});
