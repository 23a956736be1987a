/**
 * Reconciles the manifest's preprocessing with what the ONNX model actually declares, before any
 * image is read: a wrong input size or channel count would otherwise surface as an opaque
 * onnxruntime error on the first batch, or worse, run and score badly.
 *
 * A model may take more than the image: the manifest's `input.extra` names the inputs the runner
 * fills per image (e.g. the DETR exports' orig_target_sizes, keras-yolo3's image_shape). Every
 * model input must be either the image or one of those; anything else is refused by name.
 */
import { UserError } from '../util/errors.ts';
import type { Logger } from './logger.ts';
import type { PreprocessOptions } from './preprocess.ts';
import type { InputSpec } from './session.ts';

export type ImageLayout = 'NCHW' | 'NHWC' | 'CHW';
export type ExtraInputSpec = NonNullable<PreprocessOptions['extra']>[number];

/** An extra input as resolved against the model: rank 2 is [B, 2], rank 1 is [2]. */
export interface ResolvedExtra extends ExtraInputSpec {
  rank: 1 | 2;
}

export interface ResolvedInput {
  name: string;
  /** Element type fed to the model, from the model itself. */
  dtype: 'float32' | 'float16' | 'uint8';
  layout: ImageLayout;
  /** Images per session.run call. */
  batchSize: number;
  /** The model's batch dim is fixed: short batches are padded with zeros up to batchSize. */
  fixedBatch: boolean;
  /** Tensor [H, W] for warm-up: the fixed size, or the largest dynamic size. */
  warmupSize: [number, number];
  /** Inputs filled per image besides the image, in model order. */
  extras: ResolvedExtra[];
}

const known = (d: number | string | undefined): d is number => typeof d === 'number' && d > 0;

const ORT_DTYPE: Record<ExtraInputSpec['dtype'], string> = {
  int64: 'int64',
  int32: 'int32',
  float32: 'float32',
};

/** [N, C, H, W] / [N, H, W, C] / [C, H, W] → the dims by role. */
function roles(dims: readonly (number | string)[], layout: ImageLayout) {
  if (layout === 'NCHW') return { batch: dims[0], channels: dims[1], h: dims[2], w: dims[3] };
  if (layout === 'NHWC') return { batch: dims[0], channels: dims[3], h: dims[1], w: dims[2] };
  return { batch: 1, channels: dims[0], h: dims[1], w: dims[2] };
}

const LAYOUT_WORDS: Record<ImageLayout, string> = {
  NCHW: '[B, 3, H, W]',
  NHWC: '[B, H, W, 3]',
  CHW: '[3, H, W]',
};

export function resolveInput(
  inputs: readonly InputSpec[],
  preprocess: PreprocessOptions,
  requestedBatch: number,
  options: { file?: string; logger?: Logger } = {},
): ResolvedInput {
  const where = options.file === undefined ? {} : { file: options.file };
  const fail = (message: string) => new UserError(message, where);
  const listed = inputs.map((i) => `${i.name} [${i.dims.join(',')}] ${i.dtype}`).join(', ');
  const declared = preprocess.extra ?? [];

  for (const e of declared) {
    if (!inputs.some((i) => i.name === e.name)) {
      throw fail(
        `manifest input.extra names '${e.name}', but the model has no such input (it has ${listed})`,
      );
    }
  }
  const extraNames = new Set(declared.map((e) => e.name));
  const candidates = inputs.filter((i) => !extraNames.has(i.name));
  let image: InputSpec | undefined;
  if (preprocess.name !== undefined) {
    image = candidates.find((i) => i.name === preprocess.name);
    if (!image)
      throw fail(`manifest input.name is '${preprocess.name}', but the model's inputs are ${listed}`);
  } else {
    // The image is the one input shaped like an image (rank 3 or 4); the rest need explaining.
    const imageLike = candidates.filter((i) => i.dims.length >= 3);
    image = candidates.length === 1 ? candidates[0] : imageLike.length === 1 ? imageLike[0] : undefined;
  }
  const unexplained = candidates.filter((i) => i !== image);
  if (!image || unexplained.length > 0) {
    const names = (image ? unexplained : candidates).map(
      (i) => `'${i.name}' [${i.dims.join(',')}] ${i.dtype}`,
    );
    throw fail(
      `model has ${inputs.length} inputs (${listed}); the manifest does not explain ${names.join(', ')}: ` +
        (image
          ? 'declare it under input.extra (what the runner fills per image)'
          : 'give input.name for the image input and list the others under input.extra'),
    );
  }

  const layout = preprocess.layout ?? 'NCHW';
  const dims = image.dims;
  const rank = layout === 'CHW' ? 3 : 4;
  if (dims.length !== rank) {
    throw fail(
      `model input '${image.name}' has dims [${dims.join(',')}]; the manifest's layout ${layout} expects ${LAYOUT_WORDS[layout]}`,
    );
  }
  const r = roles(dims, layout);
  if (known(r.channels) && r.channels !== 3) {
    throw fail(
      `model input '${image.name}' has ${r.channels} channels (dims [${dims.join(',')}], layout ${layout}); expected 3`,
    );
  }
  const dtype = imageDtype(image, preprocess, fail, options.logger);

  const { h, w } = r;
  if (preprocess.size) {
    const [H, W] = preprocess.size;
    if ((known(h) && h !== H) || (known(w) && w !== W)) {
      throw fail(
        `manifest input size [${H}, ${W}] (height, width) does not match the model input dims [${dims.join(',')}]`,
      );
    }
  } else if (known(h) || known(w)) {
    const kind = preprocess.asIs ? 'asIs' : preprocess.shorterSide ? 'shorterSide' : 'dynamic';
    throw fail(
      `manifest declares a variable input size (${kind}), but the model input has fixed dims [${dims.join(',')}]; give input.size instead`,
    );
  }

  let batchSize = requestedBatch;
  const fixedBatch = layout === 'CHW' || known(r.batch);
  const modelBatch = layout === 'CHW' ? 1 : (r.batch as number);
  if (fixedBatch && modelBatch !== requestedBatch) {
    if (layout !== 'CHW') {
      options.logger?.warn(
        `model has a fixed batch of ${modelBatch}; using batch ${modelBatch} instead of ${requestedBatch}`,
      );
    }
    batchSize = modelBatch;
  }
  if (!preprocess.size && batchSize > 1) {
    throw fail(
      `batch ${batchSize} needs equal input sizes, but the manifest's input size varies per image; use batch 1`,
    );
  }

  const extras: ResolvedExtra[] = [];
  for (const spec of inputs) {
    const e = declared.find((d) => d.name === spec.name);
    if (!e) continue;
    const d = spec.dims;
    const rank2 = d.length === 2 && (!known(d[1]) || d[1] === 2);
    const rank1 = d.length === 1 && (!known(d[0]) || d[0] === 2);
    if (!rank1 && !rank2) {
      throw fail(`model input '${e.name}' has dims [${d.join(',')}]; an ${e.value} input is [B, 2] or [2]`);
    }
    if (spec.dtype !== ORT_DTYPE[e.dtype]) {
      throw fail(`model input '${e.name}' is ${spec.dtype}, but the manifest declares it ${e.dtype}`);
    }
    extras.push({ ...e, rank: rank2 ? 2 : 1 });
  }

  return { name: image.name, dtype, layout, batchSize, fixedBatch, warmupSize: warmup(preprocess), extras };
}

function imageDtype(
  image: InputSpec,
  preprocess: PreprocessOptions,
  fail: (m: string) => UserError,
  logger: Logger | undefined,
): ResolvedInput['dtype'] {
  const t = image.dtype;
  if (t === 'uint8' || preprocess.dtype === 'uint8') {
    if (t !== preprocess.dtype) {
      throw fail(
        t === 'uint8'
          ? `model input '${image.name}' is uint8 (the pixel bytes): declare input dtype: uint8 and scale: 1`
          : `manifest says input dtype uint8, but the model input '${image.name}' is ${t}`,
      );
    }
    return 'uint8';
  }
  if (t !== 'float32' && t !== 'float16') {
    throw fail(
      `model input '${image.name}' is ${t}; only float32, float16 and uint8 image inputs are supported`,
    );
  }
  if (preprocess.dtype && preprocess.dtype !== t) {
    logger?.warn(`manifest says input dtype ${preprocess.dtype}, but the model takes ${t}; feeding ${t}`);
  }
  return t;
}

/** A representative tensor size for the untimed warm-up runs. */
function warmup(p: PreprocessOptions): [number, number] {
  if (p.size) return [p.size[0], p.size[1]];
  if (p.dynamic) return [p.dynamic.maxSize, p.dynamic.maxSize];
  if (p.shorterSide) {
    const s = Math.ceil(p.shorterSide.size / p.shorterSide.stride) * p.shorterSide.stride;
    return [s, s];
  }
  return [480, 640]; // as is: a typical photo
}
