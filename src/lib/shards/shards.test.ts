import { describe, expect, it } from 'vitest';
import { UserError } from '../util/errors.ts';
import {
  formatShard,
  parseShard,
  shardAssignment,
  shardCountFor,
  shardImageIds,
  shardImages,
} from './shards.ts';

describe('parseShard', () => {
  it('reads i/n', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    expect(formatShard(parseShard('3/8'))).toBe('3/8');
  });

  it('refuses anything else with a clear message', () => {
    expect(() => parseShard('0/4')).toThrow(/--shard: the shard index must be between 1 and 4, got 0/);
    expect(() => parseShard('5/4')).toThrow(/between 1 and 4, got 5/);
    expect(() => parseShard('1/0')).toThrow(/shard count must be between 1 and 256/);
    expect(() => parseShard('1/999')).toThrow(/shard count/);
    expect(() => parseShard('2of4')).toThrow(UserError);
    expect(() => parseShard('-1/4')).toThrow(/expected i\/n/);
  });
});

describe('shard assignment', () => {
  // Sparse, unsorted ids with a duplicate, as a COCO file may list them.
  const ids = [907, 3, 55, 12, 1000, 14, 2, 77, 3, 501, 88];

  it('deals the sorted ids round-robin', () => {
    // sorted, distinct: 2 3 12 14 55 77 88 501 907 1000
    expect(shardImageIds(ids, { index: 1, count: 3 })).toEqual([2, 14, 88, 1000]);
    expect(shardImageIds(ids, { index: 2, count: 3 })).toEqual([3, 55, 501]);
    expect(shardImageIds(ids, { index: 3, count: 3 })).toEqual([12, 77, 907]);
  });

  it('partitions the images: every id in exactly one shard, sizes within one', () => {
    const many = Array.from({ length: 1001 }, (_, i) => (i * 7919) % 100_003);
    for (const n of [1, 2, 3, 7, 64]) {
      const shards = Array.from({ length: n }, (_, i) => shardImageIds(many, { index: i + 1, count: n }));
      const all = shards.flat();
      expect(all).toHaveLength(new Set(many).size);
      expect(new Set(all).size).toBe(all.length);
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      const assignment = shardAssignment(many, n);
      shards.forEach((s, i) => {
        for (const id of s) expect(assignment.get(id)).toBe(i + 1);
      });
    }
  });

  it('does not depend on the order the ids come in', () => {
    const reversed = [...ids].reverse();
    for (let i = 1; i <= 4; i++)
      expect(shardImageIds(reversed, { index: i, count: 4 })).toEqual(
        shardImageIds(ids, { index: i, count: 4 }),
      );
  });

  it('selects COCO image entries by id', () => {
    const images = [5, 1, 4, 2, 3].map((id) => ({ id, file_name: `${id}.jpg` }));
    expect(shardImages(images, { index: 2, count: 2 }).map((im) => im.file_name)).toEqual(['2.jpg', '4.jpg']);
  });

  it('sizes shards from a per-job image budget', () => {
    expect(shardCountFor(5000, 2500)).toBe(2);
    expect(shardCountFor(5001, 2500)).toBe(3);
    expect(shardCountFor(10, 2500)).toBe(1);
    expect(shardCountFor(0, 2500)).toBe(1);
    expect(() => shardCountFor(10, 0)).toThrow(RangeError);
  });
});
