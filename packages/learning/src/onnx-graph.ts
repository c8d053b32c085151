import { ModelError } from '@omni/core';
import { MODEL_CONTRACT } from '@omni/sequence';
import { ONNX_ATTRIBUTE_TYPE, ONNX_DATA_TYPE, onnxMessage } from './onnx-schema.js';

/** ONNX IR version written by the exporter (IR 8, ONNX 1.10), supported by onnxruntime-node 1.30. */
export const ONNX_IR_VERSION = 8;
/** Default-domain opset the exported graphs use (Gemm, Tanh, Sigmoid, LSTM, Transpose, Unsqueeze, Squeeze). */
export const ONNX_OPSET = 17;

/** The value of a node attribute. */
export type AttributeValue = number | string | { readonly f: number } | { readonly ints: readonly number[] };

/** One graph node: an operator with named inputs/outputs and float/int attributes. */
export interface GraphNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** `number` is an INT attribute, `{ f }` a FLOAT, `{ ints }` an INTS, `string` a STRING. */
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

/** A float32 constant (weights) of the graph. */
export interface FloatInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly values: ArrayLike<number>;
}

/** Everything needed to encode a model that follows the sequence-model contract. */
export interface SequenceGraph {
  /** N: the fixed window dimension of input `window` ([batch, N]). */
  readonly windowLength: number;
  /** Which declared input shape to write; the contract is [batch, N]. Tests use others to check validation. */
  readonly inputShape?: readonly (number | string)[];
  readonly nodes: readonly GraphNode[];
  readonly floats: readonly FloatInitializer[];
  /** int64 constants (e.g. Unsqueeze axes). */
  readonly int64s?: readonly { readonly name: string; readonly values: readonly number[] }[];
  /** Extra `metadata_props` (the contract id and window are always written). */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly graphName: string;
  readonly docString?: string;
}

/**
 * Encodes a graph as an ONNX ModelProto (IR 8, opset 17) with input `window` float32 [batch, N] and
 * output `prob_up` float32 [batch, 1]. Why: the exporter and every test fixture produce contract models
 * through one path, written with protobufjs from the ONNX schema in `onnx-schema.ts`.
 */
export function encodeSequenceGraph(graph: SequenceGraph): Uint8Array {
  const inputShape = graph.inputShape ?? ['batch', graph.windowLength];
  const initializer = [
    ...graph.floats.map((f) => {
      const size = f.dims.reduce((a, b) => a * b, 1);
      if (size !== f.values.length) {
        throw new ModelError(
          'MODEL_TRAINING_FAILED',
          'an ONNX initializer does not hold as many values as its dims say',
          {
            initializer: f.name,
            dims: f.dims.join('x'),
            expected: size,
            values: f.values.length,
          },
        );
      }
      return {
        name: f.name,
        dims: [...f.dims],
        dataType: ONNX_DATA_TYPE.FLOAT,
        floatData: Array.from(f.values),
      };
    }),
    ...(graph.int64s ?? []).map((t) => ({
      name: t.name,
      dims: [t.values.length],
      dataType: ONNX_DATA_TYPE.INT64,
      int64Data: [...t.values],
    })),
  ];
  const metadata: Record<string, string> = {
    [MODEL_CONTRACT.metadataKeys.contract]: MODEL_CONTRACT.id,
    [MODEL_CONTRACT.metadataKeys.window]: String(graph.windowLength),
    [MODEL_CONTRACT.metadataKeys.normalisation]: MODEL_CONTRACT.normalisation,
    ...graph.metadata,
  };
  const model = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: '@omni/learning',
    producerVersion: '0',
    docString: graph.docString ?? '',
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: graph.graphName,
      node: graph.nodes.map((n, i) => ({
        name: `${n.op.toLowerCase()}_${i}`,
        opType: n.op,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attributes ?? {}).map(([name, value]) => attribute(name, value)),
      })),
      initializer,
      input: [tensorValueInfo(MODEL_CONTRACT.inputName, inputShape)],
      output: [tensorValueInfo(MODEL_CONTRACT.outputName, ['batch', 1])],
    },
  };
  return onnxMessage('ModelProto').encode(model).finish();
}

function attribute(name: string, value: AttributeValue): Record<string, unknown> {
  const T = ONNX_ATTRIBUTE_TYPE;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if ('f' in value) return { name, type: T.FLOAT, f: value.f };
  return { name, type: T.INTS, ints: [...value.ints] };
}

function tensorValueInfo(name: string, shape: readonly (number | string)[]): Record<string, unknown> {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_DATA_TYPE.FLOAT,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
