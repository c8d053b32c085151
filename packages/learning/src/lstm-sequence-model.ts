import type { Rng } from '@omni/core';
import { encodeSequenceGraph } from './onnx-graph.js';

/**
 * Weights of a one-layer LSTM direction model in ONNX layout (gate order i, o, f, c): the window is read
 * one normalised value per step, the last hidden state goes through a dense layer and a sigmoid.
 * Why: a second architecture built to the same contract, proving the adapter is not tied to the MLP.
 */
export interface LstmSequenceWeights {
  readonly windowLength: number;
  readonly hidden: number;
  /** W [4H] (input size 1). */
  readonly w: Float32Array;
  /** R [4H × H] row-major. */
  readonly r: Float32Array;
  /** B [8H]: Wb then Rb. */
  readonly b: Float32Array;
  /** Output dense weights [H] and bias [1]. */
  readonly outW: Float32Array;
  readonly outB: Float32Array;
}

/**
 * LSTM weights drawn uniformly in ±1/√H from `rng` (the PyTorch default initialisation).
 * Why: an untrained but real LSTM for contract and latency tests; training it is out of scope here.
 */
export function randomLstmSequenceWeights(
  windowLength: number,
  hidden: number,
  rng: Rng,
): LstmSequenceWeights {
  const k = 1 / Math.sqrt(hidden);
  const fill = (size: number): Float32Array => {
    const a = new Float32Array(size);
    for (let i = 0; i < size; i++) a[i] = rng.range(-k, k);
    return a;
  };
  return {
    windowLength,
    hidden,
    w: fill(4 * hidden),
    r: fill(4 * hidden * hidden),
    b: fill(8 * hidden),
    outW: fill(hidden),
    outB: fill(1),
  };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * The LSTM's probUp for the normalised window x[offset..offset+N), in float64, following the ONNX LSTM
 * equations (default activations σ, tanh, tanh; no peepholes). Why: reference for the exported graph.
 */
export function lstmSequenceForward(weights: LstmSequenceWeights, x: ArrayLike<number>, offset = 0): number {
  const { hidden: h, w, r, b } = weights;
  const hState = new Float64Array(h);
  const cState = new Float64Array(h);
  const gates = new Float64Array(4 * h);
  for (let t = 0; t < weights.windowLength; t++) {
    const xt = x[offset + t] as number;
    for (let g = 0; g < 4 * h; g++) {
      let s = (w[g] as number) * xt + (b[g] as number) + (b[4 * h + g] as number);
      for (let j = 0; j < h; j++) s += (r[g * h + j] as number) * (hState[j] as number);
      gates[g] = s;
    }
    for (let j = 0; j < h; j++) {
      const i = sigmoid(gates[j] as number);
      const o = sigmoid(gates[h + j] as number);
      const f = sigmoid(gates[2 * h + j] as number);
      const c = Math.tanh(gates[3 * h + j] as number);
      cState[j] = f * (cState[j] as number) + i * c;
      hState[j] = o * Math.tanh(cState[j] as number);
    }
  }
  let z = weights.outB[0] as number;
  for (let j = 0; j < h; j++) z += (weights.outW[j] as number) * (hState[j] as number);
  return sigmoid(z);
}

/**
 * Encodes the LSTM as a contract ONNX model: Transpose → Unsqueeze → LSTM → Squeeze → Gemm → Sigmoid.
 * Why: shows that any architecture honouring input `window` [batch, N] / output `prob_up` [batch, 1] plugs in.
 */
export function exportLstmSequenceOnnx(
  weights: LstmSequenceWeights,
  options: { inputShape?: readonly (number | string)[] } = {},
): Uint8Array {
  const { windowLength: n, hidden: h } = weights;
  return encodeSequenceGraph({
    graphName: 'omni_seq_lstm',
    windowLength: n,
    inputShape: options.inputShape,
    nodes: [
      { op: 'Transpose', inputs: ['window'], outputs: ['steps'], attributes: { perm: { ints: [1, 0] } } },
      { op: 'Unsqueeze', inputs: ['steps', 'axis2'], outputs: ['steps3'] },
      {
        op: 'LSTM',
        inputs: ['steps3', 'lstm_w', 'lstm_r', 'lstm_b'],
        outputs: ['lstm_y', 'lstm_h'],
        attributes: { hidden_size: h },
      },
      { op: 'Squeeze', inputs: ['lstm_h', 'axis0'], outputs: ['last_hidden'] },
      { op: 'Gemm', inputs: ['last_hidden', 'out_w', 'out_b'], outputs: ['logit'] },
      { op: 'Sigmoid', inputs: ['logit'], outputs: ['prob_up'] },
    ],
    floats: [
      { name: 'lstm_w', dims: [1, 4 * h, 1], values: weights.w },
      { name: 'lstm_r', dims: [1, 4 * h, h], values: weights.r },
      { name: 'lstm_b', dims: [1, 8 * h], values: weights.b },
      { name: 'out_w', dims: [h, 1], values: weights.outW },
      { name: 'out_b', dims: [1], values: weights.outB },
    ],
    int64s: [
      { name: 'axis2', values: [2] },
      { name: 'axis0', values: [0] },
    ],
    metadata: { 'omni.architecture': `lstm-${h}` },
  });
}
