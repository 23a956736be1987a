import type { PrCurves } from '../../schema/metrics.ts';
import { precisionIndex } from '../accumulate.ts';
import type { CocoEvaluation } from '../evaluate.ts';
import { meanOfDefined } from '../numpy-mean.ts';
import { areaIndex, iouIndex, maxDetsIndex } from './params-index.ts';

/**
 * Precision-recall curves read off pycocotools' accumulated precision (area all, maxDets 100), on
 * its 101 recall thresholds: per class at IoU .50 and averaged over the 10 IoU thresholds, and
 * the mean over classes. Every mean skips -1 (a class without GT) point by point, as summarize
 * does, so the mean of a curve's 101 points is the matching AP (up to rounding).
 */
export function prCurves(evaluation: CocoEvaluation): PrCurves {
  const { accumulated: acc, params, gt } = evaluation;
  const t50 = iouIndex(params, 0.5);
  const a = areaIndex(params, 'all');
  const m = maxDetsIndex(params, 100);
  const { T, R, K } = acc;
  const at = (t: number, r: number, k: number): number => acc.precision[precisionIndex(acc, t, r, k, a, m)]!;

  const byClass = new Float64Array(K);
  const byIouAndClass = new Float64Array(T * K);
  const byIou = new Float64Array(T);
  const iou50 = new Array<number>(R);
  const iou50_95 = new Array<number>(R);
  const perClass = Array.from({ length: K }, (_, k) => ({
    id: gt.categoryIds[k]!,
    iou50: new Array<number>(R),
    iou50_95: new Array<number>(R),
  }));
  for (let r = 0; r < R; r++) {
    for (let k = 0; k < K; k++) byClass[k] = at(t50, r, k);
    iou50[r] = meanOfDefined(byClass);
    // (t, k) order: numpy flattens precision[:, r, :] that way.
    for (let t = 0; t < T; t++) for (let k = 0; k < K; k++) byIouAndClass[t * K + k] = at(t, r, k);
    iou50_95[r] = meanOfDefined(byIouAndClass);
    for (let k = 0; k < K; k++) {
      const curve = perClass[k]!;
      curve.iou50[r] = byClass[k]!;
      for (let t = 0; t < T; t++) byIou[t] = at(t, r, k);
      curve.iou50_95[r] = meanOfDefined(byIou);
    }
  }
  return { recall: Array.from(params.recThrs), iou50, iou50_95, perClass };
}
