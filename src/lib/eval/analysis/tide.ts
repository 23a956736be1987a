import type { ErrorBreakdown } from '../../schema/metrics.ts';
import { discard } from '../discard.ts';
import type { CocoEvaluation } from '../evaluate.ts';
import { meanOfDefined } from '../numpy-mean.ts';
import type { GtByImage } from './gt-by-image.ts';
import { matchedByTp } from './gt-by-image.ts';
import { interpolatedPrecision } from './interpolate.ts';
import { evaluatedIndex, FP, IGNORED, TP } from './outcomes.ts';

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

  // The counted GT of each image, contiguous, with what the loop below reads of each: the GT an
  // image's detections are compared with sit next to each other in memory.
  const start = new Int32Array(byImage.start.length);
  let nc = 0;
  for (let i = 0; i + 1 < byImage.start.length; i++) {
    start[i] = nc;
    for (let p = byImage.start[i]!; p < byImage.start[i + 1]!; p++) if (counted[byImage.ann[p]!] === 1) nc++;
  }
  start[start.length - 1] = nc;
  const cAnn = new Int32Array(nc);
  const cCat = new Int32Array(nc);
  const cUsed = new Uint8Array(nc);
  const cx = new Float64Array(nc);
  const cy = new Float64Array(nc);
  const cx2 = new Float64Array(nc);
  const cy2 = new Float64Array(nc);
  const cArea = new Float64Array(nc);
  for (let p = 0, c = 0; p < byImage.ann.length; p++) {
    const g = byImage.ann[p]!;
    if (counted[g] === 0) continue;
    cAnn[c] = g;
    cCat[c] = byImage.cat[p]!;
    cUsed[c] = used[g]!;
    cx[c] = byImage.x[p]!;
    cy[c] = byImage.y[p]!;
    cx2[c] = byImage.x2[p]!;
    cy2[c] = byImage.y2[p]!;
    cArea[c++] = byImage.area[p]!;
  }

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
    const c0 = start[im]!;
    const c1 = start[im + 1]!;
    const any = c1 > c0;
    let allMax = 0;
    let sameMax = 0;
    let sameArg = -1;
    let otherMax = 0;
    let otherArg = -1;
    let usedSameMax = 0;
    for (let c = c0; c < c1; c++) {
      // iouAt's float operations, in its order.
      const w = Math.min(dx2, cx2[c]!) - Math.max(dx, cx[c]!);
      if (w <= 0) continue; // IoU 0 changes no maximum (all start at 0, compared with >)
      const h = Math.min(dy2, cy2[c]!) - Math.max(dy, cy[c]!);
      if (h <= 0) continue;
      const inter = w * h;
      const iou = inter / (dArea + cArea[c]! - inter);
      if (iou > allMax) allMax = iou;
      if (cCat[c] === k) {
        if (iou > sameMax) {
          sameMax = iou;
          sameArg = cAnn[c]!;
        }
        if (cUsed[c] === 1 && iou > usedSameMax) usedSameMax = iou;
      } else if (iou > otherMax) {
        otherMax = iou;
        otherArg = cAnn[c]!;
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
  discard(inv, usable, start, cAnn, cCat, cUsed, cx, cy, cx2, cy2, cArea);
  return { t, status, errorType, target, used, missed, counts };
}

/** Left out of the recomputed AP: ignored by pycocotools, or removed by a fix. */
const SKIP = IGNORED;

/**
 * AP at the analysis' IoU threshold (area all, maxDets 100) with every error whose type is in
 * `fix` corrected by TIDE's oracle, recomputed exactly as pycocotools would on the modified
 * detections (101-point interpolation, classes without GT left out of the mean). With fix = 0 it
 * is pycocotools' own AP50.
 *
 * - cls / loc: among the errors of the fixed types pointing at the same unmatched GT, the
 *   highest-scoring one (ties: lower category, then earlier rank) becomes a true positive for
 *   that GT (cls: moved to the GT's class, keeping its score; loc: in its own class); the others,
 *   and errors pointing at an already matched GT, are removed as duplicates they now are.
 * - dupe, bkg, both: the detection is removed.
 * - miss: the GT is removed from its class's GT count.
 */
export function apWithFixes(evaluation: CocoEvaluation, analysis: TideAnalysis, fix: number): number {
  const { matches, gt, params } = evaluation;
  const { accumulated: acc } = evaluation;
  const ga = gt.annotations;
  const E = matches.length;
  const K = gt.categoryIds.length;
  const R = params.recThrs.length;
  const A = matches.A;
  const { errorType, target, used } = analysis;
  // Outcomes by merge-order position, so that the per-class passes below read in sequence.
  const { statusOrd, position } = gathered(evaluation, analysis);
  const status = statusOrd.slice();
  const positives = new Float64Array(K);
  for (let k = 0; k < K; k++) positives[k] = matches.npig[k * A]!;

  // The surviving cls/loc error per unmatched GT.
  // The detections the fix acts on, ascending: usually a small part of all.
  let nActed = 0;
  for (let e = 0; e < E; e++) if ((errorType[e]! & fix) !== 0) nActed++;
  const acted = new Int32Array(nActed);
  for (let e = 0, i = 0; e < E; e++) if ((errorType[e]! & fix) !== 0) acted[i++] = e;
  const best = new Int32Array(ga.length).fill(-1);
  const fixable = fix & (CLS | LOC);
  if (fixable !== 0) {
    for (const e of acted) {
      if ((errorType[e]! & fixable) === 0) continue;
      const g = target[e]!;
      if (used[g] === 1) continue;
      const b = best[g]!;
      if (b < 0 || matches.score[e]! > matches.score[b]!) best[g] = e;
    }
  }
  const movedCount = new Int32Array(K + 1);
  for (const e of acted) {
    const type = errorType[e]!;
    if ((type & fixable) !== 0 && best[target[e]!] === e) {
      if (type === LOC) status[position[e]!] = TP;
      else {
        status[position[e]!] = SKIP;
        movedCount[ga.cat[target[e]!]! + 1]!++;
      }
    } else {
      status[position[e]!] = SKIP;
    }
  }
  // Detections moved by a cls fix, grouped by their new class, each group in merge order.
  for (let k = 0; k < K; k++) movedCount[k + 1]! += movedCount[k]!;
  const moved = new Int32Array(movedCount[K]!);
  const fill = movedCount.slice(0, K);
  for (const e of acted) {
    if (errorType[e] === CLS && (fix & CLS) !== 0 && best[target[e]!] === e)
      moved[fill[ga.cat[target[e]!]!]!++] = e;
  }
  const before = (a: number, b: number): boolean =>
    matches.score[a]! > matches.score[b]! ||
    (matches.score[a] === matches.score[b] && matches.img[a]! < matches.img[b]!);
  for (let k = 0; k < K; k++) {
    moved
      .subarray(movedCount[k], movedCount[k + 1])
      .sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : a - b));
  }

  if ((fix & MISS) !== 0) {
    for (let g = 0; g < ga.length; g++) if (analysis.missed[g] === 1) positives[ga.cat[g]!]!--;
  }

  let longest = 0;
  for (let k = 0; k < K; k++) {
    longest = Math.max(
      longest,
      matches.catStart[k + 1]! - matches.catStart[k]! + movedCount[k + 1]! - movedCount[k]!,
    );
  }
  const g = gathered(evaluation, analysis);
  if (g.tpAt.length < longest) {
    g.tpAt = new Float64Array(longest);
    g.fpAt = new Float64Array(longest);
    g.env = new Float64Array(longest);
    g.rc = new Float64Array(longest);
  }
  const { tpAt, fpAt, env, rc } = g;
  const precision = new Float64Array(R * K).fill(-1);
  const order = acc.order;
  const { score, img } = matches;
  for (let k = 0; k < K; k++) {
    if (positives[k] === 0) continue;
    let tp = 0;
    let fp = 0;
    let n = 0;
    let m = movedCount[k]!;
    const mEnd = movedCount[k + 1]!;
    const end = matches.catStart[k + 1]!;
    for (let i = matches.catStart[k]!; i < end; i++) {
      // Moved detections that sort before this one (before(), inline: this loop visits every
      // detection of the class).
      if (m < mEnd) {
        const e = order[i]!;
        const es = score[e]!;
        const ei = img[e]!;
        for (; m < mEnd; m++) {
          const d = moved[m]!;
          const ds = score[d]!;
          if (!(ds > es || (ds === es && img[d]! < ei))) break;
          tp++;
          tpAt[n] = tp;
          fpAt[n++] = fp;
        }
      }
      const st = status[i];
      if (st === TP) {
        tp++;
        tpAt[n] = tp;
        fpAt[n++] = fp;
      } else if (st === FP) fp++;
    }
    // Moved detections after the last one.
    for (; m < mEnd; m++) {
      tp++;
      tpAt[n] = tp;
      fpAt[n++] = fp;
    }
    interpolatedPrecision(tpAt, fpAt, 0, n, positives[k]!, params.recThrs, env, rc, precision, k, K);
  }
  // (r, k) order, as numpy flattens precision[0, :, :, 0, 2] in summarize.
  return meanOfDefined(precision);
}

interface Gathered {
  readonly statusOrd: Uint8Array;
  readonly position: Int32Array;
  /** Scratch of apWithFixes, reused by its seven calls. */
  tpAt: Float64Array;
  fpAt: Float64Array;
  env: Float64Array;
  rc: Float64Array;
}
const gatheredCache = new WeakMap<TideAnalysis, Gathered>();

/** The analysis' outcomes in merge order, and each evaluated detection's position there. */
function gathered(evaluation: CocoEvaluation, analysis: TideAnalysis): Gathered {
  let g = gatheredCache.get(analysis);
  if (g === undefined) {
    const order = evaluation.accumulated.order;
    const statusOrd = new Uint8Array(order.length);
    const position = new Int32Array(order.length);
    for (let p = 0; p < order.length; p++) {
      const e = order[p]!;
      statusOrd[p] = analysis.status[e]!;
      position[e] = p;
    }
    const none = new Float64Array(0);
    g = { statusOrd, position, tpAt: none, fpAt: none, env: none, rc: none };
    gatheredCache.set(analysis, g);
  }
  return g;
}

/** AP50 unfixed and with each of the fixes that only remove false positives or GT. */
interface RemovalAps {
  readonly base: number;
  readonly both: number;
  readonly dupe: number;
  readonly bkg: number;
  readonly miss: number;
}

/**
 * apWithFixes for fix 0, BOTH, DUPE, BKG and MISS at once, in one pass over the merge order: these
 * fixes only remove false positives (or GT), so all five share the true positives, and at each one
 * a variant's false-positive count is the unfixed count minus the removed ones before it. The
 * counts are those apWithFixes counts, and the same interpolation runs on them, so each AP has the
 * same bits as apWithFixes' (the tests compare them).
 */
export function removalAps(evaluation: CocoEvaluation, analysis: TideAnalysis): RemovalAps {
  const { matches, gt, params } = evaluation;
  const ga = gt.annotations;
  const K = gt.categoryIds.length;
  const R = params.recThrs.length;
  const A = matches.A;
  const order = evaluation.accumulated.order;
  const { statusOrd } = gathered(evaluation, analysis);
  const { errorType } = analysis;
  const positives = new Float64Array(K);
  const kept = new Float64Array(K);
  for (let k = 0; k < K; k++) positives[k] = kept[k] = matches.npig[k * A]!;
  for (let g = 0; g < ga.length; g++) if (analysis.missed[g] === 1) kept[ga.cat[g]!]!--;

  let longest = 0;
  for (let k = 0; k < K; k++) longest = Math.max(longest, matches.catStart[k + 1]! - matches.catStart[k]!);
  const tpAt = new Float64Array(longest);
  const fpAt = new Float64Array(longest);
  const fpBoth = new Float64Array(longest);
  const fpDupe = new Float64Array(longest);
  const fpBkg = new Float64Array(longest);
  const env = new Float64Array(longest);
  const rc = new Float64Array(longest);
  const prec = Array.from({ length: 5 }, () => new Float64Array(R * K).fill(-1));
  const [pBase, pBoth, pDupe, pBkg, pMiss] = prec as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const recThrs = params.recThrs;
  for (let k = 0; k < K; k++) {
    if (positives[k] === 0) continue;
    let tp = 0;
    let fp = 0;
    let both = 0;
    let dupe = 0;
    let bkg = 0;
    let n = 0;
    for (let i = matches.catStart[k]!; i < matches.catStart[k + 1]!; i++) {
      const st = statusOrd[i];
      if (st === TP) {
        tpAt[n] = ++tp;
        fpAt[n] = fp;
        fpBoth[n] = fp - both;
        fpDupe[n] = fp - dupe;
        fpBkg[n++] = fp - bkg;
      } else if (st === FP) {
        fp++;
        const type = errorType[order[i]!];
        if (type === BOTH) both++;
        else if (type === DUPE) dupe++;
        else if (type === BKG) bkg++;
      }
    }
    const p = positives[k]!;
    interpolatedPrecision(tpAt, fpAt, 0, n, p, recThrs, env, rc, pBase, k, K);
    interpolatedPrecision(tpAt, fpBoth, 0, n, p, recThrs, env, rc, pBoth, k, K);
    interpolatedPrecision(tpAt, fpDupe, 0, n, p, recThrs, env, rc, pDupe, k, K);
    interpolatedPrecision(tpAt, fpBkg, 0, n, p, recThrs, env, rc, pBkg, k, K);
    if (kept[k]! > 0) interpolatedPrecision(tpAt, fpAt, 0, n, kept[k]!, recThrs, env, rc, pMiss, k, K);
  }
  const [base, both, dupe, bkg, miss] = prec.map((x) => meanOfDefined(x)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  discard(tpAt, fpAt, fpBoth, fpDupe, fpBkg, env, rc, ...prec);
  return { base, both, dupe, bkg, miss };
}

/** Counts and dAP50 per error type: each type fixed alone, gain clamped at 0 as tidecv does. */
export function errorBreakdown(evaluation: CocoEvaluation, analysis: TideAnalysis): ErrorBreakdown {
  const r = removalAps(evaluation, analysis);
  const gain = (ap: number): number => Math.max(0, ap - r.base);
  const c = analysis.counts;
  return {
    cls: { count: c.cls, dAP50: gain(apWithFixes(evaluation, analysis, CLS)) },
    loc: { count: c.loc, dAP50: gain(apWithFixes(evaluation, analysis, LOC)) },
    both: { count: c.both, dAP50: gain(r.both) },
    dupe: { count: c.dupe, dAP50: gain(r.dupe) },
    bkg: { count: c.bkg, dAP50: gain(r.bkg) },
    miss: { count: c.miss, dAP50: gain(r.miss) },
  };
}
