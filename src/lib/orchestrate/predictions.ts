/**
 * A pair's predictions as the runner hands them to the evaluator, and as the prediction cache
 * keeps them (`<cache>/predictions/<cache key>.json.gz`), so a re-evaluation needs no inference.
 *
 * Detections are columns (entry i of every column is detection i of the COCO results list, in
 * list order), which the evaluator takes as they are (evaluateColumns): no list of objects is built
 * between the checkpoint and the evaluation. The file is read back through the zod schema below;
 * one that fails it (damaged, written by an older Podium, non-finite numbers) is discarded with a
 * warning and the pair inferred again.
 */
import { rm, stat } from 'node:fs/promises';
import { z } from 'zod';
import type { CocoGt } from '../eval/load.ts';
import type { Logger } from '../runner/logger.ts';
import type { CocoDetection } from '../runner/postprocess.ts';
import { parseOrThrow } from '../schema/format-error.ts';
import { mergeShards, type ShardPart } from '../shards/merge-shards.ts';
import {
  readJsonMaybeGzip,
  type ShardRun,
  ShardRunSchema,
  writeJsonMaybeGzip,
} from '../shards/shard-file.ts';
import { isUserError, UserError } from '../util/errors.ts';

/** Version 2: detections as columns (version 1 held a list of COCO objects). */
export const PREDICTIONS_VERSION = 2;

// z.number() refuses NaN and ±Infinity (and the null JSON writes for them).
const column = z.array(z.number());
const ids = z.array(z.int());

export const DetectionColumnsSchema = z
  .object({ imageId: ids, categoryId: ids, x: column, y: column, w: column, h: column, score: column })
  .refine(
    (c) => [c.categoryId, c.x, c.y, c.w, c.h, c.score].every((col) => col.length === c.imageId.length),
    {
      error: 'every column must have one entry per detection',
    },
  );

export const PredictionsSchema = z.object({
  podiumPredictions: z.literal(PREDICTIONS_VERSION),
  cacheKey: z.string(),
  /** Every image the run covered, including those without detections. */
  imageIds: ids,
  detections: DetectionColumnsSchema,
  /** Per-image timings, wall time, environment and failures: the same record a shard file carries. */
  run: ShardRunSchema,
});

export type Predictions = z.output<typeof PredictionsSchema>;
export type PredictionColumns = Predictions['detections'];

export function emptyColumns(): PredictionColumns {
  return { imageId: [], categoryId: [], x: [], y: [], w: [], h: [], score: [] };
}

/** Appends one compact checkpoint row, [x, y, w, h, categoryId, score]. */
export function pushRow(cols: PredictionColumns, imageId: number, row: readonly number[]): void {
  cols.imageId.push(imageId);
  cols.x.push(row[0]!);
  cols.y.push(row[1]!);
  cols.w.push(row[2]!);
  cols.h.push(row[3]!);
  cols.categoryId.push(row[4]!);
  cols.score.push(row[5]!);
}

/** The columns as the evaluator's DetectionColumns (a view, nothing copied). */
export function asDetectionColumns(cols: PredictionColumns) {
  return { length: cols.imageId.length, ...cols };
}

/** The COCO results list (for a shard file, whose format is a results list). */
export function toCocoList(cols: PredictionColumns): CocoDetection[] {
  const out: CocoDetection[] = new Array(cols.imageId.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = {
      image_id: cols.imageId[i]!,
      category_id: cols.categoryId[i]!,
      bbox: [cols.x[i]!, cols.y[i]!, cols.w[i]!, cols.h[i]!],
      score: cols.score[i]!,
    };
  }
  return out;
}

/**
 * The cached predictions for this key, or undefined when there are none or they cannot be used;
 * an unusable file is removed (with a warning) so that the new inference replaces it.
 */
export async function readCachedPredictions(
  file: string,
  cacheKey: string,
  logger: Logger,
): Promise<Predictions | undefined> {
  if (!(await stat(file).catch(() => null))) return undefined;
  try {
    const value = parseOrThrow(PredictionsSchema, await readJsonMaybeGzip(file), file);
    if (value.cacheKey !== cacheKey) throw new UserError(`cacheKey: expected ${cacheKey}`, { file });
    return value;
  } catch (err) {
    if (!isUserError(err)) throw err;
    logger.warn(`${err.message}\n  the cached predictions cannot be used; inferring again`);
    await rm(file, { force: true });
    return undefined;
  }
}

export async function writePredictions(file: string, predictions: Predictions): Promise<void> {
  await writeJsonMaybeGzip(file, predictions);
}

/** Shard parts as one prediction set: their detections merged and checked, their timings pooled. */
export function fromShards(
  parts: readonly ShardPart[],
  gt: CocoGt,
  gtLabel: string,
  cacheKey: string,
): Predictions {
  const merged = mergeShards(parts, gt, gtLabel);
  const runs = parts.map((p) => p.predictions.run);
  const missing = parts.filter((_, i) => runs[i] === undefined).map((p) => p.file);
  if (missing.length > 0) {
    throw new UserError(
      `shard files without run timings (written by an older runner): ${missing.join(', ')}`,
    );
  }
  const all = runs as ShardRun[];
  const detections = emptyColumns();
  // mergeShards checked every entry against the ground truth with the evaluator's loader.
  for (const d of merged.detections as CocoDetection[]) {
    pushRow(detections, d.image_id, [...d.bbox, d.category_id, d.score]);
  }
  return {
    podiumPredictions: PREDICTIONS_VERSION,
    cacheKey,
    imageIds: all.length ? parts.flatMap((p) => [...p.predictions.imageIds]) : [],
    detections,
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

/**
 * Why cached predictions that pass the schema still cannot be these images' predictions (a
 * damaged or foreign file): other images than the run's, detections of images or categories the
 * ground truth lacks, negative box sizes. Undefined when they fit. The evaluator would refuse
 * them anyway, but blaming a cache file the user never wrote; the caller infers again instead.
 */
export function cachedPredictionsProblem(
  predictions: Predictions,
  imageIds: readonly number[],
  categoryIds: ReadonlySet<number>,
): string | undefined {
  const images = new Set(imageIds);
  if (predictions.imageIds.length !== images.size || !predictions.imageIds.every((id) => images.has(id)))
    return 'imageIds: not the images of this run';
  const d = predictions.detections;
  for (let i = 0; i < d.imageId.length; i++) {
    if (!images.has(d.imageId[i]!))
      return `detections.imageId[${i}]: image ${d.imageId[i]} is not in this run`;
    if (!categoryIds.has(d.categoryId[i]!))
      return `detections.categoryId[${i}]: category ${d.categoryId[i]} is not in the ground truth`;
    if (d.w[i]! < 0 || d.h[i]! < 0) return `detections[${i}]: negative box size`;
  }
  return undefined;
}
