import type { BoardRow } from './board.ts';
import { heatmap } from './charts/heatmap.ts';
import { scatterChart } from './charts/scatter.ts';
import { metricOrNull, ms, params, pct } from './format.ts';
import type { Html } from './html.ts';
import type { ResultSummary } from './summary.ts';

/** Chart and table content of a board page, derived from its rows. */

export interface Legend {
  label: string;
  group: number;
}

const PALETTE = 8;

function groups(values: readonly string[]): Map<string, number> {
  return new Map([...new Set(values)].sort().map((v, i) => [v, i % PALETTE]));
}

export function latencyChart(rows: readonly BoardRow[], dataset: string): { svg: Html; legend: Legend[] } {
  const devices = groups(rows.map((r) => r.device));
  const points = rows
    .filter((r) => r.AP !== null && r.latency > 0)
    .map((r) => ({
      key: r.key,
      x: r.latency,
      y: r.AP! * 100,
      group: devices.get(r.device)!,
      title: `${r.name}: AP ${pct(r.AP)}, ${ms(r.latency)} ms on ${r.device}`,
      href: r.href,
    }));
  const fronts = [...devices].map(([device, group]) => ({
    group,
    keys: rows
      .filter((r) => r.front && r.device === device && r.AP !== null)
      .sort((a, b) => a.latency - b.latency)
      .map((r) => r.key),
  }));
  return {
    svg: scatterChart({
      id: `latency-${dataset}`,
      title: 'AP against inference latency',
      desc: `${points.length} models; x: median inference time per image in milliseconds (log scale), y: AP. Dashed lines join the Pareto-optimal models of each device.`,
      xLabel: 'Inference latency, ms per image (log scale)',
      yLabel: 'AP (50:95)',
      xLog: true,
      points,
      fronts,
    }),
    legend: [...devices].map(([label, group]) => ({ label, group })),
  };
}

export function paramsChart(rows: readonly BoardRow[], dataset: string): { svg: Html; legend: Legend[] } {
  const families = groups(rows.map((r) => r.family));
  const usable = rows.filter((r) => r.AP !== null && r.params !== null && r.params > 0);
  return {
    svg: scatterChart({
      id: `params-${dataset}`,
      title: 'AP against parameter count',
      desc: `${usable.length} models; x: parameter count (log scale), y: AP. The dashed line joins the Pareto-optimal models.`,
      xLabel: 'Parameters (log scale)',
      // Axis labels drop trailing zeros: 3M, 10M, 300K.
      xFormat: (v) => params(v).replace(/\.0+(?=[KMB]$)/, ''),
      yLabel: 'AP (50:95)',
      xLog: true,
      points: usable.map((r) => ({
        key: r.key,
        x: r.params!,
        y: r.AP! * 100,
        group: families.get(r.family)!,
        title: `${r.name}: AP ${pct(r.AP)}, ${params(r.params)} parameters`,
        href: r.href,
      })),
      fronts: [
        {
          group: PALETTE - 2,
          keys: usable
            .filter((r) => r.frontParams)
            .sort((a, b) => a.params! - b.params!)
            .map((r) => r.key),
        },
      ],
    }),
    legend: [...families].map(([label, group]) => ({ label, group })),
  };
}

/** Models shown in the board's class heatmap: the top of the ranking keeps it legible and light. */
export const HEATMAP_MODELS = 30;

/**
 * AP per class (columns) for the top models (rows). Shades span the range shown (lowest to highest
 * AP in the grid), so differences between strong models stay visible; the caption states the range.
 */
export function classHeatmap(
  rows: readonly BoardRow[],
  results: readonly ResultSummary[],
  dataset: string,
  limit = HEATMAP_MODELS,
): { svg: Html; min: number; max: number; models: number } {
  const byModel = new Map(results.map((r) => [r.model, r]));
  const top = rows.slice(0, limit);
  const classes = results[0]?.perClass ?? [];
  const classIndex = top.map((r) => new Map((byModel.get(r.key)?.perClass ?? []).map((c) => [c.id, c])));
  const values = classIndex
    .flatMap((ix) => classes.map((c) => metricOrNull(ix.get(c.id)?.AP)))
    .filter((v) => v !== null);
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 1;
  const shade = (v: number) => (max > min ? 0.08 + (0.92 * (v - min)) / (max - min) : 0.6);
  const svg = heatmap({
    id: `classes-${dataset}`,
    title: 'AP per class and model',
    desc: `AP of each class for the ${top.length} best models; darker is higher, from ${pct(min)} to ${pct(max)}.`,
    rows: top.map((r) => ({ label: `${r.rank}. ${r.name}`, href: r.href })),
    cols: classes.map((c) => ({ label: c.name })),
    cell: (i, j) => {
      const ap = metricOrNull(classIndex[i]!.get(classes[j]!.id)?.AP);
      if (ap === null) return null;
      return { v: shade(ap), title: `${top[i]!.name} · ${classes[j]!.name}: AP ${pct(ap)}` };
    },
    cellSize: classes.length > 40 ? 12 : classes.length > 12 ? 18 : 30,
    rowLabelWidth: 170,
    colLabelHeight: 96,
  });
  return { svg, min, max, models: top.length };
}

export interface BestPerClass {
  id: number;
  name: string;
  gt: number;
  best: { key: string; name: string; href: string; AP: number } | null;
  runnerUp: { name: string; AP: number } | null;
  median: number | null;
}

/** For each class, the visible model with the highest AP on it, the runner-up and the board's median. */
export function bestPerClass(rows: readonly BoardRow[], results: readonly ResultSummary[]): BestPerClass[] {
  const visible = new Map(rows.map((r) => [r.key, r]));
  const entries = results.filter((r) => visible.has(r.model));
  const classes = results[0]?.perClass ?? [];
  return classes.map((cls) => {
    const scored = entries
      .map((r) => ({
        row: visible.get(r.model)!,
        ap: metricOrNull(r.perClass.find((c) => c.id === cls.id)?.AP),
      }))
      .filter((s): s is { row: BoardRow; ap: number } => s.ap !== null)
      .sort((a, b) => b.ap - a.ap || a.row.rank - b.row.rank);
    const aps = scored.map((s) => s.ap).sort((a, b) => a - b);
    const mid = aps.length ? (aps[(aps.length - 1) >> 1]! + aps[aps.length >> 1]!) / 2 : null;
    const first = scored[0];
    const second = scored[1];
    return {
      id: cls.id,
      name: cls.name,
      gt: cls.gt,
      best: first ? { key: first.row.key, name: first.row.name, href: first.row.href, AP: first.ap } : null,
      runnerUp: second ? { name: second.row.name, AP: second.ap } : null,
      median: mid,
    };
  });
}

export interface BestPerSize {
  size: 'small' | 'medium' | 'large';
  metric: 'APs' | 'APm' | 'APl';
  best: BoardRow | null;
  value: number | null;
}

export function bestPerSize(rows: readonly BoardRow[]): BestPerSize[] {
  return (
    [
      ['small', 'APs'],
      ['medium', 'APm'],
      ['large', 'APl'],
    ] as const
  ).map(([size, metric]) => {
    let best: BoardRow | null = null;
    for (const r of rows) {
      const v = r[metric];
      if (v !== null && (best === null || v > (best[metric] ?? -1))) best = r;
    }
    return { size, metric, best, value: best ? best[metric] : null };
  });
}
