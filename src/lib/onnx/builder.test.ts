import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { float16Tensor, tensorToFloat32 } from '../runner/ort-tensor.ts';
import { attr, ModelBuilder } from './builder.ts';
import { float16BitsToFloat32, float32ToFloat16Bits } from './float16.ts';
import { onnx } from './proto.ts';

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

describe('ModelBuilder', () => {
  it('builds an Add with a float initializer and a symbolic batch dim that onnxruntime runs', async () => {
    const b = new ModelBuilder()
      .input('x', 'float32', ['batch', 3])
      .initializer('c', new Float32Array([10, 20, 30]), [3])
      .node('Add', ['x', 'c'], ['y'])
      .output('y', 'float32', ['batch', 3]);
    const out = await run(b.toBytes(), {
      x: new ort.Tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]),
    });
    expect(out['y']!.dims).toEqual([2, 3]);
    expect(Array.from(out['y']!.data as Float32Array)).toEqual([11, 22, 33, 14, 25, 36]);
  });

  it('builds Conv (ints attributes) + MaxPool and matches a hand computation', async () => {
    // 1x1x4x4 input, 3x3 all-ones kernel, pad 1: each output is the sum of the 3x3 neighbourhood.
    const x = Float32Array.from({ length: 16 }, (_, i) => i);
    const b = new ModelBuilder()
      .input('x', 'float32', [1, 1, 4, 4])
      .initializer('w', new Float32Array(9).fill(1), [1, 1, 3, 3])
      .initializer('bias', new Float32Array([0.5]), [1])
      .node('Conv', ['x', 'w', 'bias'], ['c'], {
        pads: attr.ints([1, 1, 1, 1]),
        kernel_shape: attr.ints([3, 3]),
      })
      .node('MaxPool', ['c'], ['y'], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) })
      .output('y', 'float32', [1, 1, 2, 2]);
    const out = await run(b.toBytes(), { x: new ort.Tensor('float32', x, [1, 1, 4, 4]) });
    const conv = new Float32Array(16);
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 4; c++) {
        let s = 0.5;
        for (let dr = -1; dr <= 1; dr++) {
          for (let dc = -1; dc <= 1; dc++) {
            const rr = r + dr;
            const cc = c + dc;
            if (rr >= 0 && rr < 4 && cc >= 0 && cc < 4) s += x[rr * 4 + cc]!;
          }
        }
        conv[r * 4 + c] = s;
      }
    }
    const pooled = [0, 2].flatMap((r) =>
      [0, 2].map((c) =>
        Math.max(conv[r * 4 + c]!, conv[r * 4 + c + 1]!, conv[(r + 1) * 4 + c]!, conv[(r + 1) * 4 + c + 1]!),
      ),
    );
    expect(Array.from(out['y']!.data as Float32Array)).toEqual(pooled);
  });

  it('supports int64 initializers, float / string / tensor attributes', async () => {
    const b = new ModelBuilder()
      .input('x', 'float32', [2, 3])
      .initializer('shape', new BigInt64Array([3n, 2n]), [2])
      .node('Reshape', ['x', 'shape'], ['r'])
      .node('LeakyRelu', ['r'], ['l'], { alpha: attr.float(0.5) })
      .node('Constant', [], ['k'], { value: attr.tensor({ data: [1, 2], dims: [1, 2], dtype: 'float32' }) })
      .node('Mul', ['l', 'k'], ['m'])
      .initializer('pads', [0, 1, 0, 0], [4], 'int64')
      .node('Pad', ['m', 'pads'], ['y'], { mode: attr.string('edge') })
      .output('y', 'float32', [3, 3]);
    const out = await run(b.toBytes(), {
      x: new ort.Tensor('float32', new Float32Array([1, -2, 3, -4, 5, -6]), [2, 3]),
    });
    // reshape → [[1,-2],[3,-4],[5,-6]]; leaky → [[1,-1],[3,-2],[5,-3]]; *[1,2] → [[1,-2],[3,-4],[5,-6]];
    // edge pad one column on the left.
    expect(Array.from(out['y']!.data as Float32Array)).toEqual([1, 1, -2, 3, 3, -4, 5, 5, -6]);
  });

  it('handles float16 inputs through Cast', async () => {
    const b = new ModelBuilder()
      .input('x', 'float16', [4])
      .node('Cast', ['x'], ['y'], { to: attr.int(1) })
      .node('Identity', ['x'], ['h'])
      .output('y', 'float32', [4])
      .output('h', 'float16', [4]);
    const values = [0.5, -2, 65504, 1 / 3];
    const out = await run(b.toBytes(), { x: float16Tensor(float32ToFloat16Bits(values), [4]) });
    const y = Array.from(out['y']!.data as Float32Array);
    expect(y.slice(0, 3)).toEqual([0.5, -2, 65504]);
    expect(y[3]).toBeCloseTo(1 / 3, 3);
    expect(Array.from(float16BitsToFloat32(float32ToFloat16Bits(values)))).toEqual(y);
    expect(Array.from(tensorToFloat32(out['h']!))).toEqual(y);
  });

  it('records custom domains in the opset imports', () => {
    const b = new ModelBuilder().input('x', 'float32', [1]).output('y', 'float32', [1]);
    b.node('MyOp', ['x'], ['y'], {}, { domain: 'com.example' });
    const decoded = onnx.ModelProto.decode(b.toBytes());
    expect(decoded.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
      ['', 17],
      ['com.example', 1],
    ]);
    expect(decoded.graph?.node?.[0]?.domain).toBe('com.example');
  });

  it('rejects a payload that does not fill its dims', () => {
    expect(() => new ModelBuilder().initializer('w', new Float32Array(5), [2, 3])).toThrow(
      /5 values.*\[2,3\]/,
    );
  });
});
