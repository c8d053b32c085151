import { describe, expect, it } from 'vitest';
import { encodeSequenceGraph, type SequenceGraph } from './onnx-graph.js';
import { onnxMessage } from './onnx-schema.js';

/** A graph that uses every kind of value the exporter writes (all attribute types, negative and > 2^32 int64s). */
const EVERY_FIELD: SequenceGraph = {
  graphName: 'g',
  windowLength: 2,
  inputShape: [1, 2],
  docString: 'doc',
  nodes: [
    {
      op: 'X',
      inputs: ['window'],
      outputs: ['prob_up'],
      attributes: { s: 'tx', f: { f: 0.25 }, i: -3, ints: { ints: [1, -2, 300_000_000_000] } },
    },
  ],
  floats: [{ name: 'w', dims: [2], values: [1.5, -2] }],
  int64s: [{ name: 'k', values: [-1, 2 ** 40] }],
  metadata: { m: 'v' },
};

/** The same graph as encoded by the generated onnx-proto 8.0.1 bindings on protobufjs 6.11 (before the switch). */
const EVERY_FIELD_LEGACY_HEX =
  '0808120e406f6d6e692f6c6561726e696e671a01303203646f633ad2010a630a0677696e646f77120770726f625f75701a03785f30' +
  '2201582a0a0a017322027478a001032a0b0a0166150000803ea001012a110a016918fdffffffffffffffff01a001022a1c0a04696e' +
  '7473421101feffffffffffffffff0180f092cbdd08a001071201672a120a0102100122080000c03f000000c04201772a1a0a010210' +
  '073a10ffffffffffffffffff0180808080802042016b5a180a0677696e646f77120e0a0c080112080a0208010a020802621e0a0770' +
  '726f625f757012130a110801120d0a07120562617463680a02080142040a001011721c0a0d6f6d6e692e636f6e7472616374120b6f' +
  '6d6e692d7365712d763172100a0b6f6d6e692e77696e646f77120132722d0a126f6d6e692e6e6f726d616c69736174696f6e12176c' +
  '6f672d72656c61746976652d766f6c2d7363616c656472060a016d120176';

/** A minimal graph without a doc string, encoded by the legacy bindings. */
const MINIMAL: SequenceGraph = {
  graphName: 'g',
  windowLength: 2,
  nodes: [{ op: 'Sigmoid', inputs: ['window'], outputs: ['prob_up'] }],
  floats: [],
};
const MINIMAL_LEGACY_HEX =
  '0808120e406f6d6e692f6c6561726e696e671a013032003a690a250a0677696e646f77120770726f625f75701a097369676d6f6964' +
  '5f3022075369676d6f69641201675a1d0a0677696e646f7712130a110801120d0a07120562617463680a020802621e0a0770726f62' +
  '5f757012130a110801120d0a07120562617463680a02080142040a001011721c0a0d6f6d6e692e636f6e7472616374120b6f6d6e69' +
  '2d7365712d763172100a0b6f6d6e692e77696e646f77120132722d0a126f6d6e692e6e6f726d616c69736174696f6e12176c6f672d' +
  '72656c61746976652d766f6c2d7363616c6564';

const ModelProto = onnxMessage('ModelProto');
const decode = (bytes: Uint8Array) =>
  ModelProto.toObject(ModelProto.decode(bytes), {
    defaults: true,
    longs: Number,
    bytes: String,
    arrays: true,
  });

describe('ONNX schema on protobufjs 8', () => {
  it('writes a model that decodes to the same ModelProto as the legacy onnx-proto bindings', () => {
    const legacy = Buffer.from(EVERY_FIELD_LEGACY_HEX, 'hex');
    expect(decode(encodeSequenceGraph(EVERY_FIELD))).toEqual(decode(legacy));
    expect(decode(encodeSequenceGraph(MINIMAL))).toEqual(decode(Buffer.from(MINIMAL_LEGACY_HEX, 'hex')));
  });

  it('differs from the legacy bytes only by leaving out the empty doc_string and opset domain (proto3 defaults)', () => {
    // legacy: producer_version "0" then doc_string "" (32 00); opset_import {domain "" (0a 00), version 17 (10 11)}
    const expected = MINIMAL_LEGACY_HEX.replace('1a01303200', '1a0130').replace('42040a001011', '42021011');
    expect(Buffer.from(encodeSequenceGraph(MINIMAL)).toString('hex')).toBe(expected);
  });

  it('keeps the numbers: IR 8, opset 17, float32 weights and signed 64-bit integers', () => {
    const model = decode(encodeSequenceGraph(EVERY_FIELD));
    expect(model.irVersion).toBe(8);
    expect(model.opsetImport).toEqual([{ domain: '', version: 17 }]);
    const [w, k] = model.graph.initializer;
    expect(w).toMatchObject({ name: 'w', dims: [2], dataType: 1, floatData: [1.5, -2] });
    expect(k).toMatchObject({ name: 'k', dims: [2], dataType: 7, int64Data: [-1, 2 ** 40] });
    const attributes = model.graph.node[0].attribute;
    expect(attributes.map((a: { name: string; type: number }) => [a.name, a.type])).toEqual([
      ['s', 3],
      ['f', 1],
      ['i', 2],
      ['ints', 7],
    ]);
    expect(attributes[2].i).toBe(-3);
    expect(attributes[3].ints).toEqual([1, -2, 300_000_000_000]);
    expect(model.graph.input[0].type.tensorType.shape.dim).toMatchObject([{ dimValue: 1 }, { dimValue: 2 }]);
  });
});
