import { describe, expect, it } from 'vitest';
import { finalizeDetections } from './postprocess.ts';

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
});
