import { type Html, html } from '../html.ts';
import { axes, frame, svgOpen, xRange, yRange } from './axes.ts';
import { linePath, project } from './project.ts';
import { linearScale } from './scale.ts';

export interface LineSeries {
  label: string;
  /** Colour group (index into the palette). */
  group: number;
  points: [number, number][];
  dashed?: boolean;
  /** Lets a script find and swap this series (e.g. the per-class PR curve). */
  key?: string;
}

export interface LineMarker {
  x: number;
  y: number;
  group: number;
  title: string;
}

export interface LineSpec {
  id: string;
  title: string;
  desc: string;
  xLabel: string;
  yLabel: string;
  x: {
    min?: number;
    max?: number;
    format?: (v: number) => string;
    ticks?: { value: number; label: string }[];
  };
  y: { min?: number; max?: number; format?: (v: number) => string };
  series: LineSeries[];
  markers?: LineMarker[];
  /** Vertical rules, e.g. the F1-optimal confidence; `key` lets a script move one. */
  rules?: { x: number; label: string; key: string }[];
  width?: number;
  height?: number;
}

/**
 * Curves over a shared x axis (PR curves, confidence sweep, history). The scales are written onto
 * the svg as data attributes so a script can add or move series without recomputing layout.
 */
export function lineChart(spec: LineSpec): Html {
  const f = frame(spec.width ?? 560, spec.height ?? 320);
  const allX = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const allY = spec.series.flatMap((s) => s.points.map((p) => p[1]));
  const { ticks: xTicks, ...xOpts } = spec.x;
  const x = linearScale(allX, xRange(f), xOpts);
  if (xTicks) x.ticks = xTicks;
  const y = linearScale(allY, yRange(f), spec.y);
  const paths = spec.series.map(
    (s) =>
      html`<path class="line g${s.group}${s.dashed ? ' dashed' : ''}" d="${linePath(s.points, x.scale, y.scale)}"${
        s.key ? html` data-key="${s.key}"` : ''
      }><title>${s.label}</title></path>`,
  );
  const markers = (spec.markers ?? []).map(
    (m) =>
      html`<circle class="marker g${m.group}" cx="${project(x.scale, m.x)}" cy="${project(y.scale, m.y)}" r="5"><title>${m.title}</title></circle>`,
  );
  const [y0, y1] = yRange(f);
  const rules = (spec.rules ?? []).map((r) => {
    const px = project(x.scale, r.x);
    return html`<g class="rule" data-key="${r.key}" transform="translate(${px} 0)"><line x1="0" x2="0" y1="${y0}" y2="${y1}"/><text x="4" y="${y1 + 10}">${r.label}</text></g>`;
  });
  const open = svgOpen(f, spec.id, spec.title, spec.desc, {
    data: { sx: JSON.stringify(x.scale), sy: JSON.stringify(y.scale) },
  });
  return html`${open}${axes(f, { ...x, label: spec.xLabel }, { ...y, label: spec.yLabel })}<g class="series">${paths}</g><g class="markers">${markers}</g>${rules}</svg>`;
}
