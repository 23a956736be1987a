import { type Html, html } from '../html.ts';
import { project, type Scale, type Tick } from './project.ts';

/** Pixel box of a chart: the plot area is inside the margins. */
export interface Frame {
  width: number;
  height: number;
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export function frame(
  width: number,
  height: number,
  m: Partial<Omit<Frame, 'width' | 'height'>> = {},
): Frame {
  return {
    width,
    height,
    top: m.top ?? 12,
    right: m.right ?? 16,
    bottom: m.bottom ?? 40,
    left: m.left ?? 48,
  };
}

export const xRange = (f: Frame): [number, number] => [f.left, f.width - f.right];
export const yRange = (f: Frame): [number, number] => [f.height - f.bottom, f.top];

export interface AxisSpec {
  scale: Scale;
  ticks: Tick[];
  label: string;
}

/** Grid lines, tick labels and axis titles. Decorative for screen readers: charts carry text alternatives. */
export function axes(f: Frame, x: AxisSpec | null, y: AxisSpec | null): Html {
  const [x0, x1] = xRange(f);
  const [y0, y1] = yRange(f);
  return html`<g class="axes" aria-hidden="true">${
    x
      ? html`${x.ticks.map((t) => {
          const px = project(x.scale, t.value);
          return html`<line class="grid" x1="${px}" x2="${px}" y1="${y0}" y2="${y1}"/><text class="tick" x="${px}" y="${y0 + 14}" text-anchor="middle">${t.label}</text>`;
        })}<text class="axis-label" x="${(x0 + x1) / 2}" y="${f.height - 6}" text-anchor="middle">${x.label}</text>`
      : ''
  }${
    y
      ? html`${y.ticks.map((t) => {
          const py = project(y.scale, t.value);
          return html`<line class="grid" x1="${x0}" x2="${x1}" y1="${py}" y2="${py}"/><text class="tick" x="${x0 - 6}" y="${py + 4}" text-anchor="end">${t.label}</text>`;
        })}<text class="axis-label" transform="translate(12 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${y.label}</text>`
      : ''
  }<line class="axis" x1="${x0}" x2="${x1}" y1="${y0}" y2="${y0}"/><line class="axis" x1="${x0}" x2="${x0}" y1="${y0}" y2="${y1}"/></g>`;
}

/** Opening tag of a chart: scales with its container, titled for assistive technology. */
export function svgOpen(
  f: Frame,
  id: string,
  title: string,
  desc: string,
  opts: { role?: 'img' | 'group'; data?: Record<string, string>; cls?: string; natural?: boolean } = {},
): Html {
  const attrs = Object.entries(opts.data ?? {}).map(([k, v]) => html` data-${k}="${v}"`);
  // Natural-size charts scroll in their frame; the others scale with the page up to 1.3× (text stays readable).
  const size = opts.natural
    ? html` width="${f.width}" height="${f.height}"`
    : html` style="max-width:${Math.round(f.width * 1.3)}px"`;
  return html`<svg class="chart${opts.cls ? ` ${opts.cls}` : ''}" id="${id}" viewBox="0 0 ${f.width} ${f.height}"${size} role="${opts.role ?? 'img'}" aria-labelledby="${id}-t ${id}-d"${attrs}><title id="${id}-t">${title}</title><desc id="${id}-d">${desc}</desc>`;
}
