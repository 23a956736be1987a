import { describe, expect, it } from 'vitest';
import type { CocoJson, DetJson } from '../../../../tests/support/eval-cases.ts';
import {
  evaluateJson,
  evaluateParity,
  parityCases,
  readParity,
} from '../../../../tests/support/eval-cases.ts';
import { mulberry32 } from '../../util/prng.ts';
import {
  bootstrapAp,
  drawWeights,
  planBootstrap,
  quantile,
  summarizeResamples,
  weightedAp,
} from './bootstrap.ts';

/** The same case with each image repeated w[i] times (copies get fresh ids above every original). */
function resampled(gt: CocoJson, dt: DetJson[], weightOf: (imageId: number) => number) {
  const offset = Math.max(...gt.images.map((im) => im.id)) + 1;
  const images: CocoJson['images'] = [];
  const annotations: CocoJson['annotations'] = [];
  const dets: DetJson[] = [];
  for (const im of gt.images) {
    for (let c = 0; c < weightOf(im.id); c++) {
      const id = im.id + c * offset;
      images.push({ ...im, id });
      for (const a of gt.annotations) {
        if (a.image_id === im.id) annotations.push({ ...a, id: annotations.length + 1, image_id: id });
      }
      for (const d of dt) if (d.image_id === im.id) dets.push({ ...d, image_id: id });
    }
  }
  return evaluateJson({ ...gt, images, annotations }, dets);
}

describe('bootstrap over images', () => {
  for (const name of parityCases()) {
    it(`${name}: weights 1 reproduce pycocotools' AP and AP50`, () => {
      const ev = evaluateParity(name);
      const plan = planBootstrap(ev);
      const { AP, AP50 } = weightedAp(plan, new Float64Array(plan.I).fill(1));
      expect(Math.abs(AP - ev.summary.stats.AP)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(AP50 - ev.summary.stats.AP50)).toBeLessThanOrEqual(1e-12);
      // Counting every image twice changes no ratio.
      const twice = weightedAp(plan, new Float64Array(plan.I).fill(2));
      expect(Math.abs(twice.AP - AP)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(twice.AP50 - AP50)).toBeLessThanOrEqual(1e-12);
    });
  }

  for (const name of ['mixed', 'crowd', 'maxdets', 'ties', 'empty-classes', 'recall-grid']) {
    it(`${name}: weights 0/1 equal evaluating the chosen images only`, () => {
      const { gt, dt } = readParity(name);
      const ev = evaluateJson(gt, dt);
      const plan = planBootstrap(ev);
      const random = mulberry32(7);
      const w = Float64Array.from({ length: plan.I }, () => (random() < 0.6 ? 1 : 0));
      const ids = Array.from(ev.gt.imageIds);
      const sub = resampled(gt, dt, (id) => w[ids.indexOf(id)]!);
      const got = weightedAp(plan, w);
      expect(Math.abs(got.AP - sub.summary.stats.AP)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(got.AP50 - sub.summary.stats.AP50)).toBeLessThanOrEqual(1e-12);
    });
  }

  it('mixed: weights 0..3 equal evaluating a dataset with the images repeated', () => {
    // All scores in `mixed` are distinct, so the copies of a detection sit next to each other in
    // the merged order, as weights place them.
    const { gt, dt } = readParity('mixed');
    expect(new Set(dt.map((d) => d.score)).size).toBe(dt.length);
    const ev = evaluateJson(gt, dt);
    const plan = planBootstrap(ev);
    const w = new Float64Array(plan.I);
    drawWeights(w, plan.I, 1, 0, mulberry32(3));
    expect(Math.max(...w)).toBeGreaterThanOrEqual(3);
    const ids = Array.from(ev.gt.imageIds);
    const copies = resampled(gt, dt, (id) => w[ids.indexOf(id)]!);
    const got = weightedAp(plan, w);
    expect(Math.abs(got.AP - copies.summary.stats.AP)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(got.AP50 - copies.summary.stats.AP50)).toBeLessThanOrEqual(1e-12);
  });

  it('batches resamples without changing them', () => {
    const ev = evaluateParity('mixed');
    const plan = planBootstrap(ev);
    const random = mulberry32(11);
    const ap = new Float64Array(60);
    const ap50 = new Float64Array(60);
    const w = new Float64Array(plan.I);
    for (let b = 0; b < 60; b++) {
      drawWeights(w, plan.I, 1, 0, random);
      ({ AP: ap[b], AP50: ap50[b] } = weightedAp(plan, w));
    }
    const u = bootstrapAp(ev, { resamples: 60, seed: 11 });
    expect(u.AP).toEqual(summarizeResamples(ap, ev.summary.stats.AP));
    expect(u.AP50).toEqual(summarizeResamples(ap50, ev.summary.stats.AP50));
  });

  it('is deterministic per seed', () => {
    const ev = evaluateParity('single-class');
    const a = bootstrapAp(ev, { seed: 5, resamples: 200 });
    expect(bootstrapAp(ev, { seed: 5, resamples: 200 })).toEqual(a);
    expect(bootstrapAp(ev, { seed: 6, resamples: 200 }).AP).not.toEqual(a.AP);
    expect(a).toMatchObject({ method: 'bootstrap-images', resamples: 200, seed: 5 });
  });

  for (const name of parityCases()) {
    it(`${name}: the 95% interval holds the point estimate`, () => {
      const ev = evaluateParity(name);
      const u = bootstrapAp(ev);
      for (const key of ['AP', 'AP50'] as const) {
        const point = ev.summary.stats[key];
        const iv = u[key];
        if (point === -1) {
          expect(iv).toEqual({ mean: 0, lo: 0, hi: 0, std: 0 });
          continue;
        }
        expect(iv.lo).toBeLessThanOrEqual(point);
        expect(iv.hi).toBeGreaterThanOrEqual(point);
        expect(iv.std).toBeGreaterThanOrEqual(0);
        // The raw percentile interval holds the point estimate on these small cases too.
        expect(iv.lo + (iv.mean - point)).toBeLessThanOrEqual(point + 1e-12);
        expect(iv.hi + (iv.mean - point)).toBeGreaterThanOrEqual(point - 1e-12);
      }
    });
  }

  it("takes percentiles as numpy's default (linear) does", () => {
    const v = Float64Array.of(1, 2, 3, 4);
    expect(quantile(v, 0.5)).toBe(2.5);
    expect(quantile(v, 0.025)).toBeCloseTo(1.075, 15);
    expect(quantile(v, 0.975)).toBeCloseTo(3.925, 15);
    expect(quantile(Float64Array.of(7), 0.975)).toBe(7);
    // Values .1 .2 .3 .4 (and an undefined resample, left out): mean .25, sample std
    // sqrt(.05/3), percentiles .1075 and .3925, re-centred on the point estimate .2.
    const s = summarizeResamples(Float64Array.of(0.4, -1, 0.2, 0.3, 0.1), 0.2);
    expect(s.mean).toBeCloseTo(0.25, 15);
    expect(s.std).toBeCloseTo(Math.sqrt(0.05 / 3), 15);
    expect(s.lo).toBeCloseTo(0.2 - (0.25 - 0.1075), 15);
    expect(s.hi).toBeCloseTo(0.2 + (0.3925 - 0.25), 15);
    // Clamped to [0, 1]; nothing defined gives zeros.
    expect(summarizeResamples(Float64Array.of(0.9, 1, 0.95), 0.99).hi).toBe(1);
    expect(summarizeResamples(Float64Array.of(-1, -1), 0.5)).toEqual({ mean: 0, lo: 0, hi: 0, std: 0 });
  });

  it('draws multiplicities that sum to the number of images', () => {
    const W = new Float64Array(50 * 3);
    const random = mulberry32(1);
    for (let b = 0; b < 3; b++) drawWeights(W, 50, 3, b, random);
    for (let b = 0; b < 3; b++) {
      let sum = 0;
      for (let i = 0; i < 50; i++) sum += W[i * 3 + b]!;
      expect(sum).toBe(50);
    }
    let mean = 0;
    const r = mulberry32(2);
    for (let i = 0; i < 10000; i++) {
      const x = r();
      expect(x >= 0 && x < 1).toBe(true);
      mean += x / 10000;
    }
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
  });
});
