/**
 * A model emitting ±Infinity (issue 12, item 2): its non-finite candidates are dropped in the
 * shared post-processing and counted in the run record, and the predictions cache it writes can
 * be read back (before, the run failed on its own cache: "bbox[0]: expected a finite number").
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { prepareDemo } from '../../src/lib/demo/prepare.ts';
import { findDataset, findModel } from '../../src/lib/manifest/load.ts';
import { runPair } from '../../src/lib/orchestrate/run-pair.ts';
import { MetricsSchema } from '../../src/lib/schema/metrics.ts';
import { buildHeadModel } from '../support/head-model.ts';

let root = '';
const IMAGES = 3;
const logger = { warn: () => {}, info: () => {} };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'podium-nonfinite-'));
  await prepareDemo({ root, images: IMAGES });
  // A YOLOv8-layout head [1, 4+1, 3]: anchor 0 has cx = w = +Infinity (x1 = Inf - Inf = NaN),
  // anchor 1 a score of +Infinity, anchor 2 is an ordinary box.
  const channels = [
    [Infinity, 20, 30], // cx
    [10, 20, 30], // cy
    [Infinity, 10, 12], // w
    [5, 10, 12], // h
    [0.9, Infinity, 0.8], // score of class 0
  ];
  const dir = join(root, 'models/emits-infinity');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'model.onnx'),
    buildHeadModel({
      inputDims: [1, 3, 64, 64],
      outputs: [{ name: 'output0', dims: [5, 3], base: new Float32Array(channels.flat()) }],
    }),
  );
  await writeFile(
    join(dir, 'model.yaml'),
    stringify({
      id: 'emits-infinity',
      name: 'Emits Infinity',
      family: 'yolov8',
      weights: { path: 'model.onnx' },
      input: { size: [64, 64] },
      classes: ['red-circle'],
      license: 'MIT',
    }),
  );
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('a model emitting non-finite outputs', () => {
  it('runs, counts the dropped candidates, and re-evaluates from its own predictions cache', async () => {
    const pair = {
      model: await findModel('emits-infinity', { repoRoot: root }),
      dataset: await findDataset('shapes', { repoRoot: root }),
    };
    const cacheDir = join(root, '.podium/cache');
    const first = await runPair({ ...pair, logger, cacheDir, bootstrapResamples: 10 });
    expect(first.status).toBe('ran');
    const stored = MetricsSchema.parse(JSON.parse(await readFile(first.file, 'utf8')));
    expect(stored.run?.droppedDetections).toEqual({ nonFinite: 2 * IMAGES, empty: 0 });
    // Only the ordinary box is left on each image.
    expect(stored.dataset.images).toBe(IMAGES);

    await rm(first.file);
    const again = await runPair({ ...pair, logger, cacheDir, bootstrapResamples: 10 });
    expect(again.status).toBe('evaluated');
    expect(again.metrics?.coco).toEqual(first.metrics?.coco);
    expect(again.metrics?.run?.droppedDetections).toEqual({ nonFinite: 2 * IMAGES, empty: 0 });
  });
});
