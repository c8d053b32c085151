import type { Swing } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { ArbitrageFibonacciTiming } from './arbitrage-fibonacci-timing.js';
import { BinaryFibonacciEngine } from './binary-fibonacci-engine.js';
import { fibLevels } from './fib-levels.js';
import type { FibSetup, HarmonicSetup } from './fib-signal.js';
import { SpotFibonacciEngine } from './spot-fibonacci-engine.js';
import { TriFectaFibonacciRouter } from './trifecta-fibonacci-router.js';

const DAY = 86_400_000;
const low: Swing = { kind: 'low', price: 100, tsMs: 0, index: 0, confirmedTsMs: DAY };
const high: Swing = { kind: 'high', price: 200, tsMs: 4 * DAY, index: 4, confirmedTsMs: 5 * DAY };
/** Up leg 100 → 200; 0.618 retracement at 138.2; mean leg 1 hour. */
const UP: FibSetup = { start: low, end: high, levels: fibLevels(100, 200), meanLegMs: 3_600_000 };
const DOWN: FibSetup = { start: high, end: low, levels: fibLevels(200, 100), meanLegMs: 3_600_000 };

describe('BinaryFibonacciEngine', () => {
  it('calls CALL at the 0.618 band of an up leg with expiry = half the mean leg', () => {
    const s = new BinaryFibonacciEngine().evaluate(138.2, 4, UP);
    expect(s.kind).toBe('signal');
    if (s.kind !== 'signal') return;
    expect(s.direction).toBe('call');
    expect(s.level.ratio).toBe(0.618);
    expect(s.zone.low).toBeCloseTo(136.2, 10);
    expect(s.zone.high).toBeCloseTo(140.2, 10);
    expect(s.expirySec).toBe(1800);
    expect(s.confidence).toBeCloseTo(0.75, 12); // 0.5 + 0.25 · closeness 1, no other evidence
    expect(s.reasons[0]).toMatch(/0.618 retracement 138.200/);
  });

  it('calls PUT in a down leg', () => {
    const s = new BinaryFibonacciEngine().evaluate(161.8, 4, DOWN);
    expect(s.kind === 'signal' && s.direction).toBe('put');
  });

  it('stands aside between bands and explains why', () => {
    expect(new BinaryFibonacciEngine().evaluate(144.1, 4, UP)).toEqual({
      kind: 'none',
      engine: 'binary',
      reason: 'price is outside every fib band',
    });
  });

  it('stands aside while ATR warms up', () => {
    expect(new BinaryFibonacciEngine().evaluate(138.2, null, UP).kind).toBe('none');
  });

  it('clamps expiry to the configured bounds', () => {
    const s = new BinaryFibonacciEngine({ maxExpirySec: 900 }).evaluate(150, 4, UP);
    expect(s.kind === 'signal' && s.expirySec).toBe(900);
  });

  it('raises confidence when the wave reading agrees and a strong zone overlaps', () => {
    const zone = {
      center: 138,
      low: 137,
      high: 139,
      touches: 3,
      fibLevels: 1,
      lastTouchTsMs: 0,
      strength: 1,
    };
    const s = new BinaryFibonacciEngine().evaluate(138.2, 4, UP, { zone, waveDirection: 'up' });
    expect(s.kind === 'signal' && s.confidence).toBeCloseTo(0.75 + 0.15 + 0.1, 12);
  });
});

describe('SpotFibonacciEngine', () => {
  it('buys the 0.618 pullback of an up leg with a stop beyond the zone and an extension TP ladder', () => {
    const s = new SpotFibonacciEngine().evaluate(139, 4, UP);
    expect(s.kind).toBe('signal');
    if (s.kind !== 'signal') return;
    expect(s.side).toBe('buy');
    expect(s.entryPrice).toBe(139);
    expect(s.stopPrice).toBeCloseTo(138.2 - 2 - 2, 10); // zone low (level − 0.5·ATR) − 0.5·ATR
    expect(s.takeProfits.map((t) => t.price)).toEqual([100 + 1.272 * 100, 100 + 1.618 * 100, 100 + 2 * 100]);
    expect(s.takeProfits.map((t) => t.fraction)).toEqual([0.5, 0.3, 0.2]);
  });

  it('sells the 0.618 pullback of a down leg with the stop above', () => {
    const s = new SpotFibonacciEngine().evaluate(161.8, 4, DOWN);
    expect(s.kind === 'signal' && s.side).toBe('sell');
    expect(s.kind === 'signal' && s.stopPrice).toBeCloseTo(161.8 + 4, 10);
  });

  it('does not enter at the 0.382 level', () => {
    expect(new SpotFibonacciEngine().evaluate(161.8, 4, UP).kind).toBe('none');
  });

  it('rejects a ladder whose fractions do not sum to 1', () => {
    expect(() => new SpotFibonacciEngine({ ladder: [{ ratio: 1.618, fraction: 0.5 }] })).toThrow(/sum to 1/);
  });
});

/** Bullish Butterfly: X 100, A 200, B 121.4 (0.786), C 169.97, D at AD/XA 1.272 = 72.8, below X. */
const BUTTERFLY: HarmonicSetup = {
  pattern: 'butterfly',
  direction: 'bullish',
  score: 1,
  prz: [68, 77.6],
  points: { X: 100, A: 200, B: 121.4, C: 169.9748, D: 72.8 },
  dRatio: 1.272,
  dConfirmed: false,
  dTsMs: 0,
  meanLegMs: 3_600_000,
};

describe('harmonic reversal at D (evaluateHarmonic)', () => {
  it('buys a bullish Butterfly with the stop beyond the PRZ (D lies beyond X) and AD targets', () => {
    const s = new SpotFibonacciEngine().evaluateHarmonic(73, 4, BUTTERFLY);
    if (s.kind !== 'signal') throw new Error(s.reason);
    expect(s.side).toBe('buy');
    expect(s.stopPrice).toBe(68 - 2); // PRZ low − 0.5·ATR
    expect(s.takeProfits.map((t) => t.price)).toEqual([
      expect.closeTo(72.8 + 0.382 * 127.2, 12),
      expect.closeTo(72.8 + 0.618 * 127.2, 12),
    ]);
    expect(s.confidence).toBeCloseTo(0.75, 12); // 0.5 + 0.25 · ratio score 1
  });

  it('calls a bullish Butterfly with the PRZ as its zone and D as its level', () => {
    const s = new BinaryFibonacciEngine().evaluateHarmonic(73, 4, BUTTERFLY);
    if (s.kind !== 'signal') throw new Error(s.reason);
    expect([s.direction, s.pattern, s.expirySec]).toEqual(['call', 'butterfly', 1800]);
    expect(s.level).toEqual({ kind: 'extension', ratio: 1.272, price: 72.8 });
    expect(s.zone).toEqual({ low: 68, high: 77.6 });
  });

  it('stands aside outside the PRZ', () => {
    expect(new BinaryFibonacciEngine().evaluateHarmonic(80, 4, BUTTERFLY)).toEqual({
      kind: 'none',
      engine: 'binary',
      reason: 'price is outside the PRZ of the harmonic pattern',
    });
    expect(new SpotFibonacciEngine().evaluateHarmonic(67, 4, BUTTERFLY).kind).toBe('none');
  });

  it('does not buy when the price is already past the first target', () => {
    // First target at 1 % of AD = 74.072, below the price 75.
    const spot = new SpotFibonacciEngine({ harmonicTargets: [{ ratio: 0.01, fraction: 1 }] });
    const s = spot.evaluateHarmonic(75, 4, BUTTERFLY);
    expect(s.kind === 'none' && s.reason).toMatch(/beyond the first take-profit/);
  });

  it('rejects harmonic targets outside (0, 1] of AD', () => {
    expect(() => new SpotFibonacciEngine({ harmonicTargets: [{ ratio: 1.272, fraction: 1 }] })).toThrow(
      /harmonicTargets/,
    );
  });
});

describe('ArbitrageFibonacciTiming', () => {
  it('flags compression when volatility drops below 0.618 of its mean', () => {
    const t = new ArbitrageFibonacciTiming({ window: 4 });
    for (const v of [1, 1, 1, 0.25]) t.update(v);
    // mean = 3.25 / 4 = 0.8125; ratio = 0.25 / 0.8125.
    const s = t.evaluate();
    expect(s.kind === 'signal' && s.phase).toBe('compression');
    expect(s.kind === 'signal' && s.volatilityRatio).toBeCloseTo(0.25 / 0.8125, 12);
  });

  it('flags expansion above 1.618 of the mean', () => {
    const t = new ArbitrageFibonacciTiming({ window: 4 });
    for (const v of [1, 1, 1, 4]) t.update(v);
    const s = t.evaluate();
    expect(s.kind === 'signal' && s.phase).toBe('expansion');
  });

  it('says nothing until the window is full', () => {
    const t = new ArbitrageFibonacciTiming({ window: 4 });
    t.update(1);
    expect(t.evaluate().kind).toBe('none');
  });
});

describe('TriFectaFibonacciRouter', () => {
  it('dispatches to the engine of the market', () => {
    const router = new TriFectaFibonacciRouter();
    expect(router.analyze('binary', { price: 138.2, atr: 4, setup: UP }).engine).toBe('binary');
    expect(router.analyze('spot', { price: 138.2, atr: 4, setup: UP }).engine).toBe('spot');
    expect(router.analyze('arbitrage', { price: 138.2, atr: 4, setup: UP }).engine).toBe('arbitrage');
  });
});

describe('signal reason lines (formatted once per leg, reused by value)', () => {
  it('writes the binary retracement lines of each leg, also when one engine alternates legs', () => {
    const engine = new BinaryFibonacciEngine();
    const upLines = [
      'price 138.200 inside the 0.618 retracement 138.200 ± 0.5·ATR (4.000)',
      'of the up leg 100.000 → 200.000 (1970-01-01T00:00:00.000Z → 1970-01-05T00:00:00.000Z)',
      'expiry 1800s = 0.5 × mean swing leg 3600s',
    ];
    const up = engine.evaluate(138.2, 4, UP);
    const down = engine.evaluate(161.8, 4, { ...DOWN, meanLegMs: 7_200_000 });
    const upAgain = engine.evaluate(138.2, 4, UP);
    expect(up.kind === 'signal' && up.reasons).toEqual(upLines);
    expect(down.kind === 'signal' && down.reasons).toEqual([
      'price 161.800 inside the 0.618 retracement 161.800 ± 0.5·ATR (4.000)',
      'of the down leg 200.000 → 100.000 (1970-01-05T00:00:00.000Z → 1970-01-01T00:00:00.000Z)',
      'expiry 3600s = 0.5 × mean swing leg 7200s',
    ]);
    expect(upAgain.kind === 'signal' && upAgain.reasons).toEqual(upLines);
  });

  it('writes the spot lines and shares one frozen take-profit ladder per leg', () => {
    const engine = new SpotFibonacciEngine();
    const a = engine.evaluate(139, 4, UP);
    const b = engine.evaluate(138.5, 2, UP);
    const c = engine.evaluate(161, 4, DOWN);
    if (a.kind !== 'signal' || b.kind !== 'signal' || c.kind !== 'signal') throw new Error('no signal');
    expect(a.reasons.slice(0, 2)).toEqual([
      'price 139.000 inside the 0.618 retracement 138.200 ± 0.5·ATR of the up leg 100.000 → 200.000',
      'stop 134.200 beyond the zone; TPs at extensions 1.272=227.200, 1.618=261.800, 2=300.000',
    ]);
    expect(c.reasons[0]).toBe(
      'price 161.000 inside the 0.618 retracement 161.800 ± 0.5·ATR of the down leg 200.000 → 100.000',
    );
    expect(b.takeProfits).toBe(a.takeProfits);
    expect(Object.isFrozen(a.takeProfits) && Object.isFrozen(a.takeProfits[0])).toBe(true);
    expect(c.takeProfits.map((t) => t.price)).toEqual([200 - 1.272 * 100, 200 - 1.618 * 100, 0]);
  });

  it('explains the zone and memory weight of each signal with its own numbers', () => {
    const engine = new BinaryFibonacciEngine();
    const zone = (low: number, touches: number) => ({
      center: low + 1,
      low,
      high: low + 2,
      touches,
      fibLevels: 0,
      lastTouchTsMs: 0,
      strength: 0.5,
    });
    const lines = [zone(137, 3), zone(137.5, 2), zone(137, 3)].map((z, i) => {
      const s = engine.evaluate(138.2, 4, UP, { zone: z, memoryWeight: i === 1 ? 0.8 : 1.25 });
      return s.kind === 'signal' ? s.reasons.slice(2, 4) : [];
    });
    expect(lines).toEqual([
      [
        'k-means zone 137.000–139.000 overlaps the band (3 touches, strength 0.50)',
        'pattern memory weight 1.250',
      ],
      [
        'k-means zone 137.500–139.500 overlaps the band (2 touches, strength 0.50)',
        'pattern memory weight 0.800',
      ],
      [
        'k-means zone 137.000–139.000 overlaps the band (3 touches, strength 0.50)',
        'pattern memory weight 1.250',
      ],
    ]);
  });
});
