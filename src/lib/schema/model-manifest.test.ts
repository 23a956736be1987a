import { describe, expect, it } from 'vitest';
import { MAX_WEIGHTS_BYTES } from '../policy/limits.ts';
import { FAMILIES as REGISTRY_FAMILIES } from '../runner/decoders/index.ts';
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
