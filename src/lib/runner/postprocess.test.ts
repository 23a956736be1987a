import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../util/prng.ts';
import type { Candidates } from './decoders/types.ts';
import { finalizeDetections, noDrops } from './postprocess.ts';

const transform = {
  originalWidth: 200,
  originalHeight: 100,
  inputWidth: 100,
  inputHeight: 100,
  ratioX: 0.5,
  ratioY: 0.5,
  padLeft: 0,
  padTop: 25,
};

describe('finalizeDetections', () => {
  it('maps to original pixels as COCO [x, y, w, h] with dataset ids, best first', () => {
    const c = {
      boxes: new Float32Array([10, 35, 30, 45, 0, 0, 100, 100]),
      scores: new Float32Array([0.6, 0.123456789]),
      classes: new Int32Array([1, 0]),
      needsNms: false,
    };
    expect(finalizeDetections(c, transform, new Int32Array([3, 9]), 42)).toEqual([
      { image_id: 42, category_id: 9, bbox: [20, 20, 40, 20], score: 0.6 },
      // The full-input box covers padding: clipped to the 200x100 image.
      { image_id: 42, category_id: 3, bbox: [0, 0, 200, 100], score: 0.12346 },
    ]);
  });

  it('drops unmapped classes before maxDet, so they do not take slots', () => {
    const c = {
      boxes: new Float32Array([0, 25, 10, 35, 20, 25, 30, 35, 40, 25, 50, 35]),
      scores: new Float32Array([0.9, 0.8, 0.7]),
      classes: new Int32Array([0, 1, 1]),
      needsNms: true,
    };
    const out = finalizeDetections(c, transform, new Int32Array([-1, 5]), 1, { maxDet: 2 });
    expect(out.map((d) => d.score)).toEqual([0.8, 0.7]);
  });

  it('drops and counts non-finite candidates and boxes that clip to nothing, before NMS', () => {
    // transform: the 200×100 image fills input rows 25..75; rows 0..25 are letterbox padding.
    const c = {
      boxes: new Float32Array([
        10,
        0,
        30,
        20, // wholly in the top padding: clips to zero height
        Number.NaN,
        30,
        40,
        50, // NaN coordinate
        10,
        30,
        Number.POSITIVE_INFINITY,
        50, // infinite coordinate
        10,
        30,
        30,
        50, // ordinary
        10,
        30,
        30,
        50, // infinite score
      ]),
      scores: new Float32Array([0.9, 0.9, 0.9, 0.5, Number.POSITIVE_INFINITY]),
      classes: new Int32Array([0, 0, 0, 0, 0]),
      needsNms: true,
    };
    const dropped = { nonFinite: 0, empty: 0 };
    const out = finalizeDetections(c, transform, new Int32Array([4]), 1, {}, dropped);
    expect(out).toEqual([{ image_id: 1, category_id: 4, bbox: [20, 10, 40, 40], score: 0.5 }]);
    expect(dropped).toEqual({ nonFinite: 3, empty: 1 });
  });

  it('gives the same detections and drop counts whether boxes are per candidate, shared, or dense rows', () => {
    // A grid-like head: rows of boxes, perBox classes each, at conf 0.001. Quantised scores (ties),
    // entries at or below conf, ±Infinity scores, NaN and infinite coordinates, boxes in the
    // padding, unmapped classes; enough entries (over 2 × 4096) for NMS's two-stage split.
    const conf = 0.001;
    for (let seed = 1; seed <= 6; seed++) {
      const r = mulberry32(seed);
      const rows = 500;
      const perBox = 30;
      const boxes = new Float32Array(rows * 4);
      for (let b = 0; b < rows; b++) {
        const cx = 10 + r() * 80;
        const cy = seed > 3 ? 40 + r() * 20 : 10 + r() * 80; // seeds 4-6: crowded, deep NMS
        const w = 5 + r() * 30;
        const h = 5 + r() * 30;
        boxes.set([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], b * 4);
        const odd = r();
        if (odd < 0.02) boxes[b * 4 + 1] = Number.NaN;
        else if (odd < 0.04) boxes[b * 4 + 2] = Number.POSITIVE_INFINITY;
        else if (odd < 0.1) boxes.set([cx, 0, cx + 5, 20], b * 4); // top padding: clips to nothing
      }
      const dense = new Float32Array(rows * perBox);
      for (let k = 0; k < dense.length; k++) {
        const x = r();
        const special = seed % 3 === 0; // infinite scores only in some seeds (the row stats' fallback)
        dense[k] =
          x < 0.1
            ? Number.NaN // padding: this class missed conf
            : special && x < 0.101
              ? Number.POSITIVE_INFINITY
              : special && x < 0.102
                ? Number.NEGATIVE_INFINITY
                : x < 0.12
                  ? conf // not above conf
                  : Math.round(r() ** 3 * 400) / 400 + 0.002;
      }
      // The same candidates one by one: the dense entries that are not padding, in order.
      const kept = Array.from(dense.keys()).filter((k) => !Number.isNaN(dense[k]));
      const scores = Float32Array.from(kept, (k) => dense[k]!);
      const classes = Int32Array.from(kept, (k) => k % perBox);
      const boxIndex = Int32Array.from(kept, (k) => Math.floor(k / perBox));
      const perCandidate = new Float32Array(kept.length * 4);
      boxIndex.forEach((b, i) => {
        perCandidate.set(boxes.subarray(b * 4, b * 4 + 4), i * 4);
      });
      const layouts: Candidates[] = [
        { boxes: perCandidate, scores, classes, needsNms: true },
        { boxes, scores, classes, boxIndex, needsNms: true },
        {
          boxes,
          scores: dense,
          classes: Int32Array.from(dense, (_, k) => k % perBox),
          boxIndex: Int32Array.from(dense, (_, k) => Math.floor(k / perBox)),
          perBox,
          needsNms: true,
        },
      ];
      // Dense with the decoder's row stats (the path that reads only the rows NMS needs).
      const max = new Float32Array(rows).fill(Number.NEGATIVE_INFINITY);
      const count = new Int32Array(rows);
      dense.forEach((v, k) => {
        const r = Math.floor(k / perBox);
        if (v > conf) {
          count[r]!++;
          max[r] = Math.max(max[r]!, v);
        }
      });
      layouts.push({ ...layouts[2]!, rowStats: { conf, max, count } });
      // Odd seeds leave some classes unmapped; even seeds map all (the dense rows' fast path).
      const categoryIds = Int32Array.from({ length: perBox }, (_, c) =>
        seed % 2 && c % 7 === 3 ? -1 : 100 + c,
      );
      const results = layouts.map((c) => {
        const dropped = noDrops();
        const dets = finalizeDetections(
          c,
          transform,
          categoryIds,
          seed,
          { conf, iou: 0.5, maxDet: 100 },
          dropped,
        );
        return { dets, dropped };
      });
      expect(results[0]!.dets.length).toBe(100);
      expect(results[0]!.dropped.nonFinite).toBeGreaterThan(0); // NaN and infinite coordinates
      expect(results[0]!.dropped.empty).toBeGreaterThan(0);
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
      expect(results[3]).toEqual(results[0]);
    }
  });
});
