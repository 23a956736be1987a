import type { BySize, CocoStats } from '../schema/metrics.ts';
import type { Accumulated } from './accumulate.ts';
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

interface Selection {
  /** IoU threshold indices; null = all. */
  t: number | null;
  k: number | null;
  a: number;
  m: number;
}

/** Scratch for one selection's values (summarize runs one selection at a time). */
let selected = new Float64Array(0);

/**
 * Precision values of a selection into `selected`, in the C order numpy flattens `s[s > -1]` in
 * (t, r, k); returns their count.
 */
function precisionValues(acc: Accumulated, s: Selection): number {
  const t0 = s.t ?? 0;
  const t1 = s.t === null ? acc.T : s.t + 1;
  const k0 = s.k ?? 0;
  const k1 = s.k === null ? acc.K : s.k + 1;
  const n = (t1 - t0) * acc.R * (k1 - k0);
  if (selected.length < n) selected = new Float64Array(n);
  const p = acc.precision;
  const kStride = acc.A * acc.M;
  let o = 0;
  for (let t = t0; t < t1; t++)
    for (let r = 0; r < acc.R; r++) {
      let i = precisionIndex(acc, t, r, k0, s.a, s.m);
      for (let k = k0; k < k1; k++, i += kStride) selected[o++] = p[i]!;
    }
  return o;
}

function recallValues(acc: Accumulated, s: Selection): number {
  const t0 = s.t ?? 0;
  const t1 = s.t === null ? acc.T : s.t + 1;
  const k0 = s.k ?? 0;
  const k1 = s.k === null ? acc.K : s.k + 1;
  const n = (t1 - t0) * (k1 - k0);
  if (selected.length < n) selected = new Float64Array(n);
  let o = 0;
  for (let t = t0; t < t1; t++)
    for (let k = k0; k < k1; k++) selected[o++] = acc.recall[recallIndex(acc, t, k, s.a, s.m)]!;
  return o;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

export function summarize(acc: Accumulated, params: EvalParams): Summary {
  const thr = (v: number): number => {
    // pycocotools selects with `np.where(iouThr == p.iouThrs)`: exact float equality.
    const i = params.iouThrs.indexOf(v);
    if (i < 0) throw new Error(`IoU threshold ${v} is not among the parameters`);
    return i;
  };
  const area = (label: string): number => params.areaRngLbl.indexOf(label);
  const det = (n: number): number => params.maxDets.indexOf(n);
  const m100 = det(100);
  const ap = (t: number | null, a: string, m: number, k: number | null = null) => {
    const n = precisionValues(acc, { t, k, a: area(a), m });
    return meanOfDefined(selected, n);
  };
  const ar = (a: string, m: number, k: number | null = null) => {
    const n = recallValues(acc, { t: null, k, a: area(a), m });
    return meanOfDefined(selected, n);
  };

  const stats: CocoStats = {
    AP: ap(null, 'all', m100),
    AP50: ap(thr(0.5), 'all', m100),
    AP75: ap(thr(0.75), 'all', m100),
    APs: ap(null, 'small', m100),
    APm: ap(null, 'medium', m100),
    APl: ap(null, 'large', m100),
    AR1: ar('all', det(1)),
    AR10: ar('all', det(10)),
    AR100: ar('all', m100),
    ARs: ar('small', m100),
    ARm: ar('medium', m100),
    ARl: ar('large', m100),
  };
  const perIoU = range(acc.T).map((t) => ap(t, 'all', m100));
  const size = (a: string) => ({
    AP: ap(null, a, m100),
    AP50: ap(thr(0.5), a, m100),
    AP75: ap(thr(0.75), a, m100),
    AR100: ar(a, m100),
  });
  const bySize: BySize = { small: size('small'), medium: size('medium'), large: size('large') };
  const perClass = range(acc.K).map((k) => ({
    AP: ap(null, 'all', m100, k),
    AP50: ap(thr(0.5), 'all', m100, k),
    AP75: ap(thr(0.75), 'all', m100, k),
    APs: ap(null, 'small', m100, k),
    APm: ap(null, 'medium', m100, k),
    APl: ap(null, 'large', m100, k),
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
