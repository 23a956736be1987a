import { scaleLinear, scaleLog } from 'd3';
import type { Scale, Tick } from './project.ts';

/** Scales and ticks computed with d3 at build time (browser scripts only need project.ts). */

/** A "nice" linear scale over the values (optionally forced to include bounds) with d3's ticks. */
export function linearScale(
  values: readonly number[],
  range: [number, number],
  opts: { min?: number; max?: number; ticks?: number; format?: (v: number) => string } = {},
): { scale: Scale; ticks: Tick[] } {
  const finite = values.filter(Number.isFinite);
  let lo = opts.min ?? Math.min(...finite);
  let hi = opts.max ?? Math.max(...finite);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const d3s = scaleLinear().domain([lo, hi]);
  if (opts.min === undefined || opts.max === undefined) d3s.nice(opts.ticks ?? 5);
  const domain = d3s.domain() as [number, number];
  const fmt = opts.format ?? d3s.tickFormat(opts.ticks ?? 5);
  return {
    scale: { type: 'linear', domain, range },
    ticks: d3s.ticks(opts.ticks ?? 5).map((value) => ({ value, label: fmt(value) })),
  };
}

/** A log scale spanning whole decades around the values, ticks at 1-2-5 steps. */
export function logScale(
  values: readonly number[],
  range: [number, number],
  opts: { format?: (v: number) => string } = {},
): { scale: Scale; ticks: Tick[] } {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  const lo = positive.length ? Math.min(...positive) : 1;
  const hi = positive.length ? Math.max(...positive) : 10;
  const d3s = scaleLog()
    .domain([lo, hi === lo ? lo * 10 : hi])
    .nice();
  const domain = d3s.domain() as [number, number];
  const fmt = opts.format ?? ((v: number) => (v >= 1 ? String(Math.round(v)) : String(v)));
  const decades = Math.log10(domain[1]) - Math.log10(domain[0]);
  const steps = decades > 3 ? [1] : decades > 1.5 ? [1, 3] : [1, 2, 5];
  const ticks: Tick[] = [];
  for (let e = Math.floor(Math.log10(domain[0])); e <= Math.ceil(Math.log10(domain[1])); e++) {
    for (const m of steps) {
      const v = Number((m * 10 ** e).toPrecision(6));
      if (v >= domain[0] * 0.999 && v <= domain[1] * 1.001) ticks.push({ value: v, label: fmt(v) });
    }
  }
  return { scale: { type: 'log', domain, range }, ticks };
}
