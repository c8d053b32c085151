import { MODEL_CONTRACT } from '@omni/sequence';
import * as onnxProtoModule from 'onnx-proto';

type OnnxNamespace = typeof onnxProtoModule.onnx;

/**
 * The generated protobuf classes of onnx-proto (ONNX 1.10 schema). The package is CommonJS with
 * `module.exports = { onnx }`: Node's ESM loader exposes it only as `default.onnx`, bundlers as `onnx`.
 */
const onnx: OnnxNamespace =
  (onnxProtoModule as { onnx?: OnnxNamespace }).onnx ??
  (onnxProtoModule as unknown as { default: { onnx: OnnxNamespace } }).default.onnx;

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
 * through one path, written with onnx-proto's generated protobuf classes.
 */
export function encodeSequenceGraph(graph: SequenceGraph): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const INT64 = onnx.TensorProto.DataType.INT64;
  const inputShape = graph.inputShape ?? ['batch', graph.windowLength];
  const initializer = [
    ...graph.floats.map((f) => {
      const size = f.dims.reduce((a, b) => a * b, 1);
      if (size !== f.values.length) {
        throw new RangeError(
          `initializer ${f.name}: dims [${f.dims.join(', ')}] hold ${size} values, got ${f.values.length}`,
        );
      }
      return onnx.TensorProto.create({
        name: f.name,
        dims: [...f.dims],
        dataType: FLOAT,
        floatData: Array.from(f.values),
      });
    }),
    ...(graph.int64s ?? []).map((t) =>
      onnx.TensorProto.create({
        name: t.name,
        dims: [t.values.length],
        dataType: INT64,
        int64Data: [...t.values],
      }),
    ),
  ];
  const metadata: Record<string, string> = {
    [MODEL_CONTRACT.metadataKeys.contract]: MODEL_CONTRACT.id,
    [MODEL_CONTRACT.metadataKeys.window]: String(graph.windowLength),
    [MODEL_CONTRACT.metadataKeys.normalisation]: MODEL_CONTRACT.normalisation,
    ...graph.metadata,
  };
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: ONNX_OPSET })],
    producerName: '@omni/learning',
    producerVersion: '0',
    docString: graph.docString ?? '',
    metadataProps: Object.entries(metadata).map(([key, value]) =>
      onnx.StringStringEntryProto.create({ key, value }),
    ),
    graph: onnx.GraphProto.create({
      name: graph.graphName,
      node: graph.nodes.map((n, i) =>
        onnx.NodeProto.create({
          name: `${n.op.toLowerCase()}_${i}`,
          opType: n.op,
          input: [...n.inputs],
          output: [...n.outputs],
          attribute: Object.entries(n.attributes ?? {}).map(([name, value]) => attribute(name, value)),
        }),
      ),
      initializer,
      input: [tensorValueInfo(MODEL_CONTRACT.inputName, inputShape)],
      output: [tensorValueInfo(MODEL_CONTRACT.outputName, ['batch', 1])],
    }),
  });
  return onnx.ModelProto.encode(model).finish();
}

function attribute(name: string, value: AttributeValue) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') {
    return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(value) });
  }
  if (typeof value === 'number') return onnx.AttributeProto.create({ name, type: T.INT, i: value });
  if ('f' in value) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: value.f });
  return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...value.ints] });
}

function tensorValueInfo(name: string, shape: readonly (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: shape.map((d) =>
            typeof d === 'number'
              ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
              : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
          ),
        }),
      }),
    }),
  });
}
