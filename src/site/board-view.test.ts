import { describe, expect, it } from 'vitest';
import { info, summaryWith } from '../../tests/support/site-fixtures.ts';
import type { BoardRow } from './board.ts';
import { buildBoard } from './board.ts';
import { applyView, DEFAULT_COLS, defaultView, parseView, serializeView } from './board-view.ts';

function rows(): BoardRow[] {
  const models = new Map([
    ['a', info('a', { family: 'detr', license: 'Apache-2.0', params: 40e6 })],
    ['b', info('b', { family: 'yolov8', license: 'AGPL-3.0-only', params: 3e6 })],
    ['c', info('c', { family: 'yolov8', license: 'MIT', params: null })],
  ]);
  return buildBoard(
    [
      summaryWith('a', { AP: 0.5, latency: 30, device: 'gpu' }),
      summaryWith('b', { AP: 0.3, latency: 2, device: 'cpu' }),
      summaryWith('c', { AP: 0.4, latency: 9, device: 'cpu' }),
    ],
    models,
    (m) => `/m/${m}/`,
  );
}

describe('board view state', () => {
  it('has an empty query string by default', () => {
    expect(serializeView(defaultView())).toBe('');
    expect(parseView('')).toEqual(defaultView());
  });

  it('round-trips a view through the query string', () => {
    const view = {
      ...defaultView(),
      sort: 'latency',
      dir: 'asc' as const,
      q: 'yolo',
      family: ['yolov8', 'detr'],
      license: ['MIT'],
      device: ['cpu'],
      pmin: 1,
      pmax: 50,
      cols: DEFAULT_COLS.filter((c) => c !== 'AP75'),
    };
    const qs = serializeView(view);
    expect(qs).toContain('sort=latency');
    expect(qs).not.toContain('dir=');
    expect(parseView(qs)).toEqual(view);
  });

  it('ignores unknown columns and malformed numbers', () => {
    const v = parseView('?sort=nope&dir=sideways&pmin=-3&pmax=abc&cols=zzz');
    expect(v).toEqual(defaultView());
  });

  it('filters by family, licence, device, size and name', () => {
    const all = rows();
    expect(applyView(all, { ...defaultView(), family: ['yolov8'] }).map((r) => r.key)).toEqual(['c', 'b']);
    expect(applyView(all, { ...defaultView(), license: ['Apache-2.0'] }).map((r) => r.key)).toEqual(['a']);
    expect(applyView(all, { ...defaultView(), device: ['cpu'] }).map((r) => r.key)).toEqual(['c', 'b']);
    // A model without a parameter count is outside any size range.
    expect(applyView(all, { ...defaultView(), pmin: 10 }).map((r) => r.key)).toEqual(['a']);
    expect(applyView(all, { ...defaultView(), pmax: 10 }).map((r) => r.key)).toEqual(['b']);
    expect(applyView(all, { ...defaultView(), q: 'B' }).map((r) => r.key)).toEqual(['b']);
  });

  it('sorts in either direction with missing values last', () => {
    const all = rows();
    expect(applyView(all, { ...defaultView(), sort: 'latency', dir: 'asc' }).map((r) => r.key)).toEqual([
      'b',
      'c',
      'a',
    ]);
    expect(applyView(all, { ...defaultView(), sort: 'latency', dir: 'desc' }).map((r) => r.key)).toEqual([
      'a',
      'c',
      'b',
    ]);
    expect(applyView(all, { ...defaultView(), sort: 'params', dir: 'asc' }).map((r) => r.key)).toEqual([
      'b',
      'a',
      'c',
    ]);
    expect(applyView(all, { ...defaultView(), sort: 'params', dir: 'desc' }).map((r) => r.key)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(applyView(all, { ...defaultView(), sort: 'name', dir: 'asc' }).map((r) => r.key)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });
});
