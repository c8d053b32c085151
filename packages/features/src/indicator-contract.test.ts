import { Rng } from '@omni/core';
import { describe, expect, it } from 'vitest';
import { Atr } from './atr.js';
import { Ema } from './ema.js';
import type { HighLowClose } from './indicator.js';
import { MomentumGradient } from './momentum-gradient.js';
import { RollingStd } from './rolling-std.js';
import { Sma } from './sma.js';
import { type SwingBar, SwingDetector } from './swing-detector.js';
import { VolatilityProfile } from './volatility-profile.js';

/** What the contract needs to drive one indicator generically. */
interface Subject<I> {
  readonly name: string;
  /** Inputs before the first value. */
  readonly warmUp: number;
  make(): { update(input: I): unknown; readonly isStable: boolean };
  input(i: number, rng: Rng): I;
  /** Inputs with one non-finite field each. */
  readonly badInputs: readonly I[];
  /** Constructors that must throw FEATURE_BAD_OPTION. */
  readonly badOptions: readonly (() => unknown)[];
}

const bar = (i: number, rng: Rng): HighLowClose & SwingBar => {
  const close = 1.1 + 0.05 * Math.sin(i / 7) + 0.002 * rng.normal();
  const range = 0.001 + 0.004 * rng.float();
  return { high: close + range * rng.float(), low: close - range * rng.float(), close, tsMs: 1_000 * i };
};
const price = (i: number, rng: Rng): number => 1.1 + 0.05 * Math.sin(i / 7) + 0.002 * rng.normal();
const numberBad = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY] as const;
const barBad = [
  { high: Number.NaN, low: 1, close: 1, tsMs: 1e9 },
  { high: 1, low: Number.NEGATIVE_INFINITY, close: 1, tsMs: 1e9 },
  { high: 1, low: 1, close: Number.POSITIVE_INFINITY, tsMs: 1e9 },
];

const scalar = (
  name: string,
  warmUp: number,
  make: () => { update(x: number): unknown; readonly isStable: boolean },
  badOptions: readonly (() => unknown)[],
): Subject<number> => ({ name, warmUp, make, input: price, badInputs: numberBad, badOptions });

const subjects: readonly Subject<number>[] = [
  scalar('Sma', 4, () => new Sma(5), [() => new Sma(0), () => new Sma(2.5), () => new Sma(Number.NaN)]),
  scalar('Ema', 4, () => new Ema(5), [() => new Ema(0), () => new Ema(-3)]),
  scalar('RollingStd', 4, () => new RollingStd(5), [
    () => new RollingStd(1),
    () => new RollingStd(5, 'bessel' as 'sample'),
  ]),
  scalar('MomentumGradient', 4, () => new MomentumGradient(5), [
    () => new MomentumGradient(1),
    () => new MomentumGradient(Number.POSITIVE_INFINITY),
  ]),
  scalar('VolatilityProfile', 4, () => new VolatilityProfile(50, 5), [
    () => new VolatilityProfile(1),
    () => new VolatilityProfile(10, 11),
    () => new VolatilityProfile(10, 1),
  ]),
];
const barSubjects: readonly Subject<HighLowClose & SwingBar>[] = [
  {
    name: 'Atr',
    warmUp: 4,
    make: () => new Atr(5),
    input: bar,
    badInputs: barBad,
    badOptions: [() => new Atr(0), () => new Atr(1.5)],
  },
];

function contract<I>(subject: Subject<I>): void {
  describe(`${subject.name} (indicator contract)`, () => {
    it('returns undefined while warming up, then a finite value on every update', () => {
      const ind = subject.make();
      const rng = new Rng(`contract/${subject.name}`);
      for (let i = 0; i < 200; i++) {
        const out = ind.update(subject.input(i, rng));
        if (i < subject.warmUp) expect(out).toBeUndefined();
        else expect(Number.isFinite(out)).toBe(true);
      }
    });

    it('flips isStable exactly once, on the first value', () => {
      const ind = subject.make();
      const rng = new Rng(`contract/${subject.name}`);
      let flips = 0;
      let previous = ind.isStable;
      for (let i = 0; i < 200; i++) {
        const out = ind.update(subject.input(i, rng));
        if (ind.isStable !== previous) flips++;
        previous = ind.isStable;
        expect(ind.isStable).toBe(out !== undefined);
      }
      expect(flips).toBe(1);
    });

    it('throws FEATURE_BAD_INPUT on non-finite input and leaves its state unchanged', () => {
      for (const bad of subject.badInputs) {
        const clean = subject.make();
        const hit = subject.make();
        const rngA = new Rng(`contract/${subject.name}`);
        const rngB = new Rng(`contract/${subject.name}`);
        for (let i = 0; i < 60; i++) {
          if (i === 3 || i === 30) {
            expect(() => hit.update(bad)).toThrow(expect.objectContaining({ code: 'FEATURE_BAD_INPUT' }));
          }
          expect(hit.update(subject.input(i, rngB))).toEqual(clean.update(subject.input(i, rngA)));
        }
      }
    });

    it('throws FEATURE_BAD_OPTION on bad options', () => {
      for (const make of subject.badOptions) {
        expect(make).toThrow(expect.objectContaining({ code: 'FEATURE_BAD_OPTION' }));
      }
    });
  });
}

for (const s of subjects) contract(s);
for (const s of barSubjects) contract(s);

describe('SwingDetector (indicator contract)', () => {
  const make = () => new SwingDetector({ mode: 'atr', multiple: 1.5, atrPeriod: 5 });

  it('emits nothing and is not stable while its ATR warms up, then flips isStable exactly once', () => {
    const detector = make();
    const rng = new Rng('contract/SwingDetector');
    let flips = 0;
    let previous = detector.isStable;
    let swings = 0;
    for (let i = 0; i < 300; i++) {
      const swing = detector.update(bar(i, rng));
      if (i < 4) expect(swing).toBeUndefined();
      if (swing) swings++;
      if (detector.isStable !== previous) flips++;
      previous = detector.isStable;
    }
    expect(flips).toBe(1);
    expect(swings).toBeGreaterThan(4);
  });

  it('throws FEATURE_BAD_INPUT on non-finite input and leaves its state unchanged', () => {
    for (const bad of [...barBad, { high: 1, low: 1, close: 1, tsMs: Number.NaN }]) {
      const clean = make();
      const hit = make();
      const rngA = new Rng('contract/SwingDetector');
      const rngB = new Rng('contract/SwingDetector');
      for (let i = 0; i < 300; i++) {
        if (i === 3 || i === 100) {
          expect(() => hit.update(bad)).toThrow(expect.objectContaining({ code: 'FEATURE_BAD_INPUT' }));
        }
        expect(hit.update(bar(i, rngB))).toEqual(clean.update(bar(i, rngA)));
      }
    }
  });
});
