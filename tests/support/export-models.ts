/**
 * Tiny ONNX models with the exact published input/output signatures of detector exports whose
 * weights are not available here (D-FINE/DEIM/RT-DETRv2 two-input exports, the ONNX Model Zoo's
 * SSD-MobileNetV1-12, Faster R-CNN-12, SSD-12, YOLOv3-12 and Tiny-YOLOv3, RF-DETR). Their
 * outputs are constants chosen by the test, combined with the inputs the way the real graphs use
 * them (boxes scaled by orig_target_sizes or image_shape, a batch dim taken from the image), so
 * a runner that feeds an input wrongly gets different boxes.
 */
import { attr, type Dim, ModelBuilder } from '../../src/lib/onnx/builder.ts';

const FLOAT = 1;
const INT64 = 7;

export interface ExportOutput {
  name: string;
  /** Declared dims (symbolic names allowed). */
  dims: readonly Dim[];
  dtype: 'float32' | 'int64';
  /** Constant value without the batch dim (or the whole tensor when `batched` is false). */
  value: Float32Array;
  /** Shape of `value`. */
  shape: readonly number[];
  /** Broadcast over the image batch (prepends the batch dim). Default true. */
  batched?: boolean;
  /** Multiply by a size input tiled to the last dim: [a, b] → [a, b, a, b]. */
  scaleBy?: { input: string; dtype: 'int64' | 'int32' | 'float32' };
}

export interface ExportModelSpec {
  image: { name: string; dtype: 'float32' | 'uint8'; dims: readonly Dim[]; layout: 'NCHW' | 'NHWC' | 'CHW' };
  extra?: readonly { name: string; dtype: 'int64' | 'int32' | 'float32'; dims: readonly Dim[] }[];
  outputs: readonly ExportOutput[];
}

export function buildExportModel(spec: ExportModelSpec): Uint8Array {
  const b = new ModelBuilder({ opset: 17 });
  const img = spec.image;
  b.input(img.name, img.dtype, img.dims);
  for (const e of spec.extra ?? []) b.input(e.name, e.dtype, e.dims);
  let x = img.name;
  if (img.dtype === 'uint8') {
    b.node('Cast', [x], ['image_f'], { to: attr.int(FLOAT) });
    x = 'image_f';
  }
  // A per-image zero [B, 1] (or [1, 1] unbatched) to broadcast constants over the batch.
  const axes = img.layout === 'CHW' ? [0, 1, 2] : [1, 2, 3];
  b.node('ReduceMean', [x], ['image_mean'], { axes: attr.ints(axes), keepdims: attr.int(0) });
  b.initializer('zero', new Float32Array([0]), []);
  b.node('Mul', ['image_mean', 'zero'], ['zero_b']);
  b.initializer('unsq_axis', new BigInt64Array([-1n]), [1], 'int64');
  b.node('Unsqueeze', ['zero_b', 'unsq_axis'], ['zero_b1']); // [B, 1] or [1]
  for (const o of spec.outputs) {
    const n = o.name.replace(/[^A-Za-z0-9_]/g, '_');
    b.initializer(`${n}_value`, o.value, [...o.shape]);
    let v = `${n}_value`;
    if (o.batched ?? true) {
      // [B, 1] → [B, 1, ..., 1] to broadcast against [1, ...shape].
      b.initializer(
        `${n}_bshape`,
        new BigInt64Array([-1n, ...o.shape.map(() => 1n)]),
        [o.shape.length + 1],
        'int64',
      );
      b.node('Reshape', ['zero_b1', `${n}_bshape`], [`${n}_zero`]);
      b.node('Add', [`${n}_zero`, v], [`${n}_batched`]);
      v = `${n}_batched`;
    }
    if (o.scaleBy) {
      b.node('Cast', [o.scaleBy.input], [`${n}_size_f`], { to: attr.int(FLOAT) });
      b.node('Concat', [`${n}_size_f`, `${n}_size_f`], [`${n}_size4`], { axis: attr.int(-1) });
      // [B, 4] → [B, 1, 4] to scale [B, N, 4].
      b.initializer(`${n}_s_axis`, new BigInt64Array([1n]), [1], 'int64');
      b.node('Unsqueeze', [`${n}_size4`, `${n}_s_axis`], [`${n}_size4u`]);
      b.node('Mul', [v, `${n}_size4u`], [`${n}_scaled`]);
      v = `${n}_scaled`;
    }
    if (o.dtype === 'int64') b.node('Cast', [v], [o.name], { to: attr.int(INT64) });
    else b.node('Identity', [v], [o.name]);
    b.output(o.name, o.dtype, o.dims);
  }
  return b.toBytes();
}
