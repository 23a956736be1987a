/**
 * The bounded inference pipeline: images → preprocess (sharp, on libuv threads) → session.run
 * → decode → NMS / top-k → COCO detections.
 *
 * While batch i runs inference, up to `prefetch` following batches are being decoded and resized,
 * and batch i-1 is being decoded and reported, so the session rarely waits; memory stays bounded
 * by (prefetch + 3) batches. onnxruntime-node's run() blocks the JS thread, so the JS parts
 * (normalisation, decoding, NMS) overlap inference only with a worker session
 * (createSession's default); sharp's decoding and resizing overlap either way.
 *
 * Timings per image (milliseconds, warm-up excluded):
 *   preprocess  — wall time of that image's decode/resize/normalise. It overlaps inference, so it
 *                 is latency under load, not exclusive cost;
 *   inference   — onnxruntime run time of its batch ÷ images in the batch (measured where the
 *                 session runs; in-process it can include a little event-loop work);
 *   postprocess — decode + NMS + mapping of its batch ÷ images in the batch.
 * fps = images ÷ wall time from the first timed batch to the last.
 * With prefetch 0 the stages run strictly one after another (clean per-stage numbers, lower fps).
 */
import { float32ToFloat16Bits } from '../onnx/float16.ts';
import { UserError } from '../util/errors.ts';
import type { ImageTransform } from './boxes.ts';
import type { BoundDecoder } from './decoders/types.ts';
import { type RunEnvironment, runEnvironment } from './environment.ts';
import type { Logger } from './logger.ts';
import { resolveInput } from './model-input.ts';
import { type CocoDetection, finalizeDetections, type PostprocessOptions } from './postprocess.ts';
import {
  normalisationTable,
  type PreparedImage,
  type PreprocessOptions,
  preprocessImage,
} from './preprocess.ts';
import type { FeedTensor, ModelSession, RunResult } from './session.ts';
import { summarise, type TimingStats } from './stats.ts';

export interface PipelineImage {
  /** COCO image id, copied into every detection. */
  id: number;
  /** Image file path or encoded bytes. */
  source: string | Uint8Array;
  /** Name used in failure reports; defaults to the path. */
  file?: string;
  /**
   * Size the annotations give the image: the decoded image (after EXIF orientation) must have
   * it, or ground truth and predictions would lie in different pixel spaces.
   */
  annotatedSize?: { readonly width: number; readonly height: number };
}

export interface ImageTiming {
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
}

/** Reported once per image, in input order, after its detections are final. */
export interface ImageResult {
  imageId: number;
  file: string;
  /** Detections, or null when the image failed (see error). */
  detections: CocoDetection[] | null;
  error?: string;
  timing?: ImageTiming;
  /** Images reported so far, including this one, and the total. */
  done: number;
  total: number;
}

export interface ImageFailure {
  imageId: number;
  file: string;
  reason: string;
}

export interface PipelineOptions {
  session: ModelSession;
  /** The family's decoder, bound to this session's outputs. */
  decoder: BoundDecoder;
  preprocess: PreprocessOptions;
  /** Dataset category id per model class index (-1: drop), from buildClassMap. */
  categoryIds: Int32Array;
  /** conf / iou / maxDet etc.; multiLabel as in DecodeContext (default true). */
  postprocess?: PostprocessOptions & { multiLabel?: boolean };
  /** Images per session.run (a model with a fixed batch dim overrides it). Default 1. */
  batchSize?: number;
  /** Batches prepared ahead while one runs. Default 2; 0 runs stages sequentially. */
  prefetch?: number;
  /** Untimed session.run calls on a zero tensor before timing starts. Default 2. */
  warmup?: number;
  /** Keep all detections in the result (turn off when onImage stores them). Default true. */
  collect?: boolean;
  signal?: AbortSignal;
  /** Awaited, so a slow checkpoint write applies back-pressure. */
  onImage?: (result: ImageResult) => void | Promise<void>;
  logger?: Logger;
  /** Model file, named in input-mismatch errors. */
  file?: string;
  /** Annotations file, named when an image's size contradicts them (see annotatedSize). */
  annotationsFile?: string;
}

export interface SpeedSummary {
  preprocessMs: TimingStats;
  inferenceMs: TimingStats;
  postprocessMs: TimingStats;
  fps: number;
  wallS: number;
  /** Peak resident memory of the process so far (process.resourceUsage().maxRSS). */
  peakRssMb: number;
  batchSize: number;
}

export interface PipelineResult {
  detections: CocoDetection[];
  /** Images processed without error. */
  images: number;
  failures: ImageFailure[];
  speed: SpeedSummary;
  environment: RunEnvironment;
}

interface PreparedSlot {
  image: PipelineImage;
  transform?: ImageTransform;
  error?: string;
  preprocessMs: number;
}

interface PreparedBatch {
  slots: PreparedSlot[];
  /** NCHW data of the successful images, in slot order, padded to the fixed batch if any. */
  feed?: FeedTensor;
}

/** A batch whose inference has been started. */
interface RunningBatch {
  slots: PreparedSlot[];
  feed?: FeedTensor;
  result: Promise<RunResult | undefined>;
}

const fileOf = (image: PipelineImage) =>
  image.file ?? (typeof image.source === 'string' ? image.source : `image ${image.id}`);

export async function runPipeline(
  images: readonly PipelineImage[],
  options: PipelineOptions,
): Promise<PipelineResult> {
  const { session, decoder, logger, signal } = options;
  const pre = options.preprocess;
  const input = resolveInput(session.inputs, pre, options.batchSize ?? 1, {
    ...(options.file === undefined ? {} : { file: options.file }),
    ...(logger === undefined ? {} : { logger }),
  });
  const prefetch = Math.max(0, options.prefetch ?? 2);
  const collect = options.collect ?? true;
  const post = options.postprocess ?? {};
  const multiLabel = post.multiLabel ?? true;
  const luts = normalisationTable(pre);
  const B = input.batchSize;

  signal?.throwIfAborted();

  // Warm-up on zeros: first runs allocate memory and pick kernels; they are not timed.
  const [wh, ww] = input.warmupSize;
  const warmBatch = input.fixedBatch ? B : 1;
  for (let i = 0; i < (options.warmup ?? 2); i++) {
    const size = warmBatch * 3 * wh * ww;
    const zeros = input.dtype === 'float16' ? new Uint16Array(size) : new Float32Array(size);
    await session.run({ [input.name]: { data: zeros, dims: [warmBatch, 3, wh, ww] } }, decoder.outputNames, {
      transfer: true,
    });
  }

  async function prepare(batch: readonly PipelineImage[]): Promise<PreparedBatch> {
    const slots: PreparedSlot[] = batch.map((image) => ({ image, preprocessMs: 0 }));
    let buffer: Float32Array | undefined;
    let plane = 0;
    if (pre.size) {
      plane = 3 * pre.size[0] * pre.size[1];
      buffer = new Float32Array((input.fixedBatch ? B : batch.length) * plane);
    }
    const prepared: (PreparedImage | undefined)[] = await Promise.all(
      slots.map(async (slot, k) => {
        const t0 = performance.now();
        try {
          const img = await preprocessImage(slot.image.source, pre, luts, buffer, k * plane);
          slot.transform = img.transform;
          return img;
        } catch (err) {
          slot.error = (err as Error).message;
          return undefined;
        } finally {
          slot.preprocessMs = performance.now() - t0;
        }
      }),
    );
    for (const slot of slots) checkAnnotatedSize(slot.image, slot.transform, options.annotationsFile);
    const ok = prepared.filter((p): p is PreparedImage => p !== undefined);
    if (ok.length === 0) return { slots };
    let data: Float32Array;
    let H: number;
    let W: number;
    if (buffer) {
      // Close gaps left by failed images so the ok ones are contiguous from slot 0.
      let w = 0;
      prepared.forEach((p, k) => {
        if (!p) return;
        if (w !== k) buffer.copyWithin(w * plane, k * plane, (k + 1) * plane);
        w++;
      });
      buffer.fill(0, w * plane);
      data = input.fixedBatch ? buffer : buffer.subarray(0, ok.length * plane);
      [H, W] = pre.size!;
    } else {
      data = ok[0]!.data; // dynamic size: batch is 1
      H = ok[0]!.transform.inputHeight;
      W = ok[0]!.transform.inputWidth;
    }
    const n = input.fixedBatch ? B : ok.length;
    const typed = input.dtype === 'float16' ? float32ToFloat16Bits(data) : data;
    return { slots, feed: { data: typed, dims: [n, 3, H, W] } };
  }

  // Pending preparations; wrapped so a rejection is never left unhandled while queued.
  type Settled = { batch: PreparedBatch } | { error: unknown };
  const queue: Promise<Settled>[] = [];
  let nextStart = 0;
  const fill = () => {
    while (nextStart < images.length && queue.length < prefetch + 1) {
      const batch = images.slice(nextStart, nextStart + B);
      nextStart += batch.length;
      queue.push(
        prepare(batch).then(
          (b) => ({ batch: b }),
          (error: unknown) => ({ error }),
        ),
      );
    }
  };

  const detections: CocoDetection[] = [];
  const failures: ImageFailure[] = [];
  const preprocessMs: number[] = [];
  const inferenceMs: number[] = [];
  const postprocessMs: number[] = [];
  let done = 0;

  /** Waits for a batch's inference, decodes it, and reports its images in order. */
  async function finish(batch: RunningBatch): Promise<void> {
    const result = await batch.result;
    const okSlots = batch.slots.filter((s) => !s.error);
    const tp = performance.now();
    let finals: CocoDetection[][] = [];
    if (result && batch.feed) {
      const dims = batch.feed.dims;
      const decoded = decoder.decode(result.outputs, {
        inputWidth: dims[3]!,
        inputHeight: dims[2]!,
        conf: post.conf ?? 0.001,
        maxDet: post.maxDet ?? 100,
        multiLabel,
      });
      finals = okSlots.map((slot, k) =>
        finalizeDetections(decoded[k]!, slot.transform!, options.categoryIds, slot.image.id, post),
      );
    }
    const n = Math.max(1, okSlots.length);
    const perImageInference = (result?.inferenceMs ?? 0) / n;
    const perImagePost = (performance.now() - tp) / n;

    let k = 0;
    for (const slot of batch.slots) {
      const file = fileOf(slot.image);
      done++;
      if (slot.error) {
        failures.push({ imageId: slot.image.id, file, reason: slot.error });
        logger?.warn(`${file}: skipped, ${slot.error}`);
        await options.onImage?.({
          imageId: slot.image.id,
          file,
          detections: null,
          error: slot.error,
          done,
          total: images.length,
        });
        continue;
      }
      const dets = finals[k++]!;
      const timing = {
        preprocessMs: slot.preprocessMs,
        inferenceMs: perImageInference,
        postprocessMs: perImagePost,
      };
      preprocessMs.push(timing.preprocessMs);
      inferenceMs.push(timing.inferenceMs);
      postprocessMs.push(timing.postprocessMs);
      if (collect) for (const d of dets) detections.push(d);
      await options.onImage?.({
        imageId: slot.image.id,
        file,
        detections: dets,
        timing,
        done,
        total: images.length,
      });
    }
  }

  const t0 = performance.now();
  let previous: RunningBatch | undefined;
  try {
    while (nextStart < images.length || queue.length > 0) {
      signal?.throwIfAborted();
      fill();
      const settled = await queue.shift()!;
      if ('error' in settled) throw settled.error;
      const { slots, feed } = settled.batch;
      // Start this batch's inference, then finish the previous batch while it runs (on a worker
      // session the two truly overlap; in-process, run() starts only after finish() yields).
      const current: RunningBatch = {
        slots,
        ...(feed ? { feed: { data: feed.data, dims: feed.dims } } : {}),
        result: feed
          ? session.run({ [input.name]: feed }, decoder.outputNames, { transfer: true })
          : Promise.resolve(undefined),
      };
      current.result.catch(() => {}); // surfaced by finish(); avoids an unhandled rejection meanwhile
      const prior = previous;
      previous = current;
      if (prior) await finish(prior);
    }
    if (previous) {
      await finish(previous);
    }
  } finally {
    // On abort or error, let in-flight work settle so nothing runs on after we return.
    await Promise.all(queue.splice(0));
    await previous?.result.catch(() => {});
  }

  const wallS = (performance.now() - t0) / 1000;
  return {
    detections,
    images: inferenceMs.length,
    failures,
    speed: {
      preprocessMs: summarise(preprocessMs),
      inferenceMs: summarise(inferenceMs),
      postprocessMs: summarise(postprocessMs),
      fps: wallS > 0 ? inferenceMs.length / wallS : 0,
      wallS,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      batchSize: B,
    },
    environment: runEnvironment(session),
  };
}

/**
 * An image whose decoded size (after EXIF orientation) is not the one its annotations state
 * cannot be scored: boxes would be compared across two pixel spaces. Not a per-image decode
 * failure to skip, but a dataset to refuse, so this throws a UserError that ends the run.
 */
function checkAnnotatedSize(
  image: PipelineImage,
  transform: ImageTransform | undefined,
  annotationsFile: string | undefined,
): void {
  const want = image.annotatedSize;
  if (!want || !transform) return;
  const { originalWidth: w, originalHeight: h } = transform;
  if (w === want.width && h === want.height) return;
  const name = image.file ?? (typeof image.source === 'string' ? image.source : `image ${image.id}`);
  throw new UserError(
    `image ${image.id} "${name}" is ${want.width}x${want.height} (width x height) in the annotations but ${w}x${h} when decoded (after EXIF orientation): ground truth and predictions would be in different pixel spaces; fix its width/height`,
    annotationsFile === undefined ? {} : { file: annotationsFile },
  );
}
