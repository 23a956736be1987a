/**
 * A scale as plain data, so the build can compute it with d3 and a browser script can map values
 * with `project` alone (no d3 shipped for that). Log scales are base 10.
 */
export interface Scale {
  type: 'linear' | 'log';
  domain: [number, number];
  range: [number, number];
}

export interface Tick {
  value: number;
  label: string;
}

/** Value → pixel, clamped to the range. */
export function project(s: Scale, v: number): number {
  const [d0, d1] = s.domain;
  const [r0, r1] = s.range;
  let t: number;
  if (s.type === 'log') {
    const lv = Math.log10(Math.max(v, Number.MIN_VALUE));
    t = (lv - Math.log10(d0)) / (Math.log10(d1) - Math.log10(d0));
  } else {
    t = (v - d0) / (d1 - d0 || 1);
  }
  t = Math.min(1, Math.max(0, t));
  return round(r0 + t * (r1 - r0));
}

/** Pixel → value (for pointer interactions on the client). */
export function invert(s: Scale, px: number): number {
  const [d0, d1] = s.domain;
  const [r0, r1] = s.range;
  const t = Math.min(1, Math.max(0, (px - r0) / (r1 - r0 || 1)));
  return s.type === 'log'
    ? 10 ** (Math.log10(d0) + t * (Math.log10(d1) - Math.log10(d0)))
    : d0 + t * (d1 - d0);
}

/** SVG coordinates to 0.1 px: enough for crisp charts, and it keeps the markup short. */
export function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** A polyline through points as an SVG path; used at build time and by browser scripts. */
export function linePath(points: readonly (readonly [number, number])[], x: Scale, y: Scale): string {
  let d = '';
  for (const [vx, vy] of points) {
    if (!Number.isFinite(vx) || !Number.isFinite(vy)) continue;
    d += `${d ? 'L' : 'M'}${project(x, vx)},${project(y, vy)}`;
  }
  return d;
}
