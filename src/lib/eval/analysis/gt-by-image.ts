import { discard } from '../discard.ts';
import type { CocoGt } from '../load.ts';
import type { Matches } from '../match.ts';
import type { EvalParams } from '../params.ts';
import { countingSortBy } from '../stable-sort.ts';
import { TP } from './outcomes.ts';

/**
 * GT grouped by image, file order within an image: image i owns positions [start[i], start[i+1]).
 * With `keep`, only the annotations it marks (as countedGt does: the analysis compares detections
 * with counted GT only, and reads them without skipping the others).
 * Boxes are copied into that order (far edges and area precomputed with the same float
 * operations as bboxIou), so that per-detection loops over an image's GT read contiguous memory.
 */
export interface GtByImage {
  readonly start: Int32Array;
  /** Annotation index at each position. */
  readonly ann: Int32Array;
  readonly cat: Int32Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** w + x and h + y, as bboxIou adds them. */
  readonly x2: Float64Array;
  readonly y2: Float64Array;
  /** w * h. */
  readonly area: Float64Array;
}

export function groupGtByImage(gt: CocoGt, keep?: Uint8Array): GtByImage {
  const ga = gt.annotations;
  const I = gt.imageIds.length;
  let n = 0;
  for (let i = 0; i < ga.length; i++) if (!keep || keep[i] === 1) n++;
  const kept = new Int32Array(n);
  for (let i = 0, j = 0; i < ga.length; i++) if (!keep || keep[i] === 1) kept[j++] = i;
  const ann = countingSortBy(kept, ga.img, I);
  discard(kept);
  const start = new Int32Array(I + 1);
  for (let p = 0; p < n; p++) start[ga.img[ann[p]!]! + 1]!++;
  for (let i = 0; i < I; i++) start[i + 1]! += start[i]!;
  const cat = new Int32Array(n);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const x2 = new Float64Array(n);
  const y2 = new Float64Array(n);
  const area = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const g = ann[p]!;
    cat[p] = ga.cat[g]!;
    x[p] = ga.x[g]!;
    y[p] = ga.y[g]!;
    x2[p] = ga.w[g]! + ga.x[g]!;
    y2[p] = ga.h[g]! + ga.y[g]!;
    area[p] = ga.w[g]! * ga.h[g]!;
  }
  return { start, ann, cat, x, y, x2, y2, area };
}

/**
 * bboxIou (non-crowd) of a detection with the GT at position p, from precomputed edges and
 * areas: the same float operations in the same order, so the same bits.
 * dx2 = dw + dx, dy2 = dh + dy, dArea = dw * dh.
 */
export function iouAt(
  byImage: GtByImage,
  p: number,
  dx: number,
  dy: number,
  dx2: number,
  dy2: number,
  dArea: number,
): number {
  const w = Math.min(dx2, byImage.x2[p]!) - Math.max(dx, byImage.x[p]!);
  if (w <= 0) return 0;
  const h = Math.min(dy2, byImage.y2[p]!) - Math.max(dy, byImage.y[p]!);
  if (h <= 0) return 0;
  const i = w * h;
  return i / (dArea + byImage.area[p]! - i);
}

/**
 * GT that pycocotools counts (its npig) in area range a: not crowd and with `area` inside the
 * closed range. For area 'all' these are the non-crowd GT, barring areas above 1e10.
 */
export function countedGt(gt: CocoGt, params: EvalParams, a: number): Uint8Array {
  const ga = gt.annotations;
  const [lo, hi] = params.areaRng[a]!;
  const out = new Uint8Array(ga.length);
  for (let i = 0; i < ga.length; i++)
    out[i] = ga.crowd[i] === 0 && ga.area[i]! >= lo && ga.area[i]! <= hi ? 1 : 0;
  return out;
}

/**
 * GT matched by a true positive (area 'all', IoU threshold index t) whose score is at least
 * minScore. `status` is outcomes(matches, t, area all).
 */
export function matchedByTp(
  matches: Matches,
  status: Uint8Array,
  t: number,
  annotations: number,
  minScore: number,
): Uint8Array {
  if (t !== matches.matchedGtT)
    throw new Error(`matched GT are recorded at IoU threshold index ${matches.matchedGtT}, not ${t}`);
  const used = new Uint8Array(annotations);
  for (let e = 0; e < matches.length; e++) {
    if (status[e] === TP && matches.score[e]! >= minScore) used[matches.matchedGt[e]! - 1] = 1;
  }
  return used;
}
