import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHeadModel, type HeadModelOptions } from '../../../tests/support/head-model.ts';
import { getDecoder } from './decoders/index.ts';
import { type ImageResult, type PipelineImage, runPipeline } from './pipeline.ts';
import { createSession } from './session.ts';

let dir: string;
const images: PipelineImage[] = [];
const greys = [0, 40, 80, 120, 160];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podium-pipeline-'));
  // Five 32x32 grey images (no letterbox padding, so the tensor mean is grey/255) ...
  for (const [i, g] of greys.entries()) {
    const file = join(dir, `grey${i}.png`);
    await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: g, g, b: g } } })
      .png()
      .toFile(file);
    images.push({ id: 100 + i, source: file });
  }
  // ... one that is not an image ...
  const bad = join(dir, 'broken.jpg');
  await writeFile(bad, 'definitely not a jpeg');
  images.push({ id: 200, source: bad });
  // ... and a black 64x32 one, letterboxed into 32x32 with 8 rows of padding above and below.
  const wide = join(dir, 'wide.png');
  await sharp({ create: { width: 64, height: 32, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .png()
    .toFile(wide);
  images.push({ id: 300, source: wide });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** end2end head: one detection [8, 16, 24, 32] (input pixels), class 1, score 0.5 + 0.4 * image mean. */
function end2endModel(extra: Partial<HeadModelOptions> = {}): Uint8Array {
  const base = new Float32Array([8, 16, 24, 32, 0.5, 1]);
  const shift = new Float32Array([0, 0, 0, 0, 0.4, 0]);
  return buildHeadModel({ outputs: [{ name: 'dets', dims: [1, 6], base, shift }], ...extra });
}

async function setup(model: Uint8Array, worker = false) {
  const session = await createSession(model, { worker });
  const decoder = getDecoder('end2end').bind(session.outputs, { numClasses: 2 });
  return { session, decoder };
}

describe('runPipeline', () => {
  it.each([
    ['in-process', false],
    ['worker', true],
  ])(
    'produces COCO detections in original pixels, reports a broken image and carries on (%s session)',
    async (_, worker) => {
      const { session, decoder } = await setup(end2endModel(), worker);
      expect(session.inWorker).toBe(worker);
      const seen: ImageResult[] = [];
      const result = await runPipeline(images, {
        session,
        decoder,
        preprocess: { size: [32, 32] },
        categoryIds: new Int32Array([5, 7]),
        batchSize: 2,
        prefetch: 2,
        onImage: (r) => {
          seen.push(r);
        },
      });
      await session.release();

      expect(seen.map((r) => r.imageId)).toEqual(images.map((i) => i.id));
      expect(seen.map((r) => r.done)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(result.images).toBe(6);
      expect(result.failures).toHaveLength(1);
      expect(result.failures[0]).toMatchObject({ imageId: 200, file: join(dir, 'broken.jpg') });
      expect(result.failures[0]!.reason).toMatch(/unsupported image format|Input buffer|not/i);
      expect(seen[5]!.detections).toBeNull();

      for (const [i, g] of greys.entries()) {
        const [d] = result.detections.filter((x) => x.image_id === 100 + i);
        expect(d).toMatchObject({ category_id: 7, bbox: [8, 16, 16, 16] });
        expect(d!.score).toBeCloseTo(0.5 + (0.4 * g) / 255, 4);
      }
      // Wide image: r = 0.5, pad top 8. [8,16,24,32] → x 16..48, y 16..48 clipped to the 32-px height.
      const wide = result.detections.find((x) => x.image_id === 300)!;
      expect(wide.bbox).toEqual([16, 16, 32, 16]);
      // Its tensor is half padding (114) and half black: mean = 0.5 * 114/255.
      expect(wide.score).toBeCloseTo(0.5 + 0.4 * 0.5 * (114 / 255), 4);

      expect(result.speed.inferenceMs.count).toBe(6);
      expect(result.speed.fps).toBeGreaterThan(0);
      expect(result.speed.peakRssMb).toBeGreaterThan(10);
      expect(result.environment).toMatchObject({
        onnxruntime: '1.30.0',
        executionProvider: 'cpu',
        node: process.version,
      });
    },
  );

  it('pads short batches for a model with a fixed batch dim, and feeds float16 models', async () => {
    const warnings: string[] = [];
    for (const extra of [
      { inputDims: [4, 3, 32, 32] },
      { inputDtype: 'float16' as const, inputDims: ['batch', 3, 32, 32] },
    ]) {
      const { session, decoder } = await setup(end2endModel(extra));
      const result = await runPipeline(images, {
        session,
        decoder,
        preprocess: { size: [32, 32] },
        categoryIds: new Int32Array([5, 7]),
        logger: { warn: (m) => warnings.push(m) },
      });
      await session.release();
      expect(result.images).toBe(6);
      expect(result.detections.map((d) => d.image_id)).toEqual([100, 101, 102, 103, 104, 300]);
      const d = result.detections.find((x) => x.image_id === 104)!;
      expect(d.score).toBeCloseTo(0.5 + (0.4 * 160) / 255, 2);
    }
    expect(warnings).toContain('model has a fixed batch of 4; using batch 4 instead of 1');
  });

  it('handles dynamic input sizes: each image gets its own tensor size', async () => {
    const { session, decoder } = await setup(end2endModel());
    const result = await runPipeline([images[0]!, images[6]!], {
      session,
      decoder,
      preprocess: { dynamic: { maxSize: 64, stride: 32 } },
      categoryIds: new Int32Array([5, 7]),
    });
    await session.release();
    // 32x32 grey: scaled by 2 to a 64x64 tensor, so [8,16,24,32] → [4,8,12,16] in the original.
    expect(result.detections.find((d) => d.image_id === 100)!.bbox).toEqual([4, 8, 8, 8]);
    // 64x32 black: scale 1, tensor 64x32 (no padding needed at stride 32); y2 = 32 stays inside.
    const wide = result.detections.find((d) => d.image_id === 300)!;
    expect(wide.bbox).toEqual([8, 16, 16, 16]);
    expect(wide.score).toBeCloseTo(0.5, 4); // black image, no padding: mean 0
  });

  it('refuses a manifest size that does not match the model', async () => {
    const { session, decoder } = await setup(end2endModel({ inputDims: [1, 3, 32, 32] }));
    await expect(
      runPipeline(images, {
        session,
        decoder,
        preprocess: { size: [64, 64] },
        categoryIds: new Int32Array([5, 7]),
        file: 'm.onnx',
      }),
    ).rejects.toThrow(
      'm.onnx: manifest input size [64, 64] (height, width) does not match the model input dims [1,3,32,32]',
    );
    await session.release();
  });

  it.each([
    ['in-process', false],
    ['worker', true],
  ])('stops when aborted, after the images already reported (%s session)', async (_, worker) => {
    const { session, decoder } = await setup(end2endModel(), worker);
    const controller = new AbortController();
    const seen: number[] = [];
    const run = runPipeline(images, {
      session,
      decoder,
      preprocess: { size: [32, 32] },
      categoryIds: new Int32Array([5, 7]),
      signal: controller.signal,
      onImage: (r) => {
        seen.push(r.imageId);
        if (seen.length === 2) controller.abort(new Error('stop requested'));
      },
    });
    await expect(run).rejects.toThrow('stop requested');
    expect(seen).toEqual([100, 101]);
    await session.release();
  });

  it('runs NMS for YOLO heads: overlapping anchors collapse to one detection', async () => {
    // [4+nc, N] with N = 3 anchors, nc = 1: two overlapping boxes and one apart.
    const anchors = [
      [16, 16, 10, 10, 0.9],
      [17, 16, 10, 10, 0.8],
      [4, 4, 4, 4, 0.7],
    ];
    const base = new Float32Array(15);
    anchors.forEach((a, n) => {
      a.forEach((v, c) => {
        base[c * 3 + n] = v;
      });
    });
    const session = await createSession(
      buildHeadModel({ outputs: [{ name: 'output0', dims: [5, 3], base }] }),
    );
    const decoder = getDecoder('yolov8').bind(session.outputs, { numClasses: 1 });
    const result = await runPipeline(images.slice(0, 1), {
      session,
      decoder,
      preprocess: { size: [32, 32] },
      categoryIds: new Int32Array([1]),
      postprocess: { iou: 0.7 },
    });
    await session.release();
    expect(result.detections.map((d) => [d.bbox, d.score])).toEqual([
      [[11, 11, 10, 10], 0.9],
      [[2, 2, 4, 4], 0.7],
    ]);
  });
});
