import type { Metrics } from '../schema/metrics.ts';
import { METRICS_SCHEMA_VERSION } from '../schema/metrics-version.ts';
import { analyze } from './analysis/index.ts';
import type { EvalHelper } from './eval-threads.ts';
import type { CocoEvaluation } from './evaluate.ts';
import { EVALUATOR_VERSION } from './params.ts';
import { countedGtPerClass } from './per-class.ts';

/** What the caller knows beyond the two files: the runner fills these, `podium eval` leaves them null. */
export interface MetricsContext {
  model?: Metrics['model'];
  datasetId?: string | null;
  split?: string | null;
  run?: Metrics['run'];
  speed?: Metrics['speed'];
  reported?: Metrics['reported'];
  history?: Metrics['history'];
  samples?: Metrics['samples'];
  bootstrapResamples?: number;
  seed?: number;
  /** A running second thread of the evaluator, for the bootstrap (eval-threads.ts). */
  helper?: EvalHelper | undefined;
}

/** Assembles the metric JSON from the COCO stages and the extended analysis. */
export function buildMetrics(evaluation: CocoEvaluation, ctx: MetricsContext = {}): Metrics {
  const { gt, dt, params, summary } = evaluation;
  const analysis = analyze(evaluation, {
    bootstrap: {
      ...(ctx.bootstrapResamples !== undefined && { resamples: ctx.bootstrapResamples }),
      ...(ctx.seed !== undefined && { seed: ctx.seed }),
      helper: ctx.helper,
    },
  });
  const gtCount = countedGtPerClass(gt);
  let instances = 0;
  for (const n of gtCount) instances += n;

  return {
    schemaVersion: METRICS_SCHEMA_VERSION,
    model: ctx.model ?? null,
    dataset: {
      id: ctx.datasetId ?? null,
      split: ctx.split ?? null,
      annotationsSha256: gt.sha256,
      detectionsSha256: dt.sha256,
      images: gt.imageIds.length,
      instances,
      categories: Array.from(gt.categoryIds, (id, k) => ({ id, name: gt.categoryNames[k]! })),
    },
    evaluator: {
      name: 'podium',
      version: EVALUATOR_VERSION,
      parity: 'pycocotools-2.0 COCOeval bbox',
      params: {
        iouThrs: Array.from(params.iouThrs),
        recThrs: params.recThrs.length,
        maxDets: [...params.maxDets],
        areaRng: params.areaRng.map(([lo, hi]) => [lo, hi] as [number, number]),
        areaRngLbl: [...params.areaRngLbl],
      },
    },
    run: ctx.run ?? null,
    speed: ctx.speed ?? null,
    coco: summary.stats,
    perIoU: summary.perIoU,
    bySize: summary.bySize,
    perClass: summary.perClass.map((c, k) => {
      const { tp, fp, fn, confused } = analysis.perClassCounts[k]!;
      return {
        id: gt.categoryIds[k]!,
        name: gt.categoryNames[k]!,
        gt: gtCount[k]!,
        ...c,
        tp,
        fp,
        fn,
        confused,
      };
    }),
    curves: analysis.curves,
    optimal: analysis.optimal,
    confusion: analysis.confusion,
    f1: analysis.f1,
    errors: analysis.errors,
    uncertainty: analysis.uncertainty,
    reported: ctx.reported ?? null,
    history: ctx.history ?? [],
    samples: ctx.samples ?? [],
  };
}
