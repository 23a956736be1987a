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
 * Candidate indices sorted by descending score (ties by ascending index, so results are
 * deterministic), keeping only score > conf.
 */
export function sortByScore(scores: Float32Array, conf: number, count = scores.length): Uint32Array {
  let n = 0;
  const idx = new Uint32Array(count);
  for (let i = 0; i < count; i++) if (scores[i]! > conf) idx[n++] = i;
  const kept = idx.subarray(0, n);
  kept.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return kept;
}

/**
 * @param boxes  [n, 4] x1 y1 x2 y2, any consistent pixel space
 * @param scores [n]
 * @param classes [n] class indices
 * @returns indices of kept boxes, highest score first
 */
export function nms(
  boxes: Float32Array,
  scores: Float32Array,
  classes: Int32Array,
  options: NmsOptions = {},
): Int32Array {
  const conf = options.conf ?? NMS_DEFAULTS.conf;
  const iouThreshold = options.iou ?? NMS_DEFAULTS.iou;
  const maxDet = options.maxDet ?? NMS_DEFAULTS.maxDet;
  const maxCandidates = options.maxCandidates ?? NMS_DEFAULTS.maxCandidates;
  const agnostic = options.agnostic ?? false;
  if (boxes.length !== scores.length * 4 || classes.length !== scores.length) {
    throw new Error(`nms: ${boxes.length / 4} boxes, ${scores.length} scores, ${classes.length} classes`);
  }

  const order = sortByScore(scores, conf);
  const n = Math.min(order.length, maxCandidates);
  const kept = new Int32Array(Math.min(n, maxDet));
  let nKept = 0;
  // Kept indices grouped by class so a candidate is compared only with its own class.
  const keptByClass = new Map<number, number[]>();
  for (let k = 0; k < n && nKept < maxDet; k++) {
    const i = order[k]!;
    const cls = agnostic ? 0 : classes[i]!;
    let group = keptByClass.get(cls);
    let suppressed = false;
    if (group) {
      for (const j of group) {
        if (boxIou(boxes, i, boxes, j) > iouThreshold) {
          suppressed = true;
          break;
        }
      }
    }
    if (suppressed) continue;
    if (!group) {
      group = [];
      keptByClass.set(cls, group);
    }
    group.push(i);
    kept[nKept++] = i;
  }
  return kept.slice(0, nKept);
}
