import { describe, expect, it } from 'vitest';
import {
  dtOf,
  evaluateJson,
  evaluateParity,
  gtOf,
  parityCases,
} from '../../../../tests/support/eval-cases.ts';
import { prCurves } from './pr-curves.ts';

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

describe('prCurves', () => {
  it('reads a hand-computed curve: TP, FP, TP over 2 GT', () => {
    // Class 1: two GT; detections TP (.9), FP (.8), TP (.7), both TPs exact boxes (IoU 1 at
    // every threshold). Recall .5 at precision 1, then recall 1 at precision 2/3.
    const gt = gtOf(
      2,
      [1, 2],
      [
        [1, 1, 0, 0, 50, 50],
        [2, 1, 100, 100, 40, 40],
        [2, 2, 500, 500, 40, 40],
      ],
    );
    const dt = dtOf([
      [1, 1, 0, 0, 50, 50, 0.9],
      [1, 1, 600, 600, 50, 50, 0.8],
      [2, 1, 100, 100, 40, 40, 0.7],
    ]);
    const curves = prCurves(evaluateJson(gt, dt));
    const expected = Array.from({ length: 101 }, (_, r) => (r <= 50 ? 1 : 2 / 3));
    const c1 = curves.perClass[0]!;
    expect(c1.id).toBe(1);
    c1.iou50.forEach((v, r) => {
      expect(v).toBeCloseTo(expected[r]!, 12);
    });
    c1.iou50_95.forEach((v, r) => {
      expect(v).toBeCloseTo(expected[r]!, 12);
    });
    // Class 2 has GT but no detection: precision 0 everywhere, and it pulls the mean down.
    expect(curves.perClass[1]!.iou50).toEqual(new Array(101).fill(0));
    curves.iou50.forEach((v, r) => {
      expect(v).toBeCloseTo(expected[r]! / 2, 12);
    });
    expect(curves.recall[35]).toBe(0.35000000000000003);
  });

  it('gives -1 for a class without GT and leaves it out of the mean', () => {
    const gt = gtOf(1, [1, 2], [[1, 1, 0, 0, 50, 50]]);
    const dt = dtOf([
      [1, 1, 0, 0, 50, 50, 0.9],
      [1, 2, 0, 0, 50, 50, 0.8],
    ]);
    const curves = prCurves(evaluateJson(gt, dt));
    expect(curves.perClass[1]!.iou50).toEqual(new Array(101).fill(-1));
    // 1 / (1 + eps): pycocotools adds np.spacing(1) to the denominator.
    for (const v of curves.iou50) expect(v).toBeCloseTo(1, 15);
  });

  for (const name of parityCases()) {
    it(`${name}: curves average to pycocotools' AP, AP50 and per-class AP50`, () => {
      const ev = evaluateParity(name);
      const curves = prCurves(ev);
      const { stats, perClass } = ev.summary;
      expect(curves.recall).toHaveLength(101);
      // Every recall point has the same classes defined, so the mean of the per-point means is
      // the overall mean.
      if (stats.AP50 === -1) expect(curves.iou50.every((v) => v === -1)).toBe(true);
      else expect(Math.abs(mean(curves.iou50) - stats.AP50)).toBeLessThan(1e-12);
      if (stats.AP === -1) expect(curves.iou50_95.every((v) => v === -1)).toBe(true);
      else expect(Math.abs(mean(curves.iou50_95) - stats.AP)).toBeLessThan(1e-12);
      curves.perClass.forEach((c, k) => {
        expect(c.id).toBe(ev.gt.categoryIds[k]);
        const ap50 = perClass[k]!.AP50;
        const ap = perClass[k]!.AP;
        if (ap50 === -1) expect(c.iou50.every((v) => v === -1)).toBe(true);
        else expect(Math.abs(mean(c.iou50) - ap50)).toBeLessThan(1e-12);
        if (ap === -1) expect(c.iou50_95.every((v) => v === -1)).toBe(true);
        else expect(Math.abs(mean(c.iou50_95) - ap)).toBeLessThan(1e-12);
        // Interpolated precision never rises with recall.
        for (let r = 1; r < 101; r++) expect(c.iou50[r]!).toBeLessThanOrEqual(c.iou50[r - 1]!);
      });
    });
  }
});
