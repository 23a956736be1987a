import { type Html, html } from '../html.ts';
import { axes, frame, svgOpen, xRange, yRange } from './axes.ts';
import { project } from './project.ts';
import { linearScale, logScale } from './scale.ts';

export interface ScatterPoint {
  /** Row key, so a script can dim points that the table's filters hide. */
  key: string;
  x: number;
  y: number;
  /** Colour group (index into the palette). */
  group: number;
  /** Native tooltip text (plain text, escaped). */
  title: string;
  href?: string;
}

export interface ScatterSpec {
  id: string;
  title: string;
  desc: string;
  xLabel: string;
  yLabel: string;
  xLog: boolean;
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
  points: ScatterPoint[];
  /** Each front is a list of point keys, in x order, drawn as a step line. */
  fronts: { group: number; keys: string[] }[];
  width?: number;
  height?: number;
}

/**
 * Accuracy vs cost. Points are links to the model page (usable without JavaScript) with a native
 * tooltip; the Pareto front is a step line, its points drawn larger.
 */
export function scatterChart(spec: ScatterSpec): Html {
  const f = frame(spec.width ?? 640, spec.height ?? 360, { left: 52, bottom: 42 });
  const xs = spec.points.map((p) => p.x);
  const x = spec.xLog
    ? logScale(xs, xRange(f), spec.xFormat ? { format: spec.xFormat } : {})
    : linearScale(xs, xRange(f), spec.xFormat ? { format: spec.xFormat } : {});
  const y = linearScale(
    spec.points.map((p) => p.y),
    yRange(f),
    spec.yFormat ? { format: spec.yFormat } : {},
  );
  const byKey = new Map(spec.points.map((p) => [p.key, p]));
  const onFront = new Set(spec.fronts.flatMap((fr) => fr.keys));
  const fronts = spec.fronts.map((fr) => {
    const pts = fr.keys.flatMap((k) => byKey.get(k) ?? []);
    let d = '';
    pts.forEach((p, i) => {
      const px = project(x.scale, p.x);
      const py = project(y.scale, p.y);
      // Step line: a model on the front is the best up to the next, faster one's cost.
      d += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
    });
    return html`<path class="front g${fr.group}" d="${d}"/>`;
  });
  // Front points last, so they are drawn on top.
  const ordered = [...spec.points].sort((a, b) => Number(onFront.has(a.key)) - Number(onFront.has(b.key)));
  const dots = ordered.map((p) => {
    // The title is the link's (or group's) first child: its tooltip and its accessible name.
    const dot = html`<title>${p.title}</title><circle class="dot g${p.group}${onFront.has(p.key) ? ' on-front' : ''}" cx="${project(x.scale, p.x)}" cy="${project(y.scale, p.y)}" r="${onFront.has(p.key) ? 5 : 3.5}"/>`;
    return p.href
      ? html`<a href="${p.href}" data-key="${p.key}">${dot}</a>`
      : html`<g data-key="${p.key}">${dot}</g>`;
  });
  return html`${svgOpen(f, spec.id, spec.title, spec.desc, { role: 'group' })}${axes(
    f,
    { ...x, label: spec.xLabel },
    { ...y, label: spec.yLabel },
  )}<g class="fronts">${fronts}</g><g class="dots">${dots}</g></svg>`;
}
