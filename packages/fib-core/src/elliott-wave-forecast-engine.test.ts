import type { Swing } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { checkCorrection, checkImpulse, guidelineCloseness } from './elliott-rules.js';
import { ElliottWaveForecastEngine, readWaveState } from './elliott-wave-forecast-engine.js';

/** Alternating swings at the given prices, one day apart, starting with a low when the first leg rises. */
function swingsOf(prices: readonly number[]): Swing[] {
  const firstKind = (prices[1] as number) > (prices[0] as number) ? 'low' : 'high';
  return prices.map((price, i) => ({
    kind: (i % 2 === 0) === (firstKind === 'low') ? 'low' : 'high',
    price,
    tsMs: i * 86_400_000,
    index: i,
    confirmedTsMs: i * 86_400_000 + 3_600_000,
  }));
}

// A textbook up impulse: w1 = 10, w2 = 0.618·w1, w3 = 1.618·w1, w4 = 0.382·w3, w5 = w1.
const CLEAN = [100, 110, 103.82, 120, 113.81924, 123.81924];

describe('checkImpulse hard rules', () => {
  it('accepts the textbook impulse with guideline score 1', () => {
    const r = checkImpulse(CLEAN);
    expect(r.valid).toBe(true);
    if (r.valid) {
      expect(r.structure).toBe('impulse');
      expect(r.direction).toBe('up');
      expect(r.score).toBeCloseTo(1, 10);
    }
  });

  it('rejects a count whose wave 2 retraces beyond the start of wave 1 (only that rule broken)', () => {
    expect(checkImpulse([100, 110, 99, 130, 115, 135])).toEqual({
      valid: false,
      violations: ['wave-2-beyond-wave-1-start'],
    });
  });

  it('rejects a count whose wave 3 is the shortest of 1, 3 and 5 (only that rule broken)', () => {
    // w1 = 20, w3 = 15, w5 = 19; wave 4 (121) stays above wave 1's end (120).
    expect(checkImpulse([100, 120, 110, 125, 121, 140])).toEqual({
      valid: false,
      violations: ['wave-3-shortest'],
    });
  });

  it('rejects a count whose wave 4 enters wave 1 territory without diagonal shape (only that rule broken)', () => {
    // w1 = 10, w3 = 26, w5 = 12: neither contracting nor expanding.
    expect(checkImpulse([100, 110, 104, 130, 108, 120])).toEqual({
      valid: false,
      violations: ['wave-4-overlaps-wave-1'],
    });
  });

  it('labels an overlapping, contracting wedge as a diagonal instead of rejecting it', () => {
    // w1 = 20 > w3 = 15 > w5 = 8; w2 = 10 > w4 = 7; wave 4 (118) below wave 1's end (120).
    const r = checkImpulse([100, 120, 110, 125, 118, 126]);
    expect(r.valid && r.structure).toBe('diagonal');
  });

  it('rejects a count whose wave 3 does not pass the end of wave 1', () => {
    expect(checkImpulse([100, 110, 104, 109])).toEqual({
      valid: false,
      violations: ['wave-3-not-beyond-wave-1'],
    });
  });

  it('treats a falling impulse as the mirror image of a rising one', () => {
    const r = checkImpulse(CLEAN.map((p) => 300 - p));
    expect(r.valid && r.direction).toBe('down');
    expect(r.valid && r.score).toBeCloseTo(1, 10);
  });
});

describe('checkCorrection', () => {
  it('accepts a zigzag: B retraces 0.618 of A, C = A', () => {
    const r = checkCorrection([200, 180, 192.36, 172.36]);
    expect(r.valid && r.structure).toBe('zigzag');
    expect(r.valid && r.score).toBeCloseTo(1, 10);
  });

  it('accepts a regular flat: B retraces all of A, C = A', () => {
    const r = checkCorrection([200, 180, 199.5, 179.5]);
    expect(r.valid && r.structure).toBe('flat');
  });

  it('rejects a correction whose B goes beyond A start and whose C stops short', () => {
    expect(checkCorrection([200, 180, 230, 220])).toEqual({
      valid: false,
      violations: ['zigzag-b-beyond-a-start', 'zigzag-c-not-beyond-a', 'flat-b-too-deep', 'flat-c-too-short'],
    });
  });
});

describe('guidelineCloseness', () => {
  it('is 1 inside the band and 0 at 25 % of the upper bound away', () => {
    expect(guidelineCloseness(0.55, 0.5, 0.618)).toBe(1);
    expect(guidelineCloseness(0.618 + 0.25 * 0.618, 0.5, 0.618)).toBeCloseTo(0, 12);
  });
});

describe('readWaveState', () => {
  it('labels a clean impulse 0-1-2-3-4-5 and expects wave A with invalidation at the wave 5 high', () => {
    const s = readWaveState(swingsOf(CLEAN));
    expect(s.kind).toBe('count');
    if (s.kind !== 'count') return;
    expect(s.count.labels).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(s.count.complete).toBe(true);
    expect(s.position).toBe('wave-a');
    expect(s.nextDirection).toBe('down');
    expect(s.invalidation).toBe(123.81924);
    // 0.382 retracement of 100 → 123.81924.
    expect(s.targets[0]?.price).toBeCloseTo(123.81924 - 0.382 * 23.81924, 10);
  });

  it('places price in wave 3 after waves 1-2 with invalidation at the wave 1 start and 1.618 target', () => {
    const s = readWaveState(swingsOf(CLEAN.slice(0, 3)));
    if (s.kind !== 'count') throw new Error('expected a count');
    expect(s.position).toBe('wave-3');
    expect(s.invalidation).toBe(100);
    expect(s.targets.find((t) => t.ratio === 1.618)?.price).toBeCloseTo(103.82 + 16.18, 10);
  });

  it('places price in wave 4 after waves 1-3 with invalidation at the end of wave 1', () => {
    const s = readWaveState(swingsOf(CLEAN.slice(0, 4)));
    if (s.kind !== 'count') throw new Error('expected a count');
    expect(s.position).toBe('wave-4');
    expect(s.invalidation).toBe(110);
    expect(s.targets.find((t) => t.ratio === 0.382)?.price).toBeCloseTo(120 - 0.382 * 16.18, 10);
    // The same four swings also read as an A-B-C zigzag; it is kept as an alternative.
    expect(s.alternatives.map((c) => c.structure)).toEqual(['zigzag']);
  });

  it('places price in wave 5 after waves 1-4 with wave 5 = wave 1 as a target', () => {
    const s = readWaveState(swingsOf(CLEAN.slice(0, 5)));
    if (s.kind !== 'count') throw new Error('expected a count');
    expect(s.position).toBe('wave-5');
    expect(s.targets.find((t) => t.label === 'wave 5 = wave 1')?.price).toBeCloseTo(123.81924, 10);
  });

  it('reports no count when the last swings break the hard rules', () => {
    const s = readWaveState(swingsOf([100, 110, 95]));
    expect(s.kind).toBe('none');
  });

  it('throws on non-alternating swings', () => {
    const sw = swingsOf([100, 110, 103]);
    expect(() => readWaveState([sw[0] as Swing, sw[0] as Swing])).toThrow(/alternating/);
  });
});

describe('ElliottWaveForecastEngine', () => {
  it('gives the same reading streamed swing by swing as readWaveState on the last six', () => {
    const engine = new ElliottWaveForecastEngine();
    const swings = swingsOf([90, 100, ...CLEAN.slice(1)]);
    for (const s of swings) engine.onSwing(s);
    expect(engine.swings.length).toBe(6);
    expect(engine.state).toEqual(readWaveState(swings.slice(-6)));
  });
});
