import { readFile } from 'node:fs/promises';
import { BOARD_INFERENCE } from '../board/cache-key.ts';
import type { LoadedModel } from '../manifest/load.ts';
import { assertStandardOps, inspectModel } from '../onnx/inspect.ts';
import { buildClassMap } from '../runner/class-map.ts';
import { bindOptionsFor, getDecoder } from '../runner/decoders/index.ts';
import type { Logger } from '../runner/logger.ts';
import { type ImageResult, runPipeline } from '../runner/pipeline.ts';
import { createSession, type Device, defaultCpuThreads } from '../runner/session.ts';
import type { PreparedGroundTruth } from '../schema/coco.ts';
import type { ShardRun } from '../shards/shard-file.ts';
import { UserError } from '../util/errors.ts';
import { openCheckpoint, readCheckpoint } from './checkpoint.ts';
import { emptyColumns, PREDICTIONS_VERSION, type Predictions, pushRow } from './predictions.ts';
import type { GtImage } from './select-images.ts';

export interface InferOptions {
  readonly model: LoadedModel;
  readonly weightsPath: string;
  readonly gt: PreparedGroundTruth;
  readonly images: readonly GtImage[];
  readonly resolveImage: (fileName: string) => Promise<string>;
  readonly cacheKey: string;
  readonly checkpointFile: string;
  /** Names the annotations in errors about an image (its annotated size differs from the decoded one). */
  readonly annotationsLabel: string;
  readonly device?: Device | undefined;
  readonly batch?: number | undefined;
  readonly threads?: number | undefined;
  readonly logger: Logger;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Inference over the images under the board's settings, resumable: every finished image is
 * appended to the checkpoint, and a later call with the same key skips those already there.
 * The predictions are built from the checkpoint (this segment's images and earlier ones).
 */
export async function infer(options: InferOptions): Promise<Predictions> {
  const { model, logger } = options;
  const m = model.manifest;
  // Only now, when it is about to run: a fresh or cached pair never reads its weights twice.
  assertStandardOps(inspectModel(await readFile(options.weightsPath), model.path), model.path);
  const previous = await readCheckpoint(options.checkpointFile, options.cacheKey);
  const checkpoint = await openCheckpoint(
    options.checkpointFile,
    options.cacheKey,
    previous.images.size === 0,
  );
  const segment = previous.segments;
  if (previous.images.size > 0) {
    logger.info?.(`resuming: ${previous.images.size} of ${options.images.length} images already done`);
  }

  const threads = options.threads ?? defaultCpuThreads();
  const session = await createSession(options.weightsPath, {
    device: options.device ?? 'cpu',
    logger,
    file: model.path,
    allowSpinning: false,
    intraOpNumThreads: threads,
  });
  try {
    const decoder = getDecoder(m.family, model.path).bind(session.outputs, bindOptionsFor(m, model.path));
    const classMap = buildClassMap(m.classes, options.gt.categories, { file: model.path });
    const todo = [];
    for (const im of options.images) {
      if (!previous.images.has(im.id))
        todo.push({
          id: im.id,
          source: await options.resolveImage(im.file_name),
          file: im.file_name,
          annotatedSize: { width: im.width, height: im.height },
        });
    }
    const total = options.images.length;
    const t0 = performance.now();
    const onImage = async (r: ImageResult) => {
      checkScores(r, model.path);
      await checkpoint.add({
        imageId: r.imageId,
        segment,
        elapsedMs: performance.now() - t0,
        ...(r.detections === null
          ? { failure: { file: r.file, reason: r.error ?? 'unknown error' } }
          : {
              detections: r.detections,
              timing: r.timing
                ? [r.timing.preprocessMs, r.timing.inferenceMs, r.timing.postprocessMs]
                : [0, 0, 0],
              ...(r.dropped ? { dropped: [r.dropped.nonFinite, r.dropped.empty] as [number, number] } : {}),
            }),
      });
      options.onProgress?.(previous.images.size + r.done, total);
    };
    const result = await runPipeline(todo, {
      session,
      decoder,
      preprocess: m.input,
      categoryIds: classMap.categoryIds,
      postprocess: { conf: BOARD_INFERENCE.conf, iou: BOARD_INFERENCE.iou, maxDet: BOARD_INFERENCE.maxDet },
      batchSize: options.batch ?? 1,
      collect: false,
      onImage,
      logger,
      file: model.path,
      annotationsFile: options.annotationsLabel,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });

    // Everything, this segment and earlier ones, now lies in the checkpoint: build from it.
    const all = await readCheckpoint(options.checkpointFile, options.cacheKey);
    const detections = emptyColumns();
    const failures: ShardRun['failures'] = [];
    const pre: number[] = [];
    const inf: number[] = [];
    const post: number[] = [];
    const segmentWall = new Map<number, number>();
    const dropped = { nonFinite: 0, empty: 0 };
    for (const im of options.images) {
      const row = all.images.get(im.id);
      if (!row) throw new Error(`internal: image ${im.id} missing from the checkpoint`);
      segmentWall.set(row.segment, Math.max(segmentWall.get(row.segment) ?? 0, row.elapsedMs));
      if (row.failure) {
        failures.push({ imageId: im.id, ...row.failure });
        continue;
      }
      for (const d of row.rows ?? []) pushRow(detections, im.id, d);
      dropped.nonFinite += row.dropped?.[0] ?? 0;
      dropped.empty += row.dropped?.[1] ?? 0;
      if (row.timing) {
        pre.push(row.timing[0]);
        inf.push(row.timing[1]);
        post.push(row.timing[2]);
      }
    }
    let wallS = 0;
    for (const ms of segmentWall.values()) wallS += ms / 1000;
    const env = result.environment;
    return {
      podiumPredictions: PREDICTIONS_VERSION,
      cacheKey: options.cacheKey,
      imageIds: options.images.map((im) => im.id),
      detections,
      run: {
        preprocessMs: pre,
        inferenceMs: inf,
        postprocessMs: post,
        wallS,
        peakRssMb: result.speed.peakRssMb,
        environment: {
          onnxruntime: env.onnxruntime,
          executionProvider: env.executionProvider,
          cpu: env.cpu,
          cpuCount: env.cpuCount,
          ...(env.executionProvider === 'cpu' ? { threads } : {}),
          node: env.node,
        },
        failures,
        dropped,
      },
    };
  } finally {
    await session.release();
  }
}

/**
 * The board reads scores as probabilities (confidence sweeps over [0, 1], the samples' schema), so
 * a score above 1 means the model emits something else, typically logits without their sigmoid.
 * Refused at the first such image, naming the model, rather than after the whole run when the
 * result fails its schema (which is how the fuzz suite first met it).
 */
function checkScores(r: ImageResult, modelFile: string): void {
  for (const d of r.detections ?? []) {
    if (d.score > 1) {
      throw new UserError(
        `the model gave a detection score of ${d.score} (image "${r.file}"), above 1: scores must be probabilities in [0, 1] (a model that outputs logits needs decoder.activation: sigmoid)`,
        { file: modelFile },
      );
    }
  }
}
