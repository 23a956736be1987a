import type {
  ConfidencePoint,
  Confusion,
  ErrorBreakdown,
  F1,
  Optimal,
  PerClass,
  PrCurves,
  Uncertainty,
} from '../../schema/metrics.ts';
import { discard } from '../discard.ts';
import type { CocoEvaluation } from '../evaluate.ts';
import type { ParallelOptions } from './bootstrap-parallel.ts';
import { startBootstrap } from './bootstrap-parallel.ts';
import { confidenceSweep, countsAtConfidence, scoredOutcomes } from './confidence.ts';
import { confusionMatrix } from './confusion.ts';
import { f1Scores } from './f1.ts';
import { countedGt, groupGtByImage } from './gt-by-image.ts';
import { outcomes } from './outcomes.ts';
import { areaIndex, iouIndex } from './params-index.ts';
import { prCurves } from './pr-curves.ts';
import { classifyErrors } from './tide.ts';
import { errorBreakdown } from './tide-fixes.ts';

export interface AnalysisOptions {
  readonly bootstrap?: ParallelOptions;
}

/** The per-class fields the analysis owns; the metric builder merges them by id into perClass. */
export type PerClassCounts = Pick<PerClass, 'id' | 'tp' | 'fp' | 'fn' | 'confused'>;

/** The metric JSON fields computed here, shaped as src/lib/schema/metrics.ts declares them. */
export interface Analysis {
  readonly curves: { pr: PrCurves; confidence: ConfidencePoint[] };
  readonly optimal: Optimal;
  readonly confusion: Confusion;
  readonly f1: F1;
  readonly errors: ErrorBreakdown;
  readonly uncertainty: Uncertainty;
  /** In category order (ascending id), as gt.categoryIds. */
  readonly perClassCounts: PerClassCounts[];
}

/**
 * The extended analysis of one COCO evaluation, from its matches and accumulation (no second
 * matching pass). Everything at IoU .50 uses pycocotools' matches at that threshold, area all,
 * maxDets 100; docs/methodology.md defines each number.
 */
export function analyze(evaluation: CocoEvaluation, options: AnalysisOptions = {}): Analysis {
  const { matches, gt, params } = evaluation;
  // First, so that a worker computes resamples while this thread does the rest.
  const bootstrap = startBootstrap(evaluation, options.bootstrap);
  const t50 = iouIndex(params, 0.5);
  const all = areaIndex(params, 'all');
  const K = gt.categoryIds.length;
  const status50 = outcomes(matches, t50, all);
  const positivesPerClass = new Float64Array(K);
  let positives = 0;
  for (let k = 0; k < K; k++) {
    positivesPerClass[k] = matches.npig[k * matches.A + all]!;
    positives += positivesPerClass[k]!;
  }

  const scored = scoredOutcomes(matches, evaluation.accumulated.byScore, status50, positives);
  const sweep = confidenceSweep(scored);
  discard(scored.scores, scored.cumTp);
  const conf = sweep.optimal.confidence;
  const counts = countsAtConfidence(matches, status50, positivesPerClass, conf);

  const counted = countedGt(gt, params, all);
  const byImage = groupGtByImage(gt, counted);
  const { confusion, confused } = confusionMatrix(evaluation, status50, t50, conf, byImage, counted);
  const tide = classifyErrors(evaluation, status50, t50, byImage, counted);

  return {
    curves: { pr: prCurves(evaluation), confidence: sweep.points },
    optimal: sweep.optimal,
    confusion,
    f1: f1Scores(evaluation, conf),
    errors: errorBreakdown(evaluation, tide),
    uncertainty: bootstrap.finish(),
    perClassCounts: Array.from({ length: K }, (_, k) => ({
      id: gt.categoryIds[k]!,
      tp: counts.tp[k]!,
      fp: counts.fp[k]!,
      fn: counts.fn[k]!,
      confused: confused[k]!,
    })),
  };
}
