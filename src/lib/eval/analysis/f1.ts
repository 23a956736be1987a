import type { F1 } from '../../schema/metrics.ts';
import type { CocoEvaluation } from '../evaluate.ts';
import { IGNORE_SHIFT } from '../match.ts';
import { areaIndex, iouIndex } from './params-index.ts';

/**
 * Micro F1 = 2TP / (2TP + FP + FN) over all classes, keeping detections with score >= conf, at an
 * IoU threshold index and area range index, with pycocotools' ignore rules for that range: a
 * detection matched to a GT outside the range (or to a crowd), or unmatched and itself outside
 * the range, is neither TP nor FP; FN = counted GT in the range (npig) - TP. Null without GT.
 * All the (t, a) pairs asked are counted in one pass over the detections.
 */
function f1At(
  evaluation: CocoEvaluation,
  conf: number,
  pairs: readonly (readonly [t: number, a: number])[],
): (number | null)[] {
  const { matches } = evaluation;
  const A = matches.A;
  const K = matches.catStart.length - 1;
  const n = pairs.length;
  const tp = new Int32Array(n);
  const fp = new Int32Array(n);
  const tpBit = pairs.map(([t]) => 1 << t);
  const igBit = pairs.map(([t]) => 1 << (IGNORE_SHIFT + t));
  const area = pairs.map(([, a]) => a);
  for (let e = 0; e < matches.length; e++) {
    if (matches.score[e]! < conf) continue;
    for (let i = 0; i < n; i++) {
      const f = matches.flags[e * A + area[i]!]!;
      if ((f & igBit[i]!) !== 0) continue;
      if ((f & tpBit[i]!) !== 0) tp[i]!++;
      else fp[i]!++;
    }
  }
  return pairs.map(([, a], i) => {
    let positives = 0;
    for (let k = 0; k < K; k++) positives += matches.npig[k * A + a]!;
    if (positives === 0) return null;
    return tp[i] === 0 ? 0 : (2 * tp[i]!) / (tp[i]! + fp[i]! + positives);
  });
}

/** F1 at IoU .50 and .75 (all sizes) and per size at IoU .50, all at one confidence threshold. */
export function f1Scores(evaluation: CocoEvaluation, conf: number): F1 {
  const { params } = evaluation;
  const t50 = iouIndex(params, 0.5);
  const t75 = iouIndex(params, 0.75);
  const all = areaIndex(params, 'all');
  const [f1_50, f1_75, small, medium, large] = f1At(evaluation, conf, [
    [t50, all],
    [t75, all],
    [t50, areaIndex(params, 'small')],
    [t50, areaIndex(params, 'medium')],
    [t50, areaIndex(params, 'large')],
  ]);
  return {
    f1_50: f1_50 ?? 0,
    f1_75: f1_75 ?? 0,
    small: small ?? null,
    medium: medium ?? null,
    large: large ?? null,
  };
}
