/**
 * The post-processed and raw-DETR families on tiny models with the exact published signatures of
 * exports whose weights are not here (see tests/support/export-models.ts), run through the real
 * pipeline: preprocessing (uint8 NHWC as is, shorter side CHW, extra inputs), decoding and the
 * shared post-processing, checked down to the COCO boxes in original pixels.
 */
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { buildClassMap, COCO80 } from '../../src/lib/runner/class-map.ts';
import { bindOptionsFor, getDecoder } from '../../src/lib/runner/decoders/index.ts';
import { runPipeline } from '../../src/lib/runner/pipeline.ts';
import { createSession, type ModelSession } from '../../src/lib/runner/session.ts';
import { ModelManifest, type ModelManifestInput } from '../../src/lib/schema/model-manifest.ts';
import { buildExportModel, type ExportModelSpec } from '../support/export-models.ts';

const sessions: ModelSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.release();
});

/** A 200×100 photo-like image (width 200, height 100). */
const image = () =>
  sharp({ create: { width: 200, height: 100, channels: 3, background: { r: 90, g: 120, b: 150 } } })
    .png()
    .toBuffer();

async function run(
  spec: ExportModelSpec,
  manifest: Pick<ModelManifestInput, 'family' | 'input' | 'decoder'>,
) {
  const m = ModelManifest.parse({
    id: 'export-test',
    name: 'export',
    weights: { path: 'model.onnx' },
    license: 'MIT',
    classes: 'coco80',
    ...manifest,
  });
  const session = await createSession(buildExportModel(spec));
  sessions.push(session);
  const decoder = getDecoder(m.family).bind(session.outputs, bindOptionsFor(m, 'model.onnx'));
  const classMap = buildClassMap(m.classes, COCO80, {});
  const result = await runPipeline([{ id: 7, source: new Uint8Array(await image()) }], {
    session,
    decoder,
    preprocess: m.input,
    categoryIds: classMap.categoryIds,
    postprocess: { conf: 0.001, iou: 0.7, maxDet: 100 },
    warmup: 1,
    file: 'model.onnx',
  });
  expect(result.failures).toEqual([]);
  return result.detections.map((d) => ({ category_id: d.category_id, bbox: d.bbox, score: d.score }));
}

const f32 = (...v: number[]) => new Float32Array(v);
/** Box [20, 20, 100, 60] of the 200×100 image, COCO [x, y, w, h]. */
const BOX = [20, 20, 80, 40];

describe('post-processed exports, by their published signatures', () => {
  it('DETR two-input exports (D-FINE, DEIM, RT-DETRv2): images + orig_target_sizes [w, h] int64', async () => {
    const dets = await run(
      {
        image: { name: 'images', dtype: 'float32', dims: ['N', 3, 320, 320], layout: 'NCHW' },
        extra: [{ name: 'orig_target_sizes', dtype: 'int64', dims: ['N', 2] }],
        outputs: [
          { name: 'labels', dims: ['N', 3], dtype: 'int64', value: f32(0, 2, 79), shape: [3] },
          {
            name: 'boxes',
            dims: ['N', 3, 4],
            dtype: 'float32',
            // Normalised here; the graph scales by orig_target_sizes as the exports' PostProcessor does.
            value: f32(0.1, 0.2, 0.5, 0.6, 0.5, 0.0, 1.0, 0.5, 0, 0, 1, 1),
            shape: [3, 4],
            scaleBy: { input: 'orig_target_sizes', dtype: 'int64' },
          },
          { name: 'scores', dims: ['N', 3], dtype: 'float32', value: f32(0.9, 0.5, 0.0005), shape: [3] },
        ],
      },
      {
        family: 'postprocessed',
        decoder: { boxFormat: 'xyxy', boxSpace: 'original' },
        input: {
          size: [320, 320],
          resize: 'stretch',
          extra: [{ name: 'orig_target_sizes', value: 'original-size', order: 'wh', dtype: 'int64' }],
        },
      },
    );
    expect(dets).toEqual([
      { category_id: 1, bbox: BOX, score: 0.9 },
      { category_id: 3, bbox: [100, 0, 100, 50], score: 0.5 },
    ]);
  });

  it('TF Object Detection API SSD-MobileNetV1-12: uint8 NHWC as is, num_detections, y1 x1 y2 x2 normalised, COCO ids', async () => {
    const dets = await run(
      {
        image: {
          name: 'image_tensor:0',
          dtype: 'uint8',
          dims: ['unk__1', 'unk__2', 'unk__3', 3],
          layout: 'NHWC',
        },
        outputs: [
          {
            name: 'detection_boxes:0',
            dims: ['unk__4', 100, 4],
            dtype: 'float32',
            value: f32(0.2, 0.1, 0.6, 0.5, 0, 0.5, 0.5, 1, 0, 0, 1, 1, 0, 0, 1, 1),
            shape: [4, 4],
          },
          // 12 is one of COCO's unused ids: mapped to nothing, dropped.
          {
            name: 'detection_classes:0',
            dims: ['unk__5', 100],
            dtype: 'float32',
            value: f32(1, 3, 12, 18),
            shape: [4],
          },
          {
            name: 'detection_scores:0',
            dims: ['unk__6', 100],
            dtype: 'float32',
            value: f32(0.9, 0.8, 0.7, 0.95),
            shape: [4],
          },
          // Rows past num_detections are padding: the 0.95 dog must not appear.
          { name: 'num_detections:0', dims: ['unk__7'], dtype: 'float32', value: f32(3), shape: [] },
        ],
      },
      {
        family: 'postprocessed',
        decoder: { boxFormat: 'yxyx', boxSpace: 'normalised', labelIndex: 'coco-category-id' },
        input: { asIs: true, layout: 'NHWC', dtype: 'uint8', scale: 1 },
      },
    );
    expect(dets).toEqual([
      { category_id: 1, bbox: BOX, score: 0.9 },
      { category_id: 3, bbox: [100, 0, 100, 50], score: 0.8 },
    ]);
  });

  it('Faster R-CNN-12 (maskrcnn-benchmark): CHW BGR minus mean, shorter side 800, numbered outputs named in the manifest', async () => {
    const spec: ExportModelSpec = {
      image: { name: 'image', dtype: 'float32', dims: [3, 'height', 'width'], layout: 'CHW' },
      outputs: [
        // 200×100 → shorter side 800: 1600×800, ratio 8; boxes in resized pixels.
        {
          name: '6379',
          dims: ['nbox', 4],
          dtype: 'float32',
          value: f32(160, 160, 800, 480, 800, 0, 1600, 400),
          shape: [2, 4],
          batched: false,
        },
        { name: '6381', dims: ['nbox'], dtype: 'int64', value: f32(1, 3), shape: [2], batched: false },
        { name: '6383', dims: ['nbox'], dtype: 'float32', value: f32(0.9, 0.8), shape: [2], batched: false },
      ],
    };
    const input: ModelManifestInput['input'] = {
      shorterSide: { size: 800, stride: 32 },
      layout: 'CHW',
      colour: 'BGR',
      scale: 1,
      mean: [102.9801, 115.9465, 122.7717],
      placement: 'top-left',
      padTensorValue: 0,
    };
    const decoder = {
      boxSpace: 'input',
      labelIndex: 'one-based',
      outputs: { labels: '6381', scores: '6383' },
    } as const;
    expect(await run(spec, { family: 'postprocessed', decoder, input })).toEqual([
      { category_id: 1, bbox: BOX, score: 0.9 },
      { category_id: 3, bbox: [100, 0, 100, 50], score: 0.8 },
    ]);
    // Numbered outputs cannot be told apart without the manifest naming them.
    await expect(
      run(spec, { family: 'postprocessed', decoder: { boxSpace: 'input', labelIndex: 'one-based' }, input }),
    ).rejects.toThrow(
      /^model\.onnx: model outputs \[2,4\], \[2\], \[2\] do not match family 'postprocessed', which expects final detections: .* \(cannot tell which output holds the scores \(name it with decoder\.outputs\.scores\); outputs: 6379 \[2,4\], 6381 \[2\], 6383 \[2\]\)$/,
    );
  });

  it('SSD-12 (MLPerf SSD-ResNet34): 1200² stretched, ImageNet mean/std, normalised x1 y1 x2 y2, 1-based labels', async () => {
    const dets = await run(
      {
        image: { name: 'image', dtype: 'float32', dims: [1, 3, 1200, 1200], layout: 'NCHW' },
        outputs: [
          {
            name: 'bboxes',
            dims: [1, 'nbox', 4],
            dtype: 'float32',
            value: f32(0.1, 0.2, 0.5, 0.6),
            shape: [1, 4],
          },
          { name: 'labels', dims: [1, 'nbox'], dtype: 'int64', value: f32(1), shape: [1] },
          { name: 'scores', dims: [1, 'nbox'], dtype: 'float32', value: f32(0.7), shape: [1] },
        ],
      },
      {
        family: 'postprocessed',
        decoder: { boxSpace: 'normalised', labelIndex: 'one-based' },
        input: {
          size: [1200, 1200],
          resize: 'stretch',
          mean: [0.485, 0.456, 0.406],
          std: [0.229, 0.224, 0.225],
        },
      },
    );
    expect(dets).toEqual([{ category_id: 1, bbox: BOX, score: 0.7 }]);
  });

  for (const tiny of [false, true]) {
    it(`${tiny ? 'Tiny-YOLOv3' : 'YOLOv3-12'} (keras-yolo3): image_shape [h, w] ${tiny ? 'float32' : 'int32'}, scores [1, 80, n], selected indices`, async () => {
      const scores = new Float32Array(80 * 2);
      scores[0 * 2 + 0] = 0.9; // class 0, box 0
      scores[2 * 2 + 1] = 0.8; // class 2, box 1
      scores[5 * 2 + 0] = 0.99; // not selected by the graph's NMS: must not appear
      const sizeType = tiny ? 'float32' : 'int32';
      const dets = await run(
        {
          image: { name: 'input_1', dtype: 'float32', dims: [1, 3, 416, 416], layout: 'NCHW' },
          extra: [{ name: 'image_shape', dtype: sizeType, dims: [1, 2] }],
          outputs: [
            {
              name: 'yolonms_layer_1/ExpandDims_1:0',
              dims: [1, 'n', 4],
              dtype: 'float32',
              value: f32(0.2, 0.1, 0.6, 0.5, 0, 0.5, 0.5, 1),
              shape: [2, 4],
              scaleBy: { input: 'image_shape', dtype: sizeType },
            },
            {
              name: 'yolonms_layer_1/ExpandDims_3:0',
              dims: [1, 80, 'n'],
              dtype: 'float32',
              value: scores,
              shape: [80, 2],
            },
            tiny
              ? {
                  name: 'yolonms_layer_1:2',
                  dims: [1, 'm', 3],
                  dtype: 'int64',
                  value: f32(0, 0, 0, 0, 2, 1),
                  shape: [2, 3],
                }
              : {
                  name: 'yolonms_layer_1/concat_2:0',
                  dims: ['m', 3],
                  dtype: 'int64',
                  value: f32(0, 0, 0, 0, 2, 1),
                  shape: [2, 3],
                  batched: false,
                },
          ],
        },
        {
          family: 'postprocessed',
          decoder: { boxFormat: 'yxyx', boxSpace: 'original' },
          input: {
            size: [416, 416],
            padValue: 128,
            kernel: 'cubic',
            extra: [{ name: 'image_shape', value: 'original-size', order: 'hw', dtype: sizeType }],
          },
        },
      );
      expect(dets).toEqual([
        { category_id: 1, bbox: BOX, score: 0.9 },
        { category_id: 3, bbox: [100, 0, 100, 50], score: 0.8 },
      ]);
    });
  }
});

describe('RF-DETR raw export: logits indexed by COCO category id', () => {
  it('maps the 91 logits onto the 80 classes and skips unused ids', async () => {
    const logits = new Float32Array(3 * 91).fill(-10);
    logits[0 * 91 + 1] = 5; // person
    logits[1 * 91 + 3] = 4; // car
    logits[2 * 91 + 12] = 6; // id 12 is unused by COCO
    const dets = await run(
      {
        image: { name: 'input', dtype: 'float32', dims: [1, 3, 64, 64], layout: 'NCHW' },
        outputs: [
          {
            name: 'dets',
            dims: [1, 3, 4],
            dtype: 'float32',
            value: f32(0.3, 0.4, 0.4, 0.4, 0.75, 0.25, 0.5, 0.5, 0.5, 0.5, 1, 1),
            shape: [3, 4],
          },
          { name: 'labels', dims: [1, 3, 91], dtype: 'float32', value: logits, shape: [3, 91] },
        ],
      },
      {
        family: 'detr',
        decoder: { labelIndex: 'coco-category-id' },
        input: { size: [64, 64], resize: 'stretch' },
      },
    );
    expect(dets.map((d) => [d.category_id, d.bbox])).toEqual([
      [1, BOX],
      [3, [100, 0, 100, 50]],
    ]);
    expect(dets[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-5)), 4);
  });
});
