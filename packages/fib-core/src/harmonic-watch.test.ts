import { FeatureExtractorEngine, type FeatureVector } from '@omni/features';
import { describe, expect, it } from 'vitest';
import type { BinarySignal, SpotSignal } from './fib-signal.js';
import type { HarmonicPatternName } from './harmonic-ratio-table.js';
import { MasterFibonacciGovernor } from './master-fibonacci-governor.js';

const DAY = 86_400_000;

/** Straight segments between the turning points, `step` apart; every turning point is a tick of its own. */
function pricePath(points: readonly number[], step: number): number[] {
  const out = [points[0] as number];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as number;
    const b = points[i] as number;
    const n = Math.ceil(Math.abs(b - a) / step);
    for (let k = 1; k <= n; k++) out.push(k === n ? b : a + ((b - a) * k) / n);
  }
  return out;
}

interface Seen {
  readonly price: number;
  readonly atr: number | null;
  readonly swingCount: number;
  readonly binary: BinarySignal;
  readonly spot: SpotSignal;
}

/** One tick per daily bar, swings of 3 % (so X, A, B, C are confirmed long before D), through the governor. */
function replay(prices: readonly number[], patterns?: readonly HarmonicPatternName[]): Seen[] {
  const features = new FeatureExtractorEngine({
    bars: { kind: 'ticks', count: 1 },
    swing: { mode: 'percent', percent: 3 },
  });
  const fib = new MasterFibonacciGovernor(patterns ? { harmonic: { patterns } } : {});
  return prices.map((price, i) => {
    const fv: FeatureVector = features.update({ symbol: 'TEST', tsMs: i * DAY, price, source: 'test' });
    const b = fib.evaluateMarket(fv);
    return {
      price,
      atr: fv.atr,
      swingCount: b.swingCount,
      binary: b.signals.binary,
      spot: b.signals.spot,
    };
  });
}

function labelled(seen: readonly Seen[], pattern: string): Seen[] {
  return seen.filter((s) => s.binary.kind === 'signal' && s.binary.pattern === pattern);
}

// Bullish Gartley from the ratio table: AB/XA 0.618, BC/AB 0.618, CD/BC 1.44, AD/XA 0.786.
const X = 100;
const A = 200;
const B = 138.2;
const C = B + 0.618 * (A - B); // 176.3924
const D = A - 0.786 * (A - X); // 121.4
// PRZ: D at AD/XA 0.786 ± 5 % = 200 − 78.6·[1.05, 0.95], inside the CD/BC band C − [1.699, 1.2084]·BC.
const PRZ = [A - 0.786 * 1.05 * 100, A - 0.786 * 0.95 * 100] as const;
const GARTLEY = pricePath([150, X, A, B, C, D, 150], 0.5);

describe('harmonic reversal signals (MasterFibonacciGovernor with HarmonicWatch)', () => {
  it('calls and buys at D of a textbook bullish Gartley, with the stop beyond X and targets at 38.2/61.8 % of AD', () => {
    const seen = replay(GARTLEY);
    const atD = seen.find((s) => s.price === D) as Seen;
    expect(atD.swingCount).toBe(5); // the first high, X, A, B, C: D is not a confirmed swing yet
    const { binary, spot } = atD;
    if (binary.kind !== 'signal' || spot.kind !== 'signal') throw new Error('expected both signals at D');
    expect(binary.pattern).toBe('gartley');
    expect(binary.direction).toBe('call');
    expect(binary.harmonic?.direction).toBe('bullish');
    expect(binary.harmonic?.dConfirmed).toBe(false);
    expect(binary.harmonic?.points).toEqual({ X, A, B, C, D });
    expect(binary.level.ratio).toBeCloseTo(0.786, 12);
    expect(binary.zone.low).toBeCloseTo(PRZ[0], 9);
    expect(binary.zone.high).toBeCloseTo(PRZ[1], 9);
    expect(spot.pattern).toBe('gartley');
    expect(spot.side).toBe('buy');
    expect(spot.entryPrice).toBe(D);
    const atr = atD.atr as number;
    expect(atr).toBeCloseTo(0.5, 2); // one 0.5 step per bar
    expect(spot.stopPrice).toBeCloseTo(X - 0.5 * atr, 12); // Gartley: beyond X + 0.5·ATR
    expect(spot.takeProfits).toEqual([
      { ratio: 0.382, price: expect.closeTo(121.4 + 0.382 * 78.6, 9), fraction: 0.5 },
      { ratio: 0.618, price: expect.closeTo(121.4 + 0.618 * 78.6, 9), fraction: 0.5 },
    ]);
    expect(spot.reasons[0]).toMatch(/bullish gartley completed at D 121\.400 \(AD\/XA 0\.786/);
  });

  it('signals the Gartley only while price is inside its PRZ, from the first tick there', () => {
    const seen = replay(GARTLEY);
    const gartley = labelled(seen, 'gartley');
    const fromC = seen.findIndex((s) => s.price === C);
    const firstInPrz = seen.findIndex((s, i) => i > fromC && s.price <= PRZ[1]);
    expect(gartley[0]).toBe(seen[firstInPrz]);
    expect(gartley.every((s) => s.price >= PRZ[0] && s.price <= PRZ[1])).toBe(true);
    // Every tick from the PRZ's top down to D and back up to it: 8 down (124.9 … 121.4), 7 up (121.89 … 124.85).
    const afterD = seen.findIndex((s, i) => i > firstInPrz && s.price > PRZ[1]);
    expect(gartley).toEqual(seen.slice(firstInPrz, afterD));
    expect(gartley.length).toBe(15);
  });

  it('keeps the signal once D is a confirmed swing and price is still inside the PRZ', () => {
    // From D up to 125.2 first: D's swing confirms at the first tick 3 % above it (125.042), still in the PRZ.
    const seen = replay(pricePath([150, X, A, B, C, D, 125.2, 150], 0.5));
    const confirmed = seen.find((s) => s.swingCount === 6) as Seen;
    expect(confirmed.price).toBeGreaterThanOrEqual(D * 1.03);
    expect(confirmed.price).toBeLessThanOrEqual(PRZ[1]);
    const b = confirmed.binary;
    expect(b.kind === 'signal' && b.harmonic).toMatchObject({
      pattern: 'gartley',
      direction: 'bullish',
      dConfirmed: true,
      points: { D },
    });
  });

  it('puts and sells at D of a textbook bearish Bat, with the stop above X', () => {
    // Bearish Bat: AB/XA 0.5, BC/AB 0.618, AD/XA 0.886 (D = 188.6), CD/BC 2.25.
    const bat = pricePath([150, 200, 100, 150, 150 - 0.618 * 50, 100 + 0.886 * 100, 150], 0.5);
    const seen = replay(bat);
    const atD = seen.find((s) => s.price === 188.6) as Seen;
    const { binary, spot } = atD;
    if (binary.kind !== 'signal' || spot.kind !== 'signal') throw new Error('expected both signals at D');
    expect([binary.pattern, binary.harmonic?.direction, binary.direction]).toEqual(['bat', 'bearish', 'put']);
    expect(spot.side).toBe('sell');
    expect(spot.stopPrice).toBeCloseTo(200 + 0.5 * (atD.atr as number), 12);
    expect(spot.takeProfits.map((t) => t.price)).toEqual([
      expect.closeTo(188.6 - 0.382 * 88.6, 9),
      expect.closeTo(188.6 - 0.618 * 88.6, 9),
    ]);
  });

  it('gives no harmonic signal when B misses every ratio of the patterns watched', () => {
    // AB/XA 0.70: neither Gartley (0.618 ± 5 %) nor Bat (0.382–0.5); D at 0.786 of XA all the same.
    const nearMiss = pricePath([150, X, A, 130, 130 + 0.618 * 70, D, 150], 0.5);
    const seen = replay(nearMiss, ['gartley', 'bat']);
    expect(seen.some((s) => s.binary.kind === 'signal' && s.binary.harmonic)).toBe(false);
    expect(seen.some((s) => s.spot.kind === 'signal' && s.spot.harmonic)).toBe(false);
  });

  it('gives no Gartley signal once the leg to D has gone through the PRZ', () => {
    const through = pricePath([150, X, A, B, C, 112, 124], 0.5);
    const seen = replay(through, ['gartley']);
    const fromC = seen.findIndex((s) => s.price === C);
    const below = seen.findIndex((s, i) => i > fromC && s.price < PRZ[0]);
    expect(labelled(seen.slice(0, below), 'gartley').length).toBeGreaterThan(0);
    expect(labelled(seen.slice(below), 'gartley')).toEqual([]);
    // Back inside the PRZ at 124, the binary signal is a retracement entry, not the Gartley.
    const last = seen[seen.length - 1] as Seen;
    expect(last.price).toBe(124);
    expect(last.binary.kind === 'signal' ? last.binary.pattern : 'none').not.toBe('gartley');
  });
});
