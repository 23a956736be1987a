import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../onnx/builder.ts';
import { float32ToFloat16Bits } from '../onnx/float16.ts';
import { UserError } from '../util/errors.ts';
import { createSession } from './session.ts';

const model = () =>
  new ModelBuilder()
    .input('x', 'float16', ['n', 2])
    .node('Relu', ['x'], ['y'])
    .output('y', 'float16', ['n', 2])
    .toBytes();

describe('createSession', () => {
  it('runs on CPU and exposes inputs, outputs and float32 results (float16 converted)', async () => {
    const s = await createSession(model(), { worker: false, intraOpNumThreads: 1, interOpNumThreads: 1 });
    expect(s.provider).toBe('cpu');
    expect(s.inputs).toEqual([{ name: 'x', dtype: 'float16', dims: ['n', 2] }]);
    expect(s.outputs).toEqual([{ name: 'y', dims: ['n', 2] }]);
    const { outputs: out, inferenceMs } = await s.run({
      x: { data: float32ToFloat16Bits([-1, 2.5]), dims: [1, 2] },
    });
    expect(inferenceMs).toBeGreaterThan(0);
    expect(out['y']!.dims).toEqual([1, 2]);
    expect(Array.from(out['y']!.data)).toEqual([0, 2.5]);
    await s.release();
  });

  // This machine has no CUDA libraries for onnxruntime-node, so GPU providers fail to load: the
  // session must fall back to CPU, say so, and record it.
  it.each(['cuda', 'tensorrt'] as const)('falls back from %s to CPU with a warning', async (device) => {
    const warnings: string[] = [];
    const s = await createSession(model(), {
      worker: false,
      device,
      logger: { warn: (m) => warnings.push(m) },
    });
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
    const err = await createSession(bad.toBytes(), { worker: false, file: 'models/bad/model.onnx' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      /^models\/bad\/model\.onnx: onnxruntime cannot load the model: .*NoSuchOp/,
    );
  });

  it('hosts the session on a worker: same results, warnings and errors come back', async () => {
    const warnings: string[] = [];
    const s = await createSession(model(), {
      worker: true,
      device: 'cuda',
      logger: { warn: (m) => warnings.push(m) },
    });
    expect(s.inWorker).toBe(true);
    expect(s.provider).toBe('cpu');
    expect(warnings[0]).toMatch(/^execution provider 'cuda' is not available/);
    expect(s.inputs).toEqual([{ name: 'x', dtype: 'float16', dims: ['n', 2] }]);
    const feed = { data: float32ToFloat16Bits([-1, 2.5, 3, -4]), dims: [2, 2] };
    const { outputs } = await s.run({ x: feed }, ['y'], { transfer: true });
    expect(Array.from(outputs['y']!.data)).toEqual([0, 2.5, 3, 0]);
    expect(feed.data.length).toBe(0); // transferred, not copied
    await expect(s.run({ x: { data: new Uint16Array(3), dims: [1, 2] } })).rejects.toThrow();
    await s.release();

    const bad = new ModelBuilder()
      .input('x', 'float32', [2])
      .node('NoSuchOp', ['x'], ['y'])
      .output('y', 'float32', [2]);
    const err = await createSession(bad.toBytes(), { worker: true, file: 'bad.onnx' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).file).toBe('bad.onnx');
    expect((err as Error).message).toMatch(/^bad\.onnx: onnxruntime cannot load the model/);
  });
});
