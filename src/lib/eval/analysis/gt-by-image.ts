import type { CocoGt } from '../load.ts';
import type { Matches } from '../match.ts';
import type { EvalParams } from '../params.ts';
import { countingSortBy } from '../stable-sort.ts';
import { TP } from './outcomes.ts';

/** GT annotation indices grouped by image, file order within an image: image i owns [start[i], start[i+1]). */
export interface GtByImage {
  readonly start: Int32Array;
  readonly ann: Int32Array;
}

export function groupGtByImage(gt: CocoGt): GtByImage {
  const ga = gt.annotations;
  const I = gt.imageIds.length;
  const identity = new Int32Array(ga.length);
  for (let i = 0; i < identity.length; i++) identity[i] = i;
  const ann = countingSortBy(identity, ga.img, I);
  const start = new Int32Array(I + 1);
  for (let i = 0; i < ga.length; i++) start[ga.img[i] + 1]++;
  for (let i = 0; i < I; i++) start[i + 1] += start[i];
  return { start, ann };
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
    out[i] = ga.crowd[i] === 0 && ga.area[i] >= lo && ga.area[i] <= hi ? 1 : 0;
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
  const used = new Uint8Array(annotations);
  const T = matches.T;
  for (let e = 0; e < matches.length; e++) {
    if (status[e] === TP && matches.score[e] >= minScore) used[matches.matchedGt[e * T + t]] = 1;
  }
  return used;
}
