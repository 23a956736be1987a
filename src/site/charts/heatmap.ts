import { type Html, html } from '../html.ts';
import { svgOpen } from './axes.ts';
import { round } from './project.ts';

export interface HeatCell {
  /** Intensity in [0, 1], drawn as the cell's opacity over the theme's heat colour. */
  v: number;
  /** An alternative intensity a script can swap in (e.g. raw vs normalised counts). */
  alt?: number;
  /** Short text drawn in the cell when `showText` is on. */
  text?: string;
  /** Native tooltip (plain text). */
  title: string;
  /** Extra class, e.g. "diag" on a confusion matrix's diagonal. */
  cls?: string;
}

export interface HeatmapSpec {
  id: string;
  title: string;
  desc: string;
  rows: { label: string; href?: string }[];
  cols: { label: string }[];
  /** Null leaves the cell empty (no value). */
  cell: (row: number, col: number) => HeatCell | null;
  cellSize?: number;
  rowLabelWidth?: number;
  colLabelHeight?: number;
  showText?: boolean;
  /** Axis captions, e.g. "ground truth" / "predicted". */
  rowCaption?: string;
  colCaption?: string;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const q = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 100) / 100;

/**
 * A grid of cells whose opacity encodes the value, so one CSS colour works in light and dark
 * themes. Rendered at its natural size inside a scrolling container (labels stay legible).
 */
export function heatmap(spec: HeatmapSpec): Html {
  const size = spec.cellSize ?? 14;
  const left = spec.rowLabelWidth ?? 140;
  const top = spec.colLabelHeight ?? 90;
  const width = left + spec.cols.length * size + 8;
  const height = top + spec.rows.length * size + (spec.colCaption ? 4 : 8);
  const f = { width, height, top, left, right: 8, bottom: 8 };
  const maxChars = Math.floor(left / 6.2);
  // Narrow columns get vertical labels, which never overlap; wider ones a readable slant.
  const angle = size < 16 ? -90 : -60;
  const colLabels = spec.cols.map((c, j) => {
    const x = round(left + j * size + size / 2 + (angle === -90 ? 3 : 4));
    return html`<text class="col-label" transform="translate(${x} ${top - 4}) rotate(${angle})">${clip(c.label, Math.floor(top / 6))}<title>${c.label}</title></text>`;
  });
  const rows = spec.rows.map((r, i) => {
    const y = top + i * size;
    const label = html`<text class="row-label" x="${left - 4}" y="${round(y + size * 0.75)}" text-anchor="end">${clip(r.label, maxChars)}<title>${r.label}</title></text>`;
    const cells = spec.cols.map((_, j) => {
      const c = spec.cell(i, j);
      if (!c) return '';
      const x = left + j * size;
      return html`<rect class="cell${c.cls ? ` ${c.cls}` : ''}" x="${x}" y="${y}" width="${size - 1}" height="${size - 1}" fill-opacity="${q(c.v)}"${
        c.alt !== undefined ? html` data-alt="${q(c.alt)}"` : ''
      }><title>${c.title}</title></rect>${
        spec.showText && c.text
          ? html`<text class="cell-text${c.v > 0.55 ? ' on-dark' : ''}" x="${round(x + size / 2)}" y="${round(y + size * 0.68)}" text-anchor="middle" aria-hidden="true">${c.text}</text>`
          : ''
      }`;
    });
    return html`<g>${r.href ? html`<a href="${r.href}">${label}</a>` : label}${cells}</g>`;
  });
  const captions = html`${
    spec.colCaption ? html`<text class="axis-label" x="${left}" y="12">${spec.colCaption} →</text>` : ''
  }${
    spec.rowCaption
      ? html`<text class="axis-label" transform="translate(12 ${top + 4}) rotate(90)">${spec.rowCaption} →</text>`
      : ''
  }`;
  const open = svgOpen(f, spec.id, spec.title, spec.desc, { role: 'group', cls: 'heatmap', natural: true });
  return html`${open}${captions}<g aria-hidden="true">${colLabels}</g>${rows}</svg>`;
}
