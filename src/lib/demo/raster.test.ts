import { describe, expect, it } from 'vitest';
import { forEachSpan, type Shape, shapeOutline, shapePixelArea } from './raster.ts';
import { SHAPE_KINDS } from './shape-classes.ts';

/** Shoelace area of a closed polygon given as [x0, y0, x1, y1, ...]. */
function polygonArea(pts: Float64Array): number {
  let a = 0;
  for (let i = 0; i < pts.length; i += 2) {
    const j = (i + 2) % pts.length;
    a += pts[i]! * pts[j + 1]! - pts[j]! * pts[i + 1]!;
  }
  return Math.abs(a) / 2;
}

/** Coverage mask of a shape on a w×h canvas, from its spans. */
function mask(shape: Shape, w: number, h: number): Uint8Array {
  const m = new Uint8Array(w * h);
  forEachSpan(shape, { x0: 0, y0: 0, x1: w, y1: h }, (y, x0, x1) => {
    for (let x = x0; x < x1; x++) {
      if (m[y * w + x]) throw new Error(`pixel ${x},${y} emitted twice`);
      m[y * w + x] = 1;
    }
  });
  return m;
}

describe('forEachSpan', () => {
  it('covers exactly the pixels whose centres are inside an axis-aligned square', () => {
    // Circumradius 10 → half side 10·cos45° ≈ 7.07; centres in [2.93, 17.07) are pixels 3..16.
    const m = mask({ kind: 'square', cx: 10, cy: 10, size: 20, angle: 0 }, 20, 20);
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 20; x++) {
        expect(m[y * 20 + x], `${x},${y}`).toBe(x >= 3 && x <= 16 && y >= 3 && y <= 16 ? 1 : 0);
      }
    }
  });

  it('matches the analytic area of every kind, at several angles', () => {
    for (const kind of SHAPE_KINDS) {
      for (const angle of [0, 0.3, 1.1, 2.5]) {
        const shape: Shape = { kind, cx: 100.3, cy: 99.7, size: 120, angle };
        const outline = shapeOutline(shape);
        const exact = outline ? polygonArea(outline) : Math.PI * 60 * 60;
        const pixels = shapePixelArea(shape);
        expect(Math.abs(pixels - exact) / exact, `${kind} at ${angle}`).toBeLessThan(0.01);
        // The span-built mask and the unclipped count agree when the shape fits on the canvas.
        expect(mask(shape, 200, 200).reduce((a, b) => a + b, 0)).toBe(pixels);
      }
    }
  });

  it('clips to the canvas: a circle centred on a corner keeps a quarter', () => {
    const shape: Shape = { kind: 'circle', cx: 0, cy: 0, size: 200, angle: 0 };
    const inside = mask(shape, 150, 150).reduce((a, b) => a + b, 0);
    expect(Math.abs(inside - shapePixelArea(shape) / 4)).toBeLessThan(0.01 * inside);
  });

  it('fills a star with its notches empty (even-odd rule)', () => {
    const star: Shape = { kind: 'star', cx: 50, cy: 50, size: 90, angle: 0 };
    const m = mask(star, 100, 100);
    expect(m[50 * 100 + 50]).toBe(1); // centre
    expect(m[8 * 100 + 50]).toBe(1); // top arm, near the tip (pointing up)
    expect(m[15 * 100 + 30]).toBe(0); // between the top and upper-left arms
  });
});
