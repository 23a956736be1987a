/**
 * Class-aware non-maximum suppression on flat typed arrays, matching what Ultralytics' validator
 * does (torchvision batched NMS): keep candidates with score > conf, sort by score, cap at
 * maxCandidates, greedily drop any box whose IoU with a kept box of the same class is > iou, and
 * return at most maxDet boxes.
 *
 * Walking candidates in global score order and checking only same-class kept boxes is the same
 * as running greedy NMS per class and then taking the top maxDet overall, but it can stop as soon
 * as maxDet boxes are kept, and each candidate costs at most maxDet IoUs.
 */
import { iou as boxIou } from './boxes.ts';
import { ascendingAt } from './order-statistic.ts';

export interface NmsOptions {
  /** Candidates with score <= conf are dropped first. COCO benchmarks use 0.001. */
  conf?: number;
  /** A box is suppressed when its IoU with a kept, higher-scoring box of its class is > iou. */
  iou?: number;
  /** Most boxes returned per image. */
  maxDet?: number;
  /** Most candidates considered after sorting (Ultralytics' max_nms). */
  maxCandidates?: number;
  /** Suppress across classes too. */
  agnostic?: boolean;
}

export const NMS_DEFAULTS = { conf: 0.001, iou: 0.7, maxDet: 100, maxCandidates: 30_000 } as const;

/**
 * The `limit` best candidate indices with score > conf, by descending score (ties by ascending
 * index, so results are deterministic).
 */
export function sortByScore(
  scores: Float32Array,
  conf: number,
  limit = Number.POSITIVE_INFINITY,
): Uint32Array {
  const heap = new ScoreHeap(scores, conf);
  const out = new Uint32Array(Math.min(heap.size, limit));
  for (let k = 0; k < out.length; k++) out[k] = heap.pop();
  return out;
}

/**
 * Max-heap of candidate indices ordered by (score desc, index asc). Building it is O(n) and each
 * pop O(log n), so NMS that stops after maxDet kept boxes never pays for sorting the tens of
 * thousands of low-score candidates a conf of 0.001 lets through.
 */
export class ScoreHeap {
  private heap: Uint32Array;
  private readonly scores: Float32Array;
  size: number;

  /** A heap over the first n of `indices` (which it takes over), candidates of `scores`. */
  static ofIndices(scores: Float32Array, indices: Uint32Array, n: number): ScoreHeap {
    const h = new ScoreHeap(scores, Number.POSITIVE_INFINITY, 0);
    h.heap = indices;
    h.size = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) h.siftDown(i);
    return h;
  }

  /** The candidates with score > conf, and (optionally) atLeast <= score < below. */
  constructor(
    scores: Float32Array,
    conf: number,
    count = scores.length,
    range: { atLeast?: number; below?: number } = {},
  ) {
    this.scores = scores;
    const atLeast = range.atLeast ?? Number.NEGATIVE_INFINITY;
    const below = range.below ?? Number.POSITIVE_INFINITY;
    let n = 0;
    const heap = new Uint32Array(count);
    if (below === Number.POSITIVE_INFINITY && atLeast > conf) {
      // The first NMS stage: score >= atLeast implies > conf; one comparison per candidate.
      for (let i = 0; i < count; i++) if (scores[i]! >= atLeast) heap[n++] = i;
    } else {
      for (let i = 0; i < count; i++) {
        const s = scores[i]!;
        if (s > conf && s >= atLeast && s < below) heap[n++] = i;
      }
    }
    this.heap = heap;
    this.size = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** Whether candidate a comes before candidate b. */
  private before(a: number, b: number): boolean {
    const sa = this.scores[a]!;
    const sb = this.scores[b]!;
    return sa > sb || (sa === sb && a < b);
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const n = this.size;
    const item = h[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.before(h[r]!, h[l]!) ? r : l;
      if (!this.before(h[c]!, item)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = item;
  }

  /** Removes and returns the best remaining candidate; call only while size > 0. */
  pop(): number {
    const h = this.heap;
    const top = h[0]!;
    this.size--;
    if (this.size > 0) {
      h[0] = h[this.size]!;
      this.siftDown(0);
    }
    return top;
  }
}

/**
 * @param boxes  [n, 4] x1 y1 x2 y2, any consistent pixel space; with boxIndex, the rows that
 *               candidates share
 * @param scores [n]
 * @param classes [n] class indices
 * @param layout boxIndex: [n] row of `boxes` of each candidate (see Candidates.boxIndex; absent:
 *               row i); stage: the count and split of these scores at this conf, when the caller's
 *               own pass over the candidates has found them (StageCounter), saving that pass here
 * @returns indices of kept boxes, highest score first
 */
export function nms(
  boxes: Float32Array,
  scores: Float32Array,
  classes: Int32Array,
  options: NmsOptions = {},
  layout: { boxIndex?: Int32Array | undefined; stage?: StageSplit | undefined } = {},
): Int32Array {
  const { boxIndex } = layout;
  const conf = options.conf ?? NMS_DEFAULTS.conf;
  const iouThreshold = options.iou ?? NMS_DEFAULTS.iou;
  const maxDet = options.maxDet ?? NMS_DEFAULTS.maxDet;
  const maxCandidates = options.maxCandidates ?? NMS_DEFAULTS.maxCandidates;
  const agnostic = options.agnostic ?? false;
  const sizesAgree = boxIndex
    ? boxIndex.length === scores.length && boxes.length % 4 === 0
    : boxes.length === scores.length * 4;
  if (!sizesAgree || classes.length !== scores.length) {
    throw new Error(`nms: ${boxes.length / 4} boxes, ${scores.length} scores, ${classes.length} classes`);
  }

  // Two heaps in turn: the few thousand best candidates (score >= split), then, only when those
  // run out before maxDet boxes are kept, the rest. Every score of the first is above every score
  // of the second, so popping them in turn is the one global order, whatever split is; building
  // the first costs far less than a heap over the 10⁵ candidates a conf of 0.001 lets through.
  const { count, split } = layout.stage ?? stageSplit(scores, conf, STAGE_SIZE);
  let heap = new ScoreHeap(scores, conf, scores.length, split === undefined ? {} : { atLeast: split });
  let restBelow = split;
  const n = Math.min(count, maxCandidates);
  const keeper = new Keeper(boxes, Math.min(n, maxDet), iouThreshold);
  for (let k = 0; k < n && keeper.count < maxDet; k++) {
    if (heap.size === 0 && restBelow !== undefined) {
      heap = new ScoreHeap(scores, conf, scores.length, { below: restBelow });
      restBelow = undefined;
    }
    const i = heap.pop();
    keeper.consider(i, boxIndex ? boxIndex[i]! : i, agnostic ? 0 : classes[i]!);
  }
  return keeper.result();
}

/** Greedy class-aware suppression of candidates offered in score order (the core of nms). */
class Keeper {
  private readonly kept: Int32Array;
  count = 0;
  /** Box rows of the kept candidates, grouped by class so a candidate is compared only with its own. */
  private readonly keptByClass = new Map<number, number[]>();

  private readonly boxes: Float32Array;
  private readonly iouThreshold: number;

  constructor(boxes: Float32Array, capacity: number, iouThreshold: number) {
    this.boxes = boxes;
    this.iouThreshold = iouThreshold;
    this.kept = new Int32Array(capacity);
  }

  /** Keeps candidate i (box row `row`, class `cls`) unless a kept box of its class overlaps it. */
  consider(i: number, row: number, cls: number): void {
    let group = this.keptByClass.get(cls);
    if (group) {
      for (const j of group) if (boxIou(this.boxes, row, this.boxes, j) > this.iouThreshold) return;
    } else {
      group = [];
      this.keptByClass.set(cls, group);
    }
    group.push(row);
    this.kept[this.count++] = i;
  }

  result(): Int32Array {
    return this.kept.slice(0, this.count);
  }
}

/** Dense candidates' rows as finalizeDetections has checked them (see nmsDenseRows). */
export interface DenseRows {
  /** Entries per box row: entry i is class i % perBox of box row ⌊i / perBox⌋. */
  perBox: number;
  /** Per box row: 1 when its entries may be kept (a usable box), 0 when all are dropped. */
  usable: Uint8Array;
  /** Per box row: no entry of the row scores higher. */
  max: Float32Array;
  /**
   * Entries with score > conf over the usable rows (+Infinity: not counted; popping then stops
   * when the entries run out, the same place).
   */
  count: number;
  /** Computes a row's scores of at least `atLeast` before they are read (Candidates.fillRow). */
  fill?: ((row: number, atLeast: number) => void) | undefined;
}

/** Usable rows whose entries the first stage of nmsDenseRows reads; later stages read 4× more. */
const FIRST_STAGE_ROWS = 256;

/**
 * nms for dense candidates (Candidates.perBox) without a pass over every entry: the same kept
 * indices as nms over the usable rows' entries (others dropped). Stages take score ranges in
 * descending order, [t_j, t_j-1), with t_j the best score of the (256·4^j)-th best row: a stage
 * reads only the rows whose best reaches t_j, and NMS seldom needs more than the first (NanoDet
 * and FastestDet keep 100 boxes after ~300 candidates from ~150 rows).
 */
export function nmsDenseRows(
  boxes: Float32Array,
  scores: Float32Array,
  rows: DenseRows,
  options: NmsOptions = {},
): Int32Array {
  const conf = options.conf ?? NMS_DEFAULTS.conf;
  const maxDet = options.maxDet ?? NMS_DEFAULTS.maxDet;
  const agnostic = options.agnostic ?? false;
  const { perBox, usable, max } = rows;
  const nRows = usable.length;
  if (boxes.length !== nRows * 4 || scores.length !== nRows * perBox || max.length !== nRows) {
    throw new Error(`nmsDenseRows: ${boxes.length / 4} boxes, ${nRows} rows, ${scores.length} scores`);
  }
  const n = Math.min(rows.count, options.maxCandidates ?? NMS_DEFAULTS.maxCandidates);
  const keeper = new Keeper(boxes, Math.min(n, maxDet), options.iou ?? NMS_DEFAULTS.iou);
  // Row maxima of the usable rows: each stage's threshold is one of their order statistics.
  const maxima = new Float32Array(nRows);
  let m = 0;
  for (let r = 0; r < nRows; r++) if (usable[r]) maxima[m++] = max[r]!;
  const ranked = maxima.subarray(0, m);
  let upper = Number.POSITIVE_INFINITY;
  let stageRows = FIRST_STAGE_ROWS;
  let popped = 0;
  let idx = new Uint32Array(0);
  while (popped < n && keeper.count < maxDet) {
    const lower = stageRows >= m ? Number.NEGATIVE_INFINITY : ascendingAt(ranked, m - stageRows);
    let k = 0;
    for (let r = 0; r < nRows; r++) {
      if (!usable[r] || !(max[r]! >= lower)) continue;
      rows.fill?.(r, lower);
      if (idx.length < k + perBox) {
        const grown = new Uint32Array(Math.max(2 * idx.length, k + perBox, 4096));
        grown.set(idx.subarray(0, k));
        idx = grown;
      }
      const o = r * perBox;
      for (let i = o; i < o + perBox; i++) {
        const s = scores[i]!;
        if (s > conf && s >= lower && s < upper) idx[k++] = i;
      }
    }
    const heap = ScoreHeap.ofIndices(scores, idx, k);
    while (heap.size > 0 && popped < n && keeper.count < maxDet) {
      const i = heap.pop();
      popped++;
      const row = Math.floor(i / perBox);
      keeper.consider(i, row, agnostic ? 0 : i - row * perBox);
    }
    if (lower === Number.NEGATIVE_INFINITY) break;
    upper = lower;
    stageRows *= 4;
    idx = new Uint32Array(idx.length); // the heap took the old one over
  }
  return keeper.result();
}

/** Candidates in the first NMS heap, about; the split is exact whatever this is (see nms). */
const STAGE_SIZE = 4096;

/**
 * Histogram of scores by the top 16 bits of their float32 encoding (sign, exponent, 7 mantissa
 * bits): for non-negative floats the encoding orders like the value, so a bin boundary is an exact
 * score threshold, found in the same pass that counts (no min/max pass first). Zero between calls.
 */
const BINS = new Uint32Array(0x7f81); // up to +Infinity's bin, 0x7f80
const binEdge = new Float32Array(1);
const binEdgeBits = new Uint32Array(binEdge.buffer);

/** How many candidates pass conf, and the score splitting NMS's two heaps (see nms). */
export interface StageSplit {
  count: number;
  split?: number;
}

/**
 * Counts candidates with score > conf >= 0 into the histogram as a pass over them finds them, so
 * that a caller already looping over the candidates (finalizeDetections) gives nms its stage
 * split without another pass. One counter at a time (they share BINS); finish() clears it.
 */
export class StageCounter {
  count = 0;
  private lo = BINS.length;
  private hi = -1;

  /** `bits`: the float32 encoding of a score > conf >= 0 (positive, so the sign bit is 0). */
  add(bits: number): void {
    this.count++;
    const b = bits >>> 16;
    BINS[b]!++;
    if (b < this.lo) this.lo = b;
    if (b > this.hi) this.hi = b;
  }

  /** The count and, when there are many more than `size`, a score with about `size` at or above it. */
  finish(size = STAGE_SIZE): StageSplit {
    const { count, lo, hi } = this;
    let split: number | undefined;
    if (count > 2 * size) {
      let above = 0;
      for (let b = hi; b > lo; b--) {
        above += BINS[b]!;
        if (above >= size) {
          binEdgeBits[0] = b << 16; // the smallest float of bin b: score >= it ⟺ in bin b or above
          split = binEdge[0]!;
          break;
        }
      }
    }
    if (hi >= 0) BINS.fill(0, lo, hi + 1);
    return split === undefined ? { count } : { count, split };
  }
}

/**
 * The number of candidates with score > conf and, when there are many more than `size`, a score
 * with roughly `size` of them at or above it.
 */
function stageSplit(scores: Float32Array, conf: number, size: number): StageSplit {
  if (!(conf >= 0)) return stageSplitByRange(scores, conf, size);
  const bits = new Uint32Array(scores.buffer, scores.byteOffset, scores.length);
  const counter = new StageCounter();
  for (let i = 0; i < scores.length; i++) if (scores[i]! > conf) counter.add(bits[i]!);
  return counter.finish(size);
}

/** stageSplit for a negative conf (scores of either sign): a 512-bin histogram between the extremes. */
function stageSplitByRange(scores: Float32Array, conf: number, size: number): StageSplit {
  let count = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!(s > conf)) continue;
    count++;
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  if (count <= 2 * size || !(hi > lo) || !Number.isFinite(hi - lo)) return { count };
  const bins = new Uint32Array(512);
  const scale = 512 / (hi - lo);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (s > conf) bins[Math.min(511, Math.floor((s - lo) * scale))]!++;
  }
  let above = 0;
  for (let b = 511; b > 0; b--) {
    above += bins[b]!;
    if (above >= size) return { count, split: lo + b / scale };
  }
  return { count };
}
