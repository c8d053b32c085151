import { ModelError } from '@omni/core';
import { logReturnStd, MIN_STD } from './window-statistics.js';

/**
 * The ONNX sequence-model contract, version 1 (see docs/model-contract.md).
 * Why: one definition shared by the exporter (@omni/learning), the loader and external trainers.
 */
export const MODEL_CONTRACT = {
  /** Contract id written to the model's metadata_props under `omni.contract`. */
  id: 'omni-seq-v1',
  /** Input tensor: float32 `[batch, N]`, the normalised price window (see {@link normaliseWindow}). */
  inputName: 'window',
  /** Output tensor: float32 `[batch, 1]`, probability that the price rises over the horizon. */
  outputName: 'prob_up',
  /** Smallest window length a model may declare. */
  minWindow: 4,
  /** Largest window length a model may declare. */
  maxWindow: 4096,
  /** Metadata keys (ONNX `metadata_props`) the exporter writes; informative, not required. */
  metadataKeys: {
    contract: 'omni.contract',
    window: 'omni.window',
    horizon: 'omni.horizon',
    normalisation: 'omni.normalisation',
  },
  /** Name of the input normalisation, stored under `omni.normalisation`. */
  normalisation: 'log-relative-vol-scaled',
} as const;

/**
 * Writes the contract's normalised form of the last `n` prices of `window` into `out[offset..offset+n)`:
 * x[i] = (ln p[i] − ln p[n−1]) / max(σ, 1e-12), σ = sample std of the window's one-step log returns.
 * Why: scale-free input (any price level, any volatility) so one model serves every symbol; the
 * newest price maps to 0. Allocation-free; throws a ModelError for a short or non-positive window.
 */
export function normaliseWindow(
  window: ArrayLike<number>,
  n: number,
  out: Float32Array | Float64Array,
  offset = 0,
): void {
  const start = window.length - n;
  if (start < 0) {
    throw new ModelError('MODEL_INFERENCE_FAILED', `the model needs a window of ${n} prices`, {
      length: window.length,
      needed: n,
    });
  }
  const last = window[window.length - 1] as number;
  if (!(last > 0) || !Number.isFinite(last)) {
    throw new ModelError(
      'MODEL_INFERENCE_FAILED',
      'the newest price of the window is not a positive number',
      {
        price: last,
      },
    );
  }
  const sigma = Math.max(logReturnStd(window, start, window.length), MIN_STD);
  const logLast = Math.log(last);
  for (let i = 0; i < n; i++) {
    const p = window[start + i] as number;
    if (!(p > 0) || !Number.isFinite(p)) {
      throw new ModelError(
        'MODEL_INFERENCE_FAILED',
        'a price window holds a non-finite or non-positive price',
        {
          index: start + i,
          price: p,
        },
      );
    }
    out[offset + i] = (Math.log(p) - logLast) / sigma;
  }
}
