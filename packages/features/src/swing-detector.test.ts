import type { Swing } from '@omni/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SwingBar, SwingDetector, type SwingDetectorOptions } from './swing-detector.js';

const flat = (price: number, tsMs: number): SwingBar => ({ high: price, low: price, close: price, tsMs });
const ohlc = (high: number, low: number, close: number, tsMs: number): SwingBar => ({
  high,
  low,
  close,
  tsMs,
});

function run(options: SwingDetectorOptions, bars: readonly SwingBar[]): (Swing | undefined)[] {
  const detector = new SwingDetector(options);
  return bars.map((b) => detector.update(b));
}

/** A random walk of positive bars with increasing timestamps. */
const walkArb = fc
  .array(
    fc.tuple(
      fc.double({ min: -0.03, max: 0.03, noNaN: true }),
      fc.double({ min: 0, max: 0.02, noNaN: true }),
    ),
    {
      minLength: 1,
      maxLength: 150,
    },
  )
  .map((steps) => {
    let close = 100;
    return steps.map(([r, spread], i) => {
      const open = close;
      close = open * Math.exp(r);
      const high = Math.max(open, close) * (1 + spread);
      const low = Math.min(open, close) * (1 - spread);
      return ohlc(high, low, close, 1_000 * (i + 1));
    });
  });

const optionsArb: fc.Arbitrary<SwingDetectorOptions> = fc.oneof(
  fc.record({ mode: fc.constant('percent' as const), percent: fc.double({ min: 0.5, max: 8, noNaN: true }) }),
  fc.record({
    mode: fc.constant('atr' as const),
    multiple: fc.double({ min: 0.5, max: 4, noNaN: true }),
    atrPeriod: fc.integer({ min: 1, max: 10 }),
  }),
);

describe('SwingDetector', () => {
  it('confirms percent swings only after a 10% reversal, alternating low and high (hand-worked)', () => {
    const closes = [100, 105, 111, 104, 98, 97, 100, 107, 110];
    const out = run(
      { mode: 'percent', percent: 10 },
      closes.map((c, i) => flat(c, i * 10)),
    );
    expect(out).toEqual([
      undefined,
      undefined,
      { kind: 'low', price: 100, tsMs: 0, index: 0, confirmedTsMs: 20 }, // 111 >= 100 × 1.1
      undefined, // 104 > 111 − 11.1
      { kind: 'high', price: 111, tsMs: 20, index: 2, confirmedTsMs: 40 }, // 98 <= 99.9
      undefined, // 97 extends the low
      undefined, // 100 < 97 × 1.1 = 106.7
      { kind: 'low', price: 97, tsMs: 50, index: 5, confirmedTsMs: 70 },
      undefined, // 110 extends the high
    ]);
  });

  it('confirms ATR swings with the ATR of the confirming bar and waits for ATR to warm up (hand-worked)', () => {
    const out = run({ mode: 'atr', multiple: 1, atrPeriod: 2 }, [
      ohlc(10, 9, 9.5, 1), // TR 1, ATR warming up: no swing yet
      ohlc(10.5, 9.5, 10, 2), // TR 1, ATR 1: high 10.5 >= low 9 + 1 confirms the low
      ohlc(12, 11, 11.8, 3), // TR 2, ATR 1.5: extends the high
      ohlc(11.9, 11, 11.2, 4), // TR 0.9, ATR 1.2: 11 > 12 − 1.2
      ohlc(11.3, 10.5, 10.6, 5), // TR 0.8, ATR 1.0: 10.5 <= 12 − 1 confirms the high
    ]);
    expect(out).toEqual([
      undefined,
      { kind: 'low', price: 9, tsMs: 1, index: 0, confirmedTsMs: 2 },
      undefined,
      undefined,
      { kind: 'high', price: 12, tsMs: 3, index: 2, confirmedTsMs: 5 },
    ]);
  });

  it('does not treat a bar that makes a new extreme as its own reversal', () => {
    const out = run({ mode: 'percent', percent: 5 }, [flat(100, 0), flat(110, 1), ohlc(120, 90, 95, 2)]);
    expect(out[1]).toMatchObject({ kind: 'low', price: 100 });
    expect(out[2]).toBeUndefined(); // 120 extends the high; its low of 90 is not a reversal of 120
  });

  it('emits alternating swings whose extreme precedes the confirming bar', () => {
    fc.assert(
      fc.property(walkArb, optionsArb, (bars, options) => {
        const detector = new SwingDetector(options);
        let previous: Swing | undefined;
        bars.forEach((b, i) => {
          const swing = detector.update(b);
          if (!swing) return;
          expect(swing.index).toBeLessThan(i);
          expect(swing.confirmedTsMs).toBe(b.tsMs);
          expect(swing.tsMs).toBe(bars[swing.index]?.tsMs);
          expect(swing.price).toBe(swing.kind === 'high' ? bars[swing.index]?.high : bars[swing.index]?.low);
          if (previous) {
            expect(swing.kind).not.toBe(previous.kind);
            expect(swing.index).toBeGreaterThan(previous.index);
          }
          previous = swing;
        });
      }),
      { numRuns: 300 },
    );
  });

  it('never revises a confirmed swing when more bars arrive (no repaint, no look-ahead)', () => {
    fc.assert(
      fc.property(walkArb, walkArb, optionsArb, (prefix, suffix, options) => {
        const shifted = suffix.map((b) => ({ ...b, tsMs: b.tsMs + 1_000_000 }));
        const short = run(options, prefix);
        const long = run(options, [...prefix, ...shifted]);
        expect(long.slice(0, prefix.length)).toEqual(short);
      }),
      { numRuns: 200 },
    );
  });

  it('confirms in percent mode a high that is the highest high since the previous swing low', () => {
    fc.assert(
      fc.property(walkArb, fc.double({ min: 0.5, max: 8, noNaN: true }), (bars, percent) => {
        const swings = run({ mode: 'percent', percent }, bars);
        let previous: Swing | undefined;
        swings.forEach((swing, i) => {
          if (!swing) return;
          if (previous) {
            const between = bars.slice(previous.index + 1, i + 1);
            if (swing.kind === 'high') expect(swing.price).toBe(Math.max(...between.map((b) => b.high)));
            else expect(swing.price).toBe(Math.min(...between.map((b) => b.low)));
          }
          previous = swing;
        });
      }),
      { numRuns: 300 },
    );
  });

  it('rejects bad options with FEATURE_BAD_OPTION', () => {
    const bad = (o: unknown) => () => new SwingDetector(o as SwingDetectorOptions);
    const code = expect.objectContaining({ code: 'FEATURE_BAD_OPTION' });
    expect(bad({ mode: 'percent', percent: 0 })).toThrow(code);
    expect(bad({ mode: 'percent', percent: Number.NaN })).toThrow(code);
    expect(bad({ mode: 'atr', multiple: -1, atrPeriod: 14 })).toThrow(code);
    expect(bad({ mode: 'atr', multiple: 2, atrPeriod: 1.5 })).toThrow(code);
    expect(bad({ mode: 'fib' })).toThrow(code);
  });

  it('rejects a bar older than the previous one and keeps its state', () => {
    const detector = new SwingDetector({ mode: 'percent', percent: 10 });
    detector.update(flat(100, 10));
    expect(() => detector.update(flat(120, 5))).toThrow(
      expect.objectContaining({ code: 'FEATURE_BAD_INPUT' }),
    );
    expect(detector.update(flat(111, 11))).toMatchObject({ kind: 'low', price: 100, confirmedTsMs: 11 });
  });
});
