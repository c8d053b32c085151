import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Alert, CALENDAR_DURATION_UNITS, parseDuration, RuntimeError, type Tick } from '@omni/core';
import { type SequenceTrainerOptions, type TrainedSequenceModel, trainSequenceModel } from '@omni/learning';
import type { ModelSwapResult } from '@omni/sequence';
import type { RetrainScheduler } from './ports.js';

/**
 * Parses a retraining period in the duration grammar of @omni/core — `90d`, `12w`, `6mo`, `1y`
 * (mo = 30 days, y = 365 days), also `h`/`min` — into ms. `6m` is refused as ambiguous (six
 * minutes or six months?) with a ConfigError `CONFIG_INVALID` listing the accepted forms.
 */
export function parseRetrainPeriod(text: string): number {
  return parseDuration(text, {
    setting: '--retrain-every',
    units: CALENDAR_DURATION_UNITS,
  });
}

/** The sequence model a retrainer swaps new models into (FallbackSequenceModel implements it). */
export interface SwappableSequenceModel {
  swapModel(path: string): Promise<ModelSwapResult>;
}

/** Options of a {@link WalkForwardRetrainer}. */
export interface WalkForwardRetrainerOptions {
  /** Retrain every this many ms of market time (see {@link parseRetrainPeriod}). */
  readonly everyMs: number;
  readonly sequence: SwappableSequenceModel;
  /** Where the retrained models are written (`wf-<ISO date>.onnx`). */
  readonly dir: string;
  /** Prices needed before the first retraining. Default 500. */
  readonly minPrices?: number;
  /** Trainer options (window, horizon, hidden units, seed...). */
  readonly trainer?: SequenceTrainerOptions;
  /** Journals one alert per retraining (info) or failure (warn). */
  readonly onAlert?: (alert: Alert) => void;
  /**
   * Promote a retrained model only when its walk-forward log loss beats the always-up baseline
   * (a model without a demonstrated edge is journaled and not served). Default true.
   */
  readonly requireEdge?: boolean;
  /** The training itself; default `trainSequenceModel` of @omni/learning. Injectable for tests. */
  readonly train?: (
    series: Parameters<typeof trainSequenceModel>[0],
    options: SequenceTrainerOptions,
  ) => TrainedSequenceModel;
}

/** One retraining, as reported to the alert journal and kept in {@link WalkForwardRetrainer.history}. */
export interface RetrainRecord {
  readonly atTsMs: number;
  readonly prices: number;
  readonly path: string;
  /** `served`: swapped in; `no-edge`: not promoted (did not beat always-up); `refused`: failed the contract. */
  readonly status: 'served' | 'no-edge' | 'refused';
  /** Pooled walk-forward log loss of the new model and of always-up, on data before `atTsMs` only. */
  readonly logLoss: number;
  readonly alwaysUpLogLoss: number;
}

/**
 * Walk-forward retraining of the sequence model inside a run: it keeps every price the runtime
 * saw (one number and one timestamp per tick, amortised O(1)) and, every `everyMs` of market
 * time, trains a new model on those prices only — strictly the past, so a backtest stays free of
 * look-ahead — and, when its walk-forward log loss beats always-up (`requireEdge`), validates it
 * against the model contract by hot-swapping it into the serving sequence model (a bad model
 * leaves the old one serving). Every retraining is journaled as an alert. Training is
 * seeded, so a backtest with retraining is as deterministic as one without.
 *
 * @example
 * const retrainer = new WalkForwardRetrainer({ everyMs: parseRetrainPeriod('1y'), sequence, dir: 'runs/1/models' });
 * const runtime = new OmniRuntime({ ...components, training: retrainer });
 */
export class WalkForwardRetrainer implements RetrainScheduler {
  readonly #options: WalkForwardRetrainerOptions;
  readonly #minPrices: number;
  readonly #ts: number[] = [];
  readonly #prices: number[] = [];
  readonly #history: RetrainRecord[] = [];
  #symbol = '';
  #nextDueMs = Number.NaN;

  constructor(options: WalkForwardRetrainerOptions) {
    if (!(options.everyMs > 0)) {
      throw new RuntimeError('RUNTIME_BAD_INPUT', 'the retraining period must be positive', {
        everyMs: options.everyMs,
      });
    }
    this.#options = options;
    this.#minPrices = options.minPrices ?? 500;
  }

  /** Every retraining so far. */
  get history(): readonly RetrainRecord[] {
    return this.#history;
  }

  observe(tick: Tick): void {
    if (this.#ts.length === 0) {
      this.#symbol = tick.symbol;
      this.#nextDueMs = tick.tsMs + this.#options.everyMs;
    }
    if (tick.symbol !== this.#symbol) return; // one series: the traded symbol
    this.#ts.push(tick.tsMs);
    this.#prices.push(tick.price);
  }

  async maybeRetrain(nowMs: number): Promise<void> {
    if (!(nowMs >= this.#nextDueMs) || this.#prices.length < this.#minPrices) return;
    this.#nextDueMs = nowMs + this.#options.everyMs;
    const day = new Date(nowMs).toISOString().slice(0, 10);
    const path = join(this.#options.dir, `wf-${day}.onnx`);
    const train = this.#options.train ?? trainSequenceModel;
    let trained: TrainedSequenceModel;
    try {
      trained = train(
        [
          {
            symbol: this.#symbol,
            tsMs: Float64Array.from(this.#ts),
            prices: Float64Array.from(this.#prices),
          },
        ],
        { seed: `walk-forward/${day}`, ...this.#options.trainer },
      );
      mkdirSync(this.#options.dir, { recursive: true });
      writeFileSync(path, trained.onnx);
    } catch (err) {
      this.#alert(
        nowMs,
        'warn',
        'MODEL_TRAINING_FAILED',
        `walk-forward retraining on ${day} failed; the serving model stays`,
        {
          error: err instanceof Error ? err.message : String(err),
        },
      );
      return;
    }
    const o = trained.report.outOfSample;
    const context = {
      file: `wf-${day}.onnx`,
      logLoss: o.model.logLoss,
      alwaysUpLogLoss: o.alwaysUp.logLoss,
      verdict: trained.report.verdict,
    };
    const base = {
      atTsMs: nowMs,
      prices: this.#prices.length,
      path,
      logLoss: o.model.logLoss,
      alwaysUpLogLoss: o.alwaysUp.logLoss,
    };
    if ((this.#options.requireEdge ?? true) && !(o.model.logLoss < o.alwaysUp.logLoss)) {
      this.#history.push({ ...base, status: 'no-edge' });
      this.#alert(
        nowMs,
        'info',
        'MODEL_NOT_PROMOTED',
        `walk-forward model of ${day} shows no edge over always-up; the serving model stays`,
        context,
      );
      return;
    }
    const swap = await this.#options.sequence.swapModel(path);
    this.#history.push({ ...base, status: swap.ok ? 'served' : 'refused' });
    if (swap.ok) {
      this.#alert(
        nowMs,
        'info',
        'MODEL_RETRAINED',
        `walk-forward model trained on ${base.prices} prices up to ${day} is serving`,
        context,
      );
    } else {
      this.#alert(
        nowMs,
        'warn',
        swap.error.code,
        `walk-forward model of ${day} was refused: ${swap.error.shortMessage}`,
        context,
      );
    }
  }

  #alert(
    tsMs: number,
    level: Alert['level'],
    code: string,
    message: string,
    context: Record<string, unknown>,
  ): void {
    this.#options.onAlert?.({ tsMs, level, code, message, source: 'WalkForwardRetrainer', context });
  }
}
