import type { Accumulated } from './accumulate.ts';
import { accumulate, summarySlices } from './accumulate.ts';
import { discard } from './discard.ts';
import type { CocoGt, Detections } from './load.ts';
import type { Matches } from './match.ts';
import { matchDetections } from './match.ts';
import type { EvalParams } from './params.ts';
import { COCO_PARAMS } from './params.ts';
import { drainRecycled } from './recycled-memory.ts';
import type { Summary } from './summarize.ts';
import { summarize } from './summarize.ts';

/** Everything the three COCO stages produce; the extended analyses read from it. */
export interface CocoEvaluation {
  readonly gt: CocoGt;
  readonly dt: Detections;
  readonly params: EvalParams;
  readonly matches: Matches;
  readonly accumulated: Accumulated;
  readonly summary: Summary;
}

/** pycocotools' evaluate → accumulate → summarize for bounding boxes, with its default parameters. */
export function evaluateCoco(gt: CocoGt, dt: Detections, params: EvalParams = COCO_PARAMS): CocoEvaluation {
  const matches = matchDetections(gt, dt, params);
  const slices = summarySlices(gt.categoryIds.length, params);
  const accumulated = accumulate(matches, params, slices);
  const summary = summarize(accumulated, params, slices);
  discard(slices.byArea, slices.byClass);
  drainRecycled();
  return { gt, dt, params, matches, accumulated, summary };
}
