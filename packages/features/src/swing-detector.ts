import { FeatureError, type Swing } from '@omni/core';
import { Atr } from './atr.js';
import { requireBar, requireFinite, requirePeriod } from './indicator.js';

/**
 * How far price must reverse from the running extreme to confirm it as a swing: a multiple of
 * Wilder ATR (price units), or a percent of the extreme's price.
 */
export type SwingDetectorOptions =
  | { readonly mode: 'atr'; readonly multiple: number; readonly atrPeriod: number }
  | { readonly mode: 'percent'; readonly percent: number };

/** One bar as the swing detector reads it; `tsMs` is the bar's time (the engine uses its close time). */
export interface SwingBar {
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly tsMs: number;
}

const SEEKING = 0;
const TRACKING_HIGH = 1;
const TRACKING_LOW = -1;

/**
 * ZigZag swing detector (the specification's SwingDetector): emits a swing high or low only once
 * price has reversed from it by the threshold, so a returned swing is final and never repainted.
 *
 * Rules, per bar (one `update` per completed bar):
 * - While tracking a high (after a confirmed low): a bar whose high exceeds the running high
 *   extends it; otherwise, if the bar's low is at or below `runningHigh − threshold(runningHigh)`,
 *   the running high is confirmed as a swing high and the bar's low starts the running low.
 *   Tracking a low mirrors this. A bar that extends the extreme is never also its reversal,
 *   because the order of high and low inside one bar is unknown.
 * - Before the first swing: the highest high and lowest low so far are both kept; the older of
 *   the two is confirmed when the newer one is `threshold` away from it.
 * - threshold = `multiple × ATR(atrPeriod)` (ATR including the current bar; no swing while ATR warms up)
 *   or `percent / 100 × extreme price`.
 * Swings therefore alternate high/low, and `swing.index` is always earlier than the confirming bar.
 * O(1) per bar; allocates one `Swing` object per confirmed swing only.
 *
 * @example
 * const swings = new SwingDetector({ mode: 'atr', multiple: 3, atrPeriod: 14 });
 * for (const bar of bars) {
 *   const swing = swings.update({ high: bar.high, low: bar.low, close: bar.close, tsMs: bar.endMs - 1 });
 *   if (swing) console.log(swing.kind, swing.price);
 * }
 */
export class SwingDetector {
  readonly options: SwingDetectorOptions;
  readonly #atr: Atr | undefined;
  readonly #multiple: number;
  readonly #fraction: number;
  #state = SEEKING;
  #barIndex = -1;
  #lastTsMs = Number.NEGATIVE_INFINITY;
  #highPrice = 0;
  #highTsMs = 0;
  #highIndex = -1;
  #lowPrice = 0;
  #lowTsMs = 0;
  #lowIndex = -1;
  #lastSwing: Swing | undefined = undefined;
  #swingCount = 0;

  constructor(options: SwingDetectorOptions) {
    if (options.mode === 'atr') {
      requirePeriod('SwingDetector', 'atrPeriod', options.atrPeriod);
      if (!Number.isFinite(options.multiple) || options.multiple <= 0) {
        throw new FeatureError('FEATURE_BAD_OPTION', 'SwingDetector multiple must be a finite number > 0', {
          indicator: 'SwingDetector',
          field: 'multiple',
          value: options.multiple,
        });
      }
      this.#atr = new Atr(options.atrPeriod);
      this.#multiple = options.multiple;
      this.#fraction = 0;
    } else if (options.mode === 'percent') {
      if (!Number.isFinite(options.percent) || options.percent <= 0 || options.percent >= 100) {
        throw new FeatureError('FEATURE_BAD_OPTION', 'SwingDetector percent must be in (0, 100)', {
          indicator: 'SwingDetector',
          field: 'percent',
          value: options.percent,
        });
      }
      this.#atr = undefined;
      this.#multiple = 0;
      this.#fraction = options.percent / 100;
    } else {
      throw new FeatureError('FEATURE_BAD_OPTION', "SwingDetector mode must be 'atr' or 'percent'", {
        indicator: 'SwingDetector',
        field: 'mode',
        value: String((options as { mode: unknown }).mode),
      });
    }
    this.options = options;
  }

  /** True once a reversal threshold is available (ATR warmed up, or from the first bar in percent mode). */
  get isStable(): boolean {
    return this.#atr ? this.#atr.isStable : this.#barIndex >= 0;
  }

  /** The most recent confirmed swing, if any. */
  get value(): Swing | undefined {
    return this.#lastSwing;
  }

  /** Number of swings confirmed so far. */
  get swingCount(): number {
    return this.#swingCount;
  }

  /** Number of bars seen so far. */
  get barCount(): number {
    return this.#barIndex + 1;
  }

  /**
   * Adds one completed bar; returns the swing this bar confirmed, if any.
   * Throws `FEATURE_BAD_INPUT` (state unchanged) for non-finite or non-positive prices, low > high,
   * or a `tsMs` earlier than the previous bar's.
   */
  update(bar: SwingBar): Swing | undefined {
    requireBar('SwingDetector', bar);
    requireFinite('SwingDetector', 'tsMs', bar.tsMs);
    if (bar.low <= 0) {
      throw new FeatureError('FEATURE_BAD_INPUT', 'SwingDetector needs positive prices', {
        indicator: 'SwingDetector',
        low: bar.low,
      });
    }
    if (!Number.isInteger(bar.tsMs) || bar.tsMs < 0 || bar.tsMs < this.#lastTsMs) {
      throw new FeatureError(
        'FEATURE_BAD_INPUT',
        'SwingDetector bar time must be whole ms, not before the previous bar',
        {
          indicator: 'SwingDetector',
          tsMs: bar.tsMs,
          previousTsMs: this.#lastTsMs,
        },
      );
    }
    this.#lastTsMs = bar.tsMs;
    const index = ++this.#barIndex;
    const atr = this.#atr ? this.#atr.update(bar) : undefined;
    const { high, low } = bar;

    if (this.#state === TRACKING_HIGH) {
      if (high > this.#highPrice) {
        this.#setHigh(high, bar.tsMs, index);
        return undefined;
      }
      if (low <= this.#highPrice - this.#threshold(this.#highPrice, atr)) {
        this.#setLow(low, bar.tsMs, index);
        this.#state = TRACKING_LOW;
        return this.#confirm('high', this.#highPrice, this.#highTsMs, this.#highIndex, bar.tsMs);
      }
      return undefined;
    }
    if (this.#state === TRACKING_LOW) {
      if (low < this.#lowPrice) {
        this.#setLow(low, bar.tsMs, index);
        return undefined;
      }
      if (high >= this.#lowPrice + this.#threshold(this.#lowPrice, atr)) {
        this.#setHigh(high, bar.tsMs, index);
        this.#state = TRACKING_HIGH;
        return this.#confirm('low', this.#lowPrice, this.#lowTsMs, this.#lowIndex, bar.tsMs);
      }
      return undefined;
    }

    // Seeking the first swing: keep both extremes, confirm the older once the newer is far enough.
    if (index === 0 || high > this.#highPrice) this.#setHigh(high, bar.tsMs, index);
    if (index === 0 || low < this.#lowPrice) this.#setLow(low, bar.tsMs, index);
    if (this.#atr && atr === undefined) return undefined;
    if (this.#lowIndex < this.#highIndex) {
      if (this.#highPrice >= this.#lowPrice + this.#threshold(this.#lowPrice, atr)) {
        this.#state = TRACKING_HIGH;
        return this.#confirm('low', this.#lowPrice, this.#lowTsMs, this.#lowIndex, bar.tsMs);
      }
    } else if (this.#highIndex < this.#lowIndex) {
      if (this.#lowPrice <= this.#highPrice - this.#threshold(this.#highPrice, atr)) {
        this.#state = TRACKING_LOW;
        return this.#confirm('high', this.#highPrice, this.#highTsMs, this.#highIndex, bar.tsMs);
      }
    }
    return undefined;
  }

  reset(): void {
    this.#atr?.reset();
    this.#state = SEEKING;
    this.#barIndex = -1;
    this.#lastTsMs = Number.NEGATIVE_INFINITY;
    this.#highPrice = this.#lowPrice = 0;
    this.#highTsMs = this.#lowTsMs = 0;
    this.#highIndex = this.#lowIndex = -1;
    this.#lastSwing = undefined;
    this.#swingCount = 0;
  }

  #threshold(extreme: number, atr: number | undefined): number {
    return this.#atr ? this.#multiple * (atr as number) : this.#fraction * extreme;
  }

  #setHigh(price: number, tsMs: number, index: number): void {
    this.#highPrice = price;
    this.#highTsMs = tsMs;
    this.#highIndex = index;
  }

  #setLow(price: number, tsMs: number, index: number): void {
    this.#lowPrice = price;
    this.#lowTsMs = tsMs;
    this.#lowIndex = index;
  }

  #confirm(kind: 'high' | 'low', price: number, tsMs: number, index: number, confirmedTsMs: number): Swing {
    const swing: Swing = Object.freeze({ kind, price, tsMs, index, confirmedTsMs });
    this.#lastSwing = swing;
    this.#swingCount++;
    return swing;
  }
}
