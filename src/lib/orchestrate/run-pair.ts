/**
 * One model × dataset benchmark, end to end: manifests → fetch (sha256-pinned) → ONNX checks →
 * session → pipeline (resumable) → COCO evaluation + analysis → metric JSON with history.
 *
 * Every pair is scored under the board's fixed inference settings (BOARD_INFERENCE); a manifest
 * declares only what differs between models (family, preprocessing, classes).
 */
import { readFile, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { BOARD_INFERENCE, computeCacheKey, type InferenceParams } from '../board/cache-key.ts';
import { readResultIfExists, resultPath, saveResult } from '../board/store.ts';
import type { CocoGtJson } from '../dataset/coco-json.ts';
import { type PreparedDataset, prepareDataset } from '../dataset/prepare.ts';
import { buildMetrics } from '../eval/build-metrics.ts';
import { evaluateCoco } from '../eval/evaluate.ts';
import { type CocoGt, detectionsFromJson, gtFromJson, sha256OfJson } from '../eval/load.ts';
import { EVALUATOR_VERSION } from '../eval/params.ts';
import { cacheRoot } from '../fetch/cache.ts';
import { resolveWeights } from '../fetch/weights.ts';
import type { LoadedDataset, LoadedModel } from '../manifest/load.ts';
import { assertStandardOps, inspectModel } from '../onnx/inspect.ts';
import { buildClassMap } from '../runner/class-map.ts';
import { bindOptionsFor, getDecoder } from '../runner/decoders/index.ts';
import type { Logger } from '../runner/logger.ts';
import { type ImageResult, runPipeline } from '../runner/pipeline.ts';
import type { CocoDetection } from '../runner/postprocess.ts';
import { createSession, type Device, defaultCpuThreads } from '../runner/session.ts';
import { summarise } from '../runner/stats.ts';
import type { Metrics, Sample } from '../schema/metrics.ts';
import { mergeShards, type ShardPart } from '../shards/merge-shards.ts';
import {
  readJsonMaybeGzip,
  type ShardRun,
  writeJsonMaybeGzip,
  writeShardPredictions,
} from '../shards/shard-file.ts';
import { type Shard, shardImages } from '../shards/shards.ts';
import { isUserError, UserError } from '../util/errors.ts';
import { openCheckpoint, readCheckpoint, removeCheckpoint } from './checkpoint.ts';
import { gitSha, podiumVersion } from './provenance.ts';

export interface RunPairOptions {
  readonly model: LoadedModel;
  readonly dataset: LoadedDataset;
  readonly device?: Device;
  /** Only the first N images by id (smoke runs); their result is kept out of results/. */
  readonly limit?: number | null;
  /** One shard of the images: writes partial predictions to `out` instead of a result. */
  readonly shard?: Shard | null;
  /** Re-run even when the stored result has the same cache key; re-infer even when predictions are cached. */
  readonly force?: boolean;
  /** Result (or shard predictions) file; default results/<dataset>/<model>.json in the repository. */
  readonly out?: string;
  readonly cacheDir?: string;
  readonly batch?: number;
  readonly threads?: number;
  /** Images with GT and predictions stored for the site's gallery (local datasets only). Default 6. */
  readonly samples?: number;
  readonly bootstrapResamples?: number;
  /** Share of images allowed to fail decoding before the run is refused. Default 0.01. */
  readonly maxFailureRate?: number;
  readonly logger: Logger;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
  /** The dataset already prepared (run --all prepares each dataset once for all its models). */
  readonly prepared?: PreparedDataset;
  /**
   * Evaluate these shard predictions (from `--shard i/n` runs of this pair) as the full run,
   * instead of running inference.
   */
  readonly shards?: readonly ShardPart[];
}

export type RunPairStatus = 'fresh' | 'evaluated' | 'ran' | 'merged' | 'shard';

export interface RunPairOutcome {
  readonly status: RunPairStatus;
  readonly file: string;
  readonly cacheKey: string;
  readonly metrics?: Metrics;
  readonly failures: number;
}

/**
 * What a finished inference leaves in the prediction cache, so re-evaluation needs no re-inference.
 * `run` is the same record a shard file carries, so merged shards evaluate like one run.
 */
interface CachedPredictions {
  podiumPredictions: 1;
  cacheKey: string;
  imageIds: number[];
  detections: CocoDetection[];
  run: ShardRun;
}

/** The speed section of a result from per-image timings (warm-up already excluded). */
function speedOf(run: ShardRun): NonNullable<Metrics['speed']> {
  const mean = (xs: number[]) => (xs.length ? summarise(xs).mean : 0);
  const inf = summarise(run.inferenceMs);
  return {
    preprocessMs: mean(run.preprocessMs),
    inferenceMs: run.inferenceMs.length
      ? { mean: inf.mean, p50: inf.p50, p90: inf.p90, p99: inf.p99 }
      : { mean: 0, p50: 0, p90: 0, p99: 0 },
    postprocessMs: mean(run.postprocessMs),
    fps: run.wallS > 0 ? run.inferenceMs.length / run.wallS : 0,
    peakRssMb: run.peakRssMb,
  };
}

/** Shard parts as one prediction set: their detections merged and checked, their timings pooled. */
function fromShards(
  parts: readonly ShardPart[],
  gt: CocoGt,
  gtLabel: string,
  cacheKey: string,
): CachedPredictions {
  const merged = mergeShards(parts, gt, gtLabel);
  const runs = parts.map((p) => p.predictions.run);
  const missing = parts.filter((_, i) => runs[i] === undefined).map((p) => p.file);
  if (missing.length > 0) {
    throw new UserError(
      `shard files without run timings (written by an older runner): ${missing.join(', ')}`,
    );
  }
  const all = runs as ShardRun[];
  return {
    podiumPredictions: 1,
    cacheKey,
    imageIds: all.length ? parts.flatMap((p) => [...p.predictions.imageIds]) : [],
    detections: merged.detections as CocoDetection[],
    run: {
      preprocessMs: all.flatMap((r) => r.preprocessMs),
      inferenceMs: all.flatMap((r) => r.inferenceMs),
      postprocessMs: all.flatMap((r) => r.postprocessMs),
      // Throughput of one device: the shards' wall times add up.
      wallS: all.reduce((t, r) => t + r.wallS, 0),
      peakRssMb: Math.max(...all.map((r) => r.peakRssMb)),
      environment: all[0]!.environment,
      failures: all.flatMap((r) => r.failures),
    },
  };
}

export async function runPair(options: RunPairOptions): Promise<RunPairOutcome> {
  const { model, dataset, logger } = options;
  const started = Date.now();
  const cache = cacheRoot(options.cacheDir);
  const repoRoot = model.repoRoot;

  const prepared = options.prepared ?? (await prepareDataset(dataset, { cacheDir: cache }));
  if (!options.prepared) for (const w of prepared.warnings) logger.warn(w);
  const gtJson = prepared.gt;
  const allImages = [...gtJson.images].sort((a, b) => a.id - b.id);
  let chosen = allImages;
  const limit = options.limit ?? null;
  const shard = options.shard ?? null;
  if (limit !== null) {
    if (!(Number.isInteger(limit) && limit > 0))
      throw new UserError(`--limit: expected a positive integer, got ${limit}`);
    chosen = allImages.slice(0, limit);
  }
  if (shard !== null) chosen = shardImages(chosen, shard);
  if ((limit !== null || shard !== null) && options.out === undefined) {
    throw new UserError(
      limit !== null
        ? `refusing to store a run limited to ${limit} images in results/: smoke runs are not comparable with full ones (write it elsewhere)`
        : 'a shard run writes partial predictions: say where (out)',
    );
  }

  const weights = await resolveWeights(model, { cacheDir: cache });

  const inference: InferenceParams = { ...BOARD_INFERENCE, limit, shard };
  const cacheKey = computeCacheKey({
    weightsSha256: weights.sha256,
    annotationsSha256: prepared.annotationsSha256,
    images: gtJson.images.map((im) => im.file_name),
    model: model.manifest,
    inference,
  });

  const out = options.out ?? resultPath(repoRoot, dataset.manifest.id, model.manifest.id);
  const label = relative(process.cwd(), out) || out;
  if (shard === null) {
    let stored: Metrics | undefined;
    try {
      stored = await readResultIfExists(out, label);
    } catch (err) {
      if (!isUserError(err)) throw err;
      // Written by an older Podium (or damaged): it cannot be read, so neither kept in the history.
      logger.warn(`${err.message}\n  the stored result cannot be read; it is replaced, without history`);
      await rm(out, { force: true });
    }
    if (!options.force && stored?.run?.cacheKey === cacheKey) {
      return { status: 'fresh', file: out, cacheKey, metrics: stored, failures: 0 };
    }
  }

  const predictionsFile = join(cache, 'predictions', `${cacheKey}.json.gz`);
  const gtLabel = `${dataset.path}: annotations`;
  let predictions: CachedPredictions | undefined;
  if (options.shards) {
    if (limit !== null || shard !== null)
      throw new UserError('shard predictions are evaluated as a full run: no limit or shard');
    predictions = fromShards(
      options.shards,
      gtFromJson(gtJson, gtLabel, prepared.annotationsSha256),
      gtLabel,
      cacheKey,
    );
    await writeJsonMaybeGzip(predictionsFile, predictions);
  } else if (!options.force) {
    predictions = await readCachedPredictions(predictionsFile, cacheKey);
  }
  const status: RunPairStatus = options.shards ? 'merged' : predictions ? 'evaluated' : 'ran';
  if (!predictions) {
    predictions = await infer(options, {
      weightsPath: weights.path,
      gtJson,
      images: chosen,
      resolveImage: (f) => prepared.images.resolve(f),
      cacheKey,
      checkpointFile: join(cache, 'predictions', `${cacheKey}.partial.jsonl`),
    });
    await writeJsonMaybeGzip(predictionsFile, predictions);
    // The checkpoint is only removed once the complete predictions are safely on disk.
    await removeCheckpoint(join(cache, 'predictions', `${cacheKey}.partial.jsonl`));
  }

  const failures = predictions.run.failures;
  const failureRate = failures.length / Math.max(1, chosen.length);
  if (failureRate > (options.maxFailureRate ?? 0.01)) {
    const shown = failures
      .slice(0, 5)
      .map((f) => `${f.file}: ${f.reason}`)
      .join('; ');
    throw new UserError(
      `${failures.length} of ${chosen.length} images failed to decode (${shown}); a result with that many holes cannot be trusted, so none was written`,
      { file: dataset.path },
    );
  }

  if (shard !== null) {
    await writeShardPredictions(out, {
      model: model.manifest.id,
      dataset: dataset.manifest.id,
      annotationsSha256: prepared.annotationsSha256,
      shard,
      imageIds: chosen.map((im) => im.id),
      detections: predictions.detections,
      run: predictions.run,
    });
    return { status: 'shard', file: out, cacheKey, failures: failures.length };
  }

  // A limited run is scored against the GT of its images only.
  const subsetGt = limit === null ? gtJson : restrictGt(gtJson, new Set(chosen.map((im) => im.id)));
  const gtSha = limit === null ? prepared.annotationsSha256 : sha256OfJson(subsetGt);
  const gt = gtFromJson(subsetGt, gtLabel, gtSha);
  const dt = detectionsFromJson(
    predictions.detections,
    predictionsFile,
    sha256OfJson(predictions.detections),
    gt,
  );
  const evaluation = evaluateCoco(gt, dt);
  const m = model.manifest;
  const [h, w] = m.input.size ?? [m.input.dynamic!.maxSize, m.input.dynamic!.maxSize];
  const env = predictions.run.environment;
  let metrics = buildMetrics(evaluation, {
    model: { id: m.id, weightsSha256: weights.sha256, manifestSha256: model.sha256 },
    datasetId: dataset.manifest.id,
    split: dataset.manifest.split,
    run: {
      date: new Date().toISOString(),
      podiumVersion: await podiumVersion(),
      evaluatorVersion: EVALUATOR_VERSION,
      gitSha: await gitSha(repoRoot),
      onnxruntime: env.onnxruntime,
      executionProvider: env.executionProvider,
      device:
        env.executionProvider === 'cpu' ? `${env.cpu} (${env.cpuCount} threads)` : env.executionProvider,
      node: env.node,
      imgsz: m.input.size ? [h, w] : [h],
      conf: inference.conf,
      iou: inference.iou,
      maxDet: inference.maxDet,
      batch: options.batch ?? 1,
      durationS: status === 'ran' ? predictions.run.wallS : (Date.now() - started) / 1000,
      limit,
      failedImages: failures.map(({ file, reason }) => ({ file, reason })),
      cacheKey,
    },
    speed: speedOf(predictions.run),
    reported: m.reported
      ? {
          // Manifests state reported numbers in percent, as papers do; results hold fractions.
          AP: m.reported.AP === undefined ? null : m.reported.AP / 100,
          AP50: m.reported.AP50 === undefined ? null : m.reported.AP50 / 100,
          source: m.reported.source ?? null,
        }
      : null,
    ...(options.bootstrapResamples === undefined ? {} : { bootstrapResamples: options.bootstrapResamples }),
  });
  metrics = {
    ...metrics,
    samples: await pickSamples(
      metrics,
      subsetGt,
      predictions.detections,
      prepared.images.root,
      repoRoot,
      options.samples ?? 6,
    ),
  };
  const saved = await saveResult(out, metrics, { label, allowLimited: limit !== null });
  return { status, file: out, cacheKey, metrics: saved.metrics, failures: failures.length };
}

async function readCachedPredictions(file: string, cacheKey: string): Promise<CachedPredictions | undefined> {
  try {
    const value = (await readJsonMaybeGzip(file)) as CachedPredictions;
    return value.podiumPredictions === 1 && value.cacheKey === cacheKey && value.run !== undefined
      ? value
      : undefined;
  } catch {
    return undefined; // absent or damaged: predict again
  }
}

interface InferInputs {
  weightsPath: string;
  gtJson: CocoGtJson;
  images: readonly CocoGtJson['images'][number][];
  resolveImage: (fileName: string) => Promise<string>;
  cacheKey: string;
  checkpointFile: string;
}

async function infer(options: RunPairOptions, inputs: InferInputs): Promise<CachedPredictions> {
  const { model, logger } = options;
  const m = model.manifest;
  // Only now, when it is about to run: a fresh or cached pair never reads its weights twice.
  assertStandardOps(inspectModel(await readFile(inputs.weightsPath), model.path), model.path);
  const previous = await readCheckpoint(inputs.checkpointFile, inputs.cacheKey);
  const checkpoint = await openCheckpoint(inputs.checkpointFile, inputs.cacheKey, previous.images.size === 0);
  const segment = previous.segments;
  if (previous.images.size > 0) {
    logger.info?.(`resuming: ${previous.images.size} of ${inputs.images.length} images already done`);
  }

  const threads = options.threads ?? defaultCpuThreads();
  const session = await createSession(inputs.weightsPath, {
    device: options.device ?? 'cpu',
    logger,
    file: model.path,
    allowSpinning: false,
    intraOpNumThreads: threads,
  });
  try {
    const decoder = getDecoder(m.family, model.path).bind(session.outputs, bindOptionsFor(m, model.path));
    const classMap = buildClassMap(m.classes, inputs.gtJson.categories, { file: model.path });
    const todo = [];
    for (const im of inputs.images) {
      if (!previous.images.has(im.id))
        todo.push({ id: im.id, source: await inputs.resolveImage(im.file_name), file: im.file_name });
    }
    const total = inputs.images.length;
    const t0 = performance.now();
    const onImage = async (r: ImageResult) => {
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
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });

    // Everything, this segment and earlier ones, now lies in the checkpoint: build from it.
    const all = await readCheckpoint(inputs.checkpointFile, inputs.cacheKey);
    const detections: CocoDetection[] = [];
    const failures: ShardRun['failures'] = [];
    const pre: number[] = [];
    const inf: number[] = [];
    const post: number[] = [];
    const segmentWall = new Map<number, number>();
    for (const im of inputs.images) {
      const row = all.images.get(im.id);
      if (!row) throw new Error(`internal: image ${im.id} missing from the checkpoint`);
      segmentWall.set(row.segment, Math.max(segmentWall.get(row.segment) ?? 0, row.elapsedMs));
      if (row.failure) {
        failures.push({ imageId: im.id, ...row.failure });
        continue;
      }
      for (const d of row.detections ?? []) detections.push(d);
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
      podiumPredictions: 1,
      cacheKey: inputs.cacheKey,
      imageIds: inputs.images.map((im) => im.id),
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
      },
    };
  } finally {
    await session.release();
  }
}

function restrictGt(gt: CocoGtJson, ids: Set<number>): CocoGtJson {
  return {
    ...gt,
    images: gt.images.filter((im) => ids.has(im.id)),
    annotations: gt.annotations.filter((a) => ids.has(a.image_id)),
  };
}

/**
 * A few images spread over the dataset, with GT and the predictions a user would deploy (at the
 * F1-optimal confidence), for the site's gallery. Only for images inside the repository (the
 * demo): the site must never hot-link or copy files from elsewhere.
 */
async function pickSamples(
  metrics: Metrics,
  gt: CocoGtJson,
  detections: readonly CocoDetection[],
  imageRoot: string | undefined,
  repoRoot: string,
  count: number,
): Promise<Sample[]> {
  if (count <= 0 || imageRoot === undefined) return [];
  const rel = relative(repoRoot, imageRoot);
  if (rel.startsWith('..') || rel === '' || rel.includes(':')) return [];
  const images = [...gt.images].sort((a, b) => a.id - b.id);
  const step = images.length / Math.min(count, images.length);
  const picked = Array.from(
    { length: Math.min(count, images.length) },
    (_, i) => images[Math.floor(i * step)]!,
  );
  const conf = metrics.optimal.confidence;
  return picked.map((im) => ({
    imageId: im.id,
    file: [...rel.split(sep), im.file_name].join('/'),
    width: im.width,
    height: im.height,
    gt: gt.annotations
      .filter((a) => a.image_id === im.id)
      .map(
        (a) =>
          [a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3], a.category_id] as [
            number,
            number,
            number,
            number,
            number,
          ],
      ),
    dt: detections
      .filter((d) => d.image_id === im.id && d.score >= conf)
      .map((d) => [...d.bbox, d.category_id, d.score] as [number, number, number, number, number, number]),
  }));
}
