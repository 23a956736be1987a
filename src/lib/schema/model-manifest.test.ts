import { describe, expect, it } from 'vitest';
import { MAX_WEIGHTS_BYTES } from '../policy/limits.ts';
import { FAMILIES as REGISTRY_FAMILIES } from './families.ts';
import { FAMILIES, ModelManifest } from './model-manifest.ts';

const SHA = 'ab'.repeat(32);
const minimal = {
  id: 'yolov8n',
  name: 'YOLOv8n',
  family: 'yolov8',
  weights: { url: 'https://example.org/yolov8n.onnx', sha256: SHA },
  input: { size: [640, 640] },
  classes: 'coco80',
  license: 'AGPL-3.0-only',
};

describe('ModelManifest', () => {
  it('fills the preprocessing defaults', () => {
    const m = ModelManifest.parse(minimal);
    expect(m.input).toEqual({
      size: [640, 640],
      layout: 'NCHW',
      dtype: 'float32',
      colour: 'RGB',
      scale: 1 / 255,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      resize: 'letterbox',
      padValue: 114,
    });
    expect(m.hidden).toBe(false);
  });

  it('accepts every documented field', () => {
    const full = {
      ...minimal,
      description: 'Nano model.',
      weights: { path: 'yolov8n.onnx', sha256: SHA },
      input: {
        dynamic: { maxSize: 1280, stride: 32 },
        dtype: 'float16',
        colour: 'BGR',
        scale: 1,
        mean: [123.675, 116.28, 103.53],
        std: [58.395, 57.12, 57.375],
        resize: 'stretch',
        padValue: 0,
      },
      classes: ['person', 'car'],
      params: 3_200_000,
      gflops: 8.7,
      paper: 'https://arxiv.org/abs/2305.09972',
      code: 'https://github.com/ultralytics/ultralytics',
      reported: {
        AP: 37.3,
        AP50: 52.5,
        dataset: 'coco-val2017',
        source: 'https://docs.ultralytics.com/models/yolov8/',
      },
      defaults: { conf: 0.001, iou: 0.7, maxDet: 300 },
      tags: ['real-time', 'nano'],
      hidden: true,
      authors: ['Ultralytics'],
    };
    const m = ModelManifest.parse(full);
    expect(m.input.dynamic).toEqual({ maxSize: 1280, stride: 32 });
    expect(m.classes).toEqual(['person', 'car']);
    expect(m.reported?.AP).toBe(37.3);
  });

  it('takes its families from the decoder registry', () => {
    expect(FAMILIES).toBe(REGISTRY_FAMILIES);
    for (const family of FAMILIES) expect(ModelManifest.safeParse({ ...minimal, family }).success).toBe(true);
    expect(ModelManifest.safeParse({ ...minimal, family: 'yolo11' }).success).toBe(false);
  });

  it('declares the inputs of real exports: uint8 NHWC as is, shorter side, extra inputs', () => {
    const tf = ModelManifest.parse({
      ...minimal,
      input: { asIs: true, layout: 'NHWC', dtype: 'uint8', scale: 1 },
    });
    expect(tf.input).toMatchObject({ asIs: true, layout: 'NHWC', dtype: 'uint8' });
    const rcnn = ModelManifest.parse({
      ...minimal,
      input: {
        shorterSide: { size: 800, stride: 32 },
        layout: 'CHW',
        colour: 'BGR',
        scale: 1,
        mean: [102.9801, 115.9465, 122.7717],
        placement: 'top-left',
        padTensorValue: 0,
      },
    });
    expect(rcnn.input.shorterSide).toEqual({ size: 800, stride: 32 });
    const detr = ModelManifest.parse({
      ...minimal,
      family: 'detr',
      decoder: { labelIndex: 'coco-category-id' },
      input: {
        size: [320, 320],
        resize: 'stretch',
        kernel: 'cubic',
        name: 'images',
        extra: [{ name: 'orig_target_sizes', value: 'original-size', order: 'wh', dtype: 'int64' }],
      },
    });
    expect(detr.input.extra).toHaveLength(1);
  });

  it('refuses inconsistent input and decoder declarations, naming the field', () => {
    const issues = (m: unknown) =>
      (ModelManifest.safeParse(m).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ ...minimal, input: { size: [640, 640], asIs: true } })).toEqual([
      'input: give one input size, not size and asIs',
    ]);
    expect(issues({ ...minimal, input: { asIs: true, dtype: 'uint8' } })[0]).toMatch(
      /^input.dtype: a uint8 input holds the pixel bytes/,
    );
    const twice = { name: 'a', value: 'original-size', order: 'wh', dtype: 'int64' };
    expect(issues({ ...minimal, input: { size: [640, 640], extra: [twice, twice] } })).toEqual([
      "input.extra.1.name: input 'a' is named twice",
    ]);
    expect(issues({ ...minimal, decoder: { activation: 'softmax' } })).toEqual([
      "decoder.activation: decoder.activation applies to the detr family, not 'yolov8'",
    ]);
    expect(
      issues({ ...minimal, family: 'detr', classes: ['a'], decoder: { labelIndex: 'coco-category-id' } }),
    ).toEqual([
      "decoder.labelIndex: labelIndex coco-category-id maps COCO's ids onto its 80 classes: it needs classes: coco80",
    ]);
  });

  it('enforces the 2 GiB weights limit on the declared size', () => {
    const at = { ...minimal, weights: { ...minimal.weights, bytes: MAX_WEIGHTS_BYTES } };
    expect(ModelManifest.safeParse(at).success).toBe(true);
    const over = { ...minimal, weights: { ...minimal.weights, bytes: MAX_WEIGHTS_BYTES + 1 } };
    expect(ModelManifest.safeParse(over).success).toBe(false);
  });

  it('refuses unknown fields (typos would otherwise be silently ignored)', () => {
    expect(ModelManifest.safeParse({ ...minimal, licence: 'MIT' }).success).toBe(false);
    expect(ModelManifest.safeParse({ ...minimal, input: { size: [640, 640], scael: 1 } }).success).toBe(
      false,
    );
  });

  it('bounds numbers', () => {
    const bad = [
      { input: { size: [0, 640] } },
      { input: { size: [640, 640], std: [1, 0, 1] } },
      { input: { size: [640, 640], padValue: 300 } },
      { defaults: { conf: 1.5 } },
      { params: -1 },
      { reported: { AP: 120, source: 'x' } },
    ];
    for (const patch of bad) expect(ModelManifest.safeParse({ ...minimal, ...patch }).success).toBe(false);
  });
});
