import { type Html, html } from '../html.ts';
import { axes, frame, svgOpen, xRange, yRange } from './axes.ts';
import { project, round } from './project.ts';
import { linearScale } from './scale.ts';

export interface HBarRow {
  label: string;
  value: number;
  /** Text shown at the end of the bar. */
  display: string;
  /** Native tooltip (plain text). */
  title: string;
  /** Extra class on the bar, e.g. "best" or "worst". */
  cls?: string;
}

export interface HBarSpec {
  id: string;
  title: string;
  desc: string;
  rows: HBarRow[];
  valueLabel: string;
  max?: number;
  format?: (v: number) => string;
  width?: number;
  rowHeight?: number;
  labelWidth?: number;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** One bar per row with its label on the left: per-class AP, error breakdown. */
export function hbarChart(spec: HBarSpec): Html {
  const rowH = spec.rowHeight ?? 18;
  const labelW = spec.labelWidth ?? 130;
  const f = frame(spec.width ?? 560, 28 + 36 + spec.rows.length * rowH, {
    left: labelW,
    right: 56,
    top: 8,
    bottom: 36,
  });
  const x = linearScale(
    spec.rows.map((r) => r.value),
    xRange(f),
    {
      min: 0,
      ...(spec.max !== undefined ? { max: spec.max } : {}),
      ...(spec.format ? { format: spec.format } : {}),
    },
  );
  const x0 = project(x.scale, 0);
  const bars = spec.rows.map((r, i) => {
    const y = f.top + i * rowH;
    const x1 = project(x.scale, Math.max(0, r.value));
    return html`<g class="bar-row${r.cls ? ` ${r.cls}` : ''}"><title>${r.title}</title><text class="bar-label" x="${labelW - 6}" y="${round(y + rowH * 0.7)}" text-anchor="end">${clip(r.label, Math.floor(labelW / 6.5))}</text><rect class="bar" x="${x0}" y="${round(y + 2)}" width="${round(Math.max(0.5, x1 - x0))}" height="${rowH - 4}"/><text class="bar-value" x="${x1 + 4}" y="${round(y + rowH * 0.7)}">${r.display}</text></g>`;
  });
  return html`${svgOpen(f, spec.id, spec.title, spec.desc)}${axes(f, { ...x, label: spec.valueLabel }, null)}${bars}</svg>`;
}

export interface GroupedBarsSpec {
  id: string;
  title: string;
  desc: string;
  /** Categories along x, e.g. small / medium / large. */
  groups: string[];
  /** One bar per group per series; null draws "n/a". */
  series: { label: string; group: number; values: (number | null)[]; format: (v: number) => string }[];
  yLabel: string;
  yMax?: number;
  yFormat?: (v: number) => string;
  width?: number;
  height?: number;
}

/** Side-by-side bars per category: AP / AR / F1 by object size. */
export function groupedBars(spec: GroupedBarsSpec): Html {
  const f = frame(spec.width ?? 480, spec.height ?? 280, { bottom: 40 });
  const y = linearScale(
    spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null)),
    yRange(f),
    {
      min: 0,
      ...(spec.yMax !== undefined ? { max: spec.yMax } : {}),
      ...(spec.yFormat ? { format: spec.yFormat } : {}),
    },
  );
  const [left, right] = xRange(f);
  const band = (right - left) / spec.groups.length;
  const barW = Math.min(36, (band * 0.8) / spec.series.length);
  const y0 = project(y.scale, 0);
  const bars = spec.groups.map((g, gi) => {
    const start = left + gi * band + (band - barW * spec.series.length) / 2;
    const cells = spec.series.map((s, si) => {
      const v = s.values[gi] ?? null;
      const bx = round(start + si * barW);
      if (v === null) {
        return html`<text class="bar-value na" x="${round(bx + barW / 2)}" y="${y0 - 4}" text-anchor="middle">n/a<title>${s.label}, ${g}: no value</title></text>`;
      }
      const top = project(y.scale, v);
      return html`<g><title>${s.label}, ${g}: ${s.format(v)}</title><rect class="bar g${s.group}" x="${bx + 1}" y="${top}" width="${round(barW - 2)}" height="${round(Math.max(0.5, y0 - top))}"/><text class="bar-value" x="${round(bx + barW / 2)}" y="${top - 3}" text-anchor="middle">${s.format(v)}</text></g>`;
    });
    return html`${cells}<text class="tick" x="${round(left + gi * band + band / 2)}" y="${y0 + 16}" text-anchor="middle">${g}</text>`;
  });
  return html`${svgOpen(f, spec.id, spec.title, spec.desc)}${axes(f, null, { ...y, label: spec.yLabel })}${bars}</svg>`;
}

export interface StackSegment {
  label: string;
  value: number;
  group: number;
  display: string;
}

/** One horizontal bar split into parts: preprocess / inference / postprocess time. */
export function stackedBar(spec: {
  id: string;
  title: string;
  desc: string;
  segments: StackSegment[];
  width?: number;
}): Html {
  const f = frame(spec.width ?? 560, 64, { left: 8, right: 8, top: 8, bottom: 24 });
  const total = spec.segments.reduce((a, s) => a + Math.max(0, s.value), 0) || 1;
  const [x0, x1] = xRange(f);
  let at = x0;
  const parts = spec.segments.map((s) => {
    const w = ((x1 - x0) * Math.max(0, s.value)) / total;
    const part = html`<g><title>${s.label}: ${s.display}</title><rect class="bar g${s.group}" x="${round(at)}" y="${f.top}" width="${round(Math.max(0.5, w))}" height="28"/>${
      w > 60
        ? html`<text class="seg-label" x="${round(at + 4)}" y="${f.top + 18}">${s.label} ${s.display}</text>`
        : ''
    }</g>`;
    at += w;
    return part;
  });
  return html`${svgOpen(f, spec.id, spec.title, spec.desc)}${parts}</svg>`;
}
