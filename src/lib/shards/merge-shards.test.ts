import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeScaleCase } from '../../../tests/support/coco-scale-case.ts';
import { evaluateCoco } from '../eval/evaluate.ts';
import { type CocoGt, detectionsFromJson, gtFromJson } from '../eval/load.ts';
import { COCO_STAT_NAMES } from '../schema/metrics.ts';
import { UserError } from '../util/errors.ts';
import { sha256Bytes } from '../util/hash.ts';
import { mergeShards, type ShardPart } from './merge-shards.ts';
import { readShardPredictions, type ShardPredictions, writeShardPredictions } from './shard-file.ts';
import { type Shard, shardImageIds } from './shards.ts';

const REPO = join(import.meta.dirname, '../../..');

interface Det {
  image_id: number;
  category_id: number;
  bbox: number[];
  score: number;
}

let dir: string;
let gtText: string;
let gtSha: string;
let gt: CocoGt;
let dets: Det[];
let imageIds: number[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podium-merge-'));
  // A generated COCO case: 240 images with sparse ids, 80 classes, 30 detections per image.
  const c = makeScaleCase(7, 240, 30);
  gtText = c.gtText;
  gtSha = sha256Bytes(gtText);
  gt = gtFromJson(JSON.parse(gtText), 'gt.json', gtSha);
  imageIds = Array.from(gt.imageIds);
  // Leave some images without any detection: a shard must still account for them.
  const empty = new Set(imageIds.filter((_, i) => i % 11 === 0));
  dets = (JSON.parse(c.dtText) as Det[]).filter((d) => !empty.has(d.image_id));
  await writeFile(join(dir, 'gt.json'), gtText);
});

/** What `podium run --shard i/n` would write for this case. */
function shardOf(shard: Shard, overrides: Partial<ShardPredictions> = {}): ShardPredictions {
  const ids = shardImageIds(imageIds, shard);
  const own = new Set(ids);
  return {
    model: 'm1',
    dataset: 'scale',
    annotationsSha256: gtSha,
    shard,
    imageIds: ids,
    detections: dets.filter((d) => own.has(d.image_id)),
    ...overrides,
  };
}

function parts(n: number): ShardPart[] {
  return Array.from({ length: n }, (_, i) => ({
    file: `part${i + 1}.json.gz`,
    predictions: shardOf({ index: i + 1, count: n }),
  }));
}

function stats(detections: unknown[]) {
  const { summary } = evaluateCoco(gt, detectionsFromJson(detections, 'dt', 'x', gt));
  return { stats: summary.stats, perIoU: summary.perIoU, perClass: summary.perClass };
}

describe('mergeShards', () => {
  it('gives exactly the unsharded evaluation, for any shard count and part order', () => {
    const whole = stats(dets);
    expect(whole.stats.AP).toBeGreaterThan(0.05);
    for (const n of [2, 3, 7]) {
      const shuffled = parts(n).reverse();
      const merged = mergeShards(shuffled, gt, 'gt.json');
      expect(merged.detections).toHaveLength(dets.length);
      expect(merged.images).toBe(240);
      const got = stats(merged.detections);
      for (const name of COCO_STAT_NAMES)
        expect(got.stats[name], `${n} shards: ${name}`).toBe(whole.stats[name]);
      expect(got.perIoU).toEqual(whole.perIoU);
      expect(got.perClass).toEqual(whole.perClass);
    }
  });

  it('refuses a missing shard, a repeated one, or parts of different splits', () => {
    const three = parts(3);
    expect(() => mergeShards([three[0]!, three[2]!], gt, 'gt.json')).toThrow(
      /missing shard 2\/3: every image must be covered exactly once/,
    );
    expect(() => mergeShards([...three, { ...three[1]!, file: 'again.json.gz' }], gt, 'gt.json')).toThrow(
      /shard 2\/3 is given 2 times \(part2\.json\.gz, again\.json\.gz\)/,
    );
    const two = parts(2);
    expect(() => mergeShards([three[0]!, two[1]!], gt, 'gt.json')).toThrow(
      /part2\.json\.gz: shard 2\/2, but part1\.json\.gz is shard 1\/3/,
    );
  });

  it('refuses parts predicted against another ground truth, model or dataset', () => {
    const [a, b] = parts(2);
    const other = { ...b!, predictions: { ...b!.predictions, annotationsSha256: 'f'.repeat(64) } };
    expect(() => mergeShards([a!, other], gt, 'gt.json')).toThrow(
      new RegExp(
        `part2\\.json\\.gz: predicted against annotations with sha256 f{64}, but gt\\.json has sha256 ${gtSha}`,
      ),
    );
    const otherModel = { ...b!, predictions: { ...b!.predictions, model: 'm2' } };
    expect(() => mergeShards([a!, otherModel], gt, 'gt.json')).toThrow(
      /model is "m2", but part1\.json\.gz says "m1"/,
    );
  });

  it('refuses a shard whose images are not exactly its share', () => {
    const [a, b] = parts(2);
    const ids = [...b!.predictions.imageIds];
    const dropped = ids.pop()!;
    const short = { ...b!, predictions: { ...b!.predictions, imageIds: ids } };
    expect(() => mergeShards([a!, short], gt, 'gt.json')).toThrow(
      new RegExp(
        `part2\\.json\\.gz \\(shard 2/2\\): 1 image\\(s\\) of this shard not covered: ids ${dropped}`,
      ),
    );
    const stray = {
      ...b!,
      predictions: { ...b!.predictions, imageIds: [...b!.predictions.imageIds, a!.predictions.imageIds[0]!] },
    };
    expect(() => mergeShards([a!, stray], gt, 'gt.json')).toThrow(
      /belong to another shard or are not in gt\.json/,
    );
    const twice = {
      ...b!,
      predictions: { ...b!.predictions, imageIds: [...b!.predictions.imageIds, ids[0]!] },
    };
    expect(() => mergeShards([a!, twice], gt, 'gt.json')).toThrow(/listed more than once: ids/);
  });

  it('refuses a detection on another shard’s image, and invalid detections, naming the file', () => {
    const [a, b] = parts(2);
    const foreign = { ...dets.find((d) => d.image_id === a!.predictions.imageIds[1])! };
    const bad = {
      ...b!,
      predictions: { ...b!.predictions, detections: [...b!.predictions.detections, foreign] },
    };
    expect(() => mergeShards([a!, bad], gt, 'gt.json')).toThrow(
      new RegExp(
        `^part2\\.json\\.gz: detections\\[\\d+\\]\\.image_id: image ${foreign.image_id} belongs to shard 1/2`,
      ),
    );
    const broken = {
      ...b!,
      predictions: {
        ...b!.predictions,
        detections: [{ ...(b!.predictions.detections[0] as Det), bbox: [1, 2, -3, 4] }],
      },
    };
    expect(() => mergeShards([a!, broken], gt, 'gt.json')).toThrow(UserError);
    expect(() => mergeShards([a!, broken], gt, 'gt.json')).toThrow(
      /part2\.json\.gz: detections: \[0\]\.bbox\[2\]: negative width/,
    );
  });
});

describe('shard files and podium merge-shards', () => {
  it('round-trips gzip shard files and merges them from the command line', async () => {
    const files: string[] = [];
    for (const { file, predictions } of parts(3)) {
      const path = join(dir, file);
      await writeShardPredictions(path, predictions);
      files.push(path);
    }
    const raw = await readFile(files[0]!);
    expect(raw[0]).toBe(0x1f); // gzip
    const back = await readShardPredictions(files[0]!);
    expect(back.shard).toEqual({ index: 1, count: 3 });
    expect(back.imageIds).toEqual(shardImageIds(imageIds, { index: 1, count: 3 }));

    const out = join(dir, 'merged.json.gz');
    const res = await execa(
      process.execPath,
      [
        join(REPO, 'src/cli/main.ts'),
        'merge-shards',
        '--gt',
        join(dir, 'gt.json'),
        '--out',
        out,
        files[2]!,
        files[0]!,
        files[1]!,
      ],
      { reject: false },
    );
    expect(res.stderr).toBe('');
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toMatch(/merged 3 shards of 3: 240 images, \d+ detections/);
    const merged = JSON.parse(gunzipSync(await readFile(out)).toString('utf8')) as unknown[];
    expect(stats(merged).stats).toEqual(stats(dets).stats);

    // A missing part: exit 2 with the reason, and no output written.
    const out2 = join(dir, 'never.json');
    const bad = await execa(
      process.execPath,
      [
        join(REPO, 'src/cli/main.ts'),
        'merge-shards',
        '--gt',
        join(dir, 'gt.json'),
        '--out',
        out2,
        files[0]!,
        files[1]!,
      ],
      { reject: false },
    );
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/missing shard 3\/3/);
    await expect(readFile(out2)).rejects.toThrow(/ENOENT/);
  });

  it('explains a bare results list, a bad envelope, and a gzip bomb', async () => {
    const bare = join(dir, 'bare.json.gz');
    await writeFile(bare, gzipSync(JSON.stringify(dets.slice(0, 3))));
    await expect(readShardPredictions(bare)).rejects.toThrow(
      /bare\.json\.gz: this is a bare COCO results list/,
    );
    const env = join(dir, 'env.json');
    await writeFile(
      env,
      JSON.stringify({ ...shardOf({ index: 1, count: 2 }), shard: '1 of 2', podiumShardPredictions: 1 }),
    );
    await expect(readShardPredictions(env)).rejects.toThrow(/env\.json: shard: expected i\/n/);
    const bomb = join(dir, 'bomb.json.gz');
    // 8 MiB of spaces in ~8 KiB; the reader stops at its limit instead of inflating it all.
    await writeFile(bomb, gzipSync(Buffer.alloc(8 * 1024 ** 2, 0x20)));
    await expect(readShardPredictions(bomb, { maxBytes: 1024 ** 2 })).rejects.toThrow(
      /bomb\.json\.gz: decompresses to more than 1 MiB/,
    );
  });
});
