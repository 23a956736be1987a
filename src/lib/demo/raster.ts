/**
 * Exact scanline rasterisation of the demo shapes.
 *
 * Coordinate system: image pixels, x to the right and y down; pixel (px, py) covers the unit square
 * [px, px+1) × [py, py+1) and belongs to a shape when its centre (px + 0.5, py + 0.5) lies inside
 * (no anti-aliasing). The same rule paints the image and counts the annotation's area, so boxes and
 * areas are exact for the pixels a detector gets to see (before JPEG compression).
 */
import type { ShapeKind } from './shape-classes.ts';

export interface Shape {
  kind: ShapeKind;
  /** Centre, in pixels. */
  cx: number;
  cy: number;
  /** Diameter of the circumscribed circle, in pixels. */
  size: number;
  /** Rotation in radians (ignored for circles). */
  angle: number;
}

/** Axis-aligned clip window: x in [x0, x1), y in [y0, y1). */
export interface Clip {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Polygon outline as [x0, y0, x1, y1, ...] in pixels, or undefined for a circle. */
export function shapeOutline(shape: Shape): Float64Array | undefined {
  const r = shape.size / 2;
  const unit = unitOutline(shape.kind);
  if (!unit) return undefined;
  const cos = Math.cos(shape.angle);
  const sin = Math.sin(shape.angle);
  const out = new Float64Array(unit.length);
  for (let i = 0; i < unit.length; i += 2) {
    const ux = unit[i]! * r;
    const uy = unit[i + 1]! * r;
    out[i] = shape.cx + ux * cos - uy * sin;
    out[i + 1] = shape.cy + ux * sin + uy * cos;
  }
  return out;
}

const outlines = new Map<ShapeKind, Float64Array>();

/** Outline on the unit circle (circumradius 1), pointing up when the angle is 0. */
function unitOutline(kind: ShapeKind): Float64Array | undefined {
  if (kind === 'circle') return undefined;
  const cached = outlines.get(kind);
  if (cached) return cached;
  const pts: number[] = [];
  const regular = (n: number, radius: number, phase: number) => {
    for (let i = 0; i < n; i++) {
      const a = phase + (2 * Math.PI * i) / n;
      pts.push(radius * Math.cos(a), radius * Math.sin(a));
    }
  };
  switch (kind) {
    case 'square':
      regular(4, 1, Math.PI / 4);
      break;
    case 'triangle':
      regular(3, 1, -Math.PI / 2);
      break;
    case 'hexagon':
      regular(6, 1, 0);
      break;
    case 'star':
      for (let i = 0; i < 10; i++) {
        const a = -Math.PI / 2 + (Math.PI * i) / 5;
        const radius = i % 2 === 0 ? 1 : 0.42;
        pts.push(radius * Math.cos(a), radius * Math.sin(a));
      }
      break;
    case 'cross': {
      // A plus sign with arms 0.3 of the radius half-thick; the arm tips' corners lie on the circle.
      const t = 0.3;
      const e = Math.sqrt(1 - t * t);
      pts.push(-t, -e, t, -e, t, -t, e, -t, e, t, t, t, t, e, -t, e, -t, t, -e, t, -e, -t, -t, -t);
      break;
    }
  }
  const arr = Float64Array.from(pts);
  outlines.set(kind, arr);
  return arr;
}

const crossings = new Float64Array(64);

/**
 * Calls `fn(y, x0, x1)` for each horizontal run of covered pixels inside `clip`, x1 exclusive,
 * rows top to bottom. Polygons use the even-odd rule.
 */
export function forEachSpan(shape: Shape, clip: Clip, fn: (y: number, x0: number, x1: number) => void): void {
  const r = shape.size / 2;
  const yStart = Math.max(clip.y0, Math.floor(shape.cy - r - 1));
  const yEnd = Math.min(clip.y1, Math.ceil(shape.cy + r + 1));
  const poly = shapeOutline(shape);
  for (let y = yStart; y < yEnd; y++) {
    const yc = y + 0.5;
    if (!poly) {
      const dy = yc - shape.cy;
      if (dy * dy >= r * r) continue;
      const half = Math.sqrt(r * r - dy * dy);
      emit(y, shape.cx - half, shape.cx + half, clip, fn);
      continue;
    }
    let n = 0;
    const m = poly.length;
    for (let i = 0; i < m; i += 2) {
      const ax = poly[i]!;
      const ay = poly[i + 1]!;
      const j = (i + 2) % m;
      const bx = poly[j]!;
      const by = poly[j + 1]!;
      // Half-open rule: an edge counts when the scanline separates its end points, so a vertex on
      // the scanline is counted exactly once.
      if (ay <= yc !== by <= yc) crossings[n++] = ax + ((yc - ay) / (by - ay)) * (bx - ax);
    }
    if (n < 2) continue;
    const xs = crossings.subarray(0, n).sort();
    for (let k = 0; k + 1 < n; k += 2) emit(y, xs[k]!, xs[k + 1]!, clip, fn);
  }
}

/** Pixels whose centre lies in [xa, xb), clipped. */
function emit(
  y: number,
  xa: number,
  xb: number,
  clip: Clip,
  fn: (y: number, x0: number, x1: number) => void,
) {
  const x0 = Math.max(clip.x0, Math.ceil(xa - 0.5));
  const x1 = Math.min(clip.x1, Math.ceil(xb - 0.5));
  if (x1 > x0) fn(y, x0, x1);
}

/** Number of pixels the shape covers with no clipping (what it would cover on an infinite canvas). */
export function shapePixelArea(shape: Shape): number {
  let area = 0;
  forEachSpan(shape, { x0: -1e9, y0: -1e9, x1: 1e9, y1: 1e9 }, (_y, x0, x1) => {
    area += x1 - x0;
  });
  return area;
}
