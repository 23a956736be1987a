/**
 * pycocotools' default COCOeval parameters for bounding boxes, reproduced bit for bit.
 *
 * The thresholds are numpy `linspace` values, not decimals: linspace computes
 * `start + i * ((stop - start) / (num - 1))` and then pins the last value to `stop`, so
 * iouThrs[8] is 0.8999999999999999 and recThrs[35] is 0.35000000000000003.
 */
function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

export interface EvalParams {
  /** IoU thresholds, T = 10. */
  readonly iouThrs: Float64Array;
  /** Recall thresholds, R = 101. */
  readonly recThrs: Float64Array;
  /** Detections kept per image and class, M = 3; the last one bounds matching. */
  readonly maxDets: readonly number[];
  /** Closed area ranges [lo, hi], A = 4: all, small, medium, large. */
  readonly areaRng: readonly (readonly [number, number])[];
  readonly areaRngLbl: readonly string[];
}

export const COCO_PARAMS: EvalParams = Object.freeze({
  iouThrs: linspace(0.5, 0.95, Math.round((0.95 - 0.5) / 0.05) + 1),
  recThrs: linspace(0, 1, Math.round(1 / 0.01) + 1),
  maxDets: Object.freeze([1, 10, 100]),
  areaRng: Object.freeze([
    [0, 1e10],
    [0, 32 ** 2],
    [32 ** 2, 96 ** 2],
    [96 ** 2, 1e10],
  ] as const),
  areaRngLbl: Object.freeze(['all', 'small', 'medium', 'large']),
});

/** The evaluator's version: bump when any number it writes could change. */
export const EVALUATOR_VERSION = '1.0.0';
