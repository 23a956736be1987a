/**
 * Stable sorts on typed arrays for the evaluator's hot paths. pycocotools orders detections with
 * numpy's stable mergesort on -score; these give the same order in O(n) passes instead of a
 * comparator sort (which cost more than the whole matching on 500k detections).
 */

import { discard } from './discard.ts';

/** Reorders `order` (a permutation of indices) stably by `key[index]` in [0, range). */
export function countingSortBy(order: Int32Array, key: Int32Array, range: number): Int32Array {
  const n = order.length;
  const count = new Int32Array(range + 1);
  for (let i = 0; i < n; i++) count[key[order[i]!]! + 1]!++;
  for (let r = 0; r < range; r++) count[r + 1]! += count[r]!;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = order[i]!;
    out[count[key[v]!]!++] = v;
  }
  return out;
}

/**
 * The indices 0..n-1 sorted stably by (major[i], minor[i]), both keys in [0, range): one counting
 * pass on the pair where its table is small (COCO's 5,000 images × 80 classes), else a pass per key.
 */
export function sortByPair(
  major: Int32Array,
  majorRange: number,
  minor: Int32Array,
  minorRange: number,
): Int32Array {
  const n = major.length;
  const range = majorRange * minorRange;
  if (range > Math.max(1 << 20, 2 * n)) {
    const identity = new Int32Array(n);
    for (let i = 0; i < n; i++) identity[i] = i;
    return countingSortBy(countingSortBy(identity, minor, minorRange), major, majorRange);
  }
  const count = new Int32Array(range + 1);
  pairCounts(major, minor, minorRange, count);
  prefixSums(count);
  const out = new Int32Array(n);
  pairScatter(major, minor, minorRange, count, out);
  return out;
}

// sortByPair's three passes as functions of their own: each runs once, and V8's optimized code
// for a loop (entered part way through it) deoptimizes where it reaches code that had not run
// yet, such as the next loop.

function pairCounts(major: Int32Array, minor: Int32Array, minorRange: number, count: Int32Array): void {
  for (let i = 0; i < major.length; i++) count[major[i]! * minorRange + minor[i]! + 1]!++;
}

function prefixSums(count: Int32Array): void {
  for (let r = 0; r + 1 < count.length; r++) count[r + 1]! += count[r]!;
}

function pairScatter(
  major: Int32Array,
  minor: Int32Array,
  minorRange: number,
  count: Int32Array,
  out: Int32Array,
): void {
  for (let i = 0; i < major.length; i++) out[count[major[i]! * minorRange + minor[i]!]!++] = i;
}

/**
 * Reorders `order` stably by descending `score[index]`: an LSD radix sort over the 64 bits of
 * each float, mapped to unsigned integers whose order is the reverse of the floats' order.
 * -0 is treated as 0, as numpy's comparison does. Keys travel with the indices, so that every
 * pass reads in sequence; the four digit histograms come from one pass over the keys.
 */
export function sortByScoreDesc(order: Int32Array, score: Float64Array): Int32Array {
  const n = order.length;
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  let idx = new Int32Array(n);
  const count = new Int32Array(4 * 65536);
  for (let i = 0; i < n; i++) {
    const v = order[i]!;
    f[0] = score[v]! + 0; // -0 + 0 is +0
    let h = u[1]!;
    let l = u[0]!;
    // Ascending-sortable bits: flip everything for negatives, only the sign bit for positives;
    // then complement, for descending.
    if (h & 0x80000000) {
      h = ~h;
      l = ~l;
    } else {
      h ^= 0x80000000;
    }
    h = ~h >>> 0;
    l = ~l >>> 0;
    hi[i] = h;
    lo[i] = l;
    idx[i] = v;
    count[l & 0xffff]!++;
    count[65536 + (l >>> 16)]!++;
    count[131072 + (h & 0xffff)]!++;
    count[196608 + (h >>> 16)]!++;
  }
  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  let idx2 = new Int32Array(n);
  for (let pass = 0; pass < 4; pass++) {
    const c = count.subarray(pass * 65536, (pass + 1) * 65536);
    let single = false; // every key has the same digit: this pass would not move anything
    let sum = 0;
    for (let r = 0; r < 65536; r++) {
      const x = c[r]!;
      if (x === n) single = true;
      c[r] = sum;
      sum += x;
    }
    if (single) continue;
    const shift = (pass & 1) * 16;
    if (pass < 2) {
      for (let i = 0; i < n; i++) {
        const l = lo[i]!;
        const at = c[(l >>> shift) & 0xffff]!++;
        lo2[at] = l;
        hi2[at] = hi[i]!;
        idx2[at] = idx[i]!;
      }
      [lo, lo2] = [lo2, lo];
    } else {
      // The low word is done with: only the high word travels.
      for (let i = 0; i < n; i++) {
        const h = hi[i]!;
        const at = c[(h >>> shift) & 0xffff]!++;
        hi2[at] = h;
        idx2[at] = idx[i]!;
      }
    }
    [hi, hi2] = [hi2, hi];
    [idx, idx2] = [idx2, idx];
  }
  discard(hi, lo, hi2, lo2, idx2);
  return idx;
}

/**
 * Stable in-place sort of order[from, to) by descending score[index]: for the small groups of one
 * image and class, where it beats a radix sort of everything.
 */
export function insertionSortByScoreDesc(
  order: Int32Array,
  from: number,
  to: number,
  score: Float64Array,
): void {
  if (to - from > 256) {
    // A large group (a model that floods one image with one class): quadratic time would hurt.
    order.set(sortByScoreDesc(order.subarray(from, to), score), from);
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const v = order[i]!;
    const s = score[v]!;
    let j = i - 1;
    while (j >= from && score[order[j]!]! < s) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = v;
  }
}
