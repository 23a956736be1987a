/**
 * `podium run` end to end on a small demo built in a temp folder: real images, real ONNX models,
 * real onnxruntime — checked for what a user of the board relies on: results that validate, a
 * second run that skips, re-evaluation without re-inference, a killed run that resumes to the
 * same numbers, shards that merge to the unsharded result, and clear refusals of bad input.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBenchmarks } from '../../src/lib/board/plan.ts';
import { prepareDemo } from '../../src/lib/demo/prepare.ts';
import { evaluateCoco } from '../../src/lib/eval/evaluate.ts';
import { gtFromJson, sha256OfJson } from '../../src/lib/eval/load.ts';
import { loadAllManifests } from '../../src/lib/manifest/discover.ts';
import { findDataset, findModel } from '../../src/lib/manifest/load.ts';
import { runBoard } from '../../src/lib/orchestrate/run-board.ts';
import { runPair } from '../../src/lib/orchestrate/run-pair.ts';
import { MetricsSchema } from '../../src/lib/schema/metrics.ts';
import { mergeShards } from '../../src/lib/shards/merge-shards.ts';
import { readShardPredictions } from '../../src/lib/shards/shard-file.ts';
import { UserError } from '../../src/lib/util/errors.ts';
import { sha256Bytes } from '../../src/lib/util/hash.ts';

let root = '';
const IMAGES = 12;
const messages: string[] = [];
const logger = { warn: (m: string) => messages.push(m), info: (m: string) => messages.push(m) };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'podium-run-'));
  await prepareDemo({ root, images: IMAGES });
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

const cacheDir = () => join(root, '.podium/cache');
const load = async (model = 'shapes-yolo-nano') => ({
  model: await findModel(model, { repoRoot: root }),
  dataset: await findDataset('shapes', { repoRoot: root }),
});

describe('podium run on the demo', () => {
  it('benchmarks every model, writes valid results, then skips them when nothing changed', async () => {
    const { models, datasets, errors } = await loadAllManifests(undefined, { repoRoot: root });
    expect(errors).toEqual([]);
    expect(models.length).toBeGreaterThanOrEqual(3);
    const first = await runBoard({ models, datasets, logger, cacheDir: cacheDir(), bootstrapResamples: 20 });
    const aps = new Set<number>();
    for (const r of first) {
      if (!('outcome' in r)) throw new Error(`pair failed: ${JSON.stringify(r)}`);
      expect(r.outcome.status).toBe('ran');
      const json = JSON.parse(await readFile(r.outcome.file, 'utf8'));
      const parsed = MetricsSchema.parse(json);
      expect(parsed.model?.id).toBe(r.pair.model.manifest.id);
      expect(parsed.dataset.images).toBe(IMAGES);
      expect(parsed.coco.AP).toBeGreaterThan(0);
      expect(parsed.speed?.inferenceMs.p50).toBeGreaterThan(0);
      expect(parsed.run?.executionProvider).toBe('cpu');
      expect(parsed.samples.length).toBeGreaterThan(0);
      expect(parsed.samples[0]!.file).toMatch(/^datasets\/shapes\/images\/.+\.jpg$/);
      aps.add(parsed.coco.AP);
    }
    expect(aps.size).toBe(first.length); // the models really differ
    const second = await runBoard({ models, datasets, logger, cacheDir: cacheDir() });
    for (const r of second) expect('outcome' in r && r.outcome.status).toBe('fresh');
    // plan computes each pair's key through the same service: what run just stored is up to date.
    const plan = await planBenchmarks({ repoRoot: root, cacheDir: cacheDir(), includeIgnored: true });
    expect(plan.pairs.map((p) => `${p.model} ${p.status}`).sort()).toEqual(
      first.map((r) => `${r.pair.model.manifest.id} fresh`).sort(),
    );
  });

  it('re-evaluates from cached predictions without re-inference, to the same numbers', async () => {
    const pair = await load();
    const before = await runPair({ ...pair, logger, cacheDir: cacheDir(), bootstrapResamples: 20 });
    await rm(before.file);
    const again = await runPair({ ...pair, logger, cacheDir: cacheDir(), bootstrapResamples: 20 });
    expect(again.status).toBe('evaluated');
    expect(again.metrics?.coco).toEqual(before.metrics?.coco);
    expect(again.metrics?.speed).toEqual(before.metrics?.speed);
    // durationS is the inference's wall time, whichever run evaluates the predictions.
    expect(again.metrics?.run?.durationS).toBe(before.metrics?.run?.durationS);
    // A stored result an older Podium wrote (failing today's schema) is replaced, with a warning.
    await writeFile(before.file, JSON.stringify({ schemaVersion: 1, coco: {} }));
    messages.length = 0;
    const replaced = await runPair({ ...pair, logger, cacheDir: cacheDir(), bootstrapResamples: 20 });
    expect(replaced.status).toBe('evaluated');
    expect(
      messages.some((m) => /shapes-yolo-nano\.json: [\s\S]*\n {2}the stored result cannot be read/.test(m)),
    ).toBe(true);
    expect(replaced.metrics?.coco).toEqual(before.metrics?.coco);
  });

  it('discards a cached predictions file that fails its schema, with a warning, and infers again', async () => {
    const pair = await load();
    const cache = join(root, '.podium/cache-bad-predictions');
    const out = join(root, 'out/bad-predictions.json');
    const first = await runPair({ ...pair, logger, cacheDir: cache, out, bootstrapResamples: 20 });
    expect(first.status).toBe('ran');
    const file = join(cache, 'predictions', `${first.cacheKey}.json.gz`);
    const cached = JSON.parse(gunzipSync(await readFile(file)).toString('utf8'));
    // What an Infinity coordinate becomes in JSON: null, under the right cache key.
    await writeFile(
      file,
      gzipSync(
        JSON.stringify({
          ...cached,
          detections: [{ image_id: 1, category_id: 1, bbox: [null, 0, 10, 10], score: 0.5 }],
        }),
      ),
    );
    await rm(out);
    messages.length = 0;
    const again = await runPair({ ...pair, logger, cacheDir: cache, out, bootstrapResamples: 20 });
    expect(again.status).toBe('ran');
    expect(again.metrics?.coco).toEqual(first.metrics?.coco);
    expect(messages.some((m) => m.includes(`${first.cacheKey}.json.gz`) && /inferring again/.test(m))).toBe(
      true,
    );
    // The file written in its place reads back: the next evaluation needs no inference.
    await rm(out);
    const third = await runPair({ ...pair, logger, cacheDir: cache, out, bootstrapResamples: 20 });
    expect(third.status).toBe('evaluated');
    expect(third.metrics?.coco).toEqual(first.metrics?.coco);
  });

  it('keeps the previous run in the history when a pair is re-benchmarked', async () => {
    const pair = await load();
    const forced = await runPair({
      ...pair,
      logger,
      cacheDir: cacheDir(),
      force: true,
      bootstrapResamples: 20,
    });
    expect(forced.status).toBe('ran');
    expect(forced.metrics?.history.length).toBeGreaterThanOrEqual(1);
    expect(forced.metrics?.history.at(-1)?.AP).toBe(forced.metrics?.coco.AP);
  });

  it('resumes a run killed half-way and yields the same result', async () => {
    const pair = await load('shapes-e2e-small');
    const cache = join(root, '.podium/cache-resume');
    const controller = new AbortController();
    const out = join(root, 'out/resume.json');
    await expect(
      runPair({
        ...pair,
        logger,
        cacheDir: cache,
        out,
        bootstrapResamples: 20,
        signal: controller.signal,
        onProgress: (done) => {
          if (done === 5) controller.abort();
        },
      }),
    ).rejects.toThrow();
    messages.length = 0;
    const resumed = await runPair({ ...pair, logger, cacheDir: cache, out, bootstrapResamples: 20 });
    expect(messages.some((m) => /^resuming: [5-9] of 12 images already done$/.test(m))).toBe(true);
    const clean = await runPair({
      ...pair,
      logger,
      cacheDir: join(root, '.podium/cache-clean'),
      out: join(root, 'out/clean.json'),
      bootstrapResamples: 20,
    });
    expect(resumed.metrics?.coco).toEqual(clean.metrics?.coco);
    expect(resumed.metrics?.perClass).toEqual(clean.metrics?.perClass);
  });

  it('scores a --limit smoke run on its images only, and keeps it out of results/', async () => {
    const pair = await load();
    await expect(runPair({ ...pair, logger, cacheDir: cacheDir(), limit: 4, force: true })).rejects.toThrow(
      /refusing to store a run limited to 4 images/,
    );
    const out = join(root, 'smoke/shapes/shapes-yolo-nano.json');
    const smoke = await runPair({
      ...pair,
      logger,
      cacheDir: cacheDir(),
      limit: 4,
      out,
      bootstrapResamples: 20,
    });
    expect(smoke.metrics?.run?.limit).toBe(4);
    expect(smoke.metrics?.dataset.images).toBe(4);
  });

  it('merges shard predictions into exactly the unsharded evaluation', async () => {
    const pair = await load('shapes-detr-medium');
    const parts = [];
    for (const index of [1, 2, 3]) {
      const out = join(root, `shards/part${index}.json.gz`);
      const r = await runPair({ ...pair, logger, cacheDir: cacheDir(), shard: { index, count: 3 }, out });
      expect(r.status).toBe('shard');
      parts.push({ file: out, predictions: await readShardPredictions(out) });
    }
    const gtJson = JSON.parse(await readFile(join(root, 'datasets/shapes/annotations.json'), 'utf8'));
    const gt = gtFromJson(
      gtJson,
      'gt',
      sha256Bytes(await readFile(join(root, 'datasets/shapes/annotations.json'))),
    );
    const merged = mergeShards(parts, gt, 'gt');
    const { detectionsFromJson } = await import('../../src/lib/eval/load.ts');
    const sharded = evaluateCoco(
      gt,
      detectionsFromJson(merged.detections, 'merged', sha256OfJson(merged.detections), gt),
    );
    const whole = await runPair({ ...pair, logger, cacheDir: cacheDir(), out: join(root, 'out/whole.json') });
    expect(sharded.summary.stats).toEqual(whole.metrics?.coco);
    // Published scores travel in percent, as the manifest states them.
    expect(whole.metrics?.reported?.AP).toBe(61.1);
    expect(whole.metrics?.reported?.AP).toBe(pair.model.manifest.reported?.AP);
    // The GPU workflow's path: the shards evaluated as the full run, speed pooled from their timings.
    const fromShards = await runPair({
      ...pair,
      logger,
      cacheDir: join(root, '.podium/cache-merge'),
      out: join(root, 'out/merged.json'),
      shards: parts,
      bootstrapResamples: 20,
    });
    expect(fromShards.status).toBe('merged');
    expect(fromShards.metrics?.coco).toEqual(whole.metrics?.coco);
    expect(fromShards.metrics?.run?.cacheKey).toBe(whole.cacheKey);
    expect(fromShards.metrics?.speed?.inferenceMs.p50).toBeGreaterThan(0);
    await expect(
      runPair({
        ...pair,
        logger,
        cacheDir: cacheDir(),
        out: join(root, 'out/m2.json'),
        shards: parts.slice(1),
      }),
    ).rejects.toThrow(/shard/);
  });
});

describe('podium run refuses what cannot be trusted', () => {
  async function withModelEdit(edit: (yaml: string) => string, weights?: Uint8Array): Promise<unknown> {
    const dir = join(root, 'models/shapes-yolo-nano');
    const original = await readFile(join(dir, 'model.yaml'), 'utf8');
    const originalWeights = await readFile(join(dir, 'model.onnx'));
    try {
      let yaml = edit(original);
      if (weights) {
        await writeFile(join(dir, 'model.onnx'), weights);
        yaml = yaml.replace(/sha256: [0-9a-f]{64}/, `sha256: ${sha256Bytes(weights)}`);
      }
      await writeFile(join(dir, 'model.yaml'), yaml);
      const pair = await load();
      return await runPair({
        ...pair,
        logger,
        cacheDir: cacheDir(),
        out: join(root, 'out/bad.json'),
        force: true,
      }).then(
        () => new Error('expected a refusal'),
        (err: unknown) => err,
      );
    } finally {
      await writeFile(join(dir, 'model.yaml'), original);
      await writeFile(join(dir, 'model.onnx'), originalWeights);
    }
  }

  it('a weights file that is not ONNX', async () => {
    const err = await withModelEdit((y) => y, new TextEncoder().encode('<html>not a model</html>'));
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/models\/shapes-yolo-nano\/model\.yaml.*not .*ONNX/i);
  });

  it('outputs that match no declared family', async () => {
    const err = await withModelEdit((y) => y.replace('family: yolov8', 'family: yolov5'));
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/yolov5/);
  });

  it('a dataset whose categories do not cover the model', async () => {
    const err = await withModelEdit((y) => y.replace('- red-circle', '- purple-blob'));
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/purple-blob/);
  });

  it('images that fail to decode: counted, reported, and too many refuse the run', async () => {
    const images = join(root, 'datasets/shapes/images');
    const victim = join(images, '000003.jpg');
    await copyFile(victim, `${victim}.bak`);
    await writeFile(victim, 'this is not a JPEG');
    try {
      const pair = await load();
      const opts = {
        ...pair,
        logger,
        cacheDir: join(root, '.podium/cache-broken'),
        force: true,
        bootstrapResamples: 20,
      };
      await expect(runPair({ ...opts, out: join(root, 'out/broken.json') })).rejects.toThrow(
        /1 of 12 images failed to decode/,
      );
      const tolerated = await runPair({ ...opts, out: join(root, 'out/broken.json'), maxFailureRate: 0.1 });
      expect(tolerated.failures).toBe(1);
      expect(tolerated.metrics?.run?.failedImages).toEqual([
        { file: '000003.jpg', reason: expect.any(String) },
      ]);
    } finally {
      await copyFile(`${victim}.bak`, victim);
      await rm(`${victim}.bak`);
    }
  });
});
