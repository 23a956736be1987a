/**
 * The COCO per-class table (no extended analysis): what `podium eval --stats-only` prints, without
 * loading the analysis modules build-metrics.ts needs.
 */
import type { Metrics } from '../schema/metrics.ts';
import type { CocoEvaluation } from './evaluate.ts';
import type { CocoGt } from './load.ts';

/** Non-crowd GT boxes per category index: the metric JSON's `gt` per class. */
export function countedGtPerClass(gt: CocoGt): number[] {
  const ann = gt.annotations;
  const gtCount = new Array<number>(gt.categoryIds.length).fill(0);
  for (let i = 0; i < ann.length; i++) if (ann.crowd[i] === 0) gtCount[ann.cat[i]!]!++;
  return gtCount;
}

/** The COCO part of perClass (no extended analysis), for `podium eval --stats-only`. */
export function cocoPerClass(evaluation: CocoEvaluation): PerClassStats[] {
  const { gt, summary } = evaluation;
  const gtCount = countedGtPerClass(gt);
  return summary.perClass.map((c, k) => ({
    id: gt.categoryIds[k]!,
    name: gt.categoryNames[k]!,
    gt: gtCount[k]!,
    ...c,
  }));
}

export type PerClassStats = Omit<Metrics['perClass'][number], 'tp' | 'fp' | 'fn' | 'confused'>;
