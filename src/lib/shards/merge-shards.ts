/**
 * Joins the partial predictions of `podium run --shard i/n` jobs into one COCO results list, after
 * checking that they fit together: the same ground truth, the same split into n shards, each shard
 * exactly once, each shard's images exactly those the assignment in shards.ts gives it (so every
 * image of the ground truth is covered exactly once), and every detection on an image of its
 * own shard. Any mismatch is an error: a merged file that silently lacks a shard would score as a
 * model that missed a quarter of the objects.
 */
import { type CocoGt, detectionsFromJson } from '../eval/load.ts';
import { UserError } from '../util/errors.ts';
import type { ShardPredictions } from './shard-file.ts';
import { formatShard, shardAssignment } from './shards.ts';

export interface ShardPart {
  /** File name, for messages. */
  readonly file: string;
  readonly predictions: ShardPredictions;
}

export interface MergedPredictions {
  /** COCO results list, ordered by image id (each image's detections in their original order). */
  readonly detections: unknown[];
  readonly shardCount: number;
  readonly images: number;
  readonly model: string | null;
  readonly dataset: string | null;
}

/** Shows at most a few ids of a list in a message. */
function someIds(ids: readonly number[]): string {
  const shown = ids.slice(0, 5).join(', ');
  return ids.length > 5 ? `${shown}, … (${ids.length} in all)` : shown;
}

/**
 * Merges shard parts predicted against `gt` (whose sha256 must equal each part's
 * annotationsSha256). `gtLabel` names the ground truth in messages.
 */
export function mergeShards(parts: readonly ShardPart[], gt: CocoGt, gtLabel: string): MergedPredictions {
  if (parts.length === 0) throw new UserError('no shard files given');
  const problems: string[] = [];
  const first = parts[0]!;
  const count = first.predictions.shard.count;

  // The same split, the same model and dataset, the same ground truth.
  for (const { file, predictions: p } of parts) {
    if (p.shard.count !== count)
      problems.push(
        `${file}: shard ${formatShard(p.shard)}, but ${first.file} is shard ${formatShard(first.predictions.shard)}: all parts must come from one split into ${count}`,
      );
    if (p.annotationsSha256 !== gt.sha256)
      problems.push(
        `${file}: predicted against annotations with sha256 ${p.annotationsSha256}, but ${gtLabel} has sha256 ${gt.sha256}`,
      );
    for (const key of ['model', 'dataset'] as const) {
      if (p[key] !== first.predictions[key])
        problems.push(
          `${file}: ${key} is ${JSON.stringify(p[key])}, but ${first.file} says ${JSON.stringify(first.predictions[key])}`,
        );
    }
  }
  if (problems.length > 0) throw mergeError(problems);

  // Each shard exactly once.
  const byIndex = new Map<number, string[]>();
  for (const { file, predictions: p } of parts)
    byIndex.set(p.shard.index, [...(byIndex.get(p.shard.index) ?? []), file]);
  for (const [index, files] of [...byIndex].sort((a, b) => a[0] - b[0])) {
    if (files.length > 1)
      problems.push(`shard ${index}/${count} is given ${files.length} times (${files.join(', ')})`);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    problems.push(
      `missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')}: every image must be covered exactly once`,
    );
  if (problems.length > 0) throw mergeError(problems);

  // Each shard's images are exactly those the assignment gives it.
  const assignment = shardAssignment(gt.imageIds, count);
  for (const { file, predictions: p } of parts) {
    const expected = new Set<number>();
    for (const [id, shard] of assignment) if (shard === p.shard.index) expected.add(id);
    const seen = new Set<number>();
    const duplicated: number[] = [];
    const unexpected: number[] = [];
    for (const id of p.imageIds) {
      if (seen.has(id)) duplicated.push(id);
      else if (!expected.has(id)) unexpected.push(id);
      seen.add(id);
    }
    const absent = [...expected].filter((id) => !seen.has(id));
    const where = `${file} (shard ${formatShard(p.shard)})`;
    if (absent.length > 0)
      problems.push(`${where}: ${absent.length} image(s) of this shard not covered: ids ${someIds(absent)}`);
    if (unexpected.length > 0)
      problems.push(
        `${where}: ${unexpected.length} image(s) that belong to another shard or are not in ${gtLabel}: ids ${someIds(unexpected)}`,
      );
    if (duplicated.length > 0)
      problems.push(`${where}: image(s) listed more than once: ids ${someIds(duplicated)}`);
  }
  if (problems.length > 0) throw mergeError(problems);

  // Detections: valid against the ground truth (the evaluator's own checks), on their shard's images.
  const ordered = [...parts].sort((a, b) => a.predictions.shard.index - b.predictions.shard.index);
  const all: unknown[] = [];
  const imageIndex: number[] = [];
  for (const { file, predictions: p } of ordered) {
    const cols = detectionsFromJson(p.detections, `${file}: detections`, gt.sha256, gt);
    const own = new Set(p.imageIds);
    for (let i = 0; i < cols.length; i++) {
      const imageId = gt.imageIds[cols.img[i]!]!;
      if (!own.has(imageId)) {
        throw new UserError(
          `detections[${i}].image_id: image ${imageId} belongs to shard ${assignment.get(imageId)}/${count}, not to this file's shard ${formatShard(p.shard)}`,
          { file },
        );
      }
      all.push(p.detections[i]);
      imageIndex.push(cols.img[i]!);
    }
  }
  const order = Array.from(all, (_, i) => i).sort((a, b) => imageIndex[a]! - imageIndex[b]! || a - b);
  return {
    detections: order.map((i) => all[i]),
    shardCount: count,
    images: gt.imageIds.length,
    model: first.predictions.model,
    dataset: first.predictions.dataset,
  };
}

function mergeError(problems: readonly string[]): UserError {
  return new UserError(
    problems.length === 1
      ? `cannot merge the shards: ${problems[0]}`
      : `cannot merge the shards, ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
}
