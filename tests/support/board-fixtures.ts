/**
 * Fixtures for the results tests, built on the fly in a temp folder: a tiny COCO dataset, model
 * manifests and metric JSON produced by the real evaluator. Not used outside tests.
 */

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildMetrics } from '../../src/lib/eval/build-metrics.ts';
import { evaluateCoco } from '../../src/lib/eval/evaluate.ts';
import { detectionsFromJson, gtFromJson } from '../../src/lib/eval/load.ts';
import type { PreparedGroundTruth } from '../../src/lib/schema/coco.ts';
import type { Metrics } from '../../src/lib/schema/metrics.ts';
import { sha256Bytes } from '../../src/lib/util/hash.ts';

export const CATEGORIES = [
  { id: 1, name: 'cat' },
  { id: 2, name: 'dog' },
];

/** A small deterministic COCO ground truth: `n` images of 100×80, two boxes each. */
export function tinyGt(n = 6): PreparedGroundTruth {
  const images = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    file_name: `img${String(i + 1).padStart(3, '0')}.jpg`,
    width: 100,
    height: 80,
  }));
  const annotations = images.flatMap((im, i) => [
    {
      id: 2 * i + 1,
      image_id: im.id,
      category_id: 1,
      bbox: [10, 10, 30, 20] as [number, number, number, number],
      area: 600,
      iscrowd: 0 as const,
    },
    {
      id: 2 * i + 2,
      image_id: im.id,
      category_id: 2,
      bbox: [50, 30, 40, 40] as [number, number, number, number],
      area: 1600,
      iscrowd: 0 as const,
    },
  ]);
  return { images, annotations, categories: CATEGORIES };
}

/** Detections for tinyGt: good on even images, shifted on odd ones. */
export function tinyDetections(gt: PreparedGroundTruth) {
  return gt.annotations.map((a) => {
    const shift = a.image_id % 2 === 0 ? 0 : 6;
    return {
      image_id: a.image_id,
      category_id: a.category_id,
      bbox: [a.bbox[0] + shift, a.bbox[1], a.bbox[2], a.bbox[3]],
      score: 0.5 + (a.id % 7) / 20,
    };
  });
}

/** A real metric JSON (the evaluator's output) with a run record. */
export function makeMetrics(options: {
  gt?: PreparedGroundTruth;
  model?: string;
  dataset?: string;
  weightsSha256?: string;
  cacheKey?: string;
  date?: string;
  limit?: number | null;
  evaluatorVersion?: string;
  inferenceMs?: number;
}): Metrics {
  const gtJson = options.gt ?? tinyGt();
  // The sha256 of the annotations file writeDataset writes.
  const gt = gtFromJson(gtJson, 'gt.json', sha256Bytes(`${JSON.stringify(gtJson)}\n`));
  const dt = detectionsFromJson(tinyDetections(gtJson), 'dt.json', 'd'.repeat(64), gt);
  const ms = options.inferenceMs ?? 5;
  const metrics = buildMetrics(evaluateCoco(gt, dt), {
    model: {
      id: options.model ?? 'tiny-model',
      weightsSha256: options.weightsSha256 ?? 'a'.repeat(64),
      manifestSha256: 'b'.repeat(64),
    },
    datasetId: options.dataset ?? 'tiny',
    split: 'val',
    bootstrapResamples: 5,
    run: {
      date: options.date ?? '2026-01-01T00:00:00.000Z',
      podiumVersion: '0.1.0',
      gitSha: null,
      onnxruntime: '1.30.0',
      executionProvider: 'cpu',
      device: 'Test CPU',
      node: 'v24.0.0',
      imgsz: [640, 640],
      conf: 0.001,
      iou: 0.7,
      maxDet: 100,
      batch: 1,
      durationS: 1,
      limit: options.limit ?? null,
      failedImages: [],
      cacheKey: options.cacheKey ?? 'c'.repeat(64),
    },
    speed: {
      preprocessMs: 1,
      inferenceMs: { mean: ms + 1, p50: ms, p90: ms + 2, p99: ms + 3 },
      postprocessMs: 1,
      fps: 100,
      peakRssMb: 200,
    },
  });
  if (options.evaluatorVersion) metrics.evaluator.version = options.evaluatorVersion;
  return metrics;
}

export async function tempRepo(prefix = 'podium-results-'): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(join(root, 'package.json'), '{"name":"fixture","private":true}\n');
  return root;
}

/** datasets/<id>/ with dataset.yaml, annotations.json and an (empty) images folder. */
export async function writeDataset(
  root: string,
  id: string,
  gt: PreparedGroundTruth = tinyGt(),
): Promise<string> {
  const dir = join(root, 'datasets', id);
  await mkdir(join(dir, 'images'), { recursive: true });
  const text = `${JSON.stringify(gt)}\n`;
  await writeFile(join(dir, 'annotations.json'), text);
  await writeFile(
    join(dir, 'dataset.yaml'),
    stringify({
      id,
      name: `Dataset ${id}`,
      task: 'detect',
      split: 'val',
      format: 'coco',
      annotations: { path: 'annotations.json', sha256: sha256Bytes(text) },
      images: { path: 'images' },
      license: 'CC0-1.0',
    }),
  );
  return sha256Bytes(text);
}

export interface ModelFixture {
  id: string;
  weightsSha256?: string;
  classes?: string[] | 'coco80';
  size?: [number, number];
  hidden?: boolean;
  name?: string;
}

/** models/<id>/model.yaml with remote weights (never downloaded by the code under test). */
export async function writeModel(root: string, m: ModelFixture): Promise<void> {
  const dir = join(root, 'models', m.id);
  await mkdir(dir, { recursive: true });
  const manifest: Record<string, unknown> = {
    id: m.id,
    name: m.name ?? `Model ${m.id}`,
    family: 'yolov8',
    weights: {
      url: `https://example.com/${m.id}.onnx`,
      sha256: m.weightsSha256 ?? sha256Bytes(m.id),
      bytes: 1000,
    },
    input: { size: m.size ?? [64, 64] },
    classes: m.classes ?? ['cat', 'dog'],
    license: 'MIT',
  };
  if (m.hidden) manifest['hidden'] = true;
  await writeFile(join(dir, 'model.yaml'), stringify(manifest));
}
