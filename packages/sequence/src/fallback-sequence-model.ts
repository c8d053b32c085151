import type { RegimeProbabilities, SequenceModelEngine } from '@omni/core';
import { type Alert, type Clock, isOmniError, ModelError } from '@omni/core';
import { MomentumSequenceModel } from './momentum-sequence-model.js';
import { ONNXSequenceAdapter, type OnnxSequenceAdapterOptions } from './onnx-sequence-adapter.js';

/** Where alerts go (the runtime journals them). Same shape as `@omni/feeds`' `AlertSink`. */
export type ModelAlertSink = (alert: Alert) => void;

/** Options of {@link FallbackSequenceModel.create}. */
export interface FallbackSequenceModelOptions extends OnnxSequenceAdapterOptions {
  /** The ONNX model (e.g. `config.seqModelOnnx ?? defaultModelPath()`); undefined = the fallback only, no alert. */
  modelPath?: string | undefined;
  /** Time source for alert timestamps. */
  clock: Clock;
  /** Receives an alert whenever the model falls back or a hot swap is refused. */
  alertSink?: ModelAlertSink;
  /** The model used when ONNX is unavailable, and for volatility/regimes. Default {@link MomentumSequenceModel}. */
  fallback?: SequenceModelEngine;
}

/** Outcome of {@link FallbackSequenceModel.swapModel}. */
export type ModelSwapResult =
  | { readonly ok: true; readonly name: string; readonly previous: string }
  | { readonly ok: false; readonly error: ModelError; readonly serving: string };

/** Counters that show how often the ONNX model actually answered. */
export interface SequenceModelStats {
  /** Synchronous calls answered from a prepared ONNX prediction. */
  readonly onnxHits: number;
  /** Synchronous calls answered by the fallback (no prepared prediction for that window, or no ONNX model). */
  readonly fallbackAnswers: number;
  /** ONNX inference failures since creation (each one alerted). */
  readonly inferenceFailures: number;
}

/**
 * The SequenceModelEngine the governor holds: an ONNX model when one loads, otherwise the momentum
 * default, with an alert (runbook 5.3); it never throws because a model file is bad.
 *
 * Why this shape: onnxruntime-node only runs asynchronously, while the governor calls the synchronous
 * contract. So the caller (runtime) awaits {@link FallbackSequenceModel.prepare} with the tick's window;
 * the synchronous {@link FallbackSequenceModel.predictDirection} then returns that ONNX prediction when
 * given the same newest-N prices (an O(N) compare, no allocation) and the fallback's otherwise, counted
 * in {@link FallbackSequenceModel.stats}. Backtests use {@link FallbackSequenceModel.predictDirectionBatchAsync}.
 * Volatility and regimes always come from the fallback (the ONNX contract has one output: prob_up).
 *
 * @example
 * const model = await FallbackSequenceModel.create({ modelPath: defaultModelPath(), clock, alertSink });
 * await model.prepare(window);              // once per tick, before the governor decides
 * const probUp = model.predictDirection(window);
 */
export class FallbackSequenceModel implements SequenceModelEngine {
  readonly #fallback: SequenceModelEngine;
  readonly #clock: Clock;
  readonly #alertSink: ModelAlertSink | undefined;
  readonly #adapterOptions: OnnxSequenceAdapterOptions;
  #onnx: ONNXSequenceAdapter | undefined;
  #preparedWindow = new Float64Array(0);
  #preparedValid = false;
  #preparedProb = 0.5;
  /** Predictions computed ahead by {@link FallbackSequenceModel.prefetch}: the series and one probUp per window end. */
  #aheadSeries: Float64Array = new Float64Array(0);
  #aheadProbs: Float64Array = new Float64Array(0);
  #aheadFrom = 0;
  #aheadCursor = 0;
  #aheadUsed = 0;
  #onnxHits = 0;
  #fallbackAnswers = 0;
  #inferenceFailures = 0;

  private constructor(options: FallbackSequenceModelOptions, onnx: ONNXSequenceAdapter | undefined) {
    this.#fallback = options.fallback ?? new MomentumSequenceModel();
    this.#clock = options.clock;
    this.#alertSink = options.alertSink;
    this.#adapterOptions = {
      maxWindow: options.maxWindow,
      maxBatch: options.maxBatch,
      intraOpNumThreads: options.intraOpNumThreads,
      loadOnnxRuntime: options.loadOnnxRuntime,
    };
    this.#setOnnx(onnx);
  }

  /**
   * Loads `modelPath` if given; on any ModelError serves the fallback and sends a `warn` alert with the
   * error code (`MODEL_NOT_FOUND`, `MODEL_RUNTIME_UNAVAILABLE`, `MODEL_CORRUPT`, `MODEL_CONTRACT_MISMATCH`).
   * Other errors propagate.
   */
  static async create(options: FallbackSequenceModelOptions): Promise<FallbackSequenceModel> {
    let onnx: ONNXSequenceAdapter | undefined;
    let failure: ModelError | undefined;
    if (options.modelPath !== undefined) {
      try {
        onnx = await ONNXSequenceAdapter.load(options.modelPath, options);
      } catch (err) {
        if (!(err instanceof ModelError)) throw err;
        failure = err;
      }
    }
    const model = new FallbackSequenceModel(options, onnx);
    if (failure) {
      model.#alert(failure, `sequence model unavailable, serving ${model.#fallback.name} instead`);
    }
    return model;
  }

  /** `onnx:<file>` while an ONNX model serves, else the fallback's name. */
  get name(): string {
    return this.#onnx?.name ?? this.#fallback.name;
  }

  /** True while an ONNX model serves direction predictions. */
  get usingOnnx(): boolean {
    return this.#onnx !== undefined;
  }

  /** Whether {@link FallbackSequenceModel.prepare} has work to do: only while an ONNX model serves. */
  get needsPrepare(): boolean {
    return this.#onnx !== undefined;
  }

  /** N of the serving ONNX model, or undefined when the fallback serves. */
  get windowLength(): number | undefined {
    return this.#onnx?.windowLength;
  }

  /** How often the ONNX model answered; see {@link SequenceModelStats}. */
  get stats(): SequenceModelStats {
    return {
      onnxHits: this.#onnxHits,
      fallbackAnswers: this.#fallbackAnswers,
      inferenceFailures: this.#inferenceFailures,
    };
  }

  /**
   * Runs the ONNX model on `window` and keeps the result for {@link FallbackSequenceModel.predictDirection}.
   * Returns the probUp that the synchronous call will return for this window. An inference failure is
   * alerted and answered by the fallback.
   */
  prepare(window: ArrayLike<number>): number | Promise<number> {
    const onnx = this.#onnx;
    if (onnx === undefined || window.length < onnx.windowLength) {
      this.#preparedValid = false;
      return this.#fallback.predictDirection(window);
    }
    const ahead = this.#takeAhead(window, onnx.windowLength);
    if (ahead !== undefined) {
      this.#keepPrepared(window, onnx.windowLength, ahead);
      return ahead;
    }
    return this.#prepareNow(onnx, window);
  }

  /**
   * Computes, in ONNX batches of `maxBatch`, the prediction for every window that ENDS at an index
   * `from …` of `series` (each window is the N prices up to and including its end: only the past),
   * so that {@link FallbackSequenceModel.prepare} answers those windows without an inference of its
   * own, in order. Why: a backtest knows the next prices of its file before it decides on them; one
   * batched run per chunk instead of one async run per decision (same numbers: ONNX Runtime gives a
   * window the same probUp in a batch as alone). A window `prepare` is asked for that is not the
   * next prefetched one (or a later one) is inferred on its own, as without prefetching.
   */
  async prefetch(series: Float64Array, from: number): Promise<void> {
    const onnx = this.#onnx;
    this.#aheadFrom = this.#aheadCursor = series.length;
    if (onnx === undefined) return;
    const n = onnx.windowLength;
    const first = Math.max(from, n - 1);
    const windows: Float64Array[] = [];
    for (let end = first; end < series.length; end++) windows.push(series.subarray(end - n + 1, end + 1));
    if (windows.length === 0) return;
    const probs = await this.predictDirectionBatchAsync(windows);
    if (onnx !== this.#onnx) return; // swapped while running: these answers are a stale model's
    this.#aheadSeries = series;
    this.#aheadProbs = probs;
    this.#aheadFrom = first;
    this.#aheadCursor = first;
  }

  /** Predictions prefetched and used by `prepare` so far. */
  get prefetchedAnswers(): number {
    return this.#aheadUsed;
  }

  async #prepareNow(onnx: ONNXSequenceAdapter, window: ArrayLike<number>): Promise<number> {
    try {
      const prob = await onnx.predictDirectionAsync(window);
      if (onnx !== this.#onnx) return prob; // swapped while running: do not cache a stale model's answer
      this.#keepPrepared(window, onnx.windowLength, prob);
      return prob;
    } catch (err) {
      this.#preparedValid = false;
      return this.#inferenceFailed(err, window);
    }
  }

  /** ONNX probUp if `window` ends with the prepared prices, else the fallback's (see class doc). */
  predictDirection(window: ArrayLike<number>): number {
    if (this.#preparedValid && this.#matchesPrepared(window)) {
      this.#onnxHits++;
      return this.#preparedProb;
    }
    this.#fallbackAnswers++;
    return this.#fallback.predictDirection(window);
  }

  /** The fallback's volatility (the ONNX contract predicts direction only). */
  predictVolatility(window: ArrayLike<number>): number {
    return this.#fallback.predictVolatility(window);
  }

  /** The fallback's regime probabilities. */
  regimeProbabilities(window: ArrayLike<number>): RegimeProbabilities {
    return this.#fallback.regimeProbabilities(window);
  }

  /** Synchronous batch: {@link FallbackSequenceModel.predictDirection} per window. Backtests want the async one. */
  predictDirectionBatch(windows: readonly ArrayLike<number>[]): Float64Array {
    const out = new Float64Array(windows.length);
    for (let i = 0; i < windows.length; i++) out[i] = this.predictDirection(windows[i] as ArrayLike<number>);
    return out;
  }

  /** probUp from the ONNX model (or the fallback, with an alert on failure). */
  async predictDirectionAsync(window: ArrayLike<number>): Promise<number> {
    const onnx = this.#onnx;
    if (onnx === undefined || window.length < onnx.windowLength)
      return this.#fallback.predictDirection(window);
    try {
      return await onnx.predictDirectionAsync(window);
    } catch (err) {
      return this.#inferenceFailed(err, window);
    }
  }

  /**
   * probUp for many windows, in ONNX batches of `maxBatch`; windows shorter than N, or a failing batch
   * (alerted), are answered by the fallback. This is the API the backtest uses.
   */
  async predictDirectionBatchAsync(windows: readonly ArrayLike<number>[]): Promise<Float64Array> {
    const out = new Float64Array(windows.length);
    const onnx = this.#onnx;
    if (onnx === undefined) return this.#fallback.predictDirectionBatch(windows);
    const eligible: ArrayLike<number>[] = [];
    const slots: number[] = [];
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i] as ArrayLike<number>;
      if (w.length >= onnx.windowLength) {
        eligible.push(w);
        slots.push(i);
      } else {
        out[i] = this.#fallback.predictDirection(w);
      }
    }
    for (let from = 0; from < eligible.length; from += onnx.maxBatch) {
      const chunk = eligible.slice(from, from + onnx.maxBatch);
      let probs: Float64Array;
      try {
        probs = await onnx.predictDirectionBatchAsync(chunk);
      } catch (err) {
        this.#recordFailure(err);
        probs = this.#fallback.predictDirectionBatch(chunk);
      }
      for (let j = 0; j < chunk.length; j++) out[slots[from + j] as number] = probs[j] as number;
    }
    return out;
  }

  /**
   * Hot swap: loads and validates `path` beside the serving model, then switches atomically. A model
   * that fails to load or validate leaves the serving model in place and is alerted. The replaced
   * ONNX session is released after its queued runs finish.
   */
  async swapModel(path: string): Promise<ModelSwapResult> {
    let next: ONNXSequenceAdapter;
    try {
      next = await ONNXSequenceAdapter.load(path, this.#adapterOptions);
    } catch (err) {
      if (!(err instanceof ModelError)) throw err;
      this.#alert(err, `new sequence model refused, still serving ${this.name}`);
      return { ok: false, error: err, serving: this.name };
    }
    const previous = this.#onnx;
    const previousName = this.name;
    this.#setOnnx(next);
    if (previous) await previous.close();
    return { ok: true, name: this.name, previous: previousName };
  }

  /** Releases the ONNX session; the fallback keeps answering. */
  async close(): Promise<void> {
    const onnx = this.#onnx;
    this.#setOnnx(undefined);
    if (onnx) await onnx.close();
  }

  #setOnnx(onnx: ONNXSequenceAdapter | undefined): void {
    this.#onnx = onnx;
    this.#preparedValid = false;
    this.#aheadSeries = new Float64Array(0);
    this.#aheadCursor = this.#aheadFrom = 0;
    this.#preparedWindow = new Float64Array(onnx?.windowLength ?? 0);
  }

  #keepPrepared(window: ArrayLike<number>, n: number, prob: number): void {
    const start = window.length - n;
    for (let i = 0; i < n; i++) this.#preparedWindow[i] = window[start + i] as number;
    this.#preparedProb = prob;
    this.#preparedValid = true;
  }

  /** The prefetched probUp of `window` (its newest N prices), moving the cursor past skipped windows. */
  #takeAhead(window: ArrayLike<number>, n: number): number | undefined {
    const series = this.#aheadSeries;
    const start = window.length - n;
    for (let end = this.#aheadCursor; end < series.length; end++) {
      let same = true;
      for (let i = n - 1; i >= 0; i--) {
        if (series[end - n + 1 + i] !== window[start + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        this.#aheadCursor = end + 1;
        this.#aheadUsed++;
        return this.#aheadProbs[end - this.#aheadFrom] as number;
      }
    }
    return undefined;
  }

  #matchesPrepared(window: ArrayLike<number>): boolean {
    const n = this.#preparedWindow.length;
    const start = window.length - n;
    if (start < 0) return false;
    for (let i = 0; i < n; i++) if (window[start + i] !== this.#preparedWindow[i]) return false;
    return true;
  }

  #inferenceFailed(err: unknown, window: ArrayLike<number>): number {
    this.#recordFailure(err);
    return this.#fallback.predictDirection(window);
  }

  #recordFailure(err: unknown): void {
    if (!isOmniError(err)) throw err;
    this.#inferenceFailures++;
    this.#alert(err, `sequence model inference failed, answered by ${this.#fallback.name}`);
  }

  #alert(
    err: { code: string; shortMessage: string; context: Readonly<Record<string, unknown>> },
    message: string,
  ): void {
    this.#alertSink?.({
      tsMs: this.#clock.nowMs(),
      level: 'warn',
      code: err.code,
      message: `${message}: ${err.shortMessage}`,
      source: 'FallbackSequenceModel',
      context: { ...err.context },
    });
  }
}

/**
 * Convenience for the runner: {@link FallbackSequenceModel.create}.
 * Why: one call that yields a working engine whatever state the model file is in.
 */
export function createSequenceModel(options: FallbackSequenceModelOptions): Promise<FallbackSequenceModel> {
  return FallbackSequenceModel.create(options);
}
