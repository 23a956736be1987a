import { groupedBars } from './charts/bars.ts';
import { lineChart } from './charts/lines.ts';
import { fixed2, gflops, metricOrNull, ms, params, pct } from './format.ts';
import { type Html, html } from './html.ts';
import type { ModelData } from './model-data.ts';

/**
 * The compare page's content for 2–4 models, as markup. Pure so it renders in the browser (from
 * the per-model JSON) and in tests alike.
 */
export const MAX_COMPARE = 4;

/** Model ids from ?m=a,b,c (or repeated m=), deduplicated, known ones only, at most four. */
export function parseSelection(search: string, known: ReadonlySet<string>): string[] {
  const p = new URLSearchParams(search);
  const ids = p
    .getAll('m')
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => known.has(s));
  return [...new Set(ids)].slice(0, MAX_COMPARE);
}

interface Row {
  label: string;
  title: string;
  value: (d: ModelData) => number | null;
  text: (d: ModelData) => string;
  better: 'higher' | 'lower' | null;
}

const metric = (key: keyof ModelData['coco'], title: string): Row => ({
  label: key,
  title,
  value: (d) => metricOrNull(d.coco[key]),
  text: (d) => pct(d.coco[key]),
  better: 'higher',
});

export const COMPARE_ROWS: readonly Row[] = [
  metric('AP', 'AP at IoU .50:.95'),
  metric('AP50', 'AP at IoU .50'),
  metric('AP75', 'AP at IoU .75'),
  metric('APs', 'AP, small objects'),
  metric('APm', 'AP, medium objects'),
  metric('APl', 'AP, large objects'),
  metric('AR100', 'Recall, 100 detections'),
  {
    label: 'F1@opt',
    title: 'F1 at the F1-optimal confidence (IoU .50)',
    value: (d) => d.optimal.f1,
    text: (d) => `${pct(d.optimal.f1)} @${fixed2(d.optimal.confidence)}`,
    better: 'higher',
  },
  {
    label: 'ms/img',
    title: 'Median inference latency',
    value: (d) => d.latency,
    text: (d) => `${ms(d.latency)}${d.device ? ` (${d.device})` : ''}`,
    better: 'lower',
  },
  {
    label: 'Params',
    title: 'Parameters',
    value: (d) => d.params,
    text: (d) => params(d.params),
    better: 'lower',
  },
  {
    label: 'GFLOPs',
    title: 'Compute per image',
    value: (d) => d.gflops,
    text: (d) => gflops(d.gflops),
    better: 'lower',
  },
];

function bestIndex(values: (number | null)[], better: 'higher' | 'lower' | null): number {
  if (!better) return -1;
  let best = -1;
  values.forEach((v, i) => {
    if (v === null) return;
    const b = best < 0 ? null : values[best]!;
    if (b === null || (better === 'higher' ? v > b : v < b)) best = i;
  });
  // A single model, or everyone equal, has no "best".
  const distinct = new Set(values.filter((v) => v !== null));
  return distinct.size > 1 ? best : -1;
}

export function summaryTable(models: readonly ModelData[], href: (m: string) => string): Html {
  return html`<div class="table-wrap"><table id="compare-summary"><caption>Side by side; the best value of each row is bold.</caption><thead><tr><th scope="col">Metric</th>${models.map(
    (m) => html`<th scope="col" class="num"><a href="${href(m.model)}">${m.name}</a></th>`,
  )}</tr></thead><tbody>${COMPARE_ROWS.map((row) => {
    const values = models.map(row.value);
    const best = bestIndex(values, row.better);
    return html`<tr><th scope="row" title="${row.title}">${row.label}</th>${models.map(
      (m, i) => html`<td class="num${i === best ? ' best' : ''}">${row.text(m)}</td>`,
    )}</tr>`;
  })}</tbody></table></div>`;
}

export function sizeBars(models: readonly ModelData[]): Html {
  const v = (x: number) => {
    const m = metricOrNull(x);
    return m === null ? null : m * 100;
  };
  return groupedBars({
    id: 'compare-sizes',
    title: 'AP by object size',
    desc: models
      .map((m) => `${m.name}: small ${pct(m.coco.APs)}, medium ${pct(m.coco.APm)}, large ${pct(m.coco.APl)}`)
      .join('; '),
    groups: ['small', 'medium', 'large'],
    series: models.map((m, i) => ({
      label: m.name,
      group: i,
      values: [v(m.coco.APs), v(m.coco.APm), v(m.coco.APl)],
      format: (x: number) => x.toFixed(1),
    })),
    yLabel: 'AP (50:95)',
    yMax: 100,
    yFormat: (x) => String(Math.round(x)),
  });
}

export function prOverlay(models: readonly ModelData[]): Html {
  return lineChart({
    id: 'compare-pr',
    title: 'Precision–recall at IoU .50',
    desc: models.map((m) => `${m.name}: AP50 ${pct(m.coco.AP50)}`).join('; '),
    xLabel: 'Recall',
    yLabel: 'Precision',
    x: { min: 0, max: 1, format: fixed2 },
    y: { min: 0, max: 1, format: (x) => x.toFixed(1) },
    series: models.map((m, i) => ({
      label: m.name,
      group: i,
      points: m.pr.iou50.map((y, k): [number, number] => [m.pr.recall[k]!, y]).filter(([, y]) => y >= 0),
    })),
  });
}

export function classTable(models: readonly ModelData[]): Html {
  const classes = models[0]?.perClass ?? [];
  const index = models.map((m) => new Map(m.perClass.map((c) => [c.id, c])));
  return html`<div class="table-wrap scroll-y" tabindex="0" role="region" aria-label="Per-class AP (scrolls)"><table class="sortable" id="compare-classes"><caption>AP (50:95) per class; the best model of each class is bold${
    models.length === 2 ? html`; Δ is ${models[1]!.name} minus ${models[0]!.name}` : ''
  }.</caption><thead><tr><th scope="col"><button type="button" class="sort">Class</button></th><th scope="col" class="num"><button type="button" class="sort">GT</button></th>${models.map(
    (m) => html`<th scope="col" class="num"><button type="button" class="sort">${m.name}</button></th>`,
  )}${models.length === 2 ? html`<th scope="col" class="num"><button type="button" class="sort">Δ</button></th>` : ''}</tr></thead><tbody>${classes.map(
    (c) => {
      const values = index.map((ix) => metricOrNull(ix.get(c.id)?.AP));
      const best = bestIndex(values, 'higher');
      const delta =
        models.length === 2 && values[0] !== null && values[1] !== null
          ? (values[1]! - values[0]!) * 100
          : null;
      return html`<tr><th scope="row">${c.name}</th><td class="num" data-v="${c.gt}">${c.gt}</td>${values.map(
        (v, i) => html`<td class="num${i === best ? ' best' : ''}" data-v="${v ?? -1}">${pct(v)}</td>`,
      )}${
        models.length === 2
          ? html`<td class="num" data-v="${delta ?? ''}">${delta === null ? '—' : `${delta > 0 ? '+' : ''}${delta.toFixed(1)}`}</td>`
          : ''
      }</tr>`;
    },
  )}</tbody></table></div>`;
}

export function compareView(models: readonly ModelData[], href: (m: string) => string): Html {
  return html`<h2 id="compare-overall">Overall</h2>${summaryTable(models, href)}<ul class="legend" aria-label="Models">${models.map(
    (m, i) => html`<li style="--swatch: var(--g${i})">${m.name}</li>`,
  )}</ul><div class="charts"><figure>${sizeBars(models)}<figcaption>AP by object size.</figcaption></figure><figure>${prOverlay(
    models,
  )}<figcaption>Precision–recall curves at IoU .50, averaged over classes.</figcaption></figure></div><h2 id="compare-per-class">Per class</h2>${classTable(models)}`;
}
