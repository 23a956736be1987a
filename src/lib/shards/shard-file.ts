/**
 * A shard's partial predictions, as `podium run --shard i/n` writes them and `podium merge-shards`
 * reads them: gzip-compressed JSON (plain JSON is read too).
 *
 *   {
 *     "podiumShardPredictions": 1,
 *     "model": "yolov8n" | null, "dataset": "coco-val2017" | null,
 *     "annotationsSha256": "<sha256 of the ground truth the shard was predicted against>",
 *     "shard": "2/4",
 *     "imageIds": [ids of every image of this shard, including those without detections],
 *     "detections": [{image_id, category_id, bbox: [x, y, w, h], score}, …]   // a COCO results list
 *   }
 *
 * A bare COCO results list cannot say which images a shard covered (an image with no detection
 * leaves no trace) nor against which ground truth, and the merge must check both, so the
 * envelope carries them. Detections are validated against the ground truth when merging, by the
 * evaluator's own loader (zod on 500k entries would cost more than parsing them).
 */

import { readFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { parseJsonText } from '../eval/load.ts';
import { MAX_PREDICTIONS_BYTES } from '../policy/limits.ts';
import { formatBytes, Sha256, Slug } from '../schema/common.ts';
import { parseOrThrow } from '../schema/format-error.ts';
import { DroppedDetections } from '../schema/metrics.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { UserError } from '../util/errors.ts';
import { formatShard, parseShard, type Shard } from './shards.ts';

export const SHARD_PREDICTIONS_VERSION = 1;

/**
 * How the shard was predicted: per-image timings (milliseconds), its wall time, where it ran and
 * which images failed, so the merged evaluation can report speed like an unsharded run.
 */
export const ShardRunSchema = z.object({
  preprocessMs: z.array(z.number()),
  inferenceMs: z.array(z.number()),
  postprocessMs: z.array(z.number()),
  wallS: z.number().min(0),
  peakRssMb: z.number().min(0),
  environment: z.object({
    onnxruntime: z.string(),
    executionProvider: z.string(),
    cpu: z.string(),
    cpuCount: z.int(),
    /** onnxruntime's intra-op threads on CPU. */
    threads: z.int().optional(),
    node: z.string(),
  }),
  failures: z.array(z.object({ imageId: z.int(), file: z.string(), reason: z.string() })),
  /** Candidates the post-processing dropped (absent in files written before it counted them). */
  dropped: DroppedDetections.optional(),
});
export type ShardRun = z.output<typeof ShardRunSchema>;

export const ShardPredictionsSchema = z
  .object({
    podiumShardPredictions: z.literal(SHARD_PREDICTIONS_VERSION),
    model: Slug.nullable(),
    dataset: Slug.nullable(),
    annotationsSha256: Sha256,
    shard: z.string().regex(/^\d{1,4}\/\d{1,4}$/, { error: 'expected i/n, e.g. 2/4' }),
    imageIds: z.array(z.int()),
    detections: z.array(z.unknown()),
    run: ShardRunSchema.optional(),
  })
  .describe("One shard's partial predictions");

export type ShardPredictionsFile = z.output<typeof ShardPredictionsSchema>;

/** A shard file's content in memory (the shard parsed, the format version implied). */
export interface ShardPredictions {
  readonly model: string | null;
  readonly dataset: string | null;
  readonly annotationsSha256: string;
  readonly shard: Shard;
  /** Every image of the shard, including those without detections. */
  readonly imageIds: readonly number[];
  /** COCO results: {image_id, category_id, bbox, score}. */
  readonly detections: readonly unknown[];
  /** Timings and environment of the shard's run (absent in files from older runners). */
  readonly run?: ShardRun | undefined;
}

/** gzip when the name ends in .gz; written atomically. */
export async function writeJsonMaybeGzip(file: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  await writeFileAtomic(file, file.endsWith('.gz') ? gzipSync(text) : `${text}\n`);
}

/** Reads JSON, gunzipping when the bytes start with gzip's magic number; errors name the file. */
export async function readJsonMaybeGzip(file: string, maxBytes = MAX_PREDICTIONS_BYTES): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'file not found' : `cannot read the file (${code})`, { file });
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserError(
        code === 'ERR_BUFFER_TOO_LARGE'
          ? `decompresses to more than ${formatBytes(maxBytes)}`
          : `not a valid gzip file (${(err as Error).message})`,
        { file },
      );
    }
  } else if (bytes.length > maxBytes) {
    throw new UserError(`larger than ${formatBytes(maxBytes)}`, { file });
  }
  return parseJsonText(bytes.toString('utf8'), file);
}

export async function writeShardPredictions(file: string, predictions: ShardPredictions): Promise<void> {
  const out: ShardPredictionsFile = {
    podiumShardPredictions: SHARD_PREDICTIONS_VERSION,
    model: predictions.model,
    dataset: predictions.dataset,
    annotationsSha256: predictions.annotationsSha256,
    shard: formatShard(predictions.shard),
    imageIds: [...predictions.imageIds],
    detections: [...predictions.detections],
    ...(predictions.run === undefined ? {} : { run: predictions.run }),
  };
  await writeJsonMaybeGzip(file, out);
}

/** Reads and checks the envelope of a shard file (not yet the detections: see mergeShards). */
export async function readShardPredictions(
  file: string,
  options: { maxBytes?: number } = {},
): Promise<ShardPredictions> {
  const value = await readJsonMaybeGzip(file, options.maxBytes);
  if (Array.isArray(value)) {
    throw new UserError(
      'this is a bare COCO results list; merge-shards needs the shard files `podium run --shard i/n` writes ' +
        '(with annotationsSha256, shard and imageIds)',
      { file },
    );
  }
  const parsed = parseOrThrow(ShardPredictionsSchema, value, file);
  let shard: Shard;
  try {
    shard = parseShard(parsed.shard, 'shard');
  } catch (err) {
    throw new UserError((err as Error).message, { file });
  }
  const { model, dataset, annotationsSha256, imageIds, detections, run } = parsed;
  return { model, dataset, annotationsSha256, shard, imageIds, detections, run };
}
