/**
 * One model × dataset benchmark, end to end: manifests → fetch (sha256-pinned) → images chosen
 * (select-images.ts) → predictions, cached or inferred (predictions.ts, infer.ts) → COCO
 * evaluation + analysis → metric JSON (run-record.ts, samples.ts) with history.
 *
 * Every pair is scored under the board's fixed inference settings (BOARD_INFERENCE); a manifest
 * declares only what differs between models (family, preprocessing, classes).
 */
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { BOARD_INFERENCE, type InferenceParams } from '../board/cache-key.ts';
import { pairCacheKey } from '../board/pairs.ts';
import { readResultIfExists, resultPath, saveResult } from '../board/store.ts';
import { type PreparedDataset, prepareDataset } from '../dataset/prepare.ts';
import { buildMetrics } from '../eval/build-metrics.ts';
import { evaluateColumns } from '../eval/columns.ts';
import { gtFromJson, sha256OfJson } from '../eval/load.ts';
import { cacheRoot } from '../fetch/cache.ts';
import { resolveWeights } from '../fetch/weights.ts';
import type { LoadedDataset, LoadedModel } from '../manifest/load.ts';
import type { Logger } from '../runner/logger.ts';
import type { Device } from '../runner/session.ts';
import type { Metrics } from '../schema/metrics.ts';
import type { ShardPart } from '../shards/merge-shards.ts';
import { writeShardPredictions } from '../shards/shard-file.ts';
import type { Shard } from '../shards/shards.ts';
import { isUserError, UserError } from '../util/errors.ts';
import { withFileLock } from '../util/file-lock.ts';
import { removeCheckpoint } from './checkpoint.ts';
import { infer } from './infer.ts';
import {
  asDetectionColumns,
  cachedPredictionsProblem,
  fromShards,
  type Predictions,
  readCachedPredictions,
  toCocoList,
  writePredictions,
} from './predictions.ts';
import { reportedOf, runRecord, speedOf } from './run-record.ts';
import { pickSamples } from './samples.ts';
import { restrictGt, selectImages } from './select-images.ts';

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
 * Runs one pair while holding its lock in the cache (locks/<dataset>--<model>[--shard…].lock), so
 * that two `podium run` processes sharing a cache never write one checkpoint, predictions file or
 * result at once: the second waits, then finds the pair done. A lock left by a killed process is
 * taken over (util/file-lock.ts).
 */
export async function runPair(options: RunPairOptions): Promise<RunPairOutcome> {
  const { model, dataset, logger } = options;
  const scope = [
    dataset.manifest.id,
    model.manifest.id,
    ...(options.shard ? [`shard-${options.shard.index}-of-${options.shard.count}`] : []),
    ...(options.limit ? [`limit-${options.limit}`] : []),
  ].join('--');
  const lock = join(cacheRoot(options.cacheDir), 'locks', `${scope}.lock`);
  return withFileLock(lock, () => runPairLocked(options), {
    onWait: (holder) =>
      logger.info?.(
        `${model.manifest.id} × ${dataset.manifest.id}: waiting for ${holder}, which runs it on this cache`,
      ),
  });
}

async function runPairLocked(options: RunPairOptions): Promise<RunPairOutcome> {
  const { model, dataset, logger } = options;
  const cache = cacheRoot(options.cacheDir);
  const repoRoot = model.repoRoot;

  const prepared = options.prepared ?? (await prepareDataset(dataset, { cacheDir: cache }));
  if (!options.prepared) for (const w of prepared.warnings) logger.warn(w);
  const gtJson = prepared.gt;
  const limit = options.limit ?? null;
  const shard = options.shard ?? null;
  const chosen = selectImages(gtJson, { limit, shard, out: options.out });

  const weights = await resolveWeights(model, { cacheDir: cache });

  const inference: InferenceParams = { ...BOARD_INFERENCE, limit, shard };
  const cacheKey = pairCacheKey({ model, weightsSha256: weights.sha256, ground: prepared, inference });

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
  const checkpointFile = join(cache, 'predictions', `${cacheKey}.partial.jsonl`);
  const gtLabel = `${dataset.path}: annotations`;
  let predictions: Predictions | undefined;
  if (options.shards) {
    if (limit !== null || shard !== null)
      throw new UserError('shard predictions are evaluated as a full run: no limit or shard');
    predictions = fromShards(
      options.shards,
      gtFromJson(gtJson, gtLabel, prepared.annotationsSha256),
      gtLabel,
      cacheKey,
    );
    await writePredictions(predictionsFile, predictions);
  } else if (!options.force) {
    predictions = await readCachedPredictions(predictionsFile, cacheKey, logger);
    const problem =
      predictions &&
      cachedPredictionsProblem(
        predictions,
        chosen.map((im) => im.id),
        new Set(gtJson.categories.map((c) => c.id)),
      );
    if (problem) {
      logger.warn(`${predictionsFile}: ${problem}\n  the cached predictions cannot be used; inferring again`);
      await rm(predictionsFile, { force: true });
      predictions = undefined;
    }
    // A run killed after writing its predictions but before removing its checkpoint left one.
    if (predictions) await removeCheckpoint(checkpointFile);
  }
  const status: RunPairStatus = options.shards ? 'merged' : predictions ? 'evaluated' : 'ran';
  if (!predictions) {
    predictions = await infer({
      model,
      weightsPath: weights.path,
      gt: gtJson,
      images: chosen,
      resolveImage: (f) => prepared.images.resolve(f),
      cacheKey,
      checkpointFile,
      annotationsLabel: gtLabel,
      device: options.device,
      batch: options.batch,
      threads: options.threads,
      logger,
      onProgress: options.onProgress,
      signal: options.signal,
    });
    await writePredictions(predictionsFile, predictions);
    // The checkpoint is only removed once the complete predictions are safely on disk.
    await removeCheckpoint(checkpointFile);
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
      detections: toCocoList(predictions.detections),
      run: predictions.run,
    });
    return { status: 'shard', file: out, cacheKey, failures: failures.length };
  }

  // A limited run is scored against the GT of its images only.
  const subsetGt = limit === null ? gtJson : restrictGt(gtJson, new Set(chosen.map((im) => im.id)));
  const gtSha = limit === null ? prepared.annotationsSha256 : sha256OfJson(subsetGt);
  const gt = gtFromJson(subsetGt, gtLabel, gtSha);
  const evaluation = evaluateColumns(gt, asDetectionColumns(predictions.detections), {
    label: predictionsFile,
  });
  const m = model.manifest;
  let metrics = buildMetrics(evaluation, {
    model: { id: m.id, weightsSha256: weights.sha256, manifestSha256: model.sha256 },
    datasetId: dataset.manifest.id,
    split: dataset.manifest.split,
    run: await runRecord({ model, run: predictions.run, inference, batch: options.batch ?? 1, cacheKey }),
    speed: speedOf(predictions.run),
    reported: reportedOf(model),
    ...(options.bootstrapResamples === undefined ? {} : { bootstrapResamples: options.bootstrapResamples }),
  });
  metrics = {
    ...metrics,
    samples: pickSamples(
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
