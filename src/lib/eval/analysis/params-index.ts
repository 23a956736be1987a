import type { EvalParams } from '../params.ts';

/**
 * Index of an IoU threshold, compared exactly as pycocotools' summarize does
 * (`np.where(iouThr == p.iouThrs)`): 0.5 and 0.75 are exact linspace values.
 */
export function iouIndex(params: EvalParams, iou: number): number {
  const i = params.iouThrs.indexOf(iou);
  if (i < 0) throw new Error(`IoU threshold ${iou} is not among the evaluation parameters`);
  return i;
}

export function areaIndex(params: EvalParams, label: string): number {
  const i = params.areaRngLbl.indexOf(label);
  if (i < 0) throw new Error(`area range "${label}" is not among the evaluation parameters`);
  return i;
}

export function maxDetsIndex(params: EvalParams, maxDets: number): number {
  const i = params.maxDets.indexOf(maxDets);
  if (i < 0) throw new Error(`maxDets ${maxDets} is not among the evaluation parameters`);
  return i;
}
