/**
 * The demo detectors, end to end through the runner's own pieces (preprocess → onnxruntime →
 * family decoder → NMS / top-k → original pixels): they load, are deterministic, match the pins
 * committed in models/<id>/model.yaml, stay silent on letterbox grey, and find real objects.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import YAML from 'yaml';
import type { CocoDataset } from '../src/lib/demo/coco.ts';
import { generateShapes } from '../src/lib/demo/dataset.ts';
import { modelManifestYaml } from '../src/lib/demo/manifests.ts';
import { DEMO_MODELS, type DemoModel } from '../src/lib/demo/models/catalog.ts';
import { buildColourDetector } from '../src/lib/demo/models/colour-detector.ts';
import { forEachSpan } from '../src/lib/demo/raster.ts';
import { SHAPE_CLASSES } from '../src/lib/demo/shape-classes.ts';
import { getDecoder, type OutputTensor } from '../src/lib/runner/decoders/index.ts';
import { type CocoDetection, finalizeDetections } from '../src/lib/runner/postprocess.ts';
import { preprocessImage } from '../src/lib/runner/preprocess.ts';
import { eachCase } from './support/each-case.ts';

const repo = join(import.meta.dirname, '..');
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const CATEGORY_IDS = Int32Array.from(SHAPE_CLASSES, (c) => c.id);

interface Loaded {
  model: DemoModel;
  bytes: Uint8Array;
  flops: number;
  params: number;
  session: ort.InferenceSession;
}

const loaded = new Map<string, Loaded>();
let dataDir = '';
let dataset: CocoDataset;

beforeAll(async () => {
  for (const model of DEMO_MODELS) {
    const built = buildColourDetector(model.spec);
    const session = await ort.InferenceSession.create(built.bytes, { intraOpNumThreads: 1 });
    loaded.set(model.id, { model, ...built, session });
  }
  dataDir = await mkdtemp(join(tmpdir(), 'podium-demo-models-'));
  dataset = await generateShapes({ count: 6, imagesDir: dataDir });
});

afterAll(async () => {
  for (const l of loaded.values()) await l.session.release();
  await rm(dataDir, { recursive: true, force: true });
});

async function runRaw(l: Loaded, image: string | Uint8Array) {
  const S = l.model.spec.inputSize;
  const prepared = await preprocessImage(image, { size: [S, S], resize: 'letterbox', padValue: 114 });
  const results = await l.session.run({ images: new ort.Tensor('float32', prepared.data, [1, 3, S, S]) });
  const outputs: Record<string, OutputTensor> = {};
  for (const [name, t] of Object.entries(results)) {
    outputs[name] = { name, dims: t.dims, data: t.data as Float32Array };
  }
  return { outputs, transform: prepared.transform };
}

async function detect(l: Loaded, image: string | Uint8Array, conf = 0.05): Promise<CocoDetection[]> {
  const { outputs, transform } = await runRaw(l, image);
  const decoder = getDecoder(l.model.family).bind(Object.values(outputs), {
    numClasses: SHAPE_CLASSES.length,
  });
  const S = l.model.spec.inputSize;
  const [candidates] = decoder.decode(outputs, {
    inputWidth: S,
    inputHeight: S,
    conf,
    maxDet: 100,
    multiLabel: true,
  });
  return finalizeDetections(candidates!, transform, CATEGORY_IDS, 1, { conf, iou: 0.7, maxDet: 100 });
}

function iou(a: readonly number[], b: readonly number[]): number {
  const ix = Math.max(0, Math.min(a[0]! + a[2]!, b[0]! + b[2]!) - Math.max(a[0]!, b[0]!));
  const iy = Math.max(0, Math.min(a[1]! + a[3]!, b[1]! + b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = ix * iy;
  return inter / (a[2]! * a[3]! + b[2]! * b[3]! - inter);
}

eachCase('$id', DEMO_MODELS, (model) => {
  const id = model.id;
  it('builds the same bytes every time, matching the committed pin and manifest', async () => {
    const l = loaded.get(id)!;
    const again = buildColourDetector(model.spec);
    expect(sha256(again.bytes)).toBe(sha256(l.bytes));
    expect(l.bytes.length).toBeLessThan(2 * 1024 * 1024);
    const manifestText = await readFile(join(repo, 'models', id, 'model.yaml'), 'utf8');
    expect(YAML.parse(manifestText).weights.sha256).toBe(sha256(l.bytes));
    expect(manifestText).toBe(
      modelManifestYaml(model, { sha256: sha256(l.bytes), flops: l.flops, params: l.params }),
    );
  });

  it('has the input and output layout of its family, and its decoder accepts it', async () => {
    const l = loaded.get(id)!;
    expect(l.session.inputNames).toEqual(['images']);
    const { outputs } = await runRaw(l, join(dataDir, dataset.images[0]!.file_name));
    const dims = Object.fromEntries(Object.values(outputs).map((o) => [o.name, o.dims]));
    const G = model.spec.inputSize / model.spec.stride;
    const expected =
      model.spec.head.kind === 'yolov8'
        ? { output0: [1, 10, G * G] }
        : model.spec.head.kind === 'end2end'
          ? { output0: [1, model.spec.head.topK, 6] }
          : { boxes: [1, model.spec.head.queries, 4], logits: [1, model.spec.head.queries, 6] };
    expect(dims).toEqual(expected);
  });

  it('is deterministic and silent on letterbox grey', async () => {
    const l = loaded.get(id)!;
    const grey = await sharp({ create: { width: 500, height: 300, channels: 3, background: '#727272' } })
      .png()
      .toBuffer();
    expect(await detect(l, grey, 0.01)).toEqual([]);
    const image = join(dataDir, dataset.images[1]!.file_name);
    const [a, b] = [await runRaw(l, image), await runRaw(l, image)];
    for (const name of Object.keys(a.outputs)) {
      expect(sha256(new Uint8Array(a.outputs[name]!.data.buffer))).toBe(
        sha256(new Uint8Array(b.outputs[name]!.data.buffer)),
      );
    }
  });

  it('boxes a lone object of every class tightly', async () => {
    const l = loaded.get(id)!;
    const W = 480;
    const H = 360;
    for (const cls of SHAPE_CLASSES) {
      const rgb = new Uint8Array(W * H * 3).fill(120);
      let [minX, minY, maxX, maxY] = [W, H, -1, -1];
      forEachSpan(
        { kind: cls.kind, cx: 250.5, cy: 170.2, size: 130, angle: 0.4 },
        { x0: 0, y0: 0, x1: W, y1: H },
        (y, x0, x1) => {
          for (let x = x0; x < x1; x++) rgb.set(cls.rgb, (y * W + x) * 3);
          [minX, minY, maxX, maxY] = [
            Math.min(minX, x0),
            Math.min(minY, y),
            Math.max(maxX, x1 - 1),
            Math.max(maxY, y),
          ];
        },
      );
      const png = await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
        .png()
        .toBuffer();
      const dets = await detect(l, png);
      const truth = [minX, minY, maxX - minX + 1, maxY - minY + 1];
      expect(dets.length, cls.name).toBeGreaterThan(0);
      expect(dets[0]!.category_id, cls.name).toBe(cls.id);
      expect(iou(dets[0]!.bbox, truth), cls.name).toBeGreaterThan(0.75);
    }
  });

  it('finds most medium and large objects of generated images (IoU > 0.5, right class)', async () => {
    const l = loaded.get(id)!;
    let found = 0;
    let total = 0;
    for (const im of dataset.images) {
      const dets = await detect(l, join(dataDir, im.file_name));
      for (const a of dataset.annotations) {
        if (a.image_id !== im.id || a.iscrowd || a.area < 32 ** 2) continue;
        total++;
        if (dets.some((d) => d.category_id === a.category_id && iou(d.bbox, a.bbox) > 0.5)) found++;
      }
    }
    expect(total).toBeGreaterThan(10);
    expect(found / total, `${found} of ${total} found`).toBeGreaterThan(0.6);
  });
});
