import type { ConfidencePoint, Optimal } from '../../schema/metrics.ts';
import type { Matches } from '../match.ts';
import { FP, IGNORED, TP } from './outcomes.ts';

/**
 * Precision, recall and F1 as a function of a confidence threshold c (keep detections with
 * score >= c), at one IoU threshold, micro-averaged over classes.
 *
 * pycocotools matches greedily in descending score order, so the detections with score >= c are
 * matched exactly as they would be if the others had never been submitted: filtering the existing
 * matches by score is the matching at threshold c (equal scores are kept or dropped together, and
 * the per image-class cut at maxDets keeps a prefix of the same order).
 */
export interface ConfidenceSweep {
  /** The grid 0, .01, …, .99 plus the optimum, ascending, without duplicates. */
  readonly points: ConfidencePoint[];
  readonly optimal: Optimal;
}

/** The true and false positives (ignored detections are neither) by descending score. */
export interface ScoredOutcomes {
  readonly scores: Float64Array;
  /** cumTp[i] = true positives among the first i; the rest of the first i are false positives. */
  readonly cumTp: Int32Array;
  /** Non-ignored GT: the recall denominator. */
  readonly positives: number;
}

/**
 * The non-ignored detections in `byScore` order (Accumulated.byScore: descending score, ties by
 * category then merge order), the order the per-class runs merged by score would give.
 */
export function scoredOutcomes(
  matches: Matches,
  byScore: Int32Array,
  status: Uint8Array,
  positives: number,
): ScoredOutcomes {
  let n = 0;
  for (let e = 0; e < matches.length; e++) if (status[e] !== IGNORED) n++;
  const scores = new Float64Array(n);
  const cumTp = new Int32Array(n + 1);
  n = 0;
  for (let p = 0; p < byScore.length; p++) {
    const e = byScore[p]!;
    const s = status[e];
    if (s === IGNORED) continue;
    scores[n] = matches.score[e]!;
    cumTp[n + 1] = cumTp[n]! + (s === TP ? 1 : 0);
    n++;
  }
  return { scores, cumTp, positives };
}

/** Number of leading values >= c in a descending array. */
function countAtLeast(sorted: Float64Array, c: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! >= c) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Precision is 1 when no detection is kept (no false positive among none, as scikit-learn's
 * convention has it), recall 0 without GT; F1 = 2TP / (2TP + FP + FN), 0 when TP = 0.
 */
export function pointAt(conf: number, tp: number, fp: number, positives: number): ConfidencePoint {
  return {
    conf,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: positives === 0 ? 0 : tp / positives,
    f1: tp === 0 ? 0 : (2 * tp) / (tp + fp + positives),
  };
}

export function confidenceAt(outcomes: ScoredOutcomes, conf: number): ConfidencePoint {
  const kept = countAtLeast(outcomes.scores, conf);
  const tp = outcomes.cumTp[kept]!;
  return pointAt(conf, tp, kept - tp, outcomes.positives);
}

/**
 * The F1-optimal threshold among all distinct scores of non-ignored detections (a threshold
 * between two scores keeps the same detections as the next score up). F1 values are compared
 * exactly, as fractions of integers; among equal F1 the highest threshold wins (fewest
 * detections). Without any true or false positive the optimum is 0 (keep everything).
 */
export function optimalConfidence(outcomes: ScoredOutcomes): Optimal {
  const { scores, cumTp, positives: n } = outcomes;
  let bestTp = -1;
  let bestFp = 0;
  let bestConf = 0;
  for (let i = 0; i < scores.length; i++) {
    // Threshold scores[i] keeps everything up to the last entry with the same score.
    if (i + 1 < scores.length && scores[i + 1] === scores[i]) continue;
    const tp = cumTp[i + 1]!;
    const fp = i + 1 - tp;
    // tp/(tp+fp+n) > bestTp/(bestTp+bestFp+n), cross-multiplied: integers below 2^53, exact.
    if (bestTp < 0 || tp * (bestTp + bestFp + n) > bestTp * (tp + fp + n)) {
      bestTp = tp;
      bestFp = fp;
      bestConf = scores[i]!;
    }
  }
  if (bestTp < 0) return { confidence: 0, precision: 1, recall: 0, f1: 0 };
  const { precision, recall, f1 } = pointAt(bestConf, bestTp, bestFp, n);
  return { confidence: bestConf, precision, recall, f1 };
}

export function confidenceSweep(outcomes: ScoredOutcomes): ConfidenceSweep {
  const optimal = optimalConfidence(outcomes);
  const confs = Array.from({ length: 100 }, (_, i) => i / 100);
  if (!confs.includes(optimal.confidence)) confs.push(optimal.confidence);
  confs.sort((a, b) => a - b);
  return { points: confs.map((c) => confidenceAt(outcomes, c)), optimal };
}

/** Per class (category index): TP, FP and FN among detections with score >= conf. */
export interface ClassCounts {
  readonly tp: Int32Array;
  readonly fp: Int32Array;
  readonly fn: Int32Array;
}

export function countsAtConfidence(
  matches: Matches,
  status: Uint8Array,
  positivesPerClass: ArrayLike<number>,
  conf: number,
): ClassCounts {
  const K = matches.catStart.length - 1;
  const tp = new Int32Array(K);
  const fp = new Int32Array(K);
  const fn = new Int32Array(K);
  for (let k = 0; k < K; k++) {
    countClass(matches.score, status, conf, matches.catStart[k]!, matches.catStart[k + 1]!, tp, fp, k);
    fn[k] = positivesPerClass[k]! - tp[k]!;
  }
  return { tp, fp, fn };
}

/**
 * Class k's true and false positives at or above `conf`, detections [from, to). A function of its
 * own: V8's optimized code for an inner loop deoptimizes at each exit to the outer one.
 */
function countClass(
  score: Float64Array,
  status: Uint8Array,
  conf: number,
  from: number,
  to: number,
  tp: Int32Array,
  fp: Int32Array,
  k: number,
): void {
  // Nothing after the loop: that too would have had no feedback when the loop was optimized.
  for (let e = from; e < to; e++) {
    if (score[e]! < conf) continue;
    if (status[e] === TP) tp[k]!++;
    else if (status[e] === FP) fp[k]!++;
  }
}
