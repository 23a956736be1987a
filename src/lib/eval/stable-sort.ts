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
 * Reorders `order` stably by descending `score[index]`: an LSD radix sort over the 64 bits of
 * each float, mapped to unsigned integers whose order is the reverse of the floats' order.
 * -0 is treated as 0, as numpy's comparison does.
 */
export function sortByScoreDesc(order: Int32Array, score: Float64Array): Int32Array {
  const n = order.length;
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    f[0] = score[order[i]!]! + 0; // -0 + 0 is +0
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
    hi[i] = ~h >>> 0;
    lo[i] = ~l >>> 0;
  }
  let idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let tmp = new Int32Array(n);
  const count = new Int32Array(65537);
  const passes: [Uint32Array, number][] = [
    [lo, 0],
    [lo, 16],
    [hi, 0],
    [hi, 16],
  ];
  for (const [word, shift] of passes) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((word[idx[i]!]! >>> shift) & 0xffff) + 1]!++;
    let single = false; // every index has the same digit: this pass would not move anything
    for (let r = 0; r < 65536; r++) {
      if (count[r + 1] === n) single = true;
      count[r + 1]! += count[r]!;
    }
    if (single) continue;
    for (let i = 0; i < n; i++) {
      const v = idx[i]!;
      tmp[count[(word[v]! >>> shift) & 0xffff]!++] = v;
    }
    [idx, tmp] = [tmp, idx];
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = order[idx[i]!]!;
  discard(hi, lo, idx, tmp);
  return out;
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
