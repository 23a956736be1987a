/**
 * The ONNX protobuf classes (protobufjs static code from `onnx-proto`, ONNX v1.10 schema).
 * The package is CommonJS with a single `onnx` namespace on its export object, so it is reached
 * through the default import.
 */
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
// Re-exported as a type namespace so callers can write `onnx.IModelProto` etc. without another import.
export type { onnx as OnnxTypes } from 'onnx-proto';

/** Element types as numbered in onnx.TensorProto.DataType. */
export const DATA_TYPE = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
} as const;

export type DType = keyof typeof DATA_TYPE;

const DTYPE_BY_CODE = new Map<number, DType>(
  Object.entries(DATA_TYPE).map(([name, code]) => [code, name as DType]),
);

/** Name for an ONNX element type code, e.g. 1 → 'float32'; unknown codes → 'type#<code>'. */
export function dtypeName(code: number): string {
  return DTYPE_BY_CODE.get(code) ?? `type#${code}`;
}

/** protobufjs decodes int64 fields as Long (the `long` package is installed) or number. */
export function toNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value == null) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}
