import type { Matches } from '../match.ts';
import { IGNORE_SHIFT } from '../match.ts';

/** What pycocotools' accumulate counts an evaluated detection as, at one IoU threshold and area range. */
export const TP = 0;
export const FP = 1;
/** Matched to an ignored GT (crowd, or outside the area range), or unmatched and outside the area range. */
export const IGNORED = 2;

/**
 * Per evaluated detection (index into Matches): TP, FP or IGNORED at IoU threshold index t and
 * area range index a, read from the matching flags exactly as accumulate reads them.
 */
export function outcomes(matches: Matches, t: number, a: number): Uint8Array {
  const out = new Uint8Array(matches.length);
  const tpBit = 1 << t;
  const igBit = 1 << (IGNORE_SHIFT + t);
  const A = matches.A;
  for (let e = 0; e < matches.length; e++) {
    const f = matches.flags[e * A + a]!;
    out[e] = (f & igBit) !== 0 ? IGNORED : (f & tpBit) !== 0 ? TP : FP;
  }
  return out;
}

/** Category index of each evaluated detection (Matches stores them category-major). */
export function categoryOf(matches: Matches): Int32Array {
  const cat = new Int32Array(matches.length);
  const K = matches.catStart.length - 1;
  for (let k = 0; k < K; k++) cat.fill(k, matches.catStart[k], matches.catStart[k + 1]);
  return cat;
}

/**
 * For each input detection (file order), its index among the evaluated detections, or -1 when
 * the per image-class cut at maxDets dropped it. Loops that read detection boxes go in file order
 * through this map: Matches is category-major, and reading boxes in that order misses the cache
 * on nearly every detection.
 */
export function evaluatedIndex(matches: Matches, detections: number): Int32Array {
  const inv = new Int32Array(detections).fill(-1);
  for (let e = 0; e < matches.length; e++) inv[matches.det[e]!] = e;
  return inv;
}
