import { describe, expect, it } from 'vitest';
import { boardMetrics, info } from '../../tests/support/site-fixtures.ts';
import { classTable, compareView, parseSelection, summaryTable } from './compare-view.ts';
import { modelData } from './model-data.ts';

const a = modelData(boardMetrics(4), info('a', { name: 'Model A', params: 5e6 }), 'fake-coco');
const b = modelData(boardMetrics(19), info('b', { name: 'Model B', params: 60e6 }), 'fake-coco');

describe('compare view', () => {
  it('reads up to four known, distinct models from the query string', () => {
    const known = new Set(['a', 'b', 'c', 'd', 'e']);
    expect(parseSelection('?m=a,b', known)).toEqual(['a', 'b']);
    expect(parseSelection('?m=a&m=b&m=a', known)).toEqual(['a', 'b']);
    expect(parseSelection('?m=a,zz,<x>,b,c,d,e', known)).toEqual(['a', 'b', 'c', 'd']);
    expect(parseSelection('', known)).toEqual([]);
  });

  it('bolds the best value of each row in the summary', () => {
    const html = summaryTable([a, b], (m) => `/m/${m}/`).value;
    const better = a.coco.AP > b.coco.AP ? a : b;
    const apRow = html.match(/<tr><th scope="row" title="AP at IoU \.50:\.95">AP<\/th>(.*?)<\/tr>/)![1]!;
    const cells = [...apRow.matchAll(/<td class="([^"]*)">([^<]*)<\/td>/g)].map((m) => [m[1], m[2]]);
    expect(cells).toHaveLength(2);
    const bestCell = cells.find((c) => c[0]!.includes('best'))!;
    expect(bestCell[1]).toBe((better.coco.AP * 100).toFixed(1));
    // Fewer parameters is better.
    expect(html).toMatch(/<td class="num best">5.00M<\/td>/);
  });

  it('per-class table has one row per class and a delta for two models', () => {
    const html = classTable([a, b]).value;
    expect(html.match(/<tr><th scope="row">/g)).toHaveLength(a.perClass.length);
    const d = ((b.perClass[0]!.AP - a.perClass[0]!.AP) * 100).toFixed(1);
    expect(html).toContain(`${Number(d) > 0 ? '+' : ''}${d}</td>`);
  });

  it('renders the whole view with both models named', () => {
    const html = compareView([a, b], (m) => `/m/${m}/`).value;
    expect(html).toContain('Model A');
    expect(html).toContain('Model B');
    expect(html).toContain('id="compare-pr"');
    expect(html).toContain('id="compare-sizes"');
  });
});
