import type { F1 } from '../../schema/metrics.ts';
import type { CocoEvaluation } from '../evaluate.ts';
import { IGNORE_SHIFT } from '../match.ts';
import { areaIndex, iouIndex } from './params-index.ts';

/**
 * Micro F1 = 2TP / (2TP + FP + FN) over all classes, keeping detections with score >= conf, at
 * IoU threshold index t and area range index a, with pycocotools' ignore rules for that range:
 * a detection matched to a GT outside the range (or to a crowd), or unmatched and itself outside
 * the range, is neither TP nor FP; FN = counted GT in the range (npig) - TP. Null without GT.
 */
export function f1At(evaluation: CocoEvaluation, conf: number, t: number, a: number): number | null {
  const { matches } = evaluation;
  const A = matches.A;
  const K = matches.catStart.length - 1;
  let positives = 0;
  for (let k = 0; k < K; k++) positives += matches.npig[k * A + a]!;
  if (positives === 0) return null;
  const tpBit = 1 << t;
  const igBit = 1 << (IGNORE_SHIFT + t);
  let tp = 0;
  let fp = 0;
  for (let e = 0; e < matches.length; e++) {
    if (matches.score[e]! < conf) continue;
    const f = matches.flags[e * A + a]!;
    if ((f & igBit) !== 0) continue;
    if ((f & tpBit) !== 0) tp++;
    else fp++;
  }
  return tp === 0 ? 0 : (2 * tp) / (tp + fp + positives);
}

/** F1 at IoU .50 and .75 (all sizes) and per size at IoU .50, all at one confidence threshold. */
export function f1Scores(evaluation: CocoEvaluation, conf: number): F1 {
  const { params } = evaluation;
  const t50 = iouIndex(params, 0.5);
  const t75 = iouIndex(params, 0.75);
  const all = areaIndex(params, 'all');
  return {
    f1_50: f1At(evaluation, conf, t50, all) ?? 0,
    f1_75: f1At(evaluation, conf, t75, all) ?? 0,
    small: f1At(evaluation, conf, t50, areaIndex(params, 'small')),
    medium: f1At(evaluation, conf, t50, areaIndex(params, 'medium')),
    large: f1At(evaluation, conf, t50, areaIndex(params, 'large')),
  };
}
