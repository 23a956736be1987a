import { discard } from '../discard.ts';
import type { CocoEvaluation } from '../evaluate.ts';
import type { GtByImage } from './gt-by-image.ts';
import { iouAt, matchedByTp } from './gt-by-image.ts';
import { evaluatedIndex, FP } from './outcomes.ts';

/**
 * TIDE-style error analysis (Bolya et al. 2020, "TIDE: A General Toolbox for Identifying Object
 * Detection Errors", and its tidecv code), on top of pycocotools' matching at one IoU threshold
 * (t_f, normally .50) instead of TIDE's own. Every pycocotools false positive gets exactly one
 * type, tested in tidecv's order against the counted (non-crowd) GT of its image; IoU is the
 * plain box IoU, across classes too:
 *
 * - loc: the highest IoU with a GT of its own class is in [t_b, t_f] (error points at that GT);
 * - cls: else, the highest IoU with a GT of another class is >= t_f (points at that GT);
 * - dupe: else, the highest IoU with an already matched GT of its own class is >= t_f;
 * - bkg: else, the highest IoU with any GT is <= t_b (also: no GT in the image);
 * - both: anything else (another class, IoU in (t_b, t_f)).
 *
 * miss: a counted GT that no detection matched and no cls or loc error points at (while the GT
 * is unmatched).
 */
export const CLS = 1;
export const LOC = 2;
export const BOTH = 4;
export const DUPE = 8;
export const BKG = 16;
export const MISS = 32;
export const ALL_ERRORS = CLS | LOC | BOTH | DUPE | BKG | MISS;

export const T_FOREGROUND = 0.5;
export const T_BACKGROUND = 0.1;

export interface TideAnalysis {
  /** IoU threshold index of the matching. */
  readonly t: number;
  /** Per evaluated detection: TP, FP or IGNORED (outcomes at t, area all). */
  readonly status: Uint8Array;
  /** Per evaluated detection: its error type (one bit above), 0 when not a false positive. */
  readonly errorType: Uint8Array;
  /** Per evaluated detection: for cls and loc errors the GT annotation they point at, else -1. */
  readonly target: Int32Array;
  /** Per GT annotation: matched by a true positive. */
  readonly used: Uint8Array;
  /** Per GT annotation: a miss error. */
  readonly missed: Uint8Array;
  readonly counts: Record<'cls' | 'loc' | 'both' | 'dupe' | 'bkg' | 'miss', number>;
}

/** `byImage` holds the counted GT only (groupGtByImage(gt, counted)); `counted` marks them. */
export function classifyErrors(
  evaluation: CocoEvaluation,
  status: Uint8Array,
  t: number,
  byImage: GtByImage,
  counted: Uint8Array,
  tf = T_FOREGROUND,
  tb = T_BACKGROUND,
): TideAnalysis {
  const { matches, gt, dt } = evaluation;
  const ga = gt.annotations;
  const E = matches.length;
  const inv = evaluatedIndex(matches, dt.length);
  const used = matchedByTp(matches, status, t, ga.length, -Infinity);
  const usable = new Uint8Array(ga.length);
  const errorType = new Uint8Array(E);
  const target = new Int32Array(E).fill(-1);
  const counts = { cls: 0, loc: 0, both: 0, dupe: 0, bkg: 0, miss: 0 };

  for (let j = 0; j < dt.length; j++) {
    const e = inv[j]!;
    if (e < 0 || status[e] !== FP) continue;
    const k = dt.cat[j];
    const dx = dt.x[j]!;
    const dy = dt.y[j]!;
    const dx2 = dt.w[j]! + dx;
    const dy2 = dt.h[j]! + dy;
    const dArea = dt.w[j]! * dt.h[j]!;
    const im = dt.img[j]!;
    const p0 = byImage.start[im]!;
    const p1 = byImage.start[im + 1]!;
    const any = p1 > p0;
    let allMax = 0;
    let sameMax = 0;
    let sameArg = -1;
    let otherMax = 0;
    let otherArg = -1;
    let usedSameMax = 0;
    for (let p = p0; p < p1; p++) {
      const iou = iouAt(byImage, p, dx, dy, dx2, dy2, dArea);
      if (iou === 0) continue; // changes no maximum (all start at 0, compared with >)
      const g = byImage.ann[p]!;
      if (iou > allMax) allMax = iou;
      if (byImage.cat[p] === k) {
        if (iou > sameMax) {
          sameMax = iou;
          sameArg = g;
        }
        if (used[g] === 1 && iou > usedSameMax) usedSameMax = iou;
      } else if (iou > otherMax) {
        otherMax = iou;
        otherArg = g;
      }
    }
    let type: number;
    if (!any) type = BKG;
    else if (sameMax >= tb && sameMax <= tf) {
      type = LOC;
      target[e] = sameArg;
    } else if (otherMax >= tf) {
      type = CLS;
      target[e] = otherArg;
    } else if (usedSameMax >= tf) type = DUPE;
    else if (allMax <= tb) type = BKG;
    else type = BOTH;
    errorType[e] = type;
    if ((type === LOC || type === CLS) && used[target[e]!] === 0) usable[target[e]!] = 1;
    if (type === CLS) counts.cls++;
    else if (type === LOC) counts.loc++;
    else if (type === DUPE) counts.dupe++;
    else if (type === BKG) counts.bkg++;
    else counts.both++;
  }
  const missed = new Uint8Array(ga.length);
  for (let g = 0; g < ga.length; g++) {
    if (counted[g] === 1 && used[g] === 0 && usable[g] === 0) {
      missed[g] = 1;
      counts.miss++;
    }
  }
  discard(inv, usable);
  return { t, status, errorType, target, used, missed, counts };
}
