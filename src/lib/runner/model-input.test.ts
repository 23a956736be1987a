import { describe, expect, it } from 'vitest';
import { resolveInput } from './model-input.ts';

const input = (dims: (number | string)[], dtype = 'float32') => [{ name: 'images', dtype, dims }];

describe('resolveInput', () => {
  it('accepts matching fixed and symbolic dims, takes dtype from the model', () => {
    expect(resolveInput(input([1, 3, 640, 640], 'float16'), { size: [640, 640] }, 1)).toEqual({
      name: 'images',
      dtype: 'float16',
      batchSize: 1,
      fixedBatch: true,
      warmupSize: [640, 640],
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
      "m.onnx: model input 'images' has 1 channels (dims [1,1,64,64]); expected 3",
    );
    expect(() => resolveInput(input([1, 3, 64, 64], 'uint8'), { size: [64, 64] }, 1, f)).toThrow(
      /is uint8; only float32/,
    );
    expect(() => resolveInput(input([1, 3, 64, 64]), { dynamic: { maxSize: 64, stride: 32 } }, 1, f)).toThrow(
      /dynamic input size, but the model input has fixed dims \[1,3,64,64\]/,
    );
    expect(() =>
      resolveInput(input(['b', 3, 'h', 'w']), { dynamic: { maxSize: 64, stride: 32 } }, 4, f),
    ).toThrow(/batch 4 needs equal input sizes/);
    expect(() => resolveInput([...input([1, 3, 8, 8]), ...input([1, 2])], { size: [8, 8] }, 1, f)).toThrow(
      /2 inputs/,
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
});
