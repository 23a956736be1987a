import type { Confusion } from '../../schema/metrics.ts';
import { discard } from '../discard.ts';
import type { CocoEvaluation } from '../evaluate.ts';
import { countingSortBy } from '../stable-sort.ts';
import type { GtByImage } from './gt-by-image.ts';
import { iouAt, matchedByTp } from './gt-by-image.ts';
import { categoryOf, FP, TP } from './outcomes.ts';

export interface ConfusionAnalysis {
  readonly confusion: Confusion;
  /** Per GT class (category index): the classes its GT were predicted as, most frequent first. */
  readonly confused: { id: number; count: number }[][];
}

/**
 * Confusion matrix at IoU threshold index t (area all), keeping detections with score >= conf.
 * matrix[gt][pred] over the K classes plus background (index K):
 *
 * 1. Diagonal: pycocotools' own matches, i.e. detections that are true positives at t.
 * 2. Detections ignored by pycocotools (matched to a crowd region) are left out entirely.
 * 3. The remaining detections (pycocotools' false positives) are taken image by image in
 *    descending score order (ties: category id, then rank within the image); each takes the
 *    counted GT of another class, not yet taken in step 1 or by an earlier detection here, with
 *    the highest IoU, if that IoU is at least the threshold (ties: the first GT in file order).
 *    Such a pair counts in matrix[gt class][detection class].
 * 4. Detections still unpaired count in the background row; counted GT still unpaired count in
 *    the background column (missed).
 *
 * So each row sums to the class's counted GT (npig) and each column to its TP + FP.
 * `counted` marks the GT pycocotools counts at area all (non-crowd).
 */
export function confusionMatrix(
  evaluation: CocoEvaluation,
  status: Uint8Array,
  t: number,
  conf: number,
  byImage: GtByImage,
  counted: Uint8Array,
): ConfusionAnalysis {
  const { matches, gt, dt, params } = evaluation;
  const ga = gt.annotations;
  const K = gt.categoryIds.length;
  const N = K + 1;
  const cells = new Int32Array(N * N);
  const cat = categoryOf(matches);
  const taken = matchedByTp(matches, status, t, ga.length, conf);
  const threshold = Math.min(params.iouThrs[t]!, 1 - 1e-10);

  let nFp = 0;
  for (let e = 0; e < matches.length; e++) {
    if (matches.score[e]! < conf) continue;
    if (status[e] === TP) cells[cat[e]! * N + cat[e]!]!++;
    else if (status[e] === FP) nFp++;
  }
  // By image, then descending score, then evaluation order (category, rank): the score-sorted
  // detections (ties in evaluation order) regrouped stably by image.
  const fps = new Int32Array(nFp);
  nFp = 0;
  const byScore = evaluation.accumulated.byScore;
  for (let p = 0; p < byScore.length; p++) {
    const e = byScore[p]!;
    if (matches.score[e]! >= conf && status[e] === FP) fps[nFp++] = e;
  }
  const order = countingSortBy(fps, matches.img, gt.imageIds.length);
  for (let i = 0; i < order.length; i++) {
    const e = order[i]!;
    const k = cat[e]!;
    const j = matches.det[e]!;
    const im = matches.img[e]!;
    const dx = dt.x[j]!;
    const dy = dt.y[j]!;
    const dx2 = dt.w[j]! + dx;
    const dy2 = dt.h[j]! + dy;
    const dArea = dt.w[j]! * dt.h[j]!;
    let best = -1;
    let bestIou = -1;
    for (let p = byImage.start[im]!; p < byImage.start[im + 1]!; p++) {
      const g = byImage.ann[p]!;
      if (counted[g] === 0 || taken[g] !== 0 || byImage.cat[p] === k) continue;
      const iou = iouAt(byImage, p, dx, dy, dx2, dy2, dArea);
      if (iou >= threshold && iou > bestIou) {
        bestIou = iou;
        best = g;
      }
    }
    if (best >= 0) {
      taken[best] = 2;
      cells[ga.cat[best]! * N + k]!++;
    } else {
      cells[K * N + k]!++;
    }
  }
  for (let g = 0; g < ga.length; g++) if (counted[g] === 1 && taken[g] === 0) cells[ga.cat[g]! * N + K]!++;

  const matrix = Array.from({ length: N }, (_, r) => Array.from(cells.subarray(r * N, (r + 1) * N)));
  const confused = Array.from({ length: K }, (_, g) => {
    const row: { id: number; count: number }[] = [];
    for (let k = 0; k < K; k++) {
      if (k !== g && cells[g * N + k]! > 0) row.push({ id: gt.categoryIds[k]!, count: cells[g * N + k]! });
    }
    return row.sort((a, b) => b.count - a.count || a.id - b.id);
  });
  discard(cat, fps, order, taken, cells);
  return {
    confusion: {
      labels: [...gt.categoryNames, 'background'],
      ids: [...Array.from(gt.categoryIds), -1],
      iou: params.iouThrs[t]!,
      confidence: conf,
      matrix,
    },
    confused,
  };
}
