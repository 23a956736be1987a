import { discard } from './discard.ts';
import type { CocoGt, Detections } from './load.ts';
import type { EvalParams } from './params.ts';
import { recycled } from './recycled-memory.ts';
import { insertionSortByScoreDesc, sortByPair } from './stable-sort.ts';

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

export const IGNORE_SHIFT = 16;

/**
 * IoU of detection d with GT g exactly as pycocotools' C `bbIou` computes it (same operation order,
 * so the same float64 rounding). For a crowd GT the union is the detection's own area.
 */
export function bboxIou(
  dx: number,
  dy: number,
  dw: number,
  dh: number,
  gx: number,
  gy: number,
  gw: number,
  gh: number,
  crowd: boolean,
): number {
  const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
  if (w <= 0) return 0;
  const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
  if (h <= 0) return 0;
  const i = w * h;
  const da = dw * dh;
  const u = crowd ? da : da + gw * gh - i;
  return i / u;
}

/**
 * What the matching of one (image, category) group reads and writes. The per-group work is the
 * function matchGroup, called once per group, so that V8 optimizes it as a called function early
 * in a fresh process instead of waiting to replace one large loop's frame mid-run.
 */
interface MatchWork {
  readonly ga: CocoGt['annotations'];
  readonly dt: Detections;
  readonly gtOrder: Int32Array;
  readonly dtOrder: Int32Array;
  readonly A: number;
  readonly T: number;
  readonly thr: Float64Array;
  readonly thr0: number;
  readonly areaLo: Float64Array;
  readonly areaHi: Float64Array;
  readonly tpMask: number;
  readonly allIgnored: number;
  readonly matchedGtT: number;
  readonly det: Int32Array;
  readonly rank: Int32Array;
  readonly img: Int32Array;
  readonly score: Float64Array;
  readonly flags: Uint32Array;
  readonly matchedGt: Int32Array;
  readonly npig: Float64Array;
  // Scratch, grown on demand.
  ious: Float64Array;
  gtSorted: Int32Array;
  gtIgn: Uint8Array;
  gtCrowd: Uint8Array;
  /** gtTaken[g] === takenStamp marks "matched in the current pass": no clearing between passes. */
  gtTaken: Int32Array;
  takenStamp: number;
  readonly dtOut: Uint8Array;
  readonly dtBestIou: Float64Array;
  /** The detections of a group that reach the lowest threshold with some GT: only they can match. */
  readonly candidates: Int32Array;
  /** Per area range of the current group: which GT it ignores (a bit each; -1: too many GT to say). */
  readonly areaPattern: Int32Array;
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

/**
 * A group without GT (most of a results file's groups: the classes a model guesses wrongly), as
 * matchGroup would do it with nothing to match: only pycocotools' area rule applies.
 */
function unmatchedGroup(w: MatchWork, d0: number, D: number, e: number, im: number): void {
  const { dt, dtOrder, A, areaLo, areaHi, flags, allIgnored, det, rank, img, score } = w;
  for (let d = 0; d < D; d++) {
    const j = dtOrder[d0 + d]!;
    det[e + d] = j;
    rank[e + d] = d;
    img[e + d] = im;
    score[e + d] = dt.score[j]!;
    const area = dt.w[j]! * dt.h[j]!;
    for (let ai = 0; ai < A; ai++)
      if (area < areaLo[ai]! || area > areaHi[ai]!) flags[(e + d) * A + ai] = allIgnored;
  }
}

/**
 * One group: GT gtOrder[g0, g0 + G) and detections dtOrder[d0, d0 + D) (by score) of category k
 * in image im, written at evaluated index e onwards.
 */
function matchGroup(
  w: MatchWork,
  g0: number,
  G: number,
  d0: number,
  D: number,
  e: number,
  k: number,
  im: number,
): void {
  const { ga, dt, gtOrder, dtOrder, A, T, thr, areaLo, areaHi, flags, npig } = w;
  if (G > w.gtSorted.length) {
    w.gtSorted = new Int32Array(G * 2);
    w.gtIgn = new Uint8Array(G * 2);
    w.gtCrowd = new Uint8Array(G * 2);
    w.gtTaken = new Int32Array(G * 2);
  }
  if (D * G > w.ious.length) w.ious = new Float64Array(D * G * 2);
  const { ious, gtSorted, gtIgn, gtCrowd, gtTaken, dtOut, dtBestIou, candidates, areaPattern } = w;
  const { det, rank, img, score } = w;
  let nCandidates = 0;
  let groupBest = 0;
  for (let d = 0; d < D; d++) {
    const j = dtOrder[d0 + d]!;
    const dx = dt.x[j]!;
    const dy = dt.y[j]!;
    const dw = dt.w[j]!;
    const dh = dt.h[j]!;
    let bestIou = 0;
    for (let g = 0; g < G; g++) {
      const a = gtOrder[g0 + g]!;
      const iou = bboxIou(dx, dy, dw, dh, ga.x[a]!, ga.y[a]!, ga.w[a]!, ga.h[a]!, ga.crowd[a] === 1);
      ious[d * G + g] = iou;
      if (iou > bestIou) bestIou = iou;
    }
    dtBestIou[d] = bestIou;
    if (bestIou >= w.thr0) candidates[nCandidates++] = d;
    if (bestIou > groupBest) groupBest = bestIou;
    det[e + d] = j;
    rank[e + d] = d;
    img[e + d] = im;
    score[e + d] = dt.score[j]!;
  }
  // Out-of-range bits per detection (bit a), for pycocotools' "unmatched and outside the area
  // range → ignored" rule; detection area is w*h.
  for (let d = 0; d < D; d++) {
    const j = dtOrder[d0 + d]!;
    const area = dt.w[j]! * dt.h[j]!;
    let out = 0;
    for (let ai = 0; ai < A; ai++) if (area < areaLo[ai]! || area > areaHi[ai]!) out |= 1 << ai;
    dtOut[d] = out;
  }
  if (nCandidates === 0) {
    // Nothing can match (no GT, or none overlapping enough): the GT count and the area rule.
    for (let ai = 0; ai < A; ai++) {
      let notIgnored = 0;
      for (let g = 0; g < G; g++) {
        const a = gtOrder[g0 + g]!;
        if (!(ga.crowd[a] === 1 || ga.area[a]! < areaLo[ai]! || ga.area[a]! > areaHi[ai]!)) notIgnored++;
      }
      npig[k * A + ai]! += notIgnored;
    }
    for (let d = 0; d < D; d++) {
      const out = dtOut[d]!;
      if (out !== 0)
        for (let ai = 0; ai < A; ai++) if (out & (1 << ai)) flags[(e + d) * A + ai] = w.allIgnored;
    }
    return;
  }

  for (let ai = 0; ai < A; ai++) {
    const lo = areaLo[ai]!;
    const hi = areaHi[ai]!;
    // An area range that ignores the same GT as an earlier one matches exactly as it did
    // (the matching reads nothing else of the range): most groups' GT fall in one size range,
    // so 'all' and that range agree, and so do the other two.
    if (G <= 31) {
      let pattern = 0;
      let notIgnored = G;
      for (let g = 0; g < G; g++) {
        const a = gtOrder[g0 + g]!;
        if (ga.crowd[a] === 1 || ga.area[a]! < lo || ga.area[a]! > hi) {
          pattern |= 1 << g;
          notIgnored--;
        }
      }
      areaPattern[ai] = pattern;
      let same = -1;
      for (let aj = 0; aj < ai; aj++) if (areaPattern[aj] === pattern) same = aj;
      if (same >= 0) {
        npig[k * A + ai]! += notIgnored;
        for (let d = 0; d < D; d++) flags[(e + d) * A + ai] = flags[(e + d) * A + same]!;
        continue;
      }
    } else areaPattern[ai] = -1;
    // GT sorted with ignored ones last (stable): pycocotools' argsort of _ignore, mergesort.
    let s = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let g = 0; g < G; g++) {
        const a = gtOrder[g0 + g]!;
        const ignored = ga.crowd[a] === 1 || ga.area[a]! < lo || ga.area[a]! > hi ? 1 : 0;
        if (ignored === pass) {
          gtSorted[s] = g;
          gtIgn[s] = ignored;
          gtCrowd[s] = ga.crowd[a]!;
          s++;
        }
      }
    }
    let notIgnored = 0;
    for (let g = 0; g < G; g++) if (gtIgn[g] === 0) notIgnored++;
    npig[k * A + ai]! += notIgnored;

    for (let t = 0; t < T; t++) {
      const stamp = ++w.takenStamp;
      const threshold = thr[t]!;
      if (groupBest < threshold) continue; // no detection of the group reaches it
      for (let c = 0; c < nCandidates; c++) {
        const d = candidates[c]!;
        if (dtBestIou[d]! < threshold) continue; // cannot match any GT at this threshold
        let best = threshold;
        let m = -1;
        const row = d * G;
        for (let g = 0; g < G; g++) {
          if (gtTaken[g] === stamp && gtCrowd[g] === 0) continue;
          if (m > -1 && gtIgn[m] === 0 && gtIgn[g] === 1) break;
          const iou = ious[row + gtSorted[g]!]!;
          if (iou < best) continue;
          best = iou;
          m = g;
        }
        if (m === -1) continue;
        gtTaken[m] = stamp;
        const annIndex = gtOrder[g0 + gtSorted[m]!]!;
        let f = 0;
        if (ga.id[annIndex] !== 0) f |= 1 << t;
        if (gtIgn[m] === 1) f |= 1 << (IGNORE_SHIFT + t);
        flags[(e + d) * A + ai]! |= f;
        if (ai === 0 && t === w.matchedGtT) w.matchedGt[e + d] = annIndex + 1;
      }
    }
  }
  // Unmatched detections outside the area range are ignored ("dtm == 0", so also GT id 0);
  // after every range is matched, for the copies above to copy matches only.
  for (let d = 0; d < D; d++) {
    const out = dtOut[d]!;
    if (out === 0) continue;
    for (let ai = 0; ai < A; ai++) {
      if ((out & (1 << ai)) === 0) continue;
      const f = flags[(e + d) * A + ai]!;
      flags[(e + d) * A + ai] = f | (((~f & w.tpMask) << IGNORE_SHIFT) >>> 0);
    }
  }
}
