import { ModelError } from '@omni/core';
import { MomentumSequenceModel, normaliseWindow } from '@omni/sequence';
import type { PriceSeries } from './price-series.js';

/** Options of {@link buildDirectionDataset}. */
export interface DirectionDatasetOptions {
  /** N: prices per input window. */
  readonly windowLength: number;
  /** h: the label is the sign of the return from the window's last price to the price h steps later. */
  readonly horizon: number;
}

/**
 * Supervised samples for the direction model, one per (symbol, t) with a full window and a full horizon.
 * Inputs only use prices at indices ≤ t; the label only uses the price at t + h (strictly later data).
 */
export interface DirectionDataset {
  readonly windowLength: number;
  readonly horizon: number;
  readonly size: number;
  /** `size × N` normalised windows (model-contract normalisation). */
  readonly features: Float32Array;
  /** 1 when p[t+h] > p[t], else 0. */
  readonly labels: Uint8Array;
  /** Timestamp of the window's last price (decision time). */
  readonly decisionTsMs: Float64Array;
  /** Timestamp of the price that decides the label. */
  readonly labelTsMs: Float64Array;
  /** The momentum default's probUp on the raw window (baseline). */
  readonly momentumProb: Float64Array;
  /** Raw price windows (views into the series, oldest first) for evaluating ONNX models. */
  readonly windows: readonly Float64Array[];
}

/**
 * Builds the dataset from one or more series (e.g. six FX pairs). Why: one normalisation for training and
 * serving (`normaliseWindow` from @omni/sequence), and labels that can never leak into inputs.
 */
export function buildDirectionDataset(
  series: readonly PriceSeries[],
  options: DirectionDatasetOptions,
): DirectionDataset {
  const { windowLength: n, horizon: h } = options;
  if (!Number.isInteger(n) || n < 4) {
    throw new ModelError('MODEL_BAD_OPTION', 'windowLength must be an integer >= 4', { windowLength: n });
  }
  if (!Number.isInteger(h) || h < 1) {
    throw new ModelError('MODEL_BAD_OPTION', 'horizon must be an integer >= 1', { horizon: h });
  }
  let size = 0;
  for (const s of series) size += Math.max(0, s.prices.length - n - h + 1);
  const features = new Float32Array(size * n);
  const labels = new Uint8Array(size);
  const decisionTsMs = new Float64Array(size);
  const labelTsMs = new Float64Array(size);
  const momentumProb = new Float64Array(size);
  const windows: Float64Array[] = [];
  const momentum = new MomentumSequenceModel();
  let row = 0;
  for (const s of series) {
    for (let t = n - 1; t + h < s.prices.length; t++) {
      const window = s.prices.subarray(t - n + 1, t + 1);
      normaliseWindow(window, n, features, row * n);
      labels[row] = (s.prices[t + h] as number) > (s.prices[t] as number) ? 1 : 0;
      decisionTsMs[row] = s.tsMs[t] as number;
      labelTsMs[row] = s.tsMs[t + h] as number;
      momentumProb[row] = momentum.predictDirection(window);
      windows.push(window);
      row++;
    }
  }
  return {
    windowLength: n,
    horizon: h,
    size,
    features,
    labels,
    decisionTsMs,
    labelTsMs,
    momentumProb,
    windows,
  };
}
