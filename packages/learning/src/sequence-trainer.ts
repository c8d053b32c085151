import { Rng } from '@omni/core';
import { buildDirectionDataset, type DirectionDataset } from './direction-dataset.js';
import { type ProbabilityScores, scoreProbabilities } from './evaluation.js';
import type { PriceSeries } from './price-series.js';
import { type SequenceMlp, sequenceMlpForward, trainSequenceMlp } from './sequence-mlp.js';
import { exportSequenceMlpOnnx } from './sequence-mlp-onnx.js';
import { walkForwardFolds } from './walk-forward.js';

/** Options of {@link trainSequenceModel}; every field has a default. */
export interface SequenceTrainerOptions {
  windowLength?: number;
  horizon?: number;
  /** Hidden units; 0 = logistic regression. */
  hidden?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  l2?: number;
  folds?: number;
  testFraction?: number;
  seed?: number | string;
}

/** Scores of the model and its two naive baselines on the same out-of-sample rows. */
export interface ComparedScores {
  readonly model: ProbabilityScores;
  /**
   * Always-up: accuracy is the share of up labels; log loss and Brier use the constant forecast
   * p = share of up labels in the training rows (the best constant known at training time).
   */
  readonly alwaysUp: ProbabilityScores;
  /** The momentum default of @omni/sequence on the raw windows. */
  readonly momentum: ProbabilityScores;
}

/** The honest evaluation written beside the model. */
export interface TrainingReport {
  readonly contract: 'omni-seq-v1';
  readonly options: Required<Omit<SequenceTrainerOptions, 'seed'>> & { readonly seed: string };
  readonly data: {
    readonly symbols: readonly string[];
    readonly rows: number;
    readonly firstTsMs: number;
    readonly lastTsMs: number;
    readonly upShare: number;
  };
  readonly folds: readonly (ComparedScores & { readonly testFromTsMs: number; readonly trainRows: number })[];
  /** All folds' test rows pooled. */
  readonly outOfSample: ComparedScores;
  /** One sentence derived from the numbers (no edge is claimed unless log loss beats both baselines). */
  readonly verdict: string;
}

/** A trained, exported model with its report. */
export interface TrainedSequenceModel {
  readonly model: SequenceMlp;
  readonly onnx: Uint8Array;
  readonly report: TrainingReport;
  readonly dataset: DirectionDataset;
}

/** Log-loss margin by which the model must beat both baselines before the verdict calls it an edge. */
export const EDGE_LOG_LOSS_MARGIN = 0.002;

/**
 * The built-in trainer: dataset → walk-forward evaluation (model vs always-up vs momentum, out of sample)
 * → final fit on all rows → ONNX export. Why: the project ships a model it trained itself, with numbers
 * that say how good it is; deterministic for a given seed.
 *
 * @example
 * const { onnx, report } = trainSequenceModel([readPriceCsv('EURUSD.csv', 'EURUSD')], { seed: 7 });
 */
export function trainSequenceModel(
  series: readonly PriceSeries[],
  options: SequenceTrainerOptions = {},
): TrainedSequenceModel {
  const opts = {
    windowLength: options.windowLength ?? 32,
    horizon: options.horizon ?? 5,
    hidden: options.hidden ?? 8,
    epochs: options.epochs ?? 20,
    batchSize: options.batchSize ?? 64,
    learningRate: options.learningRate ?? 3e-3,
    l2: options.l2 ?? 1e-2,
    folds: options.folds ?? 4,
    testFraction: options.testFraction ?? 0.4,
    seed: String(options.seed ?? 'omni-seq'),
  };
  const rng = new Rng(opts.seed);
  const dataset = buildDirectionDataset(series, opts);
  const fit = (rows: Uint32Array, label: string): SequenceMlp =>
    trainSequenceMlp(dataset.features, dataset.labels, rows, opts.windowLength, {
      ...opts,
      rng: rng.fork(label),
    });

  const folds = walkForwardFolds(dataset, opts);
  const pooledRows: number[] = [];
  const pooled = { model: [] as number[], alwaysUp: [] as number[], momentum: [] as number[] };
  const foldReports = folds.map((fold, k) => {
    const model = fit(fold.trainRows, `fold-${k}`);
    const base = upShare(dataset.labels, fold.trainRows);
    const probs = { model: [] as number[], alwaysUp: [] as number[], momentum: [] as number[] };
    for (const row of fold.testRows) {
      probs.model.push(sequenceMlpForward(model, dataset.features, row * opts.windowLength));
      probs.alwaysUp.push(base);
      probs.momentum.push(dataset.momentumProb[row] as number);
      pooledRows.push(row);
    }
    pooled.model.push(...probs.model);
    pooled.alwaysUp.push(...probs.alwaysUp);
    pooled.momentum.push(...probs.momentum);
    return {
      testFromTsMs: fold.testFromTsMs,
      trainRows: fold.trainRows.length,
      ...compare(probs, dataset.labels, fold.testRows),
    };
  });
  const outOfSample = compare(pooled, dataset.labels, pooledRows);
  const all = new Uint32Array(dataset.size);
  for (let i = 0; i < all.length; i++) all[i] = i;
  const model = fit(all, 'final');
  const onnx = exportSequenceMlpOnnx(model, {
    horizon: opts.horizon,
    extra: { 'omni.trained_on': series.map((s) => s.symbol).join(','), 'omni.seed': opts.seed },
  });
  const report: TrainingReport = {
    contract: 'omni-seq-v1',
    options: opts,
    data: {
      symbols: series.map((s) => s.symbol),
      rows: dataset.size,
      firstTsMs: Math.min(...series.map((s) => s.tsMs[0] ?? Number.POSITIVE_INFINITY)),
      lastTsMs: Math.max(...series.map((s) => s.tsMs[s.tsMs.length - 1] ?? 0)),
      upShare: upShare(dataset.labels, all),
    },
    folds: foldReports,
    outOfSample,
    verdict: verdict(outOfSample),
  };
  return { model, onnx, report, dataset };
}

function compare(
  probs: { model: number[]; alwaysUp: number[]; momentum: number[] },
  labels: Uint8Array,
  rows: ArrayLike<number>,
): ComparedScores {
  const alwaysUp = scoreProbabilities(probs.alwaysUp, labels, rows);
  return {
    model: scoreProbabilities(probs.model, labels, rows),
    alwaysUp: { ...alwaysUp, accuracy: upShare(labels, rows) },
    momentum: scoreProbabilities(probs.momentum, labels, rows),
  };
}

function upShare(labels: Uint8Array, rows: ArrayLike<number>): number {
  let ups = 0;
  for (let i = 0; i < rows.length; i++) ups += labels[rows[i] as number] as number;
  return rows.length ? ups / rows.length : 0.5;
}

function verdict(s: ComparedScores): string {
  const best = Math.min(s.alwaysUp.logLoss, s.momentum.logLoss);
  const f = (x: number): string => x.toFixed(4);
  const numbers = `out-of-sample log loss ${f(s.model.logLoss)} vs always-up ${f(s.alwaysUp.logLoss)} and momentum ${f(s.momentum.logLoss)}; accuracy ${f(s.model.accuracy)} vs ${f(s.alwaysUp.accuracy)} and ${f(s.momentum.accuracy)} (n = ${s.model.n})`;
  if (s.model.logLoss < best - EDGE_LOG_LOSS_MARGIN) {
    return `The model beats both naive baselines by more than ${EDGE_LOG_LOSS_MARGIN} log loss: ${numbers}. This is a statistical edge on past data, not a promise of profit after costs.`;
  }
  return `No demonstrated edge: ${numbers}. Treat the model as a calibrated near-coin-flip, not a signal.`;
}
