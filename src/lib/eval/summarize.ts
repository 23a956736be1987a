import type { BySize, CocoStats } from '../schema/metrics.ts';
import type { Accumulated, SummarySlices } from './accumulate.ts';
import { precisionIndex, recallIndex } from './accumulate.ts';
import { meanOfDefined } from './numpy-mean.ts';
import type { EvalParams } from './params.ts';

/** Stage 3 of 3 (pycocotools' `summarize`), returning values instead of printing them. */
export interface Summary {
  readonly stats: CocoStats;
  /** AP at each IoU threshold, all areas, maxDets 100. */
  readonly perIoU: number[];
  /** AP, AP50, AP75 and AR100 for each object size. */
  readonly bySize: BySize;
  /** Per category index: AP, AP50, AP75, APs, APm, APl (maxDets 100) and AR100; -1 where undefined. */
  readonly perClass: {
    AP: number;
    AP50: number;
    AP75: number;
    APs: number;
    APm: number;
    APl: number;
    AR100: number;
  }[];
}

/** SummarySlices' layouts for maxDets index m, from precision. */
function precisionSlices(acc: Accumulated, m: number): SummarySlices {
  const { T, R, K, A, M } = acc;
  const byArea = new Float64Array(A * T * R * K);
  const byClass = new Float64Array(A * K * T * R);
  for (let t = 0; t < T; t++)
    for (let r = 0; r < R; r++)
      for (let k = 0; k < K; k++)
        for (let a = 0; a < A; a++) {
          const v = acc.precision[precisionIndex(acc, t, r, k, 0, m) + a * M]!;
          byArea[((a * T + t) * R + r) * K + k] = v;
          byClass[((a * K + k) * T + t) * R + r] = v;
        }
  return { byArea, byClass };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * `lastMaxDets`: the slices accumulate wrote (SummarySlices), read instead of gathered from
 * precision where maxDets 100 is the last.
 */
export function summarize(acc: Accumulated, params: EvalParams, lastMaxDets?: SummarySlices): Summary {
  const thr = (v: number): number => {
    // pycocotools selects with `np.where(iouThr == p.iouThrs)`: exact float equality.
    const i = params.iouThrs.indexOf(v);
    if (i < 0) throw new Error(`IoU threshold ${v} is not among the parameters`);
    return i;
  };
  const area = (label: string): number => params.areaRngLbl.indexOf(label);
  const det = (n: number): number => params.maxDets.indexOf(n);
  const m100 = det(100);
  const { T, R, K } = acc;
  // Without maxDets 100 every AP is pycocotools' mean of nothing. Its precision values, as
  // accumulate laid them out for these selections (when asked to: lastMaxDets) (each one contiguous, in the C order numpy
  // flattens `s[s > -1]` in), where 100 is the last maxDets, as in COCO's parameters.
  const slices =
    m100 < 0 ? null : m100 === acc.M - 1 && lastMaxDets ? lastMaxDets : precisionSlices(acc, m100);
  /** AP at maxDets 100: one IoU threshold t or all (null), one class k or all. */
  const ap = (t: number | null, areaLabel: string, k: number | null = null) => {
    if (!slices) return -1;
    const a = area(areaLabel);
    const t0 = t ?? 0;
    const nT = t === null ? T : 1;
    return k === null
      ? meanOfDefined(slices.byArea, nT * R * K, (a * T + t0) * R * K)
      : meanOfDefined(slices.byClass, nT * R, ((a * K + k) * T + t0) * R);
  };
  /** AR over all IoU thresholds: pycocotools' recall values, in their (t, k) order. */
  const recalls = new Float64Array(T * K);
  const ar = (areaLabel: string, m: number, k: number | null = null) => {
    if (m < 0) return -1;
    const a = area(areaLabel);
    let n = 0;
    for (let t = 0; t < T; t++)
      for (let kk = k ?? 0; kk < (k === null ? K : k + 1); kk++)
        recalls[n++] = acc.recall[recallIndex(acc, t, kk, a, m)]!;
    return meanOfDefined(recalls, n);
  };

  const stats: CocoStats = {
    AP: ap(null, 'all'),
    AP50: ap(thr(0.5), 'all'),
    AP75: ap(thr(0.75), 'all'),
    APs: ap(null, 'small'),
    APm: ap(null, 'medium'),
    APl: ap(null, 'large'),
    AR1: ar('all', det(1)),
    AR10: ar('all', det(10)),
    AR100: ar('all', m100),
    ARs: ar('small', m100),
    ARm: ar('medium', m100),
    ARl: ar('large', m100),
  };
  const perIoU = range(acc.T).map((t) => ap(t, 'all'));
  const size = (a: string) => ({
    AP: ap(null, a),
    AP50: ap(thr(0.5), a),
    AP75: ap(thr(0.75), a),
    AR100: ar(a, m100),
  });
  const bySize: BySize = { small: size('small'), medium: size('medium'), large: size('large') };
  const perClass = range(acc.K).map((k) => ({
    AP: ap(null, 'all', k),
    AP50: ap(thr(0.5), 'all', k),
    AP75: ap(thr(0.75), 'all', k),
    APs: ap(null, 'small', k),
    APm: ap(null, 'medium', k),
    APl: ap(null, 'large', k),
    AR100: ar('all', m100, k),
  }));
  return { stats, perIoU, bySize, perClass };
}

/** pycocotools' 12-line summary, in its layout. */
export function formatSummary(stats: CocoStats): string {
  const rows: [string, string, string, string, keyof CocoStats][] = [
    ['Average Precision', '(AP)', '0.50:0.95', '   all', 'AP'],
    ['Average Precision', '(AP)', '0.50     ', '   all', 'AP50'],
    ['Average Precision', '(AP)', '0.75     ', '   all', 'AP75'],
    ['Average Precision', '(AP)', '0.50:0.95', ' small', 'APs'],
    ['Average Precision', '(AP)', '0.50:0.95', 'medium', 'APm'],
    ['Average Precision', '(AP)', '0.50:0.95', ' large', 'APl'],
    ['Average Recall', '(AR)', '0.50:0.95', '   all', 'AR1'],
    ['Average Recall', '(AR)', '0.50:0.95', '   all', 'AR10'],
    ['Average Recall', '(AR)', '0.50:0.95', '   all', 'AR100'],
    ['Average Recall', '(AR)', '0.50:0.95', ' small', 'ARs'],
    ['Average Recall', '(AR)', '0.50:0.95', 'medium', 'ARm'],
    ['Average Recall', '(AR)', '0.50:0.95', ' large', 'ARl'],
  ];
  const dets: Record<string, number> = { AR1: 1, AR10: 10 };
  return rows
    .map(([title, kind, iou, areaLbl, key]) => {
      const maxDets = String(dets[key] ?? 100).padStart(3);
      return ` ${title.padEnd(18)} ${kind} @[ IoU=${iou} | area=${areaLbl} | maxDets=${maxDets} ] = ${stats[key].toFixed(3)}`;
    })
    .join('\n');
}
