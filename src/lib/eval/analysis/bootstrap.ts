// Over 400 lines: one resampling loop and its per-statistic accumulators share typed buffers; split, they would pass them all around.
import type { Uncertainty } from '../../schema/metrics.ts';
import { isPositiveInt } from '../../util/numbers.ts';
import { mulberry32 } from '../../util/prng.ts';
import type { CocoEvaluation } from '../evaluate.ts';
import { EPS } from '../interpolate.ts';
import { IGNORE_SHIFT } from '../match.ts';
import { KERNEL_LANES, kernelFor } from './bootstrap-kernel.ts';
import { iouIndex } from './params-index.ts';

/**
 * Bootstrap over images: a resample draws I images with replacement, and image i enters with
 * weight w[i] = the number of times it was drawn. Matching is per image, so it does not change;
 * only the accumulation is redone, with each detection and GT counted w[i] times: a detection
 * of weight w acts as w copies next to each other in the score order, which is what pycocotools
 * computes on the dataset with the image repeated (the tests check it).
 *
 * The plan precomputes, per class in pycocotools' merged order, the "events": detections that
 * are a true positive or ignored at some IoU threshold (area all, maxDets 100), and per class and
 * threshold the lists of its true-positive and (partly) ignored events. Every other detection is
 * a false positive at every threshold and only adds its weight to the running count of
 * detections; detections after a class's last event cannot change its precision and are never
 * visited. A resample costs one pass over the detections up to each class's last event plus one
 * pass per threshold over that threshold's events, with no sort.
 */
export interface BootstrapPlan {
  readonly I: number;
  readonly K: number;
  readonly T: number;
  readonly R: number;
  readonly t50: number;
  readonly recThrs: Float64Array;
  /** Image of the detection at each position of the merged order. */
  readonly ordImg: Int32Array;
  /** Events of class k are [evStart[k], evStart[k+1]), at positions evPos of the merged order. */
  readonly evStart: Int32Array;
  readonly evPos: Int32Array;
  readonly evImg: Int32Array;
  /** Per event: ignored at every threshold (never counted). */
  readonly evIgnoredAll: Uint8Array;
  /** Events that are true positives at threshold t in class k: tpEv[tpStart[k*T+t] .. tpStart[k*T+t+1]). */
  readonly tpStart: Int32Array;
  readonly tpEv: Int32Array;
  /** Events ignored at threshold t (but not at all thresholds) in class k, likewise. */
  readonly igStart: Int32Array;
  readonly igEv: Int32Array;
  /** Counted GT of class k, per image: [gtStart[k], gtStart[k+1]) of (image, count). */
  readonly gtStart: Int32Array;
  readonly gtImg: Int32Array;
  readonly gtCount: Float64Array;
  /** Most events of one class. */
  readonly longest: number;
  readonly catStart: Int32Array;
}

export function planBootstrap(evaluation: CocoEvaluation): BootstrapPlan {
  const { matches, accumulated: acc, gt, params } = evaluation;
  const I = gt.imageIds.length;
  const K = gt.categoryIds.length;
  const T = matches.T;
  const A = matches.A;
  const order = acc.order;
  const E = matches.length;
  const mask = (1 << T) - 1;

  const ordImg = new Int32Array(E);
  let nEv = 0;
  for (let p = 0; p < E; p++) {
    const e = order[p]!;
    ordImg[p] = matches.img[e]!;
    if (matches.flags[e * A] !== 0) nEv++;
  }
  const evStart = new Int32Array(K + 1);
  const evPos = new Int32Array(nEv);
  const evImg = new Int32Array(nEv);
  const evIgnoredAll = new Uint8Array(nEv);
  const tpCount = new Int32Array(K * T + 1);
  const igCount = new Int32Array(K * T + 1);
  let n = 0;
  let longest = 0;
  for (let k = 0; k < K; k++) {
    evStart[k] = n;
    for (let p = matches.catStart[k]!; p < matches.catStart[k + 1]!; p++) {
      const f = matches.flags[order[p]! * A]!;
      if (f === 0) continue;
      evPos[n] = p;
      evImg[n] = ordImg[p]!;
      const ig = (f >>> IGNORE_SHIFT) & mask;
      evIgnoredAll[n] = ig === mask ? 1 : 0;
      if (ig !== mask) {
        for (let t = 0; t < T; t++) {
          if ((ig & (1 << t)) !== 0) igCount[k * T + t + 1]!++;
          else if ((f & (1 << t)) !== 0) tpCount[k * T + t + 1]!++;
        }
      }
      n++;
    }
    longest = Math.max(longest, n - evStart[k]!);
  }
  evStart[K] = n;
  for (let i = 0; i < K * T; i++) {
    tpCount[i + 1]! += tpCount[i]!;
    igCount[i + 1]! += igCount[i]!;
  }
  const tpStart = tpCount.slice();
  const igStart = igCount.slice();
  const tpEv = new Int32Array(tpStart[K * T]!);
  const igEv = new Int32Array(igStart[K * T]!);
  for (let k = 0; k < K; k++) {
    for (let v = evStart[k]!; v < evStart[k + 1]!; v++) {
      if (evIgnoredAll[v] === 1) continue;
      const f = matches.flags[order[evPos[v]!]! * A]!;
      const ig = (f >>> IGNORE_SHIFT) & mask;
      for (let t = 0; t < T; t++) {
        if ((ig & (1 << t)) !== 0) igEv[igCount[k * T + t]!++] = v;
        else if ((f & (1 << t)) !== 0) tpEv[tpCount[k * T + t]!++] = v;
      }
    }
  }

  // Counted GT (not ignored at area all) per class and image.
  const ga = gt.annotations;
  const [lo, hi] = params.areaRng[0]!;
  const perClassImage = new Map<number, number>();
  for (let g = 0; g < ga.length; g++) {
    if (ga.crowd[g] === 1 || ga.area[g]! < lo || ga.area[g]! > hi) continue;
    const key = ga.cat[g]! * I + ga.img[g]!;
    perClassImage.set(key, (perClassImage.get(key) ?? 0) + 1);
  }
  const keys = Float64Array.from(perClassImage.keys()).sort();
  const gtStart = new Int32Array(K + 1);
  const gtImg = new Int32Array(keys.length);
  const gtCount = new Float64Array(keys.length);
  keys.forEach((key, i) => {
    const k = Math.floor(key / I);
    gtStart[k + 1]!++;
    gtImg[i] = key - k * I;
    gtCount[i] = perClassImage.get(key)!;
  });
  for (let k = 0; k < K; k++) gtStart[k + 1]! += gtStart[k]!;

  return {
    I,
    K,
    T,
    R: params.recThrs.length,
    t50: iouIndex(params, 0.5),
    recThrs: params.recThrs,
    ordImg,
    evStart,
    evPos,
    evImg,
    evIgnoredAll,
    tpStart,
    tpEv,
    igStart,
    igEv,
    gtStart,
    gtImg,
    gtCount,
    longest,
    catStart: matches.catStart,
  };
}

/** Scratch buffers for a batch of B resamples, reusable across batches. */
export interface Scratch {
  readonly B: number;
  readonly npig: Float64Array;
  readonly seen: Float64Array;
  /** Per event of the current class × resample: weighted count of counted detections up to it. */
  readonly seenAt: Float64Array;
  readonly tp: Float64Array;
  readonly ig: Float64Array;
  /** Resample × true-positive event of the current class and threshold (b * L + i): cumulative TP and FP. */
  readonly tpAt: Int32Array;
  readonly fpAt: Float64Array;
  /** Per resample × recall threshold: see fillMinTp. */
  readonly minTp: Float64Array;
  /** Per resample: thresholds reached by each TP count (see interpolatedSum), grown on demand. */
  reached: Int32Array;
  readonly sumAll: Float64Array;
  readonly sum50: Float64Array;
  readonly defined: Int32Array;
}

export function makeScratch(plan: BootstrapPlan, B: number): Scratch {
  const L = Math.max(plan.longest, 1);
  return {
    B,
    npig: new Float64Array(B),
    seen: new Float64Array(B),
    seenAt: new Float64Array(L * B),
    tp: new Float64Array(B),
    ig: new Float64Array(B),
    tpAt: new Int32Array(L * B),
    fpAt: new Float64Array(L * B),
    minTp: new Float64Array(B * plan.R),
    reached: new Int32Array(0),
    sumAll: new Float64Array(B),
    sum50: new Float64Array(B),
    defined: new Int32Array(B),
  };
}

/**
 * AP (IoU .50:.95) and AP50 (area all, maxDets 100) for B weightings at once; -1 when no counted
 * GT has a positive weight. W holds the weights image-major (W[i * B + b]), so that every inner
 * loop runs over contiguous memory. With all weights 1 these are pycocotools' AP and AP50 (up to
 * the order of the final sums).
 *
 * Zero-weight true positives are not skipped: such a point repeats the previous recall with no
 * higher precision, so it serves no recall threshold and raises no running maximum.
 */
export function weightedApBatch(
  plan: BootstrapPlan,
  W: Float64Array,
  scratch: Scratch,
  outAp: Float64Array,
  outAp50: Float64Array,
  outOffset: number,
): void {
  const { K, T, R, ordImg, evPos, evImg, evIgnoredAll, tpStart, tpEv, igStart, igEv, recThrs } = plan;
  const { B, npig, seen, seenAt, tp, ig, tpAt, fpAt, minTp, sumAll, sum50, defined } = scratch;
  const L = Math.max(plan.longest, 1);
  sumAll.fill(0);
  sum50.fill(0);
  defined.fill(0);
  for (let k = 0; k < K; k++) {
    npig.fill(0);
    for (let p = plan.gtStart[k]!; p < plan.gtStart[k + 1]!; p++) {
      const row = plan.gtImg[p]! * B;
      const c = plan.gtCount[p]!;
      for (let b = 0; b < B; b++) npig[b]! += c * W[row + b]!;
    }
    let any = false;
    for (let b = 0; b < B; b++) {
      if (npig[b]! > 0) {
        defined[b]!++;
        any = true;
      }
    }
    if (!any) continue;
    let most = 0;
    for (let b = 0; b < B; b++) {
      if (npig[b] === 0) continue;
      fillMinTp(npig[b]!, recThrs, minTp, b * R);
      most = Math.max(most, npig[b]!);
    }
    // reached[b * stride + v + 1] = number of thresholds r with minTp[r] <= v, for v in -1..npig.
    const stride = most + 2;
    if (scratch.reached.length < B * stride) scratch.reached = new Int32Array(B * stride);
    const reached = scratch.reached;
    for (let b = 0; b < B; b++) {
      if (npig[b] === 0) continue;
      const base = b * stride;
      let r = 0;
      reached[base] = 0;
      for (let v = 0; v <= npig[b]!; v++) {
        while (r < R && minTp[b * R + r]! <= v) r++;
        reached[base + v + 1] = r;
      }
    }

    const ev0 = plan.evStart[k]!;
    seen.fill(0);
    let pos = plan.catStart[k]!;
    for (let v = ev0; v < plan.evStart[k + 1]!; v++) {
      const stop = evPos[v]!;
      while (pos < stop) {
        const row = ordImg[pos++]! * B;
        for (let b = 0; b < B; b++) seen[b]! += W[row + b]!;
      }
      pos++;
      if (evIgnoredAll[v] === 0) {
        const row = evImg[v]! * B;
        for (let b = 0; b < B; b++) seen[b]! += W[row + b]!;
      }
      seenAt.set(seen, (v - ev0) * B);
    }

    for (let t = 0; t < T; t++) {
      const c = k * T + t;
      tp.fill(0);
      ig.fill(0);
      let q = igStart[c]!;
      const qEnd = igStart[c + 1]!;
      const n = tpStart[c + 1]! - tpStart[c]!;
      for (let i = 0; i < n; i++) {
        const v = tpEv[tpStart[c]! + i]!;
        while (q < qEnd && igEv[q]! < v) {
          const row = evImg[igEv[q++]!]! * B;
          for (let b = 0; b < B; b++) ig[b]! += W[row + b]!;
        }
        const row = evImg[v]! * B;
        const s = (v - ev0) * B;
        // Resample-major: each resample's points are contiguous for the interpolation below.
        for (let b = 0, o = i; b < B; b++, o += L) {
          const x = tp[b]! + W[row + b]!;
          tp[b] = x;
          tpAt[o] = x;
          fpAt[o] = seenAt[s + b]! - ig[b]! - x;
        }
      }
      if (n === 0) continue;
      for (let b = 0; b < B; b++) {
        if (npig[b] === 0) continue;
        const sum = interpolatedSum(tpAt, fpAt, b * L, n, reached, b * stride);
        sumAll[b]! += sum;
        if (t === plan.t50) sum50[b]! += sum;
      }
    }
  }
  for (let b = 0; b < B; b++) {
    const d = defined[b]!;
    outAp[outOffset + b] = d === 0 ? -1 : sumAll[b]! / (d * T * R);
    outAp50[outOffset + b] = d === 0 ? -1 : sum50[b]! / (d * R);
  }
}

/**
 * For each recall threshold r, the least count m (weights are integers, so are TP counts) with
 * m / npig >= recThrs[r] in float64, so that "recall < threshold" becomes "tp < minTp[r]"
 * without a division per point. Float division is monotone in the numerator, so this is the
 * same comparison, bit for bit.
 */
function fillMinTp(npig: number, recThrs: Float64Array, minTp: Float64Array, offset: number): void {
  for (let r = 0; r < recThrs.length; r++) {
    const thr = recThrs[r]!;
    let m = Math.ceil(thr * npig);
    while (m > 0 && (m - 1) / npig >= thr) m--;
    while (m / npig < thr) m++;
    minTp[offset + r] = m;
  }
}

/**
 * pycocotools' interpolated precision summed over the recall thresholds, for the n points
 * tpAt[from + j], fpAt[from + j] (cumulative TP and FP at each true positive, in score order), in
 * one backward pass: point j serves the thresholds first reached there (searchsorted
 * side='left' on recall), those with tp[j-1] < minTp <= tp[j], counted through the `reached`
 * table, each with the running maximum of precision tp / (fp + tp + eps) from the right.
 * Thresholds above the final recall are never reached and read 0. Branch-free but for the loop:
 * which points serve thresholds is data-dependent and would mispredict.
 */
function interpolatedSum(
  tpAt: Int32Array,
  fpAt: Float64Array,
  from: number,
  n: number,
  reached: Int32Array,
  base: number,
): number {
  let running = 0;
  let sum = 0;
  let x = tpAt[from + n - 1]!;
  for (let j = from + n - 1; j >= from; j--) {
    const previous = j > from ? tpAt[j - 1]! : -1;
    const pr = x / (fpAt[j]! + x + EPS);
    running = Math.max(pr, running);
    sum += running * (reached[base + x + 1]! - reached[base + previous + 1]!);
    x = previous;
  }
  return sum;
}

/**
 * AP and AP50 for one weighting of the images: w[i] = multiplicity of image i, a non-negative
 * integer (counts index the threshold table).
 */
export function weightedAp(plan: BootstrapPlan, w: Float64Array): { AP: number; AP50: number } {
  const ap = new Float64Array(1);
  const ap50 = new Float64Array(1);
  weightedApBatch(plan, w, makeScratch(plan, 1), ap, ap50, 0);
  return { AP: ap[0]!, AP50: ap50[0]! };
}

export interface BootstrapOptions {
  /** Number of resamples (default 200). */
  readonly resamples?: number;
  /** PRNG seed (default 0). */
  readonly seed?: number;
}

interface Interval {
  mean: number;
  lo: number;
  hi: number;
  std: number;
}

/** numpy's default percentile (linear interpolation between order statistics), q in [0, 1]. */
export function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const i = Math.floor(h);
  const j = Math.min(i + 1, sorted.length - 1);
  return sorted[i]! + (h - i) * (sorted[j]! - sorted[i]!);
}

/**
 * Summary of the resampled values (those > -1; a resample without any counted GT has no AP):
 * their mean and sample standard deviation (n - 1), and a 95% interval around the point
 * estimate with the bootstrap distribution's own 2.5% / 97.5% spread:
 * lo = point - (mean - q2.5), hi = point + (q97.5 - mean), clamped to [0, 1].
 *
 * Why not the raw percentiles: AP reads a running maximum of precision, so resampling noise
 * pushes it up; on a COCO-sized case the resampled APs sit ~1.7 standard deviations above the
 * point estimate, and the raw [q2.5, q97.5] does not even contain the AP we report. Re-centring
 * keeps the spread (and its asymmetry) and leaves the bias visible as mean - point. The raw
 * percentiles are lo + (mean - point) and hi + (mean - point), before clamping.
 */
export function summarizeResamples(values: Float64Array, point: number): Interval {
  const kept = values.filter((v) => v > -1).sort();
  const n = kept.length;
  if (n === 0 || point < 0) return { mean: 0, lo: 0, hi: 0, std: 0 };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += kept[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (kept[i]! - mean) ** 2;
  const clamp = (v: number): number => Math.min(1, Math.max(0, v));
  return {
    mean: clamp(mean),
    lo: clamp(point - Math.max(0, mean - quantile(kept, 0.025))),
    hi: clamp(point + Math.max(0, quantile(kept, 0.975) - mean)),
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
  };
}

/** Resamples computed side by side: long enough inner loops, small enough to stay in cache. */
export const BATCH = 25;

/**
 * mulberry32's state after `calls` draws from `seed` (its state only advances by a constant per
 * draw), so that any resample's draws can start without drawing the earlier resamples'.
 */
export function seedAfter(seed: number, calls: number): number {
  return ((seed >>> 0) + (Math.imul((calls % 2 ** 32) | 0, 0x6d2b79f5) >>> 0)) >>> 0;
}

/**
 * Shared state of a bootstrap whose batches of BATCH resamples may be computed by several threads:
 * control[0] = next batch to claim, control[1] = batches done, control[2 + j] = 1 once batch j is
 * done; ap and ap50 hold the results by resample. Any thread gives the same values for a batch
 * (resample r is drawn from draws [r·I, (r+1)·I) of the seeded generator), so who computes what
 * changes nothing.
 */
export interface BootstrapWork {
  readonly seed: number;
  readonly resamples: number;
  readonly control: Int32Array;
  readonly ap: Float64Array;
  readonly ap50: Float64Array;
}

export function batchCount(resamples: number): number {
  return Math.ceil(resamples / BATCH);
}

/**
 * What computes a batch of B resamples: the WebAssembly kernel (bootstrap-kernel.ts), or
 * weightedApBatch with its scratch where the kernel cannot run. W is image-major with `stride`
 * columns (stride >= B: the kernel's lanes); read it again before each batch (the kernel's
 * memory may have grown).
 */
export interface Batcher {
  readonly B: number;
  readonly stride: number;
  readonly W: Float64Array | Int32Array;
  run(): { ap: Float64Array; ap50: Float64Array };
}

export function batcherFor(plan: BootstrapPlan, B: number): Batcher {
  const kernel = B <= KERNEL_LANES ? kernelFor(plan) : null;
  if (kernel) {
    return {
      B,
      stride: kernel.lanes,
      get W() {
        return kernel.W;
      },
      run: () => kernel.run(),
    };
  }
  const scratch = makeScratch(plan, B);
  const W = new Float64Array(plan.I * B);
  const ap = new Float64Array(B);
  const ap50 = new Float64Array(B);
  return {
    B,
    stride: B,
    W,
    run() {
      weightedApBatch(plan, W, scratch, ap, ap50, 0);
      return { ap, ap50 };
    },
  };
}

/** Computes batch j of the work. */
export function computeBatch(plan: BootstrapPlan, work: BootstrapWork, j: number, batcher: Batcher): void {
  const { B, stride, W } = batcher;
  const first = j * B;
  const size = Math.min(B, work.resamples - first);
  const random = mulberry32(seedAfter(work.seed, first * plan.I));
  for (let b = 0; b < size; b++) drawWeights(W, plan.I, stride, b, random);
  for (let b = size; b < stride; b++) for (let i = 0; i < plan.I; i++) W[i * stride + b] = 0;
  const { ap, ap50 } = batcher.run();
  work.ap.set(ap.subarray(0, size), first);
  work.ap50.set(ap50.subarray(0, size), first);
}

/** Claims and computes batches until none is left; returns how many this thread did. */
export function claimBatches(plan: BootstrapPlan, work: BootstrapWork): number {
  const n = batchCount(work.resamples);
  const B = Math.min(BATCH, work.resamples);
  let batcher: Batcher | null = null;
  let done = 0;
  for (;;) {
    const j = Atomics.add(work.control, 0, 1);
    if (j >= n) return done;
    batcher ??= batcherFor(plan, B);
    computeBatch(plan, work, j, batcher);
    Atomics.store(work.control, 2 + j, 1);
    Atomics.add(work.control, 1, 1);
    Atomics.notify(work.control, 1);
    done++;
  }
}

export function newWork(seed: number, resamples: number, shared: boolean): BootstrapWork {
  const n = batchCount(resamples);
  const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return {
    seed,
    resamples,
    control: new Int32Array(buffer(4 * (2 + n))),
    ap: new Float64Array(buffer(8 * resamples)),
    ap50: new Float64Array(buffer(8 * resamples)),
  };
}

/**
 * Draws I images with replacement into per-image multiplicities, for column b of the
 * image-major weight matrix W (I rows of B).
 */
export function drawWeights(
  W: Float64Array | Int32Array,
  I: number,
  B: number,
  b: number,
  random: () => number,
): void {
  clearColumn(W, I, B, b);
  for (let i = 0; i < I; i++) W[Math.floor(random() * I) * B + b]!++;
}

/**
 * A function of its own: V8's optimized code for the first of two loops deoptimized at the second
 * (which had not run yet) on each of the 200 calls.
 */
function clearColumn(W: Float64Array | Int32Array, I: number, B: number, b: number): void {
  for (let i = 0; i < I; i++) W[i * B + b] = 0;
}

export function checkResamples(resamples: number): void {
  if (!isPositiveInt(resamples)) throw new Error('resamples must be a positive integer');
}

/** The bootstrap's summary from computed resamples. */
export function uncertaintyOf(evaluation: CocoEvaluation, work: BootstrapWork): Uncertainty {
  return {
    method: 'bootstrap-images',
    resamples: work.resamples,
    seed: work.seed,
    AP: summarizeResamples(Float64Array.from(work.ap), evaluation.summary.stats.AP),
    AP50: summarizeResamples(Float64Array.from(work.ap50), evaluation.summary.stats.AP50),
  };
}

/** The bootstrap on this thread alone (bootstrap-parallel.ts shares it with a worker). */
export function bootstrapAp(evaluation: CocoEvaluation, options: BootstrapOptions = {}): Uncertainty {
  const resamples = options.resamples ?? 200;
  const seed = options.seed ?? 0;
  checkResamples(resamples);
  const plan = planBootstrap(evaluation);
  const work = newWork(seed, resamples, false);
  claimBatches(plan, work);
  return uncertaintyOf(evaluation, work);
}
