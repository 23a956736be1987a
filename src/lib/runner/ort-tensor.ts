/**
 * Moving data in and out of onnxruntime tensors, including float16, which needs care on Node 24.
 */
import ort from 'onnxruntime-node';
import { float16BitsToFloat32 } from '../onnx/float16.ts';

/**
 * A float16 tensor from raw half bits.
 *
 * Why the field write: Node 24 has a global Float16Array, so onnxruntime-common wraps a Uint16Array
 * in a Float16Array view, but onnxruntime-node's native binding (1.30) cannot read a Float16Array
 * (N-API has no such typed-array kind) and fails with "not enough space: expected N, got 0". Putting
 * the Uint16Array back as the tensor's CPU data is what the binding reads correctly.
 */
export function float16Tensor(bits: Uint16Array, dims: readonly number[]): ort.Tensor {
  const tensor = new ort.Tensor('float16', bits, dims);
  if (!(tensor.data instanceof Uint16Array)) {
    (tensor as unknown as { cpuData: Uint16Array }).cpuData = bits;
  }
  return tensor;
}

/** Data of an input tensor: its element type follows the array (Uint16Array: float16 half bits). */
export type FeedData = Float32Array | Uint16Array | Uint8Array | Int32Array | BigInt64Array;

/** An input tensor of the model's dtype: float32, float16 as raw half bits, uint8, int32 or int64. */
export function inputTensor(data: FeedData, dims: readonly number[]): ort.Tensor {
  if (data instanceof Uint16Array) return float16Tensor(data, dims);
  if (data instanceof Uint8Array) return new ort.Tensor('uint8', data, dims);
  if (data instanceof Int32Array) return new ort.Tensor('int32', data, dims);
  if (data instanceof BigInt64Array) return new ort.Tensor('int64', data, dims);
  return new ort.Tensor('float32', data, dims);
}

/** Reads a float tensor output (float32, float16 or float64) as a Float32Array. */
export function tensorToFloat32(tensor: ort.Tensor, name = 'output'): Float32Array {
  const data: unknown = tensor.data;
  if (data instanceof Float32Array) return data;
  if (tensor.type === 'float16') {
    if (data instanceof Uint16Array) return float16BitsToFloat32(data);
    // A Float16Array (Node 24): Float32Array.from converts element values.
    return Float32Array.from(data as ArrayLike<number>);
  }
  if (data instanceof Float64Array || data instanceof Int32Array || data instanceof Uint8Array) {
    return Float32Array.from(data);
  }
  if (data instanceof BigInt64Array) return Float32Array.from(data, (v) => Number(v));
  throw new Error(`${name}: tensor of type ${tensor.type} cannot be read as numbers`);
}
