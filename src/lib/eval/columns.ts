/**
 * The evaluator's in-memory entry point: detections handed over as columns, no JSON in between.
 *
 *   const evaluation = evaluateColumns(gt, {
 *     length, imageId, categoryId, x, y, w, h, score,   // COCO ids and bbox [x, y, w, h]
 *   });
 *
 * Entry i of every column is detection i of the equivalent COCO results list
 * `[{image_id, category_id, bbox: [x, y, w, h], score}, …]`, and that order matters: it breaks
 * score ties exactly as pycocotools' loadRes order does. The columns are validated with the rules
 * (and error messages: `[i].bbox[2]: negative width -3`) of the JSON loader, and the result is
 * bit-identical to writing the list to a file and running `podium eval` on it; its
 * detectionsSha256 is the sha256 of that list's JSON.stringify text unless the caller gives one.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../util/errors.ts';
import type { CocoEvaluation } from './evaluate.ts';
import { evaluateCoco } from './evaluate.ts';
import type { CocoGt, Detections } from './load.ts';
import { allocDetections, sortedIndex } from './load.ts';
import type { EvalParams } from './params.ts';
import { COCO_PARAMS } from './params.ts';

/** A COCO results list as columns (COCO ids, not indices), in list order. */
export interface DetectionColumns {
  readonly length: number;
  readonly imageId: ArrayLike<number>;
  readonly categoryId: ArrayLike<number>;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly w: ArrayLike<number>;
  readonly h: ArrayLike<number>;
  readonly score: ArrayLike<number>;
}

export interface ColumnsOptions {
  /** Names the source in error messages (default "detections"). */
  readonly label?: string;
  /** Recorded as detectionsSha256; default: sha256OfDetectionColumns. */
  readonly sha256?: string;
  readonly params?: EvalParams;
}

function fail(file: string, path: string, message: string): never {
  throw new UserError(`${path}: ${message}`, { file });
}

/** Validates the columns against the ground truth and maps ids to the evaluator's indices. */
export function detectionsFromColumns(
  cols: DetectionColumns,
  gt: CocoGt,
  options: Omit<ColumnsOptions, 'params'> = {},
): Detections {
  const file = options.label ?? 'detections';
  const n = cols.length;
  const imgIndex = sortedIndex(gt.imageIds);
  const catIndex = sortedIndex(gt.categoryIds);
  const out = allocDetections(n, '');
  const box = [cols.x, cols.y, cols.w, cols.h];
  const outBox = [out.x, out.y, out.w, out.h];
  let lastImageId = Number.NaN;
  let lastImg = -1;
  for (let i = 0; i < n; i++) {
    const imageId = cols.imageId[i]!;
    if (imageId !== lastImageId) {
      const img = imgIndex.get(imageId);
      if (img === undefined) {
        if (!Number.isInteger(imageId))
          fail(file, `[${i}].image_id`, `expected an integer id, got ${imageId}`);
        fail(file, `[${i}].image_id`, `image id ${imageId} is not in the ground truth`);
      }
      lastImageId = imageId;
      lastImg = img;
    }
    const catId = cols.categoryId[i]!;
    const cat = catIndex.get(catId);
    if (cat === undefined) {
      if (!Number.isInteger(catId)) fail(file, `[${i}].category_id`, `expected an integer id, got ${catId}`);
      fail(file, `[${i}].category_id`, `category id ${catId} is not in the ground truth's categories`);
    }
    for (let j = 0; j < 4; j++) {
      const c = box[j]![i]!;
      if (!Number.isFinite(c)) fail(file, `[${i}].bbox[${j}]`, `expected a finite number, got ${c}`);
      if (j >= 2 && c < 0) fail(file, `[${i}].bbox[${j}]`, `negative ${j === 2 ? 'width' : 'height'} ${c}`);
      outBox[j]![i] = c;
    }
    const score = cols.score[i]!;
    if (!Number.isFinite(score)) fail(file, `[${i}].score`, `expected a finite number, got ${score}`);
    out.img[i] = lastImg;
    out.cat[i] = cat;
    out.score[i] = score;
  }
  return { ...out, sha256: options.sha256 ?? sha256OfDetectionColumns(cols) };
}

/**
 * sha256 of `JSON.stringify([{image_id, category_id, bbox: [x, y, w, h], score}, …])` for these
 * columns (the value sha256OfJson gives the list), without building the objects or the string.
 */
export function sha256OfDetectionColumns(cols: DetectionColumns): string {
  const hash = createHash('sha256');
  let chunk = '[';
  for (let i = 0; i < cols.length; i++) {
    // String(n) is JSON.stringify's number format for finite n (and -0 prints as 0 in both).
    chunk += `${i === 0 ? '' : ','}{"image_id":${cols.imageId[i]},"category_id":${cols.categoryId[i]},"bbox":[${cols.x[i]},${cols.y[i]},${cols.w[i]},${cols.h[i]}],"score":${cols.score[i]}}`;
    if (chunk.length > 1 << 16) {
      hash.update(chunk);
      chunk = '';
    }
  }
  hash.update(`${chunk}]`);
  return hash.digest('hex');
}

/** pycocotools' COCOeval (bbox) on detections held in memory; see the top of this module. */
export function evaluateColumns(
  gt: CocoGt,
  dt: DetectionColumns,
  options: ColumnsOptions = {},
): CocoEvaluation {
  return evaluateCoco(gt, detectionsFromColumns(dt, gt, options), options.params ?? COCO_PARAMS);
}
