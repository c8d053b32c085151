import { encodeSequenceGraph } from './onnx-graph.js';
import type { SequenceMlp } from './sequence-mlp.js';

/** Facts about the training written into the model's `metadata_props`. */
export interface ExportMetadata {
  /** Label horizon in steps of the training series. */
  readonly horizon: number;
  /** Free-form extra entries (e.g. `omni.trained_on`). */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * Encodes a {@link SequenceMlp} as a contract ONNX model: Gemm → Tanh → Gemm → Sigmoid (or Gemm → Sigmoid
 * for logistic regression). Why: the shipped model must run in onnxruntime-node exactly as it was trained.
 */
export function exportSequenceMlpOnnx(model: SequenceMlp, metadata: ExportMetadata): Uint8Array {
  const { windowLength: n, hidden: h, params: p } = model;
  const meta = {
    'omni.horizon': String(metadata.horizon),
    'omni.architecture': h === 0 ? 'logistic' : `mlp-${h}`,
    ...metadata.extra,
  };
  if (h === 0) {
    return encodeSequenceGraph({
      graphName: 'omni_seq_logistic',
      windowLength: n,
      nodes: [
        { op: 'Gemm', inputs: ['window', 'w', 'b'], outputs: ['logit'] },
        { op: 'Sigmoid', inputs: ['logit'], outputs: ['prob_up'] },
      ],
      floats: [
        { name: 'w', dims: [n, 1], values: p.subarray(0, n) },
        { name: 'b', dims: [1], values: p.subarray(n, n + 1) },
      ],
      metadata: meta,
    });
  }
  const b1 = n * h;
  const w2 = b1 + h;
  return encodeSequenceGraph({
    graphName: 'omni_seq_mlp',
    windowLength: n,
    nodes: [
      { op: 'Gemm', inputs: ['window', 'w1', 'b1'], outputs: ['pre_hidden'] },
      { op: 'Tanh', inputs: ['pre_hidden'], outputs: ['hidden'] },
      { op: 'Gemm', inputs: ['hidden', 'w2', 'b2'], outputs: ['logit'] },
      { op: 'Sigmoid', inputs: ['logit'], outputs: ['prob_up'] },
    ],
    floats: [
      { name: 'w1', dims: [n, h], values: p.subarray(0, b1) },
      { name: 'b1', dims: [h], values: p.subarray(b1, w2) },
      { name: 'w2', dims: [h, 1], values: p.subarray(w2, w2 + h) },
      { name: 'b2', dims: [1], values: p.subarray(w2 + h, w2 + h + 1) },
    ],
    metadata: meta,
  });
}
