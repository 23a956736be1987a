import { type BoardRow, gapIsFlagged } from './board.ts';
import { DASH, gflops, isoDate, ms, params, pct, signedPoints } from './format.ts';
import { type Html, html } from './html.ts';

/**
 * The leaderboard's columns, declared once: the table, its sorting, the column picker and the
 * CSV / JSON / LaTeX exports all read this list (at build time and in the browser).
 */
export interface Column {
  id: string;
  /** Header text (short). */
  label: string;
  /** What the number is; shown as the header's tooltip and on the methodology page. */
  description: string;
  numeric: boolean;
  /** Direction of "better", used for the first click's sort order and for bold-best in LaTeX. */
  better: 'higher' | 'lower' | null;
  /** Shown unless the reader hides it. */
  visible: boolean;
  /** Raw value for sorting; null sorts last. */
  value: (r: BoardRow) => number | string | null;
  /** Display text (also the LaTeX cell). */
  text: (r: BoardRow) => string;
  /** Value written to CSV and JSON (percent for metrics, so files read like the table). */
  exported: (r: BoardRow) => number | string | null;
  /** Rich cell markup; defaults to the escaped text. */
  cell?: (r: BoardRow) => Html;
}

const round2 = (v: number | null) => (v === null ? null : Math.round(v * 10000) / 100);

function metric(
  id: 'AP' | 'AP50' | 'AP75' | 'APs' | 'APm' | 'APl' | 'AR100',
  label: string,
  description: string,
  visible = true,
): Column {
  return {
    id,
    label,
    description,
    numeric: true,
    better: 'higher',
    visible,
    value: (r) => r[id],
    text: (r) => pct(r[id]),
    exported: (r) => round2(r[id]),
  };
}

export const COLUMNS: readonly Column[] = [
  {
    id: 'rank',
    label: '#',
    description:
      'Rank by AP. "≈" marks a model whose 95% bootstrap interval of AP overlaps a neighbour\'s: their order is not significant.',
    numeric: true,
    better: 'lower',
    visible: true,
    value: (r) => r.rank,
    text: (r) => `${r.rank}${r.tie ? '≈' : ''}`,
    exported: (r) => r.rank,
    cell: (r) =>
      r.tie
        ? html`${r.rank}<span class="tie" title="AP interval overlaps a neighbour's: a statistical tie">≈</span>`
        : html`${r.rank}`,
  },
  {
    id: 'name',
    label: 'Model',
    description: 'Model name; opens its page on this dataset.',
    numeric: false,
    better: null,
    visible: true,
    value: (r) => r.name.toLowerCase(),
    text: (r) => r.name,
    exported: (r) => r.name,
    cell: (r) => html`<a href="${r.href}">${r.name}</a>`,
  },
  {
    id: 'family',
    label: 'Family',
    description: 'Output decoder family (how raw outputs become boxes).',
    numeric: false,
    better: null,
    visible: true,
    value: (r) => r.family,
    text: (r) => r.family,
    exported: (r) => r.family,
  },
  {
    ...metric('AP', 'AP', 'COCO AP averaged over IoU .50:.05:.95 (all areas, 100 detections), in percent.'),
    cell: (r) =>
      html`<span class="ci" title="95% bootstrap interval: ${pct(r.apLo)}–${pct(r.apHi)}">${pct(r.AP)}</span>`,
  },
  metric('AP50', 'AP50', 'AP at IoU .50, in percent.'),
  metric('AP75', 'AP75', 'AP at IoU .75, in percent.'),
  metric('APs', 'APs', 'AP on small objects (area < 32²), in percent.'),
  metric('APm', 'APm', 'AP on medium objects (32² to 96²), in percent.'),
  metric('APl', 'APl', 'AP on large objects (area > 96²), in percent.'),
  metric(
    'AR100',
    'AR100',
    'Recall averaged over IoU .50:.95 with up to 100 detections per image, in percent.',
  ),
  {
    id: 'f1',
    label: 'F1@opt',
    description: 'F1 at IoU .50 at the F1-optimal confidence threshold (given in the tooltip), in percent.',
    numeric: true,
    better: 'higher',
    visible: true,
    value: (r) => r.f1,
    text: (r) => pct(r.f1),
    exported: (r) => round2(r.f1),
    cell: (r) => html`<span title="at confidence ${r.conf.toFixed(2)}">${pct(r.f1)}</span>`,
  },
  {
    id: 'conf',
    label: 'Conf',
    description: 'F1-optimal confidence threshold (IoU .50).',
    numeric: true,
    better: null,
    visible: false,
    value: (r) => r.conf,
    text: (r) => r.conf.toFixed(2),
    exported: (r) => r.conf,
  },
  {
    id: 'latency',
    label: 'ms/img',
    description: 'Median (p50) inference time per image in milliseconds, batch 1, on the device shown.',
    numeric: true,
    better: 'lower',
    visible: true,
    value: (r) => r.latency,
    text: (r) => ms(r.latency),
    exported: (r) => Math.round(r.latency * 1000) / 1000,
  },
  {
    id: 'device',
    label: 'Device',
    description: 'Where the latency was measured (and the ONNX Runtime execution provider).',
    numeric: false,
    better: null,
    visible: true,
    value: (r) => r.device,
    text: (r) => r.device,
    exported: (r) => r.device,
    cell: (r) => html`<span title="${r.provider}">${r.device}</span>`,
  },
  {
    id: 'params',
    label: 'Params',
    description: 'Number of parameters, from the manifest.',
    numeric: true,
    better: 'lower',
    visible: true,
    value: (r) => r.params,
    text: (r) => params(r.params),
    exported: (r) => r.params,
  },
  {
    id: 'gflops',
    label: 'GFLOPs',
    description: 'Compute per image at the input size, from the manifest.',
    numeric: true,
    better: 'lower',
    visible: true,
    value: (r) => r.gflops,
    text: (r) => gflops(r.gflops),
    exported: (r) => r.gflops,
  },
  {
    id: 'license',
    label: 'Licence',
    description: 'SPDX licence of the weights.',
    numeric: false,
    better: null,
    visible: true,
    value: (r) => r.license,
    text: (r) => r.license,
    exported: (r) => r.license,
  },
  {
    id: 'reported',
    label: 'Reported',
    description:
      'AP published by the authors, and measured minus published in points; gaps over 1 point are flagged.',
    numeric: true,
    better: null,
    visible: true,
    value: (r) => r.gap,
    text: (r) => (r.reported === null ? DASH : `${r.reported.toFixed(1)} (${signedPoints(r.gap)})`),
    exported: (r) => r.reported,
    cell: (r) =>
      r.reported === null
        ? html`${DASH}`
        : html`<span class="${gapIsFlagged(r.gap) ? 'gap flagged' : 'gap'}" title="${
            gapIsFlagged(r.gap)
              ? `Measured AP differs from the published ${r.reported.toFixed(1)} by more than 1 point`
              : `Published ${r.reported.toFixed(1)}`
          }">${r.reported.toFixed(1)} <small>(${signedPoints(r.gap)})</small>${gapIsFlagged(r.gap) ? html`<span aria-hidden="true"> ⚑</span><span class="visually-hidden"> (gap over 1 point)</span>` : ''}</span>`,
  },
  {
    id: 'date',
    label: 'Run',
    description: 'Date of the benchmark run (UTC).',
    numeric: false,
    better: null,
    visible: true,
    value: (r) => r.date,
    text: (r) => isoDate(r.date),
    exported: (r) => r.date,
  },
];

export const COLUMN_BY_ID: ReadonlyMap<string, Column> = new Map(COLUMNS.map((c) => [c.id, c]));

/** Cell markup for a row and column. */
export function cellHtml(col: Column, row: BoardRow): Html {
  return col.cell ? col.cell(row) : html`${col.text(row)}`;
}
