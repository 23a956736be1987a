import type { Matches } from './match.ts';
import { IGNORE_SHIFT } from './match.ts';
import type { EvalParams } from './params.ts';

/**
 * Stage 2 of 3 (pycocotools' `accumulate`): precision and recall over all images.
 *
 * precision is [T][R][K][A][M] and recall [T][K][A][M], flattened in that (C) order, -1 where
 * pycocotools leaves them undefined (no non-ignored GT for that class and area).
 */
export interface Accumulated {
  readonly T: number;
  readonly R: number;
  readonly K: number;
  readonly A: number;
  readonly M: number;
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  /**
   * Evaluated detection indices of each class sorted as pycocotools merges them: descending
   * score, ties by ascending image id, then by rank within the image. Class k occupies
   * [catStart[k], catStart[k+1]) as in Matches.
   */
  readonly order: Int32Array;
}

/** np.spacing(1): pycocotools adds it to precision's denominator. */
const EPS = 2.220446049250313e-16;

export function precisionIndex(
  acc: Accumulated,
  t: number,
  r: number,
  k: number,
  a: number,
  m: number,
): number {
  return (((t * acc.R + r) * acc.K + k) * acc.A + a) * acc.M + m;
}

export function recallIndex(acc: Accumulated, t: number, k: number, a: number, m: number): number {
  return ((t * acc.K + k) * acc.A + a) * acc.M + m;
}

/** Sorts each class's evaluated detections by descending score, ties kept in concatenation order. */
export function mergeOrder(matches: Matches): Int32Array {
  const order = new Int32Array(matches.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const { score, catStart } = matches;
  for (let k = 0; k + 1 < catStart.length; k++) {
    order.subarray(catStart[k], catStart[k + 1]).sort((a, b) => score[b] - score[a] || a - b);
  }
  return order;
}

export function accumulate(matches: Matches, params: EvalParams): Accumulated {
  const T = params.iouThrs.length;
  const R = params.recThrs.length;
  const K = matches.catStart.length - 1;
  const A = params.areaRng.length;
  const M = params.maxDets.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const order = mergeOrder(matches);
  const acc: Accumulated = { T, R, K, A, M, precision, recall, order };

  let longest = 0;
  for (let k = 0; k < K; k++) longest = Math.max(longest, matches.catStart[k + 1] - matches.catStart[k]);
  const rc = new Float64Array(longest);
  const pr = new Float64Array(longest);
  const kept = new Int32Array(longest);
  const recThrs = params.recThrs;

  for (let k = 0; k < K; k++) {
    const start = matches.catStart[k];
    const end = matches.catStart[k + 1];
    for (let m = 0; m < M; m++) {
      const maxDet = params.maxDets[m]!;
      let nd = 0;
      for (let i = start; i < end; i++) {
        const d = order[i];
        if (matches.rank[d] < maxDet) kept[nd++] = d;
      }
      for (let a = 0; a < A; a++) {
        const npig = matches.npig[k * A + a];
        if (npig === 0) continue;
        for (let t = 0; t < T; t++) {
          const tpBit = 1 << t;
          const igBit = 1 << (IGNORE_SHIFT + t);
          let tp = 0;
          let fp = 0;
          for (let i = 0; i < nd; i++) {
            const f = matches.flags[kept[i] * A + a];
            if ((f & igBit) === 0) {
              if ((f & tpBit) !== 0) tp++;
              else fp++;
            }
            rc[i] = tp / npig;
            pr[i] = tp / (fp + tp + EPS);
          }
          recall[recallIndex(acc, t, k, a, m)] = nd > 0 ? rc[nd - 1] : 0;
          for (let i = nd - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
          // searchsorted(rc, recThrs, side='left'); thresholds past the last recall stay 0.
          let i = 0;
          const base = precisionIndex(acc, t, 0, k, a, m);
          const stride = K * A * M;
          for (let r = 0; r < R; r++) {
            while (i < nd && rc[i] < recThrs[r]) i++;
            precision[base + r * stride] = i < nd ? pr[i] : 0;
          }
        }
      }
    }
  }
  return acc;
}
