import type { Rng } from '@omni/core';
import { Adam } from './adam.js';

/**
 * Weights of the direction network p = σ(W2·tanh(W1ᵀx + b1) + b2), or p = σ(wᵀx + b) when `hidden` is 0
 * (logistic regression). Why: small enough to train in seconds in TypeScript and export exactly to ONNX.
 * All weights live in one flat vector `params` (for Adam); layout: W1 [N×H] row-major, b1 [H], W2 [H], b2 [1]
 * (logistic: w [N], b [1]).
 */
export interface SequenceMlp {
  readonly windowLength: number;
  readonly hidden: number;
  readonly params: Float64Array;
}

/** Number of parameters of a network with window N and H hidden units. */
export function sequenceMlpSize(windowLength: number, hidden: number): number {
  return hidden === 0 ? windowLength + 1 : windowLength * hidden + hidden + hidden + 1;
}

/**
 * A network with Glorot-uniform weights (Glorot & Bengio, 2010) drawn from `rng`, zero biases.
 * Why: seeded initialisation makes training reproducible run to run.
 */
export function initSequenceMlp(windowLength: number, hidden: number, rng: Rng): SequenceMlp {
  const params = new Float64Array(sequenceMlpSize(windowLength, hidden));
  if (hidden === 0) {
    const limit = Math.sqrt(6 / (windowLength + 1));
    for (let i = 0; i < windowLength; i++) params[i] = rng.range(-limit, limit);
  } else {
    const l1 = Math.sqrt(6 / (windowLength + hidden));
    for (let i = 0; i < windowLength * hidden; i++) params[i] = rng.range(-l1, l1);
    const l2 = Math.sqrt(6 / (hidden + 1));
    const w2 = windowLength * hidden + hidden;
    for (let j = 0; j < hidden; j++) params[w2 + j] = rng.range(-l2, l2);
  }
  return { windowLength, hidden, params };
}

/**
 * The network's probUp for the normalised window `x[offset..offset+N)`, in float64.
 * Why: the reference forward pass the ONNX export is tested against.
 */
export function sequenceMlpForward(model: SequenceMlp, x: ArrayLike<number>, offset = 0): number {
  const { windowLength: n, hidden: h, params: p } = model;
  let z: number;
  if (h === 0) {
    z = p[n] as number;
    for (let i = 0; i < n; i++) z += (p[i] as number) * (x[offset + i] as number);
  } else {
    const b1 = n * h;
    const w2 = b1 + h;
    z = p[w2 + h] as number;
    for (let j = 0; j < h; j++) {
      let a = p[b1 + j] as number;
      for (let i = 0; i < n; i++) a += (p[i * h + j] as number) * (x[offset + i] as number);
      z += (p[w2 + j] as number) * Math.tanh(a);
    }
  }
  return 1 / (1 + Math.exp(-z));
}

/** Options of {@link trainSequenceMlp}. */
export interface TrainSequenceMlpOptions {
  /** Hidden units; 0 = logistic regression. Default 8. */
  hidden?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** L2 penalty λ on weights (not biases): loss += λ/2·‖W‖². Default 1e-3. */
  l2?: number;
  /** Seeded stream for initialisation and shuffling. */
  rng: Rng;
}

/**
 * Fits the network by mini-batch Adam on mean binary cross-entropy + L2, then rounds every weight to
 * float32 (the precision of the ONNX export, so both forward passes use identical weights).
 * `features` holds `rows.length` windows of N values; `labels[row]` is 1 for up, 0 otherwise.
 * Why: the trainer the project ships; deterministic given the rng.
 */
export function trainSequenceMlp(
  features: Float32Array,
  labels: Uint8Array,
  rows: Uint32Array,
  windowLength: number,
  options: TrainSequenceMlpOptions,
): SequenceMlp {
  const hidden = options.hidden ?? 8;
  const epochs = options.epochs ?? 30;
  const batchSize = options.batchSize ?? 64;
  const l2 = options.l2 ?? 1e-3;
  const model = initSequenceMlp(windowLength, hidden, options.rng.fork('init'));
  const shuffle = options.rng.fork('shuffle');
  const adam = new Adam(model.params.length, { learningRate: options.learningRate ?? 3e-3 });
  const grad = new Float64Array(model.params.length);
  const act = new Float64Array(Math.max(hidden, 1));
  const order = Uint32Array.from(rows);
  const n = windowLength;
  const p = model.params;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = shuffle.int(0, i + 1);
      const t = order[i] as number;
      order[i] = order[j] as number;
      order[j] = t;
    }
    for (let start = 0; start < order.length; start += batchSize) {
      const end = Math.min(order.length, start + batchSize);
      grad.fill(0);
      for (let k = start; k < end; k++) {
        const row = order[k] as number;
        const off = row * n;
        const y = labels[row] as number;
        if (hidden === 0) {
          const d = sequenceMlpForward(model, features, off) - y;
          for (let i = 0; i < n; i++) grad[i] = (grad[i] as number) + d * (features[off + i] as number);
          grad[n] = (grad[n] as number) + d;
          continue;
        }
        const b1 = n * hidden;
        const w2 = b1 + hidden;
        let z = p[w2 + hidden] as number;
        for (let j = 0; j < hidden; j++) {
          let a = p[b1 + j] as number;
          for (let i = 0; i < n; i++) a += (p[i * hidden + j] as number) * (features[off + i] as number);
          act[j] = Math.tanh(a);
          z += (p[w2 + j] as number) * (act[j] as number);
        }
        const d = 1 / (1 + Math.exp(-z)) - y;
        grad[w2 + hidden] = (grad[w2 + hidden] as number) + d;
        for (let j = 0; j < hidden; j++) {
          const aj = act[j] as number;
          grad[w2 + j] = (grad[w2 + j] as number) + d * aj;
          const da = d * (p[w2 + j] as number) * (1 - aj * aj);
          grad[b1 + j] = (grad[b1 + j] as number) + da;
          for (let i = 0; i < n; i++)
            grad[i * hidden + j] = (grad[i * hidden + j] as number) + da * (features[off + i] as number);
        }
      }
      const m = end - start;
      for (let i = 0; i < grad.length; i++) grad[i] = (grad[i] as number) / m;
      addL2(grad, p, l2, n, hidden);
      adam.step(p, grad);
    }
  }
  for (let i = 0; i < p.length; i++) p[i] = Math.fround(p[i] as number);
  return model;
}

function addL2(grad: Float64Array, p: Float64Array, l2: number, n: number, hidden: number): void {
  if (l2 === 0) return;
  if (hidden === 0) {
    for (let i = 0; i < n; i++) grad[i] = (grad[i] as number) + l2 * (p[i] as number);
    return;
  }
  for (let i = 0; i < n * hidden; i++) grad[i] = (grad[i] as number) + l2 * (p[i] as number);
  const w2 = n * hidden + hidden;
  for (let j = 0; j < hidden; j++) grad[w2 + j] = (grad[w2 + j] as number) + l2 * (p[w2 + j] as number);
}
