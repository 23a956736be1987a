/**
 * Matching one (image, category) group, pycocotools' evaluateImg for bounding boxes: the IoU of
 * every detection with every GT, then greedy matching per area range and IoU threshold (match.ts
 * visits the groups and owns the output layout, Matches).
 */
import type { Detections, GtColumns } from './load.ts';

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
export interface MatchWork {
  readonly ga: GtColumns;
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

/**
 * A group without GT (most of a results file's groups: the classes a model guesses wrongly), as
 * matchGroup would do it with nothing to match: only pycocotools' area rule applies.
 */
export function unmatchedGroup(w: MatchWork, d0: number, D: number, e: number, im: number): void {
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
export function matchGroup(
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
