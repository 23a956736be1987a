import { describe, expect, it } from 'vitest';
import { hbarChart } from './bars.ts';
import { heatmap } from './heatmap.ts';
import { lineChart } from './lines.ts';
import { invert, linePath, project, type Scale } from './project.ts';
import { linearScale, logScale } from './scale.ts';
import { scatterChart } from './scatter.ts';

const attrs = (svg: string, tag: string, name: string) =>
  [...svg.matchAll(new RegExp(`<${tag}[^>]*\\s${name}="([^"]*)"`, 'g'))].map((m) => m[1]!);

describe('scales', () => {
  it('projects and inverts linear and log scales', () => {
    const lin: Scale = { type: 'linear', domain: [0, 1], range: [40, 540] };
    expect(project(lin, 0.5)).toBe(290);
    expect(invert(lin, 290)).toBeCloseTo(0.5);
    const log: Scale = { type: 'log', domain: [1, 100], range: [0, 200] };
    expect(project(log, 10)).toBe(100);
    expect(invert(log, 100)).toBeCloseTo(10);
    // Out-of-domain values are clamped to the plot area.
    expect(project(lin, 2)).toBe(540);
  });

  it('builds nice linear and log ticks with d3', () => {
    const { scale, ticks } = linearScale([0.13, 0.87], [0, 100]);
    expect(scale.domain).toEqual([0, 1]);
    expect(ticks.map((t) => t.value)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks.map((t) => t.label)).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    // Fixed bounds are kept as given.
    expect(linearScale([0.13, 0.87], [0, 100], { min: 0.1, max: 0.9 }).scale.domain).toEqual([0.1, 0.9]);
    const log = logScale([2.5, 380], [0, 100]);
    expect(log.scale.domain).toEqual([1, 1000]);
    expect(log.ticks.map((t) => t.value)).toEqual([1, 3, 10, 30, 100, 300, 1000]);
  });

  it('draws polylines through the data, skipping non-finite points', () => {
    const x: Scale = { type: 'linear', domain: [0, 1], range: [0, 100] };
    const y: Scale = { type: 'linear', domain: [0, 1], range: [100, 0] };
    expect(
      linePath(
        [
          [0, 1],
          [0.5, Number.NaN],
          [1, 0],
        ],
        x,
        y,
      ),
    ).toBe('M0,0L100,100');
  });
});

describe('charts', () => {
  it('scatter: one linked, titled point per model and a front through the given keys', () => {
    const svg = scatterChart({
      id: 's',
      title: 'AP vs latency',
      desc: 'd',
      xLabel: 'ms',
      yLabel: 'AP',
      xLog: true,
      points: [
        { key: 'a', x: 1, y: 30, group: 0, title: 'A <fast>', href: '/m/a/' },
        { key: 'b', x: 10, y: 40, group: 0, title: 'B', href: '/m/b/' },
        { key: 'c', x: 100, y: 35, group: 1, title: 'C', href: '/m/c/' },
      ],
      fronts: [{ group: 0, keys: ['a', 'b'] }],
    }).value;
    expect(attrs(svg, 'a', 'href')).toEqual(['/m/c/', '/m/a/', '/m/b/']);
    expect(svg).toContain('<title>A &lt;fast&gt;</title>');
    expect(svg.match(/class="dot[^"]*on-front/g)).toHaveLength(2);
    const d = attrs(svg, 'path', 'd')[0]!;
    expect(d).toMatch(/^M[\d.]+,[\d.]+H[\d.]+V[\d.]+$/);
  });

  it('line chart: paths follow the data and the scales are exposed for scripts', () => {
    const svg = lineChart({
      id: 'l',
      title: 't',
      desc: 'd',
      xLabel: 'x',
      yLabel: 'y',
      x: { min: 0, max: 1 },
      y: { min: 0, max: 1 },
      series: [
        {
          label: 's',
          group: 0,
          points: [
            [0, 1],
            [1, 0],
          ],
        },
      ],
      rules: [{ x: 0.25, label: 'r', key: 'cursor' }],
      width: 200,
      height: 100,
    }).value;
    const sx = JSON.parse(attrs(svg, 'svg', 'data-sx')[0]!.replace(/&quot;/g, '"')) as Scale;
    const sy = JSON.parse(attrs(svg, 'svg', 'data-sy')[0]!.replace(/&quot;/g, '"')) as Scale;
    expect(attrs(svg, 'path', 'd')[0]).toBe(
      `M${project(sx, 0)},${project(sy, 1)}L${project(sx, 1)},${project(sy, 0)}`,
    );
    expect(svg).toContain(`transform="translate(${project(sx, 0.25)} 0)"`);
  });

  it('horizontal bars: one bar per row, widths proportional to values', () => {
    const svg = hbarChart({
      id: 'h',
      title: 't',
      desc: 'd',
      valueLabel: 'v',
      max: 100,
      rows: [
        { label: 'half', value: 50, display: '50', title: 'half' },
        { label: 'full', value: 100, display: '100', title: 'full', cls: 'best' },
      ],
    }).value;
    const widths = attrs(svg, 'rect', 'width').map(Number);
    expect(widths).toHaveLength(2);
    expect(widths[1]! / widths[0]!).toBeCloseTo(2, 1);
    expect(svg).toContain('class="bar-row best"');
  });

  it('heatmap: cells carry values, alternatives and escaped labels; empty cells are left out', () => {
    const svg = heatmap({
      id: 'hm',
      title: 't',
      desc: 'd',
      rows: [{ label: '<row>' }, { label: 'r2' }],
      cols: [{ label: 'c1' }, { label: 'c2' }],
      cell: (i, j) => (i === j ? { v: 0.5, alt: 0.25, title: `${i}-${j}`, text: '7' } : null),
      showText: true,
    }).value;
    expect(attrs(svg, 'rect', 'fill-opacity')).toEqual(['0.5', '0.5']);
    expect(attrs(svg, 'rect', 'data-alt')).toEqual(['0.25', '0.25']);
    expect(svg).toContain('&lt;row&gt;');
    expect(svg).not.toContain('<row>');
  });
});
