/**
 * Reconciles the manifest's preprocessing with what the ONNX model actually declares, before any
 * image is read: a wrong input size or channel count would otherwise surface as an opaque
 * onnxruntime error on the first batch, or worse, run and score badly.
 */
import { UserError } from '../util/errors.ts';
import type { Logger } from './logger.ts';
import type { PreprocessOptions } from './preprocess.ts';
import type { InputSpec } from './session.ts';

export interface ResolvedInput {
  name: string;
  /** Element type fed to the model, from the model itself. */
  dtype: 'float32' | 'float16';
  /** Images per session.run call. */
  batchSize: number;
  /** The model's batch dim is fixed: short batches are padded with zeros up to batchSize. */
  fixedBatch: boolean;
  /** Tensor [H, W] for warm-up: the fixed size, or the largest dynamic size. */
  warmupSize: [number, number];
}

const known = (d: number | string | undefined): d is number => typeof d === 'number' && d > 0;

export function resolveInput(
  inputs: readonly InputSpec[],
  preprocess: PreprocessOptions,
  requestedBatch: number,
  options: { file?: string; logger?: Logger } = {},
): ResolvedInput {
  const where = options.file === undefined ? {} : { file: options.file };
  const unsupported = (
    [
      ['layout', preprocess.layout !== undefined && preprocess.layout !== 'NCHW'],
      ['dtype uint8', preprocess.dtype === 'uint8'],
      ['shorterSide', preprocess.shorterSide !== undefined],
      ['asIs', preprocess.asIs !== undefined],
      ['placement', preprocess.placement === 'top-left'],
      ['padTensorValue', preprocess.padTensorValue !== undefined],
      ['kernel', preprocess.kernel !== undefined && preprocess.kernel !== 'linear'],
      ['extra', (preprocess.extra?.length ?? 0) > 0],
    ] as const
  ).filter(([, used]) => used);
  if (unsupported.length > 0) {
    // Schema fields that landed ahead of their runner support (issue 10); never silently ignored.
    throw new UserError(
      `input ${unsupported.map(([k]) => k).join(', ')}: declared, but this runner does not support it yet`,
      where,
    );
  }
  if (inputs.length !== 1) {
    throw new UserError(
      `model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); Podium feeds exactly one image tensor`,
      where,
    );
  }
  const input = inputs[0]!;
  const dims = input.dims;
  if (dims.length !== 4) {
    throw new UserError(
      `model input '${input.name}' has dims [${dims.join(',')}]; expected NCHW [B, 3, H, W]`,
      where,
    );
  }
  if (known(dims[1]) && dims[1] !== 3) {
    throw new UserError(
      `model input '${input.name}' has ${dims[1]} channels (dims [${dims.join(',')}]); expected 3`,
      where,
    );
  }
  if (input.dtype !== 'float32' && input.dtype !== 'float16') {
    throw new UserError(
      `model input '${input.name}' is ${input.dtype}; only float32 and float16 inputs are supported`,
      where,
    );
  }
  if (preprocess.dtype && preprocess.dtype !== input.dtype) {
    options.logger?.warn(
      `manifest says input dtype ${preprocess.dtype}, but the model takes ${input.dtype}; feeding ${input.dtype}`,
    );
  }
  const [, , h, w] = dims;
  if (preprocess.size) {
    const [H, W] = preprocess.size;
    if ((known(h) && h !== H) || (known(w) && w !== W)) {
      throw new UserError(
        `manifest input size [${H}, ${W}] (height, width) does not match the model input dims [${dims.join(',')}]`,
        where,
      );
    }
  } else if (preprocess.dynamic && (known(h) || known(w))) {
    throw new UserError(
      `manifest declares a dynamic input size, but the model input has fixed dims [${dims.join(',')}]; give input.size instead`,
      where,
    );
  }

  let batchSize = requestedBatch;
  const fixedBatch = known(dims[0]);
  if (fixedBatch && dims[0] !== requestedBatch) {
    options.logger?.warn(
      `model has a fixed batch of ${dims[0]}; using batch ${dims[0]} instead of ${requestedBatch}`,
    );
    batchSize = dims[0] as number;
  }
  if (preprocess.dynamic && batchSize > 1) {
    throw new UserError(
      `batch ${batchSize} needs equal input sizes, but the manifest's input size is dynamic; use batch 1`,
      where,
    );
  }
  const warmupSize: [number, number] = preprocess.size
    ? [preprocess.size[0], preprocess.size[1]]
    : [preprocess.dynamic!.maxSize, preprocess.dynamic!.maxSize];
  return { name: input.name, dtype: input.dtype, batchSize, fixedBatch, warmupSize };
}
