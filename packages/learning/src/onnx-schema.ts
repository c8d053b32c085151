import { createRequire } from 'node:module';
import type * as protobufModule from 'protobufjs';

type Protobuf = typeof protobufModule;

/**
 * protobufjs, loaded on the first export: it is the heaviest module of the package and nothing but
 * the ONNX exporter needs it, so an engine that only runs (a backtest, each thread of a sweep) never
 * loads it. It is CommonJS, so `require` gives the module itself.
 */
let protobuf: Protobuf | undefined;
function loadProtobuf(): Protobuf {
  protobuf ??= createRequire(import.meta.url)('protobufjs') as Protobuf;
  return protobuf;
}

/**
 * The messages of `onnx/onnx.proto3` (ONNX 1.10.2, https://github.com/onnx/onnx/blob/v1.10.2/onnx/onnx.proto3)
 * that the exporter writes, with their original field numbers; fields it never sets are left out, which
 * does not change the encoding. Why a subset: the previous generated bindings (onnx-proto) pinned the
 * end-of-life protobufjs 6; parsing this text with the maintained protobufjs line writes the same bytes.
 */
export const ONNX_PROTO_SUBSET = `
syntax = "proto3";
package onnx;

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; SPARSE_TENSOR = 11;
    TYPE_PROTO = 13; FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10;
    SPARSE_TENSORS = 12; TYPE_PROTOS = 14;
  }
  string name = 1;
  AttributeType type = 20;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  repeated int64 ints = 8;
}

message ValueInfoProto {
  string name = 1;
  TypeProto type = 2;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
}

message ModelProto {
  int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  string producer_name = 2;
  string producer_version = 3;
  string doc_string = 6;
  GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}

message StringStringEntryProto {
  string key = 1;
  string value = 2;
}

message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}

message TensorProto {
  enum DataType {
    UNDEFINED = 0; FLOAT = 1; UINT8 = 2; INT8 = 3; UINT16 = 4; INT16 = 5; INT32 = 6; INT64 = 7;
    STRING = 8; BOOL = 9; FLOAT16 = 10; DOUBLE = 11; UINT32 = 12; UINT64 = 13; COMPLEX64 = 14;
    COMPLEX128 = 15; BFLOAT16 = 16;
  }
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  string name = 8;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    int32 elem_type = 1;
    TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}

message OperatorSetIdProto {
  string domain = 1;
  int64 version = 2;
}
`;

let root: protobufModule.Root | undefined;

/** The parsed `onnx` package of {@link ONNX_PROTO_SUBSET} (parsed once, on first use): look up message types by name. */
export function onnxProtoRoot(): protobufModule.Root {
  root ??= loadProtobuf().parse(ONNX_PROTO_SUBSET, { keepCase: false }).root;
  return root;
}

/** The message type `onnx.<name>` (e.g. `ModelProto`, `TensorShapeProto.Dimension`). */
export function onnxMessage(name: string): protobufModule.Type {
  return onnxProtoRoot().lookupType(`onnx.${name}`);
}

/** Numeric values of `TensorProto.DataType` the exporter writes. */
export const ONNX_DATA_TYPE = { FLOAT: 1, INT64: 7 } as const;

/** Numeric values of `AttributeProto.AttributeType` the exporter writes. */
export const ONNX_ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;
