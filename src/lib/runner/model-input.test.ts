import { describe, expect, it } from 'vitest';
import { resolveInput } from './model-input.ts';

const input = (dims: (number | string)[], dtype = 'float32') => [{ name: 'images', dtype, dims }];

describe('resolveInput', () => {
  it('accepts matching fixed and symbolic dims, takes dtype from the model', () => {
    expect(resolveInput(input([1, 3, 640, 640], 'float16'), { size: [640, 640] }, 1)).toEqual({
      name: 'images',
      dtype: 'float16',
      layout: 'NCHW',
      batchSize: 1,
      fixedBatch: true,
      warmupSize: [640, 640],
      extras: [],
    });
    expect(
      resolveInput(input(['b', 3, 'h', 'w']), { dynamic: { maxSize: 512, stride: 32 } }, 1),
    ).toMatchObject({
      fixedBatch: false,
      warmupSize: [512, 512],
    });
  });

  it('refuses mismatches with messages naming the file and the dims', () => {
    const f = { file: 'm.onnx' };
    expect(() => resolveInput(input([1, 1, 64, 64]), { size: [64, 64] }, 1, f)).toThrow(
      "m.onnx: model input 'images' has 1 channels (dims [1,1,64,64], layout NCHW); expected 3",
    );
    expect(() => resolveInput(input([1, 3, 64, 64], 'uint8'), { size: [64, 64] }, 1, f)).toThrow(
      /'images' is uint8 \(the pixel bytes\): declare input dtype: uint8 and scale: 1/,
    );
    expect(() => resolveInput(input([1, 3, 64, 64]), { dynamic: { maxSize: 64, stride: 32 } }, 1, f)).toThrow(
      /variable input size \(dynamic\), but the model input has fixed dims \[1,3,64,64\]/,
    );
    expect(() =>
      resolveInput(input(['b', 3, 'h', 'w']), { dynamic: { maxSize: 64, stride: 32 } }, 4, f),
    ).toThrow(/batch 4 needs equal input sizes/);
    expect(() =>
      resolveInput(
        [...input([1, 3, 8, 8]), { name: 'orig_target_sizes', dtype: 'int64', dims: [1, 2] }],
        { size: [8, 8] },
        1,
        f,
      ),
    ).toThrow(
      "m.onnx: model has 2 inputs (images [1,3,8,8] float32, orig_target_sizes [1,2] int64); the manifest does not explain 'orig_target_sizes' [1,2] int64: declare it under input.extra (what the runner fills per image)",
    );
  });

  it('uses a fixed model batch over the requested one, with a warning', () => {
    const warnings: string[] = [];
    const r = resolveInput(input([8, 3, 32, 32]), { size: [32, 32], dtype: 'float16' }, 1, {
      logger: { warn: (m) => warnings.push(m) },
    });
    expect(r.batchSize).toBe(8);
    expect(warnings).toEqual([
      'manifest says input dtype float16, but the model takes float32; feeding float32',
      'model has a fixed batch of 8; using batch 8 instead of 1',
    ]);
  });

  it('resolves the layouts and extra inputs of real exports', () => {
    const detr = [
      { name: 'images', dtype: 'float32', dims: ['N', 3, 320, 320] },
      { name: 'orig_target_sizes', dtype: 'int64', dims: ['N', 2] },
    ];
    const origSizes = {
      name: 'orig_target_sizes',
      value: 'original-size',
      order: 'wh',
      dtype: 'int64',
    } as const;
    const extra = [origSizes];
    expect(resolveInput(detr, { size: [320, 320], extra }, 1)).toMatchObject({
      name: 'images',
      extras: [{ name: 'orig_target_sizes', rank: 2 }],
    });
    const wrongType = [{ ...origSizes, dtype: 'int32' } as const];
    expect(() => resolveInput(detr, { size: [320, 320], extra: wrongType }, 1)).toThrow(
      "model input 'orig_target_sizes' is int64, but the manifest declares it int32",
    );
    expect(() =>
      resolveInput(detr, { size: [320, 320], extra: [{ ...origSizes, name: 'sizes' }] }, 1),
    ).toThrow("manifest input.extra names 'sizes', but the model has no such input");
    const tf = [{ name: 'image_tensor:0', dtype: 'uint8', dims: ['unk', 'unk', 'unk', 3] }];
    expect(resolveInput(tf, { asIs: true, layout: 'NHWC', dtype: 'uint8' }, 1)).toMatchObject({
      dtype: 'uint8',
      layout: 'NHWC',
      fixedBatch: false,
    });
    expect(() => resolveInput(tf, { asIs: true, dtype: 'uint8' }, 1)).toThrow(
      'the model input has fixed dims [unk,unk,unk,3]',
    );
    const rcnn = [{ name: 'image', dtype: 'float32', dims: [3, 'height', 'width'] }];
    expect(resolveInput(rcnn, { shorterSide: { size: 800, stride: 32 }, layout: 'CHW' }, 4)).toMatchObject({
      layout: 'CHW',
      batchSize: 1,
      warmupSize: [800, 800],
    });
    expect(() => resolveInput(rcnn, { shorterSide: { size: 800, stride: 32 } }, 1)).toThrow(
      "model input 'image' has dims [3,height,width]; the manifest's layout NCHW expects [B, 3, H, W]",
    );
  });
});
