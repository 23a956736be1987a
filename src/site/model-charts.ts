import type { Metrics } from '../lib/schema/metrics.ts';
import { groupedBars, hbarChart, stackedBar } from './charts/bars.ts';
import { heatmap } from './charts/heatmap.ts';
import { lineChart } from './charts/lines.ts';
import { fixed2, isoDate, metricOrNull, ms, pct } from './format.ts';
import type { Html } from './html.ts';
import type { BoardMetrics } from './read-results.ts';

/** Charts of a model page, each derived from the metric JSON alone. */

const toPct = (v: number) => v * 100;
const pctLabel = (v: number) => `${Math.round(v)}`;

export function speedChart(m: BoardMetrics): Html {
  const s = m.speed;
  return stackedBar({
    id: 'speed-split',
    title: 'Time per image by stage',
    desc: `Preprocess ${ms(s.preprocessMs)} ms, inference ${ms(s.inferenceMs.mean)} ms (mean), postprocess ${ms(s.postprocessMs)} ms.`,
    segments: [
      { label: 'Preprocess', value: s.preprocessMs, group: 2, display: `${ms(s.preprocessMs)} ms` },
      { label: 'Inference', value: s.inferenceMs.mean, group: 0, display: `${ms(s.inferenceMs.mean)} ms` },
      { label: 'Postprocess', value: s.postprocessMs, group: 1, display: `${ms(s.postprocessMs)} ms` },
    ],
  });
}

export function perIouChart(m: Metrics): Html {
  const thr = m.evaluator.params.iouThrs;
  const points = m.perIoU
    .map((v, i) => [thr[i] ?? 0.5 + 0.05 * i, metricOrNull(v)] as const)
    .filter((p): p is readonly [number, number] => p[1] !== null)
    .map(([t, v]): [number, number] => [t, toPct(v)]);
  return lineChart({
    id: 'per-iou',
    title: 'AP at each IoU threshold',
    desc: `AP from ${pct(m.perIoU[0])} at IoU .50 to ${pct(m.perIoU[9])} at IoU .95; their mean is the AP of ${pct(m.coco.AP)}.`,
    xLabel: 'IoU threshold',
    yLabel: 'AP',
    x: { min: 0.5, max: 0.95, format: (v) => v.toFixed(2) },
    y: { min: 0, max: 100, format: pctLabel },
    series: [{ label: 'AP', group: 0, points }],
    markers: points.map(([x, y]) => ({ x, y, group: 0, title: `IoU ${x.toFixed(2)}: AP ${y.toFixed(1)}` })),
    height: 240,
  });
}

export function sizeChart(m: Metrics): Html {
  const { small, medium, large } = m.bySize;
  const met = (v: number) => {
    const x = metricOrNull(v);
    return x === null ? null : toPct(x);
  };
  const series = (label: string, key: 'AP' | 'AP50' | 'AP75', group: number) => ({
    label,
    group,
    values: [met(small[key]), met(medium[key]), met(large[key])],
    format: (v: number) => v.toFixed(1),
  });
  return groupedBars({
    id: 'by-size',
    title: 'AP by object size',
    desc:
      `AP (50:95) small ${pct(small.AP)}, medium ${pct(medium.AP)}, large ${pct(large.AP)}; ` +
      `AP50 small ${pct(small.AP50)}, medium ${pct(medium.AP50)}, large ${pct(large.AP50)}; ` +
      `AP75 small ${pct(small.AP75)}, medium ${pct(medium.AP75)}, large ${pct(large.AP75)}.`,
    groups: ['small', 'medium', 'large'],
    series: [series('AP (50:95)', 'AP', 0), series('AP50', 'AP50', 1), series('AP75', 'AP75', 2)],
    yLabel: 'percent',
    yMax: 100,
    yFormat: pctLabel,
  });
}

/** How many classes are highlighted as best and worst. */
export const HIGHLIGHT = 3;

/** Class ids of the best and worst classes by AP (classes without a value are left out). */
export function bestAndWorst(m: Metrics): { best: Set<number>; worst: Set<number> } {
  const ranked = m.perClass.filter((c) => c.AP >= 0).sort((a, b) => b.AP - a.AP);
  // A quarter of the classes at most, so that on a small dataset not every class is flagged.
  const n = ranked.length < 2 ? 0 : Math.max(1, Math.min(HIGHLIGHT, Math.floor(ranked.length / 4)));
  return {
    best: new Set(ranked.slice(0, n).map((c) => c.id)),
    worst: new Set(ranked.slice(ranked.length - n).map((c) => c.id)),
  };
}

export function perClassChart(m: Metrics): Html {
  const { best, worst } = bestAndWorst(m);
  const rows = m.perClass
    .filter((c) => c.AP >= 0)
    .sort((a, b) => b.AP - a.AP)
    .map((c) => ({
      label: c.name,
      value: toPct(c.AP),
      display: pct(c.AP),
      title: `${c.name}: AP ${pct(c.AP)}, AP50 ${pct(c.AP50)}, ${c.gt} GT`,
      ...(best.has(c.id) ? { cls: 'best' } : worst.has(c.id) ? { cls: 'worst' } : {}),
    }));
  return hbarChart({
    id: 'per-class-ap',
    title: 'AP per class',
    desc: `${rows.length} classes sorted by AP; best: ${rows
      .slice(0, HIGHLIGHT)
      .map((r) => r.label)
      .join(', ')}; worst: ${rows
      .slice(-HIGHLIGHT)
      .map((r) => r.label)
      .join(', ')}.`,
    rows,
    valueLabel: 'AP (50:95), percent',
    max: 100,
    format: pctLabel,
    rowHeight: rows.length > 40 ? 14 : 18,
  });
}

export function prChart(m: Metrics): Html {
  const r = m.curves.pr.recall;
  const curve = (ys: number[]): [number, number][] =>
    ys.map((y, i): [number, number] => [r[i]!, y]).filter(([, y]) => y >= 0);
  return lineChart({
    id: 'pr-curves',
    title: 'Precision against recall',
    desc: `Interpolated precision over 101 recall points, averaged over classes: at IoU .50 (area ≈ AP50 ${pct(m.coco.AP50)}) and averaged over IoU .50:.95 (area ≈ AP ${pct(m.coco.AP)}).`,
    xLabel: 'Recall',
    yLabel: 'Precision',
    x: { min: 0, max: 1, format: fixed2 },
    y: { min: 0, max: 1, format: (v) => v.toFixed(1) },
    series: [
      { label: 'All classes, IoU .50', group: 0, points: curve(m.curves.pr.iou50) },
      { label: 'All classes, IoU .50:.95', group: 0, points: curve(m.curves.pr.iou50_95), dashed: true },
      { label: 'Selected class, IoU .50', group: 1, points: [], key: 'class-50' },
      { label: 'Selected class, IoU .50:.95', group: 1, points: [], dashed: true, key: 'class-50-95' },
    ],
  });
}

/** Per-class curves for the page's class picker, rounded to keep the page light. */
export function perClassCurves(m: Metrics): { id: number; name: string; a: number[]; b: number[] }[] {
  const names = new Map(m.perClass.map((c) => [c.id, c.name]));
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  return m.curves.pr.perClass.map((c) => ({
    id: c.id,
    name: names.get(c.id) ?? String(c.id),
    a: c.iou50.map(r3),
    b: c.iou50_95.map(r3),
  }));
}

export function confidenceChart(m: Metrics): Html {
  const pts = [...m.curves.confidence].sort((a, b) => a.conf - b.conf);
  const o = m.optimal;
  return lineChart({
    id: 'confidence',
    title: 'Precision, recall and F1 against the confidence threshold',
    desc: `At IoU .50. F1 peaks at ${pct(o.f1)} at confidence ${fixed2(o.confidence)} (precision ${pct(o.precision)}, recall ${pct(o.recall)}).`,
    xLabel: 'Confidence threshold',
    yLabel: 'percent',
    x: { min: 0, max: 1, format: fixed2 },
    y: { min: 0, max: 100, format: pctLabel },
    series: [
      { label: 'Precision', group: 0, points: pts.map((p) => [p.conf, toPct(p.precision)]) },
      { label: 'Recall', group: 2, points: pts.map((p) => [p.conf, toPct(p.recall)]) },
      { label: 'F1', group: 1, points: pts.map((p) => [p.conf, toPct(p.f1)]) },
    ],
    markers: [
      {
        x: o.confidence,
        y: toPct(o.f1),
        group: 1,
        title: `F1-optimal: ${fixed2(o.confidence)} (F1 ${pct(o.f1)})`,
      },
    ],
    rules: [
      { x: o.confidence, label: `optimal ${fixed2(o.confidence)}`, key: 'optimal' },
      { x: o.confidence, label: '', key: 'cursor' },
    ],
  });
}

export function confusionChart(m: Metrics): Html {
  const { labels, matrix } = m.confusion;
  const k = labels.length;
  const rowSums = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...matrix.flat());
  const logMax = Math.log1p(max);
  return heatmap({
    id: 'confusion',
    title: 'Confusion matrix',
    desc: `Rows: ground truth (last row: background, i.e. false positives). Columns: predictions (last column: background, i.e. missed objects). At IoU ${fixed2(m.confusion.iou)} and confidence ${fixed2(m.confusion.confidence)}.`,
    rows: labels.map((label) => ({ label })),
    cols: labels.map((label) => ({ label })),
    cell: (i, j) => {
      const n = matrix[i]?.[j] ?? 0;
      if (n === 0) return null;
      const share = rowSums[i] ? n / rowSums[i]! : 0;
      const from = i === k - 1 ? 'background (no object)' : labels[i];
      const to = j === k - 1 ? 'background (missed)' : labels[j];
      return {
        v: share,
        alt: Math.log1p(n) / logMax,
        text: k <= 16 ? String(n) : '',
        title: `${from} → ${to}: ${n.toLocaleString('en-US')} (${(share * 100).toFixed(1)}% of the row)`,
        ...(i === j ? { cls: 'diag' } : {}),
      };
    },
    cellSize: k > 40 ? 10 : k > 16 ? 14 : 34,
    rowLabelWidth: 120,
    colLabelHeight: 90,
    showText: k <= 16,
    rowCaption: 'ground truth',
    colCaption: 'predicted',
  });
}

export const ERROR_LABELS: Record<keyof Metrics['errors'], { label: string; description: string }> = {
  cls: { label: 'Classification', description: 'Right place, wrong class.' },
  loc: {
    label: 'Localisation',
    description: 'Right class, box overlaps the object with IoU between .1 and .5.',
  },
  both: { label: 'Class and box', description: 'Wrong class and a poor box.' },
  dupe: { label: 'Duplicate', description: 'A second detection of an already detected object.' },
  bkg: { label: 'Background', description: 'A detection on no object at all.' },
  miss: { label: 'Missed', description: 'An object no detection found.' },
};

export function errorsChart(m: Metrics): Html {
  const keys = Object.keys(ERROR_LABELS) as (keyof Metrics['errors'])[];
  return hbarChart({
    id: 'errors',
    title: 'AP50 lost to each kind of error',
    desc: keys
      .map((k) => `${ERROR_LABELS[k].label}: ${pct(m.errors[k].dAP50)} points (${m.errors[k].count})`)
      .join('; '),
    rows: keys.map((k) => ({
      label: ERROR_LABELS[k].label,
      value: toPct(Math.max(0, m.errors[k].dAP50)),
      display: `${(m.errors[k].dAP50 * 100).toFixed(1)} (${m.errors[k].count.toLocaleString('en-US')})`,
      title: `${ERROR_LABELS[k].label}: ${m.errors[k].count} errors; fixing them all would add ${(m.errors[k].dAP50 * 100).toFixed(1)} AP50`,
    })),
    valueLabel: 'AP50 points gained if fixed',
    labelWidth: 110,
    rowHeight: 24,
    format: (v) => v.toFixed(0),
  });
}

export interface TimelinePoint {
  date: string;
  AP: number | null;
  latency: number | null;
  device: string | null;
  podiumVersion: string;
  current: boolean;
}

/** Earlier runs and this one, oldest first. */
export function timeline(m: BoardMetrics): TimelinePoint[] {
  const past = m.history.map((h) => ({
    date: h.date,
    AP: metricOrNull(h.AP),
    latency: h.inferenceMs,
    device: h.device,
    podiumVersion: h.podiumVersion,
    current: false,
  }));
  const now = {
    date: m.run.date,
    AP: metricOrNull(m.coco.AP),
    latency: m.speed.inferenceMs.p50,
    device: m.run.device,
    podiumVersion: m.run.podiumVersion,
    current: true,
  };
  return [...past.filter((p) => p.date !== now.date), now].sort(
    (a, b) => Date.parse(a.date) - Date.parse(b.date),
  );
}

export function historyCharts(points: TimelinePoint[]): { ap: Html; latency: Html } {
  const t = (p: TimelinePoint) => Date.parse(p.date);
  const ticks = points.map((p) => ({ value: t(p), label: isoDate(p.date) }));
  const xs = points.map(t);
  const x = {
    min: Math.min(...xs),
    max: Math.max(...xs) === Math.min(...xs) ? Math.min(...xs) + 86400_000 : Math.max(...xs),
    ticks,
  };
  const ap = points.filter((p) => p.AP !== null).map((p): [number, number] => [t(p), toPct(p.AP!)]);
  const lat = points.filter((p) => p.latency !== null).map((p): [number, number] => [t(p), p.latency!]);
  return {
    ap: lineChart({
      id: 'history-ap',
      title: 'AP over re-benchmarks',
      desc: points.map((p) => `${isoDate(p.date)}: AP ${pct(p.AP)}`).join('; '),
      xLabel: 'Run date',
      yLabel: 'AP',
      x,
      y: {},
      series: [{ label: 'AP', group: 0, points: ap }],
      markers: ap.map(([x, y]) => ({
        x,
        y,
        group: 0,
        title: `${isoDate(new Date(x).toISOString())}: AP ${y.toFixed(1)}`,
      })),
      height: 220,
      width: 480,
    }),
    latency: lineChart({
      id: 'history-latency',
      title: 'Latency over re-benchmarks',
      desc: points
        .map((p) => `${isoDate(p.date)}: ${ms(p.latency)} ms on ${p.device ?? 'unknown device'}`)
        .join('; '),
      xLabel: 'Run date',
      yLabel: 'ms per image',
      x,
      y: { min: 0 },
      series: [{ label: 'Inference latency', group: 1, points: lat }],
      markers: lat.map(([x, y]) => ({
        x,
        y,
        group: 1,
        title: `${isoDate(new Date(x).toISOString())}: ${ms(y)} ms`,
      })),
      height: 220,
      width: 480,
    }),
  };
}
