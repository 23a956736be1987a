import { discard } from './discard.ts';
import type { CocoGt, Detections } from './load.ts';
import type { MatchWork } from './match-group.ts';
import { IGNORE_SHIFT, matchGroup, unmatchedGroup } from './match-group.ts';
import type { EvalParams } from './params.ts';
import { recycled } from './recycled-memory.ts';
import { insertionSortByScoreDesc, sortByPair } from './stable-sort.ts';

export { bboxIou, IGNORE_SHIFT } from './match-group.ts';

/**
 * Stage 1 of 3 (pycocotools' `evaluate`): per image × category matching.
 *
 * Output is columnar over the *evaluated* detections: per (category, image) the detections sorted
 * by score (stable, so file order breaks ties) and cut at maxDets[-1]. They are stored
 * category-major, then by image index (ascending image id), then by rank: exactly the order in
 * which pycocotools concatenates them before its own stable sort in `accumulate`.
 */
export interface Matches {
  /** Number of evaluated detections (E). */
  readonly length: number;
  /** Index into the input Detections. */
  readonly det: Int32Array;
  /** Rank within its (image, category) after the score sort: 0 = highest. */
  readonly rank: Int32Array;
  readonly img: Int32Array;
  readonly score: Float64Array;
  /** Evaluated detections of category k are [catStart[k], catStart[k+1]). */
  readonly catStart: Int32Array;
  /**
   * Per detection × area range (index d*A + a), bit t: matched at IoU threshold t to a GT whose id
   * is non-zero (pycocotools tests `dtm != 0`); bit 16+t: ignored at threshold t.
   */
  readonly flags: Uint32Array;
  /**
   * For area range 'all' at IoU threshold index matchedGtT: per detection, 1 + the index of the
   * matched GT annotation, or 0 when unmatched. One threshold only (the analysis reads IoU .50's);
   * all ten would hold 40 bytes per detection.
   */
  readonly matchedGt: Int32Array;
  readonly matchedGtT: number;
  /** Per category × area range (k*A + a): number of GT that are not ignored (pycocotools' npig). */
  readonly npig: Float64Array;
  /** Number of IoU thresholds and of area ranges, for indexing the arrays above. */
  readonly T: number;
  readonly A: number;
}

export function matchDetections(gt: CocoGt, dt: Detections, params: EvalParams): Matches {
  const K = gt.categoryIds.length;
  const I = gt.imageIds.length;
  const T = params.iouThrs.length;
  const A = params.areaRng.length;
  const maxDet = params.maxDets[params.maxDets.length - 1]!;
  const ga = gt.annotations;

  // Groups visited image by image (ascending id), then by category: results files list an image's
  // detections together, so the boxes are read where they lie instead of once per category across
  // the whole file. GT in file order and detections by descending score with file order breaking
  // ties, as pycocotools' stable sorts leave them. Output is written category-major (see Matches)
  // at offsets counted beforehand.
  const gtOrder = sortByPair(ga.img, I, ga.cat, K);
  const dtOrder = sortByPair(dt.img, I, dt.cat, K);
  const nG = ga.length;
  const nD = dt.length;
  const catStart = evaluatedPerCategory(dt, dtOrder, K, maxDet);
  const next = catStart.slice(0, K);

  const cap = catStart[K]!;
  const thr = Float64Array.from(params.iouThrs, (t) => Math.min(t, 1 - 1e-10));
  // The outputs in memory the reading left resident, where it gave some (recycled-memory.ts).
  const out = recycled;
  const w: MatchWork = {
    ga,
    dt,
    gtOrder,
    dtOrder,
    A,
    T,
    thr,
    thr0: thr.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY),
    areaLo: Float64Array.from(params.areaRng, (r) => r[0]),
    areaHi: Float64Array.from(params.areaRng, (r) => r[1]),
    tpMask: (1 << T) - 1,
    allIgnored: (((1 << T) - 1) << IGNORE_SHIFT) >>> 0,
    // IoU .50, where the analysis reads matches (the first threshold when .50 is not evaluated).
    matchedGtT: Math.max(0, params.iouThrs.indexOf(0.5)),
    flags: out.u32(cap * A),
    score: out.f64(cap),
    det: out.i32(cap),
    rank: out.i32(cap),
    img: out.i32(cap),
    matchedGt: out.i32(cap),
    npig: new Float64Array(K * A),
    ious: new Float64Array(256),
    gtSorted: new Int32Array(16),
    gtIgn: new Uint8Array(16),
    gtCrowd: new Uint8Array(16),
    gtTaken: new Int32Array(16),
    takenStamp: 0,
    dtOut: new Uint8Array(maxDet),
    dtBestIou: new Float64Array(maxDet),
    candidates: new Int32Array(maxDet),
    areaPattern: new Int32Array(A),
  };

  let gi = 0;
  let di = 0;
  for (;;) {
    // Next (image, category) group present in either GT or detections.
    const gKey = gi < nG ? ga.img[gtOrder[gi]!]! * K + ga.cat[gtOrder[gi]!]! : Number.POSITIVE_INFINITY;
    const dKey = di < nD ? dt.img[dtOrder[di]!]! * K + dt.cat[dtOrder[di]!]! : Number.POSITIVE_INFINITY;
    const key = Math.min(gKey, dKey);
    if (key === Number.POSITIVE_INFINITY) break;
    const im = Math.floor(key / K);
    const k = key - im * K;
    const g0 = gi;
    while (gi < nG && ga.cat[gtOrder[gi]!] === k && ga.img[gtOrder[gi]!] === im) gi++;
    const d0 = di;
    while (di < nD && dt.cat[dtOrder[di]!] === k && dt.img[dtOrder[di]!] === im) di++;
    // Within the group, by descending score, file order breaking ties (groups are small).
    insertionSortByScoreDesc(dtOrder, d0, di, dt.score);
    const D = Math.min(di - d0, maxDet);
    const e = next[k]!;
    next[k] = e + D;
    if (gi > g0) matchGroup(w, g0, gi - g0, d0, D, e, k, im);
    else unmatchedGroup(w, d0, D, e, im);
  }
  discard(dtOrder, gtOrder);
  return {
    length: cap,
    det: w.det,
    rank: w.rank,
    img: w.img,
    score: w.score,
    catStart,
    flags: w.flags,
    matchedGt: w.matchedGt,
    matchedGtT: w.matchedGtT,
    npig: w.npig,
    T,
    A,
  };
}

/**
 * Where each category's evaluated detections start (the first maxDet of each (image, category)
 * group of dtOrder), and their total at K. A function of its own: see stable-sort.ts pairCounts.
 */
function evaluatedPerCategory(dt: Detections, dtOrder: Int32Array, K: number, maxDet: number): Int32Array {
  const nD = dtOrder.length;
  const catStart = new Int32Array(K + 1);
  for (let i = 0; i < nD; ) {
    const j = dtOrder[i]!;
    const k = dt.cat[j]!;
    const im = dt.img[j]!;
    const i0 = i;
    while (i < nD && dt.cat[dtOrder[i]!] === k && dt.img[dtOrder[i]!] === im) i++;
    catStart[k + 1]! += Math.min(i - i0, maxDet);
  }
  for (let k = 0; k < K; k++) catStart[k + 1]! += catStart[k]!;
  return catStart;
}
