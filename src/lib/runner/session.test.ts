import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../onnx/builder.ts';
import { float32ToFloat16Bits } from '../onnx/float16.ts';
import { UserError } from '../util/errors.ts';
import { float16Tensor } from './ort-tensor.ts';
import { createSession } from './session.ts';

const model = () =>
  new ModelBuilder()
    .input('x', 'float16', ['n', 2])
    .node('Relu', ['x'], ['y'])
    .output('y', 'float16', ['n', 2])
    .toBytes();

describe('createSession', () => {
  it('runs on CPU and exposes inputs, outputs and float32 results (float16 converted)', async () => {
    const s = await createSession(model(), { intraOpNumThreads: 1, interOpNumThreads: 1 });
    expect(s.provider).toBe('cpu');
    expect(s.inputs).toEqual([{ name: 'x', dtype: 'float16', dims: ['n', 2] }]);
    expect(s.outputs).toEqual([{ name: 'y', dims: ['n', 2] }]);
    const out = await s.run({ x: float16Tensor(float32ToFloat16Bits([-1, 2.5]), [1, 2]) });
    expect(out['y']!.dims).toEqual([1, 2]);
    expect(Array.from(out['y']!.data)).toEqual([0, 2.5]);
    await s.release();
  });

  // This machine has no CUDA libraries for onnxruntime-node, so GPU providers fail to load: the
  // session must fall back to CPU, say so, and record it.
  it.each(['cuda', 'tensorrt'] as const)('falls back from %s to CPU with a warning', async (device) => {
    const warnings: string[] = [];
    const s = await createSession(model(), { device, logger: { warn: (m) => warnings.push(m) } });
    expect(s.requestedDevice).toBe(device);
    expect(s.provider).toBe('cpu');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`^execution provider '${device}' is not available \\(.*\\); running on 'cpu' instead$`),
    );
    await s.release();
  });

  it('turns a model onnxruntime cannot load into a UserError naming the file', async () => {
    const bad = new ModelBuilder()
      .input('x', 'float32', [2])
      .node('NoSuchOp', ['x'], ['y'])
      .output('y', 'float32', [2]);
    const err = await createSession(bad.toBytes(), { file: 'models/bad/model.onnx' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      /^models\/bad\/model\.onnx: onnxruntime cannot load the model: .*NoSuchOp/,
    );
  });
});
