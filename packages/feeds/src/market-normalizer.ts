import { type Alert, type ErrorCodeOf, FeedError, type Tick } from '@omni/core';
import {
  type MarketNormalizerOptions,
  makeTick,
  newState,
  type RawTick,
  type StreamState,
  type TickOrigin,
} from './normalizer-types.js';
import type { AlertSink, BadInputPolicy } from './price-feed.js';

export { type MarketNormalizerOptions, type RawTick, spreadOf, type TickOrigin } from './normalizer-types.js';

type FeedCode = ErrorCodeOf<'feed'>;

/**
 * Turns raw ticks into clean ticks (the specification's MarketNormalizer): mid = (bid + ask) / 2
 * when no trade price is given, symbol case unified, and rejects NaN/Infinity/non-positive prices,
 * prices outside a plausible range (default 1e-12 … 1e12) and volumes above 1e18, ask < bid,
 * timestamps older than the previous tick, exact duplicates, and spikes.
 *
 * Spike test, O(1) per tick: r = ln(p / p_prev); σ² is an EWMA of r² with α = 2 / (span + 1)
 * (RiskMetrics-style); a tick is a spike when |r| > max(k·σ, minSpikeLogReturn) after warm-up.
 * State is kept per (source, symbol); rejected ticks never update it.
 *
 * @example
 * const normalizer = new MarketNormalizer({ policy: 'skip-and-alert', onAlert: (a) => logger.logAlert(a) });
 * const tick = normalizer.normalize(raw, { file, line });
 * if (tick) features.update(tick);
 */
export class MarketNormalizer {
  readonly name: string;
  readonly #policy: BadInputPolicy;
  readonly #onAlert: AlertSink | undefined;
  readonly #spikeMultiple: number;
  readonly #alpha: number;
  readonly #warmup: number;
  readonly #minSpike: number;
  readonly #shiftAfter: number;
  readonly #symbolCase: 'upper' | 'lower' | 'keep';
  readonly #minPrice: number;
  readonly #maxPrice: number;
  readonly #maxVolume: number;
  readonly #streams = new Map<string, Map<string, StreamState>>();
  /** The stream of the previous tick: a feed's ticks are nearly all of one (source, symbol). */
  #lastSource: string | undefined;
  #lastSymbol: string | undefined;
  #lastState: StreamState | undefined;
  #accepted = 0;
  #dropped = 0;

  constructor(options: MarketNormalizerOptions = {}) {
    this.name = options.name ?? 'MarketNormalizer';
    this.#policy = options.policy ?? 'reject';
    this.#onAlert = options.onAlert;
    this.#spikeMultiple = options.spikeMultiple ?? 12;
    const span = options.volSpan ?? 100;
    this.#alpha = 2 / (span + 1);
    this.#warmup = options.volWarmup ?? 20;
    this.#minSpike = options.minSpikeLogReturn ?? 0.001;
    this.#shiftAfter = options.acceptLevelShiftAfter ?? 5;
    this.#symbolCase = options.symbolCase ?? 'upper';
    this.#minPrice = options.minPrice ?? 1e-12;
    this.#maxPrice = options.maxPrice ?? 1e12;
    this.#maxVolume = options.maxVolume ?? 1e18;
    const bad =
      !(this.#spikeMultiple >= 0) ||
      !(span >= 1) ||
      !(this.#warmup >= 1) ||
      !(this.#minSpike >= 0) ||
      !(this.#shiftAfter >= 1) ||
      !(this.#minPrice > 0 && this.#maxPrice >= this.#minPrice && Number.isFinite(this.#maxPrice)) ||
      !(this.#maxVolume >= 0 && Number.isFinite(this.#maxVolume));
    if (bad) {
      throw new FeedError(
        'FEED_BAD_OPTION',
        'MarketNormalizer needs spikeMultiple >= 0, volSpan >= 1, volWarmup >= 1, minSpikeLogReturn >= 0, acceptLevelShiftAfter >= 1, 0 < minPrice <= maxPrice and maxVolume >= 0 (both finite)',
        {
          spikeMultiple: options.spikeMultiple,
          volSpan: options.volSpan,
          volWarmup: options.volWarmup,
          minPrice: options.minPrice,
          maxPrice: options.maxPrice,
          maxVolume: options.maxVolume,
        },
      );
    }
  }

  /** Ticks accepted so far. */
  get accepted(): number {
    return this.#accepted;
  }

  /** Ticks dropped (skip-and-alert) so far. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Validates and cleans one tick. Returns the clean tick, or `undefined` when it was dropped
   * under `skip-and-alert`; throws a FeedError naming the source and line/message under `reject`.
   */
  normalize(raw: RawTick, origin?: TickOrigin): Tick | undefined {
    const state = this.#state(raw.source, raw.symbol);
    const { bid, ask, volume } = raw;
    const hasBid = bid !== undefined;
    const hasAsk = ask !== undefined;
    if (!Number.isSafeInteger(raw.tsMs) || raw.tsMs < 0) {
      return this.#drop(
        raw,
        origin,
        'FEED_MALFORMED_ROW',
        'timestamp is not a whole, non-negative epoch ms',
        'tsMs',
      );
    }
    if (hasBid !== hasAsk) {
      return this.#drop(
        raw,
        origin,
        'FEED_BAD_PRICE',
        'a quote needs both bid and ask',
        hasBid ? 'ask' : 'bid',
      );
    }
    if (hasBid && !(bid >= this.#minPrice && bid <= this.#maxPrice)) {
      return this.#drop(raw, origin, 'FEED_BAD_PRICE', this.#priceProblem('bid', bid), 'bid', bid);
    }
    if (hasAsk && !(ask >= this.#minPrice && ask <= this.#maxPrice)) {
      return this.#drop(raw, origin, 'FEED_BAD_PRICE', this.#priceProblem('ask', ask), 'ask', ask);
    }
    if (hasBid && hasAsk && ask < bid) {
      return this.#drop(raw, origin, 'FEED_CROSSED_BOOK', 'ask is below bid (crossed book)', 'ask', ask);
    }
    const price = raw.price ?? (hasBid && hasAsk ? (bid + ask) / 2 : Number.NaN);
    if (!(price >= this.#minPrice && price <= this.#maxPrice)) {
      return this.#drop(raw, origin, 'FEED_BAD_PRICE', this.#priceProblem('price', price), 'price', price);
    }
    if (volume !== undefined && !(volume >= 0 && volume <= this.#maxVolume)) {
      return this.#drop(
        raw,
        origin,
        'FEED_BAD_PRICE',
        Number.isFinite(volume) && volume >= 0
          ? `volume is above the plausible maximum ${this.#maxVolume.toExponential()} (raise maxVolume if it is real)`
          : 'volume is not a non-negative finite number',
        'volume',
        volume,
      );
    }
    if (state.hasLast) {
      if (raw.tsMs < state.lastTs) {
        return this.#drop(
          raw,
          origin,
          'FEED_NON_MONOTONIC',
          'tick is older than the previous one',
          'tsMs',
          raw.tsMs,
          {
            previousTsMs: state.lastTs,
          },
        );
      }
      if (
        raw.tsMs === state.lastTs &&
        price === state.lastPrice &&
        (bid ?? -1) === state.lastBid &&
        (ask ?? -1) === state.lastAsk &&
        (volume ?? -1) === state.lastVolume
      ) {
        return this.#drop(
          raw,
          origin,
          'FEED_DUPLICATE',
          'exact duplicate of the previous tick',
          'tsMs',
          raw.tsMs,
        );
      }
      const r = Math.log(price / state.lastPrice);
      if (this.#spikeMultiple > 0 && state.returns >= this.#warmup) {
        const limit = Math.max(this.#spikeMultiple * Math.sqrt(state.variance), this.#minSpike);
        if (Math.abs(r) > limit && !this.#isLevelShift(state, price, raw.tsMs)) {
          return this.#drop(
            raw,
            origin,
            'FEED_SPIKE',
            'price move beyond the spike limit of recent volatility',
            'price',
            price,
            {
              logReturn: r,
              limit,
              previousPrice: state.lastPrice,
            },
          );
        }
      }
      state.spikeRun = 0;
      if (state.returns < this.#warmup) {
        state.returns++;
        state.variance += (r * r - state.variance) / state.returns;
      } else {
        state.variance += this.#alpha * (r * r - state.variance);
      }
    }
    state.hasLast = true;
    state.lastTs = raw.tsMs;
    state.lastPrice = price;
    state.lastBid = bid ?? -1;
    state.lastAsk = ask ?? -1;
    state.lastVolume = volume ?? -1;
    this.#accepted++;
    // Pass the object through when it already is a clean Tick (no keys holding `undefined`).
    if (
      raw.price === price &&
      raw.symbol === state.symbol &&
      (hasBid || !('bid' in raw)) &&
      (hasAsk || !('ask' in raw)) &&
      (volume !== undefined || !('volume' in raw))
    ) {
      return raw as Tick;
    }
    return makeTick(state.symbol, raw.tsMs, price, raw.source, bid, ask, volume);
  }

  /** Why a price field failed the range check (built only for a rejected tick). */
  #priceProblem(field: string, value: number): string {
    return Number.isFinite(value) && value > 0
      ? `${field} is outside the plausible range [${this.#minPrice.toExponential()}, ${this.#maxPrice.toExponential()}] (set minPrice/maxPrice if it is real)`
      : `${field} is not a positive finite number`;
  }

  /** Forgets the state of every stream (e.g. between two backtests). */
  reset(): void {
    this.#streams.clear();
    this.#lastState = undefined;
    this.#lastSource = undefined;
    this.#lastSymbol = undefined;
  }

  /**
   * Counts consecutive spikes that confirm one new level (each is closer to the previous spike
   * than to the last accepted price); after `acceptLevelShiftAfter` of them the move is real.
   */
  #isLevelShift(state: StreamState, price: number, tsMs: number): boolean {
    const confirms =
      state.spikeRun > 0 &&
      Math.abs(Math.log(price / state.spikeLevel)) < 0.5 * Math.abs(Math.log(price / state.lastPrice));
    state.spikeRun = confirms ? state.spikeRun + 1 : 1;
    state.spikeLevel = price;
    if (state.spikeRun < this.#shiftAfter) return false;
    state.spikeRun = 0;
    state.returns = 0;
    state.variance = 0;
    this.#alert('info', 'FEED_SPIKE', `accepted a level shift after ${this.#shiftAfter} consecutive spikes`, {
      symbol: state.symbol,
      price,
      previousPrice: state.lastPrice,
      tsMs,
    });
    return true;
  }

  #state(source: string, symbol: string): StreamState {
    if (source === this.#lastSource && symbol === this.#lastSymbol && this.#lastState !== undefined) {
      return this.#lastState;
    }
    const state = this.#lookUp(source, symbol);
    this.#lastSource = source;
    this.#lastSymbol = symbol;
    this.#lastState = state;
    return state;
  }

  #lookUp(source: string, symbol: string): StreamState {
    let bySymbol = this.#streams.get(source);
    if (bySymbol === undefined) {
      bySymbol = new Map();
      this.#streams.set(source, bySymbol);
    }
    let state = bySymbol.get(symbol);
    if (state === undefined) {
      const name =
        this.#symbolCase === 'upper'
          ? symbol.toUpperCase()
          : this.#symbolCase === 'lower'
            ? symbol.toLowerCase()
            : symbol;
      // Share state between spellings of one symbol ("eurusd" and "EURUSD").
      state = bySymbol.get(name) ?? newState(name);
      bySymbol.set(symbol, state);
      bySymbol.set(name, state);
    }
    return state;
  }

  #drop(
    raw: RawTick,
    origin: TickOrigin | undefined,
    code: FeedCode,
    what: string,
    field: string,
    value?: unknown,
    extra: Record<string, unknown> = {},
  ): undefined {
    const context = {
      source: raw.source,
      ...(origin?.file !== undefined ? { file: origin.file } : {}),
      ...(origin?.line !== undefined ? { line: origin.line } : {}),
      ...(origin?.message !== undefined ? { message: origin.message } : {}),
      symbol: raw.symbol,
      field,
      ...(value !== undefined ? { value: typeof value === 'number' ? String(value) : value } : {}),
      tsMs: raw.tsMs,
      ...extra,
    };
    const where =
      origin?.line !== undefined ? ` at ${origin.file ?? raw.source}:${origin.line}` : ` from ${raw.source}`;
    if (this.#policy === 'reject') throw new FeedError(code, `${what}${where}`, context);
    this.#dropped++;
    this.#alert(code === 'FEED_DUPLICATE' ? 'info' : 'warn', code, `skipped: ${what}${where}`, context);
    return undefined;
  }

  #alert(level: Alert['level'], code: FeedCode, message: string, context: Record<string, unknown>): void {
    if (this.#onAlert === undefined) return;
    const ts = typeof context['tsMs'] === 'number' ? (context['tsMs'] as number) : 0;
    this.#onAlert({
      tsMs: Number.isSafeInteger(ts) && ts >= 0 ? ts : 0,
      level,
      code,
      message,
      source: this.name,
      context,
    });
  }
}
