import { accumulateKernel } from './accumulate-kernel.ts';
import { discard } from './discard.ts';
import { interpolatedPrecision } from './interpolate.ts';
import type { Matches } from './match.ts';
import { IGNORE_SHIFT } from './match.ts';
import type { EvalParams } from './params.ts';
import { recycled } from './recycled-memory.ts';
import { scoreOrderKernel } from './score-order.ts';
import { countingSortBy, sortByScoreDesc } from './stable-sort.ts';
import { releaseKernelMemory } from './wasm-module.ts';

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
  /**
   * All evaluated detections by descending score, ties by index (category, image, rank): the one
   * sort everything score-ordered derives from (order is its stable regrouping by class).
   */
  readonly byScore: Int32Array;
}

/**
 * Precision at the last maxDets (summarize's 100) in the two layouts that make each of
 * summarize's selections one contiguous run: `byArea` as [a][t][r][k], `byClass` as [a][k][t][r].
 * accumulate writes them with precision, class by class, while each class's values are at hand;
 * evaluateCoco hands them to summarize and frees them (78 MB on a 1,203-class case).
 */
export interface SummarySlices {
  readonly byArea: Float64Array;
  readonly byClass: Float64Array;
}

export function summarySlices(K: number, params: EvalParams): SummarySlices {
  const n = params.areaRng.length * params.iouThrs.length * params.recThrs.length * K;
  return { byArea: recycled.f64(n), byClass: recycled.f64(n) };
}

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

/**
 * Sorts each class's evaluated detections by descending score, ties kept in concatenation order
 * (ascending image id, then rank): numpy's stable mergesort on -score over pycocotools' concatenation.
 */
export function mergeOrder(matches: Matches): { order: Int32Array; byScore: Int32Array } {
  const fromKernel = scoreOrderKernel(matches.score, matches.catStart);
  if (fromKernel) return fromKernel;
  const K = matches.catStart.length - 1;
  const cat = new Int32Array(matches.length);
  for (let k = 0; k < K; k++) cat.fill(k, matches.catStart[k], matches.catStart[k + 1]);
  const identity = new Int32Array(matches.length);
  for (let i = 0; i < identity.length; i++) identity[i] = i;
  const byScore = sortByScoreDesc(identity, matches.score);
  const order = countingSortBy(byScore, cat, K);
  discard(cat, identity);
  return { order, byScore };
}

/**
 * Per IoU threshold t, the cumulative true and false positives at each true positive of one
 * (class, area, maxDets) run, in score order: tpAt/fpAt[t * longest + e] for e < count[t].
 */
interface Events {
  readonly tpAt: Float64Array;
  readonly fpAt: Float64Array;
  readonly count: Int32Array;
  /** True positives and (partly) ignored detections so far, per threshold. */
  readonly tp: Int32Array;
  readonly ig: Int32Array;
}

/**
 * The events of the kept detections (positions in merge order) at area index a. Separate
 * functions for the hot loops, so that V8 optimizes them as called functions instead of waiting
 * to replace one large function's frame mid-loop (a fresh process runs accumulate once).
 */
function countEvents(
  flagsOrd: Uint32Array,
  kept: Int32Array,
  nd: number,
  A: number,
  a: number,
  longest: number,
  allIgnored: number,
  ev: Events,
): void {
  const { tpAt, fpAt, count, tp, ig } = ev;
  const T = count.length;
  count.fill(0);
  tp.fill(0);
  ig.fill(0);
  let ignoredAll = 0;
  for (let i = 0; i < nd; i++) {
    const f = flagsOrd[kept[i]! * A + a]!;
    if (f === 0) continue; // a false positive at every threshold
    if (f === allIgnored) {
      ignoredAll++;
      continue;
    }
    for (let t = 0; t < T; t++) {
      if (f & (1 << (IGNORE_SHIFT + t))) ig[t]!++;
      else if (f & (1 << t)) {
        const n = ++tp[t]!;
        const e = t * longest + count[t]!++;
        tpAt[e] = n;
        // Detections so far (i + 1) minus the ignored and the true positives.
        fpAt[e] = i + 1 - ignoredAll - ig[t]! - n;
      }
    }
  }
}

/** The matches' flags and ranks at each position of `order` (the merge order). */
function gatherInOrder(matches: Matches, order: Int32Array, flags: Uint32Array, rank: Int32Array): void {
  const A = matches.A;
  for (let p = 0; p < order.length; p++) {
    const d = order[p]!;
    rank[p] = matches.rank[d]!;
    for (let a = 0; a < A; a++) flags[p * A + a] = matches.flags[d * A + a]!;
  }
}

/**
 * Class k's precision as [a][m][t][r], contiguous, into precision's [t][r][k][a][m] twelve
 * neighbours at a time: written straight there, each value would land on a cache line of its own
 * (R values of one (t, k, a, m) lie K*A*M doubles apart).
 */
function scatterBlock(
  block: Float64Array,
  precision: Float64Array,
  acc: Accumulated,
  k: number,
  slices: SummarySlices | undefined,
): void {
  const { T, R, K, A, M } = acc;
  for (let t = 0; t < T; t++) {
    for (let r = 0; r < R; r++) {
      const p0 = precisionIndex(acc, t, r, k, 0, 0);
      for (let a = 0; a < A; a++)
        for (let m = 0; m < M; m++) precision[p0 + a * M + m] = block[((a * M + m) * T + t) * R + r]!;
    }
  }
  if (!slices) return;
  // The last maxDets' values, for summarize.
  const { byArea, byClass } = slices;
  for (let a = 0; a < A; a++) {
    const from = (a * M + M - 1) * T * R;
    byClass.set(block.subarray(from, from + T * R), (a * K + k) * T * R);
    for (let tr = 0; tr < T * R; tr++) byArea[(a * T * R + tr) * K + k] = block[from + tr]!;
  }
}

/**
 * pycocotools computes, for every prefix of the score-sorted detections, recall = tp / npig and
 * precision = tp / (fp + tp + eps), takes the running maximum of precision from the right and
 * reads it at the first prefix whose recall reaches each recall threshold. Recall only grows at
 * true positives, and between two true positives precision only falls, so both the running
 * maximum and the first prefix reaching a threshold are always at a true positive. We therefore
 * evaluate the same float expressions at true positives only ("events"), which gives the same
 * bits at a fraction of the cost.
 */
export function accumulate(matches: Matches, params: EvalParams, slices?: SummarySlices): Accumulated {
  const T = params.iouThrs.length;
  const R = params.recThrs.length;
  const K = matches.catStart.length - 1;
  const A = params.areaRng.length;
  const M = params.maxDets.length;
  // In memory the reading left resident, where it gave some (recycled-memory.ts).
  const precision = recycled.f64(T * R * K * A * M);
  const recall = recycled.f64(T * K * A * M).fill(-1);
  const { order, byScore } = mergeOrder(matches);
  const acc: Accumulated = { T, R, K, A, M, precision, recall, order, byScore };

  let longest = 0;
  for (let k = 0; k < K; k++) longest = Math.max(longest, matches.catStart[k + 1]! - matches.catStart[k]!);
  const E = matches.length;
  const kernel = params.maxDets.every((m) => m === (m | 0))
    ? accumulateKernel({ K, T, R, A, M, E, longest })
    : null;
  if (kernel) {
    // Gathered straight into the kernel's memory.
    gatherInOrder(matches, order, kernel.flags, kernel.rank);
    kernel.catStart.set(matches.catStart);
    kernel.npig.set(matches.npig);
    kernel.maxDets.set(params.maxDets);
    kernel.recThrs.set(params.recThrs);
    kernel.recall.fill(-1);
    for (let k = 0; k < K; k++) {
      kernel.run(k);
      scatterBlock(kernel.block, precision, acc, k, slices);
    }
    recall.set(kernel.recall);
    releaseKernelMemory();
    return acc;
  }
  const kept = new Int32Array(longest);
  const events: Events = {
    tpAt: new Float64Array(T * longest),
    fpAt: new Float64Array(T * longest),
    count: new Int32Array(T),
    tp: new Int32Array(T),
    ig: new Int32Array(T),
  };
  const env = new Float64Array(longest);
  const rcEv = new Float64Array(longest);
  const recThrs = params.recThrs;
  const allIgnored = (((1 << T) - 1) << IGNORE_SHIFT) >>> 0;
  // Flags and ranks gathered once into merge order, so that the 12 passes below (maxDets × area
  // ranges) read memory in sequence instead of jumping across the whole matching output.
  const flagsOrd = new Uint32Array(E * A);
  const rankOrd = new Int32Array(E);
  gatherInOrder(matches, order, flagsOrd, rankOrd);

  // One class's precision as [a][m][t][r] (see scatterBlock).
  const block = new Float64Array(A * M * T * R);
  for (let k = 0; k < K; k++) {
    const start = matches.catStart[k]!;
    const end = matches.catStart[k + 1]!;
    block.fill(-1);
    let lastNd = -1;
    for (let m = 0; m < M; m++) {
      const maxDet = params.maxDets[m]!;
      let nd = 0;
      for (let i = start; i < end; i++) if (rankOrd[i]! < maxDet) kept[nd++] = i;
      // A larger maxDets that keeps no more detections keeps the same ones (no image has more
      // of this class than the smaller cut; the usual case for 10 and 100): the same numbers.
      if (m > 0 && nd === lastNd && maxDet >= params.maxDets[m - 1]!) {
        for (let a = 0; a < A; a++) {
          for (let t = 0; t < T; t++) {
            recall[recallIndex(acc, t, k, a, m)] = recall[recallIndex(acc, t, k, a, m - 1)]!;
            const from = ((a * M + m - 1) * T + t) * R;
            block.copyWithin(((a * M + m) * T + t) * R, from, from + R);
          }
        }
        continue;
      }
      lastNd = nd;
      for (let a = 0; a < A; a++) {
        const npig = matches.npig[k * A + a]!;
        if (npig === 0) continue;
        countEvents(flagsOrd, kept, nd, A, a, longest, allIgnored, events);
        for (let t = 0; t < T; t++) {
          recall[recallIndex(acc, t, k, a, m)] = nd > 0 ? events.tp[t]! / npig : 0;
          const ne = nd > 0 ? events.count[t]! : 0;
          const at = ((a * M + m) * T + t) * R;
          interpolatedPrecision(
            events.tpAt,
            events.fpAt,
            t * longest,
            ne,
            npig,
            recThrs,
            env,
            rcEv,
            block,
            at,
            1,
          );
        }
      }
    }
    scatterBlock(block, precision, acc, k, slices);
  }
  discard(flagsOrd, rankOrd, kept, events.tpAt, events.fpAt, env, rcEv, block);
  return acc;
}
