import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DecisionBrain, ManualClock, type OmniConfig, type Tick, writeJsonAtomic } from '@omni/core';
import type { FeatureExtractorOptions } from '@omni/features';
import type { PriceFeed } from '@omni/feeds';
import type { SafetyStatus } from '@omni/safety';
import type { FunnelSummary } from './decision-funnel.js';
import type { ModelledOperator, OperatorReviewPolicy } from './modelled-operator.js';
import { createOmniEngine } from './omni-engine.js';
import { type LoopProgress, omniMainLoop } from './omni-main-loop.js';
import type { PerformanceSummary } from './performance-recorder.js';

/** Options of a {@link BacktestEngine}. */
export interface BacktestEngineOptions {
  readonly config: OmniConfig;
  /** Symbol traded. Default `config.symbols[0]`. */
  readonly symbol?: string;
  /** ONNX model path; `null` = momentum only; default `config.seqModelOnnx ?? defaultModelPath()`. */
  readonly modelPath?: string | null;
  readonly features?: FeatureExtractorOptions;
  /** A custom brain instead of MasterGovernorX100. */
  readonly brain?: DecisionBrain;
  /** Human-readable name of the data (file path, feed name), recorded in summary.json. */
  readonly dataLabel?: string;
  /** Walk-forward retraining of the sequence model every this many ms of market time. Default off. */
  readonly retrainEveryMs?: number;
  /** Who lifts a tripped cooldown: `next-session` (default) or `never` (see {@link OperatorReviewPolicy}). */
  readonly operatorReview?: OperatorReviewPolicy;
}

/** Options of one {@link BacktestEngine.run}. */
export interface BacktestRunOptions {
  /** Directory for summary.json and the journals (created if needed). */
  readonly runDir: string;
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly onProgress?: (progress: LoopProgress) => void;
  readonly progressEvery?: number;
  readonly signal?: AbortSignal;
  /** Sees every tick the engine processes, in order (e.g. a PriceSketch that draws the report); O(1) a call. */
  readonly prices?: { add(tsMs: number, price: number): void };
}

/** `summary.json`: the metrics and how the run was made. */
export interface BacktestSummary extends PerformanceSummary {
  readonly run: {
    readonly mode: OmniConfig['mode'];
    readonly symbol: string;
    readonly data: string;
    readonly from: string | null;
    readonly to: string | null;
    readonly seed: number;
    readonly model: string;
    readonly decisions: number;
    /** Trades still open when the data ended: not settled, not counted in the metrics. */
    readonly openAtEnd: number;
  };
  /** SafetyManager at the end of the run: a tripped cooldown stays for the rest of a backtest. */
  readonly safety: {
    readonly mode: string;
    readonly cooldown: { readonly since: string; readonly limit: string; readonly reason: string } | null;
    /** Ticks on which no trading was allowed. */
    readonly blockedTicks: number;
    /** The modelled operator of a backtest: its policy and every review it made (null: no modelled operator). */
    readonly operatorReview: {
      readonly policy: OperatorReviewPolicy;
      readonly reviews: readonly { readonly at: string; readonly cleared: readonly string[] }[];
    } | null;
  };
  /**
   * Why the engine did or did not trade: every tick by the stage where it ended (they add up to
   * `ticks` of the run), per gate what the candidates it stopped would have done (counterfactual
   * outcomes, never in the metrics above), and per year.
   */
  readonly funnel: FunnelSummary;
  readonly config: OmniConfig;
}

/**
 * The specification's backtest: the whole engine (the same OmniRuntime as shadow and live) over a
 * recorded feed, on a ManualClock set from each tick, with the ShadowExecutionHub settling every
 * trade from later ticks. Deterministic: the same ticks, config and seed give byte-identical
 * `trades.jsonl`, `decisions.jsonl` and `counterfactual.jsonl`. Writes `summary.json` (with the
 * decision funnel), `trades.jsonl`, `decisions.jsonl`, `counterfactual.jsonl` and `alerts.jsonl`
 * into `runDir`.
 *
 * @example
 * const engine = new BacktestEngine({ config, symbol: 'EURUSD' });
 * const summary = await engine.run(new ReplayFeed({ path: bundledFxPath('EURUSD') }), { runDir: 'runs/1' });
 */
export class BacktestEngine {
  readonly #options: BacktestEngineOptions;

  constructor(options: BacktestEngineOptions) {
    this.#options = options;
  }

  /** Replays `feed` through the engine and returns (and writes) the summary. */
  async run(feed: PriceFeed | AsyncIterable<Tick>, options: BacktestRunOptions): Promise<BacktestSummary> {
    const { config } = this.#options;
    const symbol = this.#options.symbol ?? config.symbols[0] ?? 'EURUSD';
    const clock = new ManualClock(0);
    const engine = await createOmniEngine({
      config,
      runDir: options.runDir,
      clock,
      symbol,
      ...(this.#options.modelPath !== undefined ? { modelPath: this.#options.modelPath } : {}),
      ...(this.#options.features ? { features: this.#options.features } : {}),
      ...(this.#options.brain ? { brain: this.#options.brain } : {}),
      ...(this.#options.retrainEveryMs !== undefined ? { retrainEveryMs: this.#options.retrainEveryMs } : {}),
      operatorReview: this.#options.operatorReview ?? 'next-session',
      decisionJournal: config.journal?.decisions ?? 'actions',
      // A backtest is not resumable (a crash loses the run): its journals are buffered, flushed at the end.
      durableJournals: false,
    });
    const startable = 'start' in feed ? feed : undefined;
    try {
      await startable?.start();
      await omniMainLoop(feed, engine.runtime, {
        clock,
        ...(options.fromMs !== undefined ? { fromMs: options.fromMs } : {}),
        ...(options.toMs !== undefined ? { toMs: options.toMs } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.progressEvery !== undefined ? { progressEvery: options.progressEvery } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.prices ? { prices: options.prices } : {}),
      });
    } finally {
      await startable?.stop();
      await engine.close();
    }
    const summary: BacktestSummary = {
      ...engine.performance.summary(),
      run: {
        mode: config.mode,
        symbol,
        data: this.#options.dataLabel ?? ('name' in feed ? String(feed.name) : 'feed'),
        from: options.fromMs !== undefined ? new Date(options.fromMs).toISOString() : null,
        to: options.toMs !== undefined ? new Date(options.toMs).toISOString() : null,
        seed: config.seed,
        model: engine.modelName,
        decisions: engine.runtime.decisions,
        openAtEnd: engine.runtime.openTrades,
      },
      safety: safetySummary(engine.safety.status(), engine.runtime.blockedTicks, engine.operator),
      funnel: engine.runtime.funnel,
      config,
    };
    writeJsonAtomic(join(options.runDir, 'summary.json'), summary);
    // A run without trades or alerts still has those journals (empty), so readers need no special case.
    for (const name of ['trades.jsonl', 'alerts.jsonl', 'counterfactual.jsonl']) {
      appendFileSync(join(options.runDir, name), '');
    }
    return summary;
  }
}

/** The safety part of a run summary: the mode, the cooldown (when one is in force) and the blocked ticks. */
export function safetySummary(
  status: SafetyStatus,
  blockedTicks: number,
  operator?: ModelledOperator,
): BacktestSummary['safety'] {
  const c = status.cooldown;
  return {
    mode: status.mode,
    cooldown: c ? { since: new Date(c.tsMs).toISOString(), limit: c.limit, reason: c.reason } : null,
    blockedTicks,
    operatorReview: operator
      ? {
          policy: operator.policy,
          reviews: operator.reviews.map((r) => ({ at: new Date(r.tsMs).toISOString(), cleared: r.cleared })),
        }
      : null,
  };
}
