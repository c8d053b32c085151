import { Atr, Ema, type HighLowClose, RollingStd, Sma } from '@omni/features';
import { ATR as TiAtr, EMA as TiEma, SD as TiSd, SMA as TiSma } from 'technicalindicators';
import { ATR as TsAtr, BollingerBands as TsBands, EMA as TsEma, SMA as TsSma } from 'trading-signals';

/** The libraries of section (d): ours and the two npm references. */
export type IndicatorLibrary = 'omni' | 'trading-signals' | 'technicalindicators';

/** The inputs every indicator case reads: the walk's prices, and one bar per price for ATR. */
export interface IndicatorInputs {
  readonly prices: Float64Array;
  /** Bar i: high/low = max/min of prices i−1 and i, close = price i (bar 0: all three the first price). */
  readonly bars: readonly HighLowClose[];
}

/**
 * One indicator in one library over the same inputs. `run(n, out)` feeds the first `n` inputs in a
 * loop written out for this case (no shared call site the JIT would see as polymorphic) and returns a
 * checksum; with `out` it also stores each output (NaN while warming up) for the agreement check.
 */
export interface IndicatorCase {
  readonly indicator: 'SMA(20)' | 'EMA(20)' | 'ATR(14)' | 'rolling std(20)';
  readonly library: IndicatorLibrary;
  /** How the library's class is used, where it is not the obvious one. */
  readonly note: string;
  /** Outputs before this input index are left out of the agreement check (a different warm-up seed). */
  readonly compareFrom: number;
  run(inputs: IndicatorInputs, n: number, out: Float64Array | null): number;
}

const identity = (v: number) => v;
/** Long enough for a seed difference to decay below 1e-15: (1 − 2/21)^1000 and (1 − 1/14)^1000 are < 1e-30. */
const RESEEDED = 1_000;

/** Builds the bars of {@link IndicatorInputs} from prices (outside any timed loop). */
export function barsOf(prices: Float64Array): HighLowClose[] {
  const bars: HighLowClose[] = new Array(prices.length);
  let previous = prices[0] ?? 0;
  for (let i = 0; i < prices.length; i++) {
    const p = prices[i] as number;
    bars[i] = { high: Math.max(previous, p), low: Math.min(previous, p), close: p };
    previous = p;
  }
  return bars;
}

/** Every case of section (d): SMA(20), EMA(20), ATR(14) and population std(20), each in the three libraries. */
export const INDICATOR_CASES: readonly IndicatorCase[] = [
  {
    indicator: 'SMA(20)',
    library: 'omni',
    note: 'Sma(20).update',
    compareFrom: 0,
    run({ prices }, n, out) {
      const x = new Sma(20);
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const v = x.update(prices[i] as number);
        if (v !== undefined) sink += v;
        if (out) out[i] = v ?? Number.NaN;
      }
      return sink;
    },
  },
  {
    indicator: 'SMA(20)',
    library: 'trading-signals',
    note: 'SMA(20).add',
    compareFrom: 0,
    run({ prices }, n, out) {
      const x = new TsSma(20);
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const v = x.add(prices[i] as number);
        if (v !== null) sink += v;
        if (out) out[i] = v ?? Number.NaN;
      }
      return sink;
    },
  },
  {
    indicator: 'SMA(20)',
    library: 'technicalindicators',
    note: 'SMA({ period: 20 }).nextValue',
    compareFrom: 0,
    run({ prices }, n, out) {
      const x = new TiSma({ period: 20, values: [], format: identity });
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const v = x.nextValue(prices[i] as number);
        if (v !== undefined) sink += v;
        if (out) out[i] = v ?? Number.NaN;
      }
      return sink;
    },
  },
  {
    indicator: 'EMA(20)',
    library: 'omni',
    note: 'Ema(20).update (seeded with the SMA of the first 20 inputs)',
    compareFrom: 0,
    run({ prices }, n, out) {
      const x = new Ema(20);
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const v = x.update(prices[i] as number);
        if (v !== undefined) sink += v;
        if (out) out[i] = v ?? Number.NaN;
      }
      return sink;
    },
  },
  {
    indicator: 'EMA(20)',
    library: 'trading-signals',
    note: `EMA(20).add; it seeds with the first input, so outputs are compared from input ${RESEEDED.toLocaleString('en-US')} on`,
    compareFrom: RESEEDED,
    run({ prices }, n, out) {
      const x = new TsEma(20);
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const v = x.add(prices[i] as number);
        if (v !== null) sink += v;
        if (out) out[i] = v !== null && x.isStable ? v : Number.NaN;
      }
      return sink;
    },
  },
  {
    indicator: 'EMA(20)',
    library: 'technicalindicators',
    note: 'EMA({ period: 20 }).nextValue',
    compareFrom: 0,
    run({ prices }, n, out) {
      const x = new TiEma({ period: 20, values: [], format: identity });
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const v = x.nextValue(prices[i] as number);
        if (v !== undefined) sink += v;
        if (out) out[i] = v ?? Number.NaN;
      }
      return sink;
    },
  },
  {
    indicator: 'ATR(14)',
    library: 'omni',
    note: 'Atr(14).update (Wilder)',
    compareFrom: 0,
    run({ bars }, n, out) {
      const x = new Atr(14);
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const v = x.update(bars[i] as HighLowClose);
        if (v !== undefined) sink += v;
        if (out) out[i] = v ?? Number.NaN;
      }
      return sink;
    },
  },
  {
    indicator: 'ATR(14)',
    library: 'trading-signals',
    note: 'ATR(14).add (Wilder)',
    compareFrom: 0,
    run({ bars }, n, out) {
      const x = new TsAtr(14);
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const v = x.add(bars[i] as HighLowClose);
        if (v !== null) sink += v;
        if (out) out[i] = v ?? Number.NaN;
      }
      return sink;
    },
  },
  {
    indicator: 'ATR(14)',
    library: 'technicalindicators',
    note: `ATR({ period: 14 }).nextValue; it has no true range for the first bar, so outputs are compared from input ${RESEEDED.toLocaleString('en-US')} on`,
    compareFrom: RESEEDED,
    run({ bars }, n, out) {
      const x = new TiAtr({ period: 14, high: [], low: [], close: [], format: identity });
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const v = x.nextValue(bars[i] as HighLowClose) as number | undefined;
        if (v !== undefined) sink += v;
        if (out) out[i] = v ?? Number.NaN;
      }
      return sink;
    },
  },
  {
    indicator: 'rolling std(20)',
    library: 'omni',
    note: "RollingStd(20, 'population').update",
    compareFrom: 0,
    run({ prices }, n, out) {
      const x = new RollingStd(20, 'population');
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const v = x.update(prices[i] as number);
        if (v !== undefined) sink += v;
        if (out) out[i] = v ?? Number.NaN;
      }
      return sink;
    },
  },
  {
    indicator: 'rolling std(20)',
    library: 'trading-signals',
    note: 'no streaming std class: BollingerBands(20, 1).add, σ = upper − middle',
    compareFrom: 0,
    run({ prices }, n, out) {
      const x = new TsBands(20, 1);
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const b = x.add(prices[i] as number);
        const v = b === null ? Number.NaN : b.upper - b.middle;
        if (b !== null) sink += v;
        if (out) out[i] = v;
      }
      return sink;
    },
  },
  {
    indicator: 'rolling std(20)',
    library: 'technicalindicators',
    note: 'SD({ period: 20 }).nextValue (population)',
    compareFrom: 0,
    run({ prices }, n, out) {
      const x = new TiSd({ period: 20, values: [], format: identity });
      let sink = 0;
      for (let i = 0; i < n; i++) {
        const v = x.nextValue(prices[i] as number);
        if (v !== undefined) sink += v;
        if (out) out[i] = v ?? Number.NaN;
      }
      return sink;
    },
  },
];

/** How far one library's outputs are from ours, over the inputs where both have a value. */
export interface Agreement {
  readonly maxAbsDiff: number;
  readonly compared: number;
}

/**
 * max |ours − theirs| over the inputs from `from` on where both are defined (not NaN); an input where
 * only one side has a value counts as a disagreement of +∞ (a shifted warm-up would otherwise hide).
 */
export function agreement(ours: Float64Array, theirs: Float64Array, from: number): Agreement {
  let maxAbsDiff = 0;
  let compared = 0;
  for (let i = from; i < ours.length; i++) {
    const a = ours[i] as number;
    const b = theirs[i] as number;
    const aMissing = Number.isNaN(a);
    if (aMissing && Number.isNaN(b)) continue;
    if (aMissing !== Number.isNaN(b)) return { maxAbsDiff: Number.POSITIVE_INFINITY, compared };
    const d = Math.abs(a - b);
    if (d > maxAbsDiff) maxAbsDiff = d;
    compared++;
  }
  return { maxAbsDiff, compared };
}
