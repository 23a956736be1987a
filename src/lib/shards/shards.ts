/**
 * Splitting a dataset's images into shards, so a large dataset can run as several jobs
 * (`podium run --shard i/n`) whose partial predictions `podium merge-shards` joins again.
 *
 * The assignment is a pure function of the set of image ids: sort the ids ascending and deal them
 * round-robin, the image at sorted position p going to shard (p mod n) + 1. Round-robin rather
 * than contiguous blocks keeps shards alike when a dataset's ids cluster by source or size, and it
 * depends on nothing but the ids, so every job, and the merge, agree on it without talking.
 */
import { UserError } from '../util/errors.ts';
import { isPositiveInt } from '../util/numbers.ts';

/** Shard `index` of `count`, 1-based as written on the command line (`--shard 2/4`). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Most shards a dataset may be split into. */
export const MAX_SHARDS = 256;

/** Parses `i/n` (1 ≤ i ≤ n ≤ MAX_SHARDS); anything else is a UserError naming `what`. */
export function parseShard(text: string, what = '--shard'): Shard {
  const m = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(text);
  if (!m) throw new UserError(`${what}: expected i/n (e.g. 2/4), got "${text}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS)
    throw new UserError(`${what}: the shard count must be between 1 and ${MAX_SHARDS}, got ${count}`);
  if (index < 1 || index > count)
    throw new UserError(`${what}: the shard index must be between 1 and ${count}, got ${index}`);
  return { index, count };
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** The shard (1-based) of the image at ascending sorted position `position`. */
export function shardOfPosition(position: number, count: number): number {
  return (position % count) + 1;
}

/** Distinct ids in ascending numeric order. */
export function sortedUniqueIds(imageIds: Iterable<number>): number[] {
  return [...new Set(imageIds)].sort((a, b) => a - b);
}

/** The image ids of `shard`, ascending. */
export function shardImageIds(imageIds: Iterable<number>, shard: Shard): number[] {
  return sortedUniqueIds(imageIds).filter((_, p) => shardOfPosition(p, shard.count) === shard.index);
}

/** The images (anything with a numeric `id`, e.g. COCO `images` entries) of `shard`, by ascending id. */
export function shardImages<T extends { readonly id: number }>(images: readonly T[], shard: Shard): T[] {
  const keep = new Set(
    shardImageIds(
      images.map((im) => im.id),
      shard,
    ),
  );
  return images.filter((im) => keep.has(im.id)).sort((a, b) => a.id - b.id);
}

/** Map from image id to its shard index (1-based) when split `count` ways. */
export function shardAssignment(imageIds: Iterable<number>, count: number): Map<number, number> {
  const out = new Map<number, number>();
  sortedUniqueIds(imageIds).forEach((id, p) => {
    out.set(id, shardOfPosition(p, count));
  });
  return out;
}

/** How many shards a dataset of `images` images needs so that none exceeds `maxImagesPerShard`. */
export function shardCountFor(images: number, maxImagesPerShard: number): number {
  if (!isPositiveInt(maxImagesPerShard))
    throw new RangeError(`maxImagesPerShard must be a positive integer, got ${maxImagesPerShard}`);
  return Math.min(MAX_SHARDS, Math.max(1, Math.ceil(images / maxImagesPerShard)));
}
