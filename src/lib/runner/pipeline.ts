// Over 400 lines: the bounded pipeline's stages share one back-pressure state and one timing record; apart they would need both threaded through.
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
import { type ResolvedInput, resolveInput } from './model-input.ts';
import {
  type CocoDetection,
  type DropCounts,
  finalizeDetections,
  noDrops,
  type PostprocessOptions,
} from './postprocess.ts';
import {
  normalisationTable,
  type PreparedImage,
  type PreprocessOptions,
  preprocessImage,
  type TensorBuffer,
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
  /** Candidates the shared post-processing dropped for this image (non-finite, clipped to nothing). */
  dropped?: DropCounts;
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
  /** Candidates the shared post-processing dropped: non-finite, or clipped to nothing. */
  dropped: DropCounts;
  speed: SpeedSummary;
  environment: RunEnvironment;
}

interface PreparedSlot {
  image: PipelineImage;
  /** Candidates its post-processing dropped. */
  dropped?: DropCounts;
  transform?: ImageTransform;
  error?: string;
  preprocessMs: number;
}

interface PreparedBatch {
  slots: PreparedSlot[];
  /**
   * The image tensor of the successful images (in slot order, padded to the fixed batch if
   * any) and the extra inputs; absent when every image failed.
   */
  feeds?: Record<string, FeedTensor>;
  /** Spatial size of the image tensor. */
  width?: number;
  height?: number;
}

/** A batch whose inference has been started. */
interface RunningBatch {
  slots: PreparedSlot[];
  width?: number;
  height?: number;
  result: Promise<RunResult | undefined>;
}

/** Dims of an image tensor of n images in the given layout. */
export function imageDims(layout: ResolvedInput['layout'], n: number, H: number, W: number): number[] {
  if (layout === 'NHWC') return [n, H, W, 3];
  if (layout === 'CHW') return [3, H, W];
  return [n, 3, H, W];
}

/** The extra inputs of a batch: one [w, h] or [h, w] per image, as the manifest declares. */
export function extraFeeds(
  input: ResolvedInput,
  originals: readonly { width: number; height: number }[],
  inputSizes: readonly { width: number; height: number }[],
): Record<string, FeedTensor> {
  const feeds: Record<string, FeedTensor> = {};
  for (const e of input.extras) {
    const sizes = e.value === 'original-size' ? originals : inputSizes;
    const values = sizes.flatMap((s) => (e.order === 'wh' ? [s.width, s.height] : [s.height, s.width]));
    const data =
      e.dtype === 'int64'
        ? BigInt64Array.from(values, (v) => BigInt(v))
        : e.dtype === 'int32'
          ? Int32Array.from(values)
          : Float32Array.from(values);
    feeds[e.name] = { data, dims: e.rank === 2 ? [sizes.length, 2] : [2] };
  }
  return feeds;
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
    const zeros =
      input.dtype === 'float16'
        ? new Uint16Array(size)
        : input.dtype === 'uint8'
          ? new Uint8Array(size)
          : new Float32Array(size);
    const sizes = Array.from({ length: warmBatch }, () => ({ width: ww, height: wh }));
    await session.run(
      {
        [input.name]: { data: zeros, dims: imageDims(input.layout, warmBatch, wh, ww) },
        ...extraFeeds(input, sizes, sizes),
      },
      decoder.outputNames,
      { transfer: true },
    );
  }

  async function prepare(batch: readonly PipelineImage[]): Promise<PreparedBatch> {
    const slots: PreparedSlot[] = batch.map((image) => ({ image, preprocessMs: 0 }));
    let buffer: TensorBuffer | undefined;
    let plane = 0;
    if (pre.size) {
      plane = 3 * pre.size[0] * pre.size[1];
      const length = (input.fixedBatch ? B : batch.length) * plane;
      buffer = input.dtype === 'uint8' ? new Uint8Array(length) : new Float32Array(length);
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
    let data: TensorBuffer;
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
      data = ok[0]!.data; // variable size: batch is 1
      H = ok[0]!.transform.inputHeight;
      W = ok[0]!.transform.inputWidth;
    }
    const n = input.fixedBatch ? B : ok.length;
    const typed =
      input.dtype === 'float16' && data instanceof Float32Array ? float32ToFloat16Bits(data) : data;
    // Extra inputs of padding slots repeat the last image's sizes (their outputs are ignored).
    const originals = ok.map((p) => ({
      width: p.transform.originalWidth,
      height: p.transform.originalHeight,
    }));
    while (originals.length < n) originals.push(originals[originals.length - 1]!);
    const inputSizes = originals.map(() => ({ width: W, height: H }));
    return {
      slots,
      width: W,
      height: H,
      feeds: {
        [input.name]: { data: typed, dims: imageDims(input.layout, n, H, W) },
        ...extraFeeds(input, originals, inputSizes),
      },
    };
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
  const dropped = noDrops();

  /** Waits for a batch's inference, decodes it, and reports its images in order. */
  async function finish(batch: RunningBatch): Promise<void> {
    const result = await batch.result;
    const okSlots = batch.slots.filter((s) => !s.error);
    const tp = performance.now();
    let finals: CocoDetection[][] = [];
    if (result && batch.width !== undefined && batch.height !== undefined) {
      const decoded = decoder.decode(result.outputs, {
        inputWidth: batch.width,
        inputHeight: batch.height,
        conf: post.conf ?? 0.001,
        maxDet: post.maxDet ?? 100,
        multiLabel,
      });
      finals = okSlots.map((slot, k) => {
        slot.dropped = noDrops();
        const dets = finalizeDetections(
          decoded[k]!,
          slot.transform!,
          options.categoryIds,
          slot.image.id,
          post,
          slot.dropped,
        );
        dropped.nonFinite += slot.dropped.nonFinite;
        dropped.empty += slot.dropped.empty;
        decoded[k]!.release?.();
        return dets;
      });
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
        ...(slot.dropped ? { dropped: slot.dropped } : {}),
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
      const { slots, feeds, width, height } = settled.batch;
      // Start this batch's inference, then finish the previous batch while it runs (on a worker
      // session the two truly overlap; in-process, run() starts only after finish() yields).
      const current: RunningBatch = {
        slots,
        ...(width === undefined ? {} : { width }),
        ...(height === undefined ? {} : { height }),
        result: feeds
          ? session.run(feeds, decoder.outputNames, { transfer: true })
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
    dropped,
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
