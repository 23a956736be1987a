/**
 * Tiny detection-shaped ONNX models: they take an image batch and produce outputs in a chosen
 * layout, so decoders, the pipeline and demos can be exercised end to end without real weights.
 *
 * For each output k and batch item b:
 *   out_k[b] = base_k + mean(images[b]) * shift_k
 * so the values are known exactly, yet depend on the image (a batch of different images gives
 * different outputs, which catches batch-indexing mistakes).
 */
import { attr, type Dim, ModelBuilder } from '../../src/lib/onnx/builder.ts';

export interface HeadOutput {
  name: string;
  /** Output dims without the batch dim, e.g. [84, 8400] for a YOLOv8 head. */
  dims: readonly number[];
  /** Values for one batch item, row-major over dims. */
  base: Float32Array;
  /** Added per unit of the image's mean input value; zeros when omitted. */
  shift?: Float32Array;
  dtype?: 'float32' | 'float16';
}

export interface HeadModelOptions {
  inputName?: string;
  /** Input dims [B, 3, H, W]; symbolic names allowed (default ['batch', 3, 'height', 'width']). */
  inputDims?: readonly Dim[];
  inputDtype?: 'float32' | 'float16';
  outputs: readonly HeadOutput[];
}

const FLOAT = 1;
const FLOAT16 = 10;

export function buildHeadModel(options: HeadModelOptions): Uint8Array {
  const input = options.inputName ?? 'images';
  const b = new ModelBuilder().input(
    input,
    options.inputDtype ?? 'float32',
    options.inputDims ?? ['batch', 3, 'height', 'width'],
  );
  let x = input;
  if (options.inputDtype === 'float16') {
    b.node('Cast', [input], ['images_f32'], { to: attr.int(FLOAT) });
    x = 'images_f32';
  }
  // [B, 1, 1, 1] per-image mean.
  b.node('ReduceMean', [x], ['image_mean'], { axes: attr.ints([1, 2, 3]), keepdims: attr.int(1) });
  for (const out of options.outputs) {
    const size = out.dims.reduce((p, d) => p * d, 1);
    if (out.base.length !== size)
      throw new Error(`head output '${out.name}': base has ${out.base.length} values, dims need ${size}`);
    const n = out.name;
    b.initializer(`${n}_base`, out.base, [1, ...out.dims]);
    b.initializer(`${n}_shift`, out.shift ?? new Float32Array(size), [1, ...out.dims]);
    b.initializer(
      `${n}_mean_shape`,
      new BigInt64Array([-1n, ...out.dims.map(() => 1n)]),
      [out.dims.length + 1],
      'int64',
    );
    b.node('Reshape', ['image_mean', `${n}_mean_shape`], [`${n}_mean`]);
    b.node('Mul', [`${n}_mean`, `${n}_shift`], [`${n}_delta`]);
    const f32 = out.dtype === 'float16' ? `${n}_f32` : n;
    b.node('Add', [`${n}_base`, `${n}_delta`], [f32]);
    if (out.dtype === 'float16') b.node('Cast', [f32], [n], { to: attr.int(FLOAT16) });
    b.output(n, out.dtype ?? 'float32', [options.inputDims?.[0] ?? 'batch', ...out.dims]);
  }
  return b.toBytes();
}
