import type { PreparedGroundTruth } from '../schema/coco.ts';
import { type Shard, shardImages } from '../shards/shards.ts';
import { UserError } from '../util/errors.ts';
import { isPositiveInt } from '../util/numbers.ts';

export type GtImage = PreparedGroundTruth['images'][number];

/**
 * The images a run covers, by id: all of them, the first `limit` (a smoke run) or one shard.
 * A partial run must say where it goes (`out`): it is never stored as the pair's result.
 */
export function selectImages(
  gt: PreparedGroundTruth,
  opts: { limit: number | null; shard: Shard | null; out: string | undefined },
): GtImage[] {
  const { limit, shard } = opts;
  let chosen = [...gt.images].sort((a, b) => a.id - b.id);
  if (limit !== null) {
    if (!isPositiveInt(limit)) throw new UserError(`--limit: expected a positive integer, got ${limit}`);
    chosen = chosen.slice(0, limit);
  }
  if (shard !== null) chosen = shardImages(chosen, shard);
  if ((limit !== null || shard !== null) && opts.out === undefined) {
    throw new UserError(
      limit !== null
        ? `refusing to store a run limited to ${limit} images in results/: smoke runs are not comparable with full ones (write it elsewhere)`
        : 'a shard run writes partial predictions: say where (out)',
    );
  }
  return chosen;
}

/** The ground truth of these images only (a limited run is scored against its own images). */
export function restrictGt(gt: PreparedGroundTruth, ids: ReadonlySet<number>): PreparedGroundTruth {
  return {
    ...gt,
    images: gt.images.filter((im) => ids.has(im.id)),
    annotations: gt.annotations.filter((a) => ids.has(a.image_id)),
  };
}
