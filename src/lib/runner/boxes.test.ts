import { describe, expect, it } from 'vitest';
import { clipXyxy, cxcywhToXyxy, iou, xyxyToCxcywh } from './boxes.ts';

describe('box formats', () => {
  it('converts cx cy w h to x1 y1 x2 y2 and back', () => {
    const c = new Float32Array([10, 20, 4, 6, 0.5, 0.5, 1, 1]);
    const x = cxcywhToXyxy(c);
    expect(Array.from(x)).toEqual([8, 17, 12, 23, 0, 0, 1, 1]);
    expect(Array.from(xyxyToCxcywh(x))).toEqual(Array.from(c));
    // In place.
    const same = new Float32Array(c);
    cxcywhToXyxy(same, same);
    expect(Array.from(same)).toEqual(Array.from(x));
  });

  it('clips to the image', () => {
    expect(Array.from(clipXyxy(new Float32Array([-5, -1, 50, 30]), 40, 20))).toEqual([0, 0, 40, 20]);
  });

  it('computes IoU, zero for disjoint, touching and degenerate boxes', () => {
    const a = new Float32Array([0, 0, 10, 10, 5, 0, 15, 10, 10, 0, 20, 10, 3, 3, 3, 8]);
    expect(iou(a, 0, a, 1)).toBeCloseTo(50 / 150, 10);
    expect(iou(a, 0, a, 0)).toBe(1);
    expect(iou(a, 0, a, 2)).toBe(0);
    expect(iou(a, 0, a, 3)).toBe(0);
  });
});
