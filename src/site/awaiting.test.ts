import { describe, expect, it } from 'vitest';
import { info, summaryWith } from '../../tests/support/site-fixtures.ts';
import { COCO80 } from '../lib/schema/class-map.ts';
import { ModelManifest } from '../lib/schema/model-manifest.ts';
import { awaitingRows } from './awaiting.ts';
import { buildBoard } from './board.ts';
import { applyView, defaultView, matches, matchesAwaiting, parseView, serializeView } from './board-view.ts';
import type { ModelEntry } from './entries.ts';

const SHA = 'ab'.repeat(32);
const EXPORT = {
  checkpoint: { url: 'https://example.org/m.pt', file: 'm.pt' },
  exporter: { package: 'ultralytics', version: '8.4.190' },
  python: '3.11',
  command: ['yolo', 'export'],
  opset: 17,
  output: 'm.onnx',
};

function entry(id: string, extra: Record<string, unknown>): ModelEntry {
  const manifest = ModelManifest.parse({
    id,
    name: id.toUpperCase(),
    family: 'yolov8',
    input: { size: [640, 640] },
    classes: 'coco80',
    license: 'Apache-2.0',
    ...extra,
  });
  return { manifest, sha256: SHA, notesHtml: null };
}

const models = [
  entry('pinned', {
    weights: { url: 'https://example.org/p.onnx', sha256: SHA, bytes: 9 },
    reported: { AP: 30.5, source: 'https://example.org' },
  }),
  entry('exported', {
    export: EXPORT,
    reported: { AP: 41.2, AP50: 58, source: 'https://example.org/readme' },
    params: 3_000_000,
  }),
  entry('silent', { export: EXPORT }),
  entry('measured', { weights: { path: 'model.onnx' }, reported: { AP: 25, source: 'x' } }),
  entry('hidden', { weights: { path: 'model.onnx' }, hidden: true }),
  entry('shapes', { weights: { path: 'model.onnx' }, classes: ['red-circle', 'blue-square'] }),
];
const coco = COCO80.map((c) => ({ id: c.id, name: c.name }));

describe('awaiting rows', () => {
  it('list every visible model that belongs on the dataset and has no result, reported AP first', () => {
    const rows = awaitingRows(models, new Set(['measured']), coco, (m) =>
      m === 'pinned' ? '/model/x/pinned/' : null,
    );
    expect(rows.map((r) => [r.key, r.status, r.reported, r.href])).toEqual([
      ['exported', 'awaiting-export', 41.2, null],
      ['pinned', 'awaiting-benchmark', 30.5, '/model/x/pinned/'],
      ['silent', 'awaiting-export', null, null],
    ]);
    expect(rows[0]).toMatchObject({
      reportedAP50: 58,
      source: 'https://example.org/readme',
      params: 3_000_000,
    });
  });

  it('leave out models whose classes the dataset does not name', () => {
    const shapes = [
      { id: 1, name: 'red-circle' },
      { id: 2, name: 'blue-square' },
    ];
    expect(awaitingRows(models, new Set(), shapes, () => null).map((r) => r.key)).toEqual(['shapes']);
  });

  it('filter by status, search, family and licence, and drop out when a device is asked for', () => {
    const rows = awaitingRows(models, new Set(['measured']), coco, () => null);
    const view = (q: string) => parseView(q);
    expect(rows.filter((r) => matchesAwaiting(r, view('?status=awaiting-export'))).map((r) => r.key)).toEqual(
      ['exported', 'silent'],
    );
    expect(rows.filter((r) => matchesAwaiting(r, view('?status=measured'))).length).toBe(0);
    expect(rows.filter((r) => matchesAwaiting(r, view('?q=pin'))).map((r) => r.key)).toEqual(['pinned']);
    expect(rows.filter((r) => matchesAwaiting(r, view('?pmin=1'))).map((r) => r.key)).toEqual(['exported']);
    expect(rows.filter((r) => matchesAwaiting(r, view('?device=cpu'))).length).toBe(0);
    expect(serializeView({ ...defaultView(), status: ['awaiting-benchmark'] })).toBe(
      '?status=awaiting-benchmark',
    );

    // Ranked rows answer to the same status filter.
    const ranked = buildBoard([summaryWith('m', { AP: 0.4 })], new Map([['m', info('m')]]), () => '/m/');
    expect(applyView(ranked, view('?status=measured')).length).toBe(1);
    expect(ranked.filter((r) => matches(r, view('?status=awaiting-export'))).length).toBe(0);
  });
});
