import { type Bar, FeatureError, type FeatureVector, type Swing, type Tick } from '@omni/core';
import { Atr } from './atr.js';
import { BarAggregator, type BarSpec } from './bar-aggregator.js';
import { Ema } from './ema.js';
import { MomentumGradient } from './momentum-gradient.js';
import { RollingStd } from './rolling-std.js';
import { Sma } from './sma.js';
import { type SwingBar, SwingDetector, type SwingDetectorOptions } from './swing-detector.js';
import { VolatilityProfile } from './volatility-profile.js';

/** Options of {@link FeatureExtractorEngine}; every field has a default. */
export interface FeatureExtractorOptions {
  /** How ticks become bars for the bar-based features. Default 1-minute time bars; use `{ kind: 'ticks', count: 1 }` for daily data. */
  readonly bars?: BarSpec;
  /** SMA period in bars. Default 20. */
  readonly smaPeriod?: number;
  /** EMA period in bars (SMA-seeded). Default 20. */
  readonly emaPeriod?: number;
  /** Window of the sample std of bar log returns, in bars. Default 20. */
  readonly stdPeriod?: number;
  /** Wilder ATR period in bars. Default 14. */
  readonly atrPeriod?: number;
  /** Least-squares slope window in bars. Default 20. */
  readonly gradientPeriod?: number;
  /** Long window (in bars) over which the rolling std is ranked. Default 500. */
  readonly volatilityWindow?: number;
  /** Bars of rolling std needed before the percentile is reported. Default min(50, volatilityWindow). */
  readonly volatilityMinSamples?: number;
  /** Swing detection on bars. Default `{ mode: 'atr', multiple: 3, atrPeriod: 14 }`. */
  readonly swing?: SwingDetectorOptions;
  /** How many confirmed swings `FeatureVector.swings` keeps. Default 16. */
  readonly maxSwings?: number;
  /** Number of tick prices kept for `priceWindow` and `trendStrength`. Default 64. */
  readonly priceWindow?: number;
  /** ε in trendStrength = |last − first| / (std + ε). Default 1e-12. */
  readonly trendEpsilon?: number;
}

/** The options with every default filled in. */
export type ResolvedFeatureExtractorOptions = Required<FeatureExtractorOptions>;

/** A FeatureVector the engine owns and overwrites in place. */
type MutableFeatureVector = { -readonly [K in keyof FeatureVector]: FeatureVector[K] } & { swings: Swing[] };

/** Every piece of per-symbol state; created on the symbol's first tick. */
class SymbolState {
  readonly bars: BarAggregator;
  readonly sma: Sma;
  readonly ema: Ema;
  readonly std: RollingStd;
  readonly atr: Atr;
  readonly gradient: MomentumGradient;
  readonly profile: VolatilityProfile;
  readonly swings: SwingDetector;
  readonly priceStd: RollingStd;
  readonly prices: Float64Array;
  /** Reused input of the swing detector (no object per bar). */
  readonly swingBar: { -readonly [K in keyof SwingBar]: SwingBar[K] } = {
    high: 0,
    low: 0,
    close: 0,
    tsMs: 0,
  };
  readonly vector: MutableFeatureVector;
  priceNext = 0;
  lastTsMs = Number.NEGATIVE_INFINITY;
  lastPrice = 0;
  lastBarClose = 0;

  constructor(symbol: string, o: ResolvedFeatureExtractorOptions) {
    this.bars = new BarAggregator(o.bars);
    this.sma = new Sma(o.smaPeriod);
    this.ema = new Ema(o.emaPeriod);
    this.std = new RollingStd(o.stdPeriod, 'sample');
    this.atr = new Atr(o.atrPeriod);
    this.gradient = new MomentumGradient(o.gradientPeriod);
    this.profile = new VolatilityProfile(o.volatilityWindow, o.volatilityMinSamples);
    this.swings = new SwingDetector(o.swing);
    this.priceStd = new RollingStd(o.priceWindow, 'population');
    this.prices = new Float64Array(o.priceWindow);
    this.vector = {
      symbol,
      tsMs: 0,
      price: 0,
      spread: null,
      tickCount: 0,
      barCount: 0,
      barClosed: false,
      logReturn: null,
      sma: null,
      ema: null,
      rollingStd: null,
      atr: null,
      momentumGradient: null,
      volatilityPercentile: null,
      trendStrength: null,
      swings: [],
      newSwing: null,
    };
  }
}

function positiveInt(field: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new FeatureError(
      'FEATURE_BAD_OPTION',
      `FeatureExtractorEngine ${field} must be a whole number >= ${min}`,
      {
        component: 'FeatureExtractorEngine',
        field,
        value,
      },
    );
  }
  return value;
}

/** Fills defaults and validates; throws `FEATURE_BAD_OPTION` naming the first bad field. */
export function resolveFeatureExtractorOptions(
  options: FeatureExtractorOptions = {},
): ResolvedFeatureExtractorOptions {
  const volatilityWindow = positiveInt('volatilityWindow', options.volatilityWindow ?? 500, 2);
  const epsilon = options.trendEpsilon ?? 1e-12;
  if (!Number.isFinite(epsilon) || epsilon < 0) {
    throw new FeatureError(
      'FEATURE_BAD_OPTION',
      'FeatureExtractorEngine trendEpsilon must be finite and >= 0',
      {
        component: 'FeatureExtractorEngine',
        field: 'trendEpsilon',
        value: epsilon,
      },
    );
  }
  const resolved: ResolvedFeatureExtractorOptions = {
    bars: options.bars ?? { kind: 'time', intervalMs: 60_000 },
    smaPeriod: positiveInt('smaPeriod', options.smaPeriod ?? 20),
    emaPeriod: positiveInt('emaPeriod', options.emaPeriod ?? 20),
    stdPeriod: positiveInt('stdPeriod', options.stdPeriod ?? 20, 2),
    atrPeriod: positiveInt('atrPeriod', options.atrPeriod ?? 14),
    gradientPeriod: positiveInt('gradientPeriod', options.gradientPeriod ?? 20, 2),
    volatilityWindow,
    volatilityMinSamples: positiveInt(
      'volatilityMinSamples',
      options.volatilityMinSamples ?? Math.min(50, volatilityWindow),
      2,
    ),
    swing: options.swing ?? { mode: 'atr', multiple: 3, atrPeriod: 14 },
    maxSwings: positiveInt('maxSwings', options.maxSwings ?? 16),
    priceWindow: positiveInt('priceWindow', options.priceWindow ?? 64, 2),
    trendEpsilon: epsilon,
  };
  try {
    // Build one symbol's state now, so a bad bar spec or swing option fails here, not on the first tick.
    new SymbolState('check', resolved);
  } catch (err) {
    if (err instanceof FeatureError) throw err;
    throw new FeatureError(
      'FEATURE_BAD_OPTION',
      'FeatureExtractorEngine bars is not a valid bar spec',
      { component: 'FeatureExtractorEngine', field: 'bars', value: resolved.bars },
      { cause: err },
    );
  }
  return resolved;
}

/**
 * Turns ticks into a {@link FeatureVector} per symbol (the specification's FeatureExtractorEngine, Tier 2):
 * tick features (price, spread, log return, tick price window, trend strength) on every tick, and
 * bar features (SMA, EMA, std of log returns, Wilder ATR, momentum gradient, volatility percentile,
 * swings) whenever a bar completes, using {@link BarAggregator}.
 *
 * Per tick: O(1) amortised and no objects created — except the `Bar` that `BarAggregator` returns for a
 * completed bar and one `Swing` per confirmed swing (V8 still boxes the few doubles written to the vector's
 * `number | null` fields; see the README's performance notes). The returned vector is ONE object per symbol, overwritten by the next
 * tick of that symbol: copy it (`{ ...fv, swings: [...fv.swings] }`) to keep a snapshot. Only data with
 * timestamp <= tick.tsMs is used (no look-ahead). trendStrength = |last − first| / (σ + ε) over the
 * tick price window, σ the population std (the specification's `std(price_window)`).
 *
 * @example
 * const engine = new FeatureExtractorEngine({ bars: { kind: 'time', intervalMs: 60_000 } });
 * for await (const tick of feed) {
 *   const fv = engine.update(tick);
 *   if (fv.barClosed && fv.atr !== null) console.log(fv.symbol, fv.atr, fv.volatilityPercentile);
 * }
 */
export class FeatureExtractorEngine {
  readonly options: ResolvedFeatureExtractorOptions;
  readonly #states = new Map<string, SymbolState>();
  #lastSymbol = '';
  #lastState: SymbolState | undefined = undefined;

  constructor(options: FeatureExtractorOptions = {}) {
    this.options = resolveFeatureExtractorOptions(options);
  }

  /** Symbols seen so far. */
  symbols(): readonly string[] {
    return [...this.#states.keys()];
  }

  /** The current vector of `symbol` (the same object `update` returns), or undefined if never seen. */
  features(symbol: string): FeatureVector | undefined {
    return this.#states.get(symbol)?.vector;
  }

  /**
   * Adds one tick and returns the symbol's updated FeatureVector (reused object, see class docs).
   * Throws `FEATURE_BAD_INPUT` — before any state changes — for a non-finite or non-positive price, a
   * non-finite bid/ask, or a tick older than the symbol's previous tick.
   */
  update(tick: Tick): FeatureVector {
    const { price, tsMs } = tick;
    let state = this.#lastState;
    if (state === undefined || tick.symbol !== this.#lastSymbol) {
      state = this.#states.get(tick.symbol);
      this.#validate(tick, state);
      if (state === undefined) {
        state = new SymbolState(tick.symbol, this.options);
        this.#states.set(tick.symbol, state);
      }
      this.#lastSymbol = tick.symbol;
      this.#lastState = state;
    } else this.#validate(tick, state);

    const v = state.vector;
    v.logReturn = v.tickCount > 0 ? Math.log(price / state.lastPrice) : null;
    v.tsMs = tsMs;
    v.price = price;
    v.spread = tick.bid !== undefined && tick.ask !== undefined ? tick.ask - tick.bid : null;
    v.tickCount++;
    v.newSwing = null;
    state.lastPrice = price;
    state.lastTsMs = tsMs;

    // Tick price window: ring buffer plus the population std over the same window.
    const size = state.prices.length;
    state.prices[state.priceNext] = price;
    state.priceNext = state.priceNext + 1 === size ? 0 : state.priceNext + 1;
    const sigma = state.priceStd.update(price);
    if (sigma !== undefined) {
      // The window is full, so the next write slot holds its oldest price.
      const first = state.prices[state.priceNext] as number;
      v.trendStrength = Math.abs(price - first) / (sigma + this.options.trendEpsilon);
    }

    const bar = state.bars.update(tick);
    v.barClosed = bar !== undefined;
    if (bar !== undefined) this.#onBar(state, bar);
    return v;
  }

  /**
   * The last `min(ticks seen, priceWindow)` tick prices of `symbol`, oldest first. Writes into `out` when
   * given (no allocation if `out.length` equals that count, else a subarray view of `out`).
   */
  priceWindow(symbol: string, out?: Float64Array): Float64Array {
    const state = this.#states.get(symbol);
    const size = this.options.priceWindow;
    const n = state === undefined ? 0 : Math.min(state.vector.tickCount, size);
    if (out !== undefined && out.length < n) {
      throw new FeatureError('FEATURE_BAD_INPUT', 'priceWindow output array is too short', {
        symbol,
        needed: n,
        length: out.length,
      });
    }
    const target = out ?? new Float64Array(n);
    if (state !== undefined) {
      const start = n < size ? 0 : state.priceNext;
      for (let i = 0; i < n; i++) {
        const slot = start + i;
        target[i] = state.prices[slot < size ? slot : slot - size] as number;
      }
    }
    return target.length === n ? target : target.subarray(0, n);
  }

  /** Forgets one symbol (or all), e.g. between backtest runs. */
  reset(symbol?: string): void {
    if (symbol === undefined) this.#states.clear();
    else this.#states.delete(symbol);
    this.#lastSymbol = '';
    this.#lastState = undefined;
  }

  #validate(tick: Tick, state: SymbolState | undefined): void {
    const { price, tsMs, bid, ask } = tick;
    let problem: string | undefined;
    if (typeof price !== 'number' || !Number.isFinite(price) || price <= 0)
      problem = 'price must be finite and > 0';
    else if (typeof tsMs !== 'number' || !Number.isFinite(tsMs)) problem = 'tsMs must be finite';
    else if (bid !== undefined && !Number.isFinite(bid)) problem = 'bid must be finite';
    else if (ask !== undefined && !Number.isFinite(ask)) problem = 'ask must be finite';
    else if (state !== undefined && tsMs < state.lastTsMs) problem = 'tick is older than the previous tick';
    if (problem !== undefined) {
      throw new FeatureError('FEATURE_BAD_INPUT', `FeatureExtractorEngine: ${problem}`, {
        symbol: tick.symbol,
        tsMs: String(tsMs),
        price: String(price),
        previousTsMs: state?.lastTsMs,
      });
    }
  }

  #onBar(state: SymbolState, bar: Bar): void {
    const v = state.vector;
    const close = bar.close;
    v.barCount++;
    v.sma = state.sma.update(close) ?? null;
    v.ema = state.ema.update(close) ?? null;
    if (v.barCount > 1) {
      const sigma = state.std.update(Math.log(close / state.lastBarClose));
      if (sigma !== undefined) {
        v.rollingStd = sigma;
        v.volatilityPercentile = state.profile.update(sigma) ?? null;
      }
    }
    state.lastBarClose = close;
    v.atr = state.atr.update(bar) ?? null;
    v.momentumGradient = state.gradient.update(close) ?? null;
    const swingBar = state.swingBar;
    swingBar.high = bar.high;
    swingBar.low = bar.low;
    swingBar.close = close;
    swingBar.tsMs = bar.endMs - 1;
    const swing = state.swings.update(swingBar);
    if (swing !== undefined) {
      if (v.swings.length === this.options.maxSwings) v.swings.shift();
      v.swings.push(swing);
      v.newSwing = swing;
    }
  }
}
