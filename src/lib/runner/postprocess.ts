/**
 * Candidates (input-tensor pixels, or original pixels for exports that map boxes themselves;
 * model class indices) → COCO-style detections (original-image pixels, dataset category ids).
 * The same for every family:
 *   1. drop classes the dataset lacks (class map id -1) and scores <= conf;
 *   2. drop, and count, candidates with a non-finite coordinate or score (a model emitting
 *      ±Infinity or NaN must not poison NMS or write a predictions file that cannot be read
 *      back), and boxes that clip to zero width or height inside the image (wholly in the
 *      letterbox padding: they cannot match any object);
 *   3. NMS when the decoder says duplicates remain, else top maxDet by score; both in the
 *      candidates' space, as Ultralytics does (IoU there is what the thresholds were tuned on);
 *   4. map boxes back through the letterbox / stretch, clip to the image;
 *   5. bbox as [x, y, w, h], rounded like Ultralytics' JSON (3 decimals; scores 5); a box whose
 *      rounded width or height is 0 is dropped (and counted) too.
 */
import type { CocoResult } from '../schema/coco.ts';
import { clipXyxy, type ImageTransform, inputToOriginal } from './boxes.ts';
import { type Candidates, fillAllRows } from './decoders/types.ts';
import { NMS_DEFAULTS, type NmsOptions, nms, nmsDenseRows, StageCounter, sortByScore } from './nms.ts';

/** One detection as in a COCO results file; bbox [x, y, width, height] in original-image pixels. */
export type CocoDetection = CocoResult;

export type PostprocessOptions = NmsOptions;

/** Candidates dropped by the shared post-processing, summed over images (see the header). */
export interface DropCounts {
  /** A coordinate or the score was NaN or ±Infinity. */
  nonFinite: number;
  /** The box clipped to zero width or height inside the image. */
  empty: number;
}

export const noDrops = (): DropCounts => ({ nonFinite: 0, empty: 0 });

/** Why a candidate is dropped (0: it is not). */
const NON_FINITE = 1;
const EMPTY = 2;
const UNMAPPED = 3;

/** Gives candidate i a score below any threshold, in a copy of src made on the first drop. */
function markDropped(scores: Float32Array, src: Float32Array, i: number): Float32Array {
  const out = scores === src ? src.slice() : scores;
  out[i] = -1;
  return out;
}

const round = (x: number, places: number) => {
  const f = 10 ** places;
  return Math.round(x * f) / f;
};

export function finalizeDetections(
  candidates: Candidates,
  transform: ImageTransform,
  categoryIds: Int32Array,
  imageId: number,
  options: PostprocessOptions = {},
  dropped: DropCounts = noDrops(),
): CocoDetection[] {
  const conf = options.conf ?? NMS_DEFAULTS.conf;
  const maxDet = options.maxDet ?? NMS_DEFAULTS.maxDet;
  const { boxes, classes, boxIndex, perBox } = candidates;
  const original = candidates.space === 'original';
  // The image's extent in the candidates' space: boxes outside it clip to nothing.
  const left = original ? 0 : transform.padLeft;
  const top = original ? 0 : transform.padTop;
  const right = original ? transform.originalWidth : left + transform.originalWidth * transform.ratioX;
  const bottom = original ? transform.originalHeight : top + transform.originalHeight * transform.ratioY;
  // Per box row: usable, a non-finite coordinate, or clipping to nothing. Once per row, since
  // with boxIndex one row serves every class of a grid cell.
  const rows = boxes.length >> 2;
  const status = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const x1 = boxes[r * 4]!;
    const y1 = boxes[r * 4 + 1]!;
    const x2 = boxes[r * 4 + 2]!;
    const y2 = boxes[r * 4 + 3]!;
    if (!(Number.isFinite(x1) && Number.isFinite(y1) && Number.isFinite(x2) && Number.isFinite(y2))) {
      status[r] = NON_FINITE;
    } else if (Math.min(x2, right) <= Math.max(x1, left) || Math.min(y2, bottom) <= Math.max(y1, top)) {
      status[r] = EMPTY;
    }
  }
  // Dropped candidates get a score below any threshold, so selection skips them. The same pass
  // counts the candidates left into NMS's stage split (for conf >= 0, see StageCounter).
  // Reads come from `src` (an entry is only marked after it is read) and marks go to a copy made
  // on the first drop; no closure captures `scores`, which would slow every read in the loops.
  const src = candidates.scores;
  let scores = src;
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const counter = conf >= 0 ? new StageCounter() : undefined;
  const nCategories = categoryIds.length;
  const hasCategory = (c: number) => c >= 0 && c < nCategories && categoryIds[c]! >= 0;
  const stats = candidates.rowStats;
  if (
    perBox !== undefined &&
    stats !== undefined &&
    stats.conf === conf &&
    candidates.needsNms &&
    categoryIds.length >= perBox &&
    categoryIds.subarray(0, perBox).every((id) => id >= 0) &&
    stats.max.every((m) => m !== Number.POSITIVE_INFINITY)
  ) {
    // Dense rows with the decoder's counts at this conf, every class mapped, no infinite score:
    // every entry above conf is finite and kept unless its box is not, so the drop counts and
    // the candidate count come from the rows, and NMS reads only the rows it needs.
    // Counts given as a function (asked only of the dropped rows) leave the candidates' total
    // unknown: NMS then stops when their entries run out, which is the same place.
    const usable = new Uint8Array(rows);
    const perRow = stats.count;
    let count = typeof perRow === 'function' ? Number.POSITIVE_INFINITY : 0;
    for (let r = 0; r < rows; r++) {
      const st = status[r]!;
      if (st === 0) {
        usable[r] = 1;
        if (typeof perRow !== 'function') count += perRow[r]!;
        continue;
      }
      const n = typeof perRow === 'function' ? perRow(r) : perRow[r]!;
      if (st === NON_FINITE) dropped.nonFinite += n;
      else dropped.empty += n;
    }
    const keep = nmsDenseRows(
      boxes,
      src,
      { perBox, usable, max: stats.max, count, fill: candidates.fillRow },
      { ...options, conf, maxDet },
    );
    return toDetections(keep, candidates, src, transform, categoryIds, imageId, dropped);
  }
  fillAllRows(candidates); // the passes below read every entry
  if (perBox !== undefined) {
    // Dense: row by row, so the class and box of each entry need no lookup; NaN is padding.
    const classOk = Uint8Array.from({ length: perBox }, (_, c) => (hasCategory(c) ? 1 : 0));
    const allMapped = classOk.every((ok) => ok === 1);
    for (let r = 0; r < rows; r++) {
      const st = status[r]!;
      const o = r * perBox;
      if (st === 0 && allMapped && counter) {
        // The common row: a usable box, every class mapped; only scores can drop an entry.
        for (let i = o; i < o + perBox; i++) {
          const s = src[i]!;
          if (s > conf) {
            if (s === Number.POSITIVE_INFINITY) {
              dropped.nonFinite++;
              scores = markDropped(scores, src, i);
            } else counter.add(bits[i]!);
          } else if (s === Number.NEGATIVE_INFINITY) dropped.nonFinite++;
        }
        continue;
      }
      for (let c = 0; c < perBox; c++) {
        const i = o + c;
        const s = src[i]!;
        if (s > conf) {
          if (!classOk[c]) scores = markDropped(scores, src, i);
          else if (s === Number.POSITIVE_INFINITY || st !== 0) {
            if (s === Number.POSITIVE_INFINITY || st === NON_FINITE) dropped.nonFinite++;
            else dropped.empty++;
            scores = markDropped(scores, src, i);
          } else counter?.add(bits[i]!);
        } else if (s === Number.NEGATIVE_INFINITY && classOk[c]) {
          dropped.nonFinite++;
        }
      }
    }
  } else {
    for (let i = 0; i < classes.length; i++) {
      const s = src[i]!;
      let why = 0;
      if (!hasCategory(classes[i]!)) why = UNMAPPED;
      else if (!Number.isFinite(s)) why = NON_FINITE;
      else if (!(s > conf)) continue;
      else why = status[boxIndex ? boxIndex[i]! : i]!;
      if (why === 0) {
        counter?.add(bits[i]!);
        continue;
      }
      if (why === NON_FINITE) dropped.nonFinite++;
      else if (why === EMPTY) dropped.empty++;
      scores = markDropped(scores, src, i);
    }
  }
  const stage = counter?.finish();
  const keep = candidates.needsNms
    ? nms(boxes, scores, classes, { ...options, conf, maxDet }, { boxIndex, stage })
    : sortByScore(scores, conf, maxDet);

  return toDetections(keep, candidates, scores, transform, categoryIds, imageId, dropped);
}

/** Kept candidates → COCO detections in original pixels (steps 4 and 5 of the header). */
function toDetections(
  keep: ArrayLike<number>,
  candidates: Candidates,
  scores: Float32Array,
  transform: ImageTransform,
  categoryIds: Int32Array,
  imageId: number,
  dropped: DropCounts,
): CocoDetection[] {
  const { boxes, classes, boxIndex } = candidates;
  const original = candidates.space === 'original';
  const selected = new Float32Array(keep.length * 4);
  for (let k = 0; k < keep.length; k++) {
    const r = boxIndex ? boxIndex[keep[k]!]! : keep[k]!;
    selected.set(boxes.subarray(r * 4, r * 4 + 4), k * 4);
  }
  const mapped = original
    ? clipXyxy(selected, transform.originalWidth, transform.originalHeight)
    : inputToOriginal(selected, transform);
  const out: CocoDetection[] = [];
  for (let k = 0; k < keep.length; k++) {
    const i = keep[k]!;
    const x1 = mapped[k * 4]!;
    const y1 = mapped[k * 4 + 1]!;
    const w = round(mapped[k * 4 + 2]! - x1, 3);
    const h = round(mapped[k * 4 + 3]! - y1, 3);
    if (!(w > 0 && h > 0)) {
      dropped.empty++;
      continue;
    }
    out.push({
      image_id: imageId,
      category_id: categoryIds[classes[i]!]!,
      bbox: [round(x1, 3), round(y1, 3), w, h],
      score: round(scores[i]!, 5),
    });
  }
  return out;
}
