/**
 * Candidates (input-tensor pixels, model class indices) → COCO-style detections (original-image
 * pixels, dataset category ids). The same for every family:
 *   1. drop classes the dataset lacks (class map id -1) and scores <= conf;
 *   2. NMS when the decoder says duplicates remain, else top maxDet by score; both in input
 *      space, as Ultralytics does (IoU there is what the thresholds were tuned on);
 *   3. map boxes back through the letterbox / stretch, clip to the image;
 *   4. bbox as [x, y, w, h], rounded like Ultralytics' JSON (3 decimals; scores 5).
 */
import type { CocoResult } from '../schema/coco.ts';
import { type ImageTransform, inputToOriginal } from './boxes.ts';
import type { Candidates } from './decoders/types.ts';
import { NMS_DEFAULTS, type NmsOptions, nms, sortByScore } from './nms.ts';

/** One detection as in a COCO results file; bbox [x, y, width, height] in original-image pixels. */
export type CocoDetection = CocoResult;

export type PostprocessOptions = NmsOptions;

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
): CocoDetection[] {
  const conf = options.conf ?? NMS_DEFAULTS.conf;
  const maxDet = options.maxDet ?? NMS_DEFAULTS.maxDet;
  const { boxes, classes } = candidates;
  // Unmapped classes get a score below any threshold, so selection skips them.
  let scores = candidates.scores;
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i]!;
    if (c < 0 || c >= categoryIds.length || categoryIds[c]! < 0) {
      if (scores === candidates.scores) scores = scores.slice();
      scores[i] = -1;
    }
  }
  const keep = candidates.needsNms
    ? nms(boxes, scores, classes, { ...options, conf, maxDet })
    : sortByScore(scores, conf, maxDet);

  const selected = new Float32Array(keep.length * 4);
  for (let k = 0; k < keep.length; k++) selected.set(boxes.subarray(keep[k]! * 4, keep[k]! * 4 + 4), k * 4);
  const mapped = inputToOriginal(selected, transform);
  const out: CocoDetection[] = new Array(keep.length);
  for (let k = 0; k < keep.length; k++) {
    const i = keep[k]!;
    const x1 = mapped[k * 4]!;
    const y1 = mapped[k * 4 + 1]!;
    out[k] = {
      image_id: imageId,
      category_id: categoryIds[classes[i]!]!,
      bbox: [
        round(x1, 3),
        round(y1, 3),
        round(mapped[k * 4 + 2]! - x1, 3),
        round(mapped[k * 4 + 3]! - y1, 3),
      ],
      score: round(scores[i]!, 5),
    };
  }
  return out;
}
