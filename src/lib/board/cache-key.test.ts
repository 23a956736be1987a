import { describe, expect, it } from 'vitest';
import { EVALUATOR_VERSION } from '../eval/params.ts';
import { ModelManifest } from '../schema/model-manifest.ts';
import {
  BOARD_INFERENCE,
  type CacheKeyParts,
  cacheKeyMaterial,
  canonicalJson,
  computeCacheKey,
  FULL_RUN,
  RUNNER_VERSION,
} from './cache-key.ts';

const model = ModelManifest.parse({
  id: 'm1',
  name: 'M1',
  family: 'yolov8',
  weights: { url: 'https://example.com/m1.onnx', sha256: 'a'.repeat(64) },
  input: { size: [640, 640] },
  classes: 'coco80',
  license: 'MIT',
});

const base: CacheKeyParts = {
  weightsSha256: 'a'.repeat(64),
  annotationsSha256: 'b'.repeat(64),
  images: ['b.jpg', 'a.jpg', 'c/d.jpg'],
  model,
  inference: FULL_RUN,
};

describe('canonicalJson', () => {
  it('sorts object keys recursively, keeps array order, drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,1]},"b":1}',
    );
    expect(canonicalJson({ a: { c: 'x', d: [3, 1] }, b: 1 })).toBe(
      canonicalJson({ b: 1, a: { d: [3, 1], c: 'x' } }),
    );
  });

  it('refuses values JSON cannot represent exactly', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson({ x: Number.POSITIVE_INFINITY })).toThrow(/non-finite/);
    expect(() => canonicalJson({ x: new Date(0) })).toThrow(/cannot encode/);
    expect(() => canonicalJson({ x: 1n })).toThrow(/cannot encode/);
  });
});

describe('computeCacheKey', () => {
  it('is a sha256 hex digest, stable for the same parts', () => {
    const key = computeCacheKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(computeCacheKey({ ...base })).toBe(key);
  });

  it('does not depend on key order, image order, or display-only manifest fields', () => {
    const key = computeCacheKey(base);
    const reordered = ModelManifest.parse({
      license: 'Apache-2.0',
      classes: 'coco80',
      input: { size: [640, 640], colour: 'RGB', resize: 'letterbox' },
      weights: { sha256: 'a'.repeat(64), url: 'https://mirror.example.org/m1.onnx' },
      family: 'yolov8',
      name: 'Renamed',
      description: 'display fields do not change outputs',
      id: 'm1',
      hidden: true,
    });
    expect(
      computeCacheKey({
        inference: { shard: null, limit: null, maxDet: 100, iou: 0.7, conf: 0.001 },
        model: reordered,
        images: ['c/d.jpg', 'a.jpg', 'b.jpg'],
        annotationsSha256: 'b'.repeat(64),
        weightsSha256: 'a'.repeat(64),
      }),
    ).toBe(key);
  });

  it('changes with every part that can change the numbers', () => {
    const key = computeCacheKey(base);
    const variants: [string, CacheKeyParts][] = [
      ['weights', { ...base, weightsSha256: 'c'.repeat(64) }],
      ['annotations', { ...base, annotationsSha256: 'c'.repeat(64) }],
      ['an image added', { ...base, images: [...base.images, 'e.jpg'] }],
      ['an image renamed', { ...base, images: ['b.jpg', 'a.jpg', 'c/e.jpg'] }],
      ['runner version', { ...base, runnerVersion: '9.9.9' }],
      ['evaluator version', { ...base, evaluatorVersion: '9.9.9' }],
      ['input size', { ...base, model: { ...model, input: { ...model.input, size: [320, 320] } } }],
      ['normalisation', { ...base, model: { ...model, input: { ...model.input, mean: [0.1, 0.1, 0.1] } } }],
      ['channel order', { ...base, model: { ...model, input: { ...model.input, colour: 'BGR' } } }],
      ['resize mode', { ...base, model: { ...model, input: { ...model.input, resize: 'stretch' } } }],
      ['pad value', { ...base, model: { ...model, input: { ...model.input, padValue: 0 } } }],
      ['family', { ...base, model: { ...model, family: 'yolov5' } }],
      ['classes', { ...base, model: { ...model, classes: ['person'] } }],
      ['decoder options', { ...base, model: { ...model, decoder: { activation: 'softmax' } } }],
      ['conf', { ...base, inference: { ...FULL_RUN, conf: 0.25 } }],
      ['iou', { ...base, inference: { ...FULL_RUN, iou: 0.6 } }],
      ['maxDet', { ...base, inference: { ...FULL_RUN, maxDet: 300 } }],
      ['limit', { ...base, inference: { ...FULL_RUN, limit: 50 } }],
      ['shard', { ...base, inference: { ...FULL_RUN, shard: { index: 1, count: 2 } } }],
    ];
    const keys = new Set([key]);
    for (const [what, parts] of variants) {
      const k = computeCacheKey(parts);
      expect(k, what).not.toBe(key);
      keys.add(k);
    }
    expect(keys.size).toBe(variants.length + 1);
  });

  it('keeps the key of a manifest that has no decoder options', () => {
    expect(computeCacheKey({ ...base, model: { ...model, decoder: undefined } })).toBe(computeCacheKey(base));
  });

  it('records the current runner and evaluator versions and the board settings', () => {
    const material = cacheKeyMaterial(base);
    expect(material['runnerVersion']).toBe(RUNNER_VERSION);
    expect(material['evaluatorVersion']).toBe(EVALUATOR_VERSION);
    expect(material['inference']).toEqual({ ...BOARD_INFERENCE, limit: null, shard: null });
    expect((material['dataset'] as { images: string[] }).images).toEqual(['a.jpg', 'b.jpg', 'c/d.jpg']);
  });
});
